namespace CaptureChain.Capture.Scanners;

/// <summary>How the eSCL driver talks to devices.</summary>
/// <param name="Endpoints">
/// eSCL roots to offer in the device list (e.g. <c>http://192.0.2.10/eSCL</c>). Discovery by mDNS
/// (<c>_uscan._tcp</c>) is not implemented: devices are configured, or opened directly by id.
/// </param>
/// <param name="RetryDelay">Wait between retries when the device answers 503 or says it is busy.</param>
/// <param name="MaxRetries">Retries of one request before the batch ends <c>busy</c>.</param>
/// <param name="RequestTimeout">Longest wait for one answer (a page can take a while to scan).</param>
public sealed record EsclOptions(
    IReadOnlyList<Uri>? Endpoints = null,
    TimeSpan? RetryDelay = null,
    int MaxRetries = 30,
    TimeSpan? RequestTimeout = null)
{
    internal TimeSpan Delay => RetryDelay ?? TimeSpan.FromSeconds(1);
    internal TimeSpan Timeout => RequestTimeout ?? TimeSpan.FromSeconds(120);
}

/// <summary>
/// Network scanners speaking eSCL (AirScan / Mopria) over HTTP. Ids are <c>escl:</c> followed by the eSCL root URL.
/// </summary>
public sealed class EsclDriver : IScannerDriver
{
    private readonly HttpClient _http;
    private readonly EsclOptions _options;

    /// <summary>
    /// Uses <paramref name="http"/> for every request; give it <see cref="Timeout.InfiniteTimeSpan"/> as timeout, the
    /// driver applies <see cref="EsclOptions.RequestTimeout"/> per request.
    /// </summary>
    public EsclDriver(HttpClient http, EsclOptions? options = null)
    {
        _http = http;
        _options = options ?? new EsclOptions();
    }

    public bool Recognises(string deviceId) => deviceId.StartsWith(ScannerIds.EsclPrefix, StringComparison.Ordinal);

    /// <summary>The id of the eSCL root <paramref name="root"/>.</summary>
    public static string IdOf(Uri root) => ScannerIds.EsclPrefix + root.AbsoluteUri.TrimEnd('/');

    /// <summary>The configured endpoints that answer with capabilities now.</summary>
    public async Task<IReadOnlyList<ScannerDevice>> ListDevicesAsync(CancellationToken cancellationToken)
    {
        var devices = new List<ScannerDevice>();
        foreach (var endpoint in _options.Endpoints ?? [])
        {
            try
            {
                await using var scanner = (EsclScanner)await OpenAsync(IdOf(endpoint), cancellationToken).ConfigureAwait(false);
                devices.Add(scanner.Device);
            }
            catch (ScannerUnavailableException) { /* switched off or unreachable: not listed */ }
        }
        return devices;
    }

    public async Task<IScanner> OpenAsync(string deviceId, CancellationToken cancellationToken)
    {
        if (!Recognises(deviceId) || !Uri.TryCreate(deviceId[ScannerIds.EsclPrefix.Length..], UriKind.Absolute, out var root)
            || root.Scheme is not ("http" or "https"))
            throw new ScannerUnavailableException(deviceId, "not an eSCL id (escl:http://host:port/eSCL)");
        var scanner = new EsclScanner(_http, _options, deviceId, new Uri(root.AbsoluteUri.TrimEnd('/') + "/"));
        await scanner.LoadCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        return scanner;
    }
}
