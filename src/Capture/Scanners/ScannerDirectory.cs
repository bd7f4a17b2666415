namespace CaptureChain.Capture.Scanners;

/// <summary>The id forms of each driver.</summary>
public static class ScannerIds
{
    /// <summary>eSCL ids: <c>escl:</c> followed by the eSCL root, e.g. <c>escl:http://192.0.2.10:80/eSCL</c>.</summary>
    public const string EsclPrefix = "escl:";
    /// <summary>TWAIN ids: <c>twain:</c> followed by the source's product name.</summary>
    public const string TwainPrefix = "twain:";
}

/// <summary>
/// All configured drivers behind one id space: lists every device and opens an id with the driver whose form it has
/// (<c>escl:</c>, <c>twain:</c>, else SANE). This is what <c>scan --device ID</c> resolves against.
/// </summary>
public sealed class ScannerDirectory(IEnumerable<IScannerDriver> drivers)
{
    private readonly IReadOnlyList<IScannerDriver> _drivers = drivers.ToList();

    /// <summary>Devices of every driver; a driver that fails to list is skipped (its devices are simply not there).</summary>
    public async Task<IReadOnlyList<ScannerDevice>> ListDevicesAsync(CancellationToken cancellationToken)
    {
        var all = new List<ScannerDevice>();
        foreach (var driver in _drivers)
        {
            try { all.AddRange(await driver.ListDevicesAsync(cancellationToken).ConfigureAwait(false)); }
            catch (Exception e) when (e is not OperationCanceledException) { /* driver unavailable on this machine */ }
        }
        return all;
    }

    /// <summary>Opens <paramref name="deviceId"/> with the driver that recognises it.</summary>
    public Task<IScanner> OpenAsync(string deviceId, CancellationToken cancellationToken)
    {
        var driver = _drivers.FirstOrDefault(d => d.Recognises(deviceId))
            ?? throw new ScannerUnavailableException(deviceId, "no configured driver handles this id");
        return driver.OpenAsync(deviceId, cancellationToken);
    }
}
