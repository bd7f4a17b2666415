namespace CaptureChain.Capture.Scanners;

/// <summary>One way of reaching scanners (SANE, eSCL, TWAIN): lists the devices it sees and opens them.</summary>
public interface IScannerDriver
{
    /// <summary>The devices this driver can reach now.</summary>
    Task<IReadOnlyList<ScannerDevice>> ListDevicesAsync(CancellationToken cancellationToken);

    /// <summary>True when <paramref name="deviceId"/> is of this driver's form (it may still be absent).</summary>
    bool Recognises(string deviceId);

    /// <summary>Opens a device; throws <see cref="ScannerUnavailableException"/> when it is not there.</summary>
    Task<IScanner> OpenAsync(string deviceId, CancellationToken cancellationToken);
}

/// <summary>An opened scanner. Dispose it to release the device.</summary>
public interface IScanner : IAsyncDisposable
{
    /// <summary>Which device this is.</summary>
    ScannerDevice Device { get; }

    /// <summary>Sources, duplex, modes and resolutions the device offers.</summary>
    Task<ScannerCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Prepares one batch with <paramref name="settings"/>. Nothing happens until the session is enumerated; pages stream
    /// as they arrive and <see cref="ScanSession.End"/> says how the batch ended. One session at a time per scanner.
    /// </summary>
    ScanSession Scan(ScanSettings settings, CancellationToken cancellationToken = default);
}
