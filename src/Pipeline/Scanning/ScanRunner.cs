using CaptureChain.Capture.Scanners;
using CaptureChain.Pipeline.Records;

namespace CaptureChain.Pipeline.Scanning;

/// <summary>One scan to run: the device, the settings, the station's defaults and, optionally, its own inbox.</summary>
/// <param name="Inbox">Folder of the scan source files; null means <see cref="CaptureRun.ScansInbox"/>.</param>
public sealed record ScanRequest(string DeviceId, ScanSettings Settings, CaptureDefaults Defaults, string? Inbox = null);

/// <summary>
/// The scan action shared by <c>capturechain scan</c> and the service: opens the device through the scanner directory
/// (SANE devices in worker processes, eSCL over HTTP, TWAIN), runs one scan into the capture run as one batch, and
/// releases the device. Scans of different devices may run at once; one device runs one scan at a time.
/// </summary>
public sealed class ScanRunner(CaptureRun run, ScannerDirectory scanners)
{
    /// <summary>The devices every configured driver sees now.</summary>
    public Task<IReadOnlyList<ScannerDevice>> ListDevicesAsync(CancellationToken ct) => scanners.ListDevicesAsync(ct);

    /// <summary>
    /// Scans one batch. <paramref name="stopScanning"/> ends the scan (the operator's stop button): the pages already
    /// scanned are still processed and the report says <c>cancelled</c>. <paramref name="ct"/> aborts the batch itself
    /// (shutdown): the spooled pages wait for <see cref="RecoverAsync"/>. Throws <see cref="ScannerUnavailableException"/>
    /// when the device cannot be opened (no batch is started then).
    /// </summary>
    public async Task<ScanReport> RunAsync(ScanRequest request, IProgress<BatchProgress>? progress, CancellationToken stopScanning, CancellationToken ct)
    {
        var scanner = await scanners.OpenAsync(request.DeviceId, ct).ConfigureAwait(false);
        await using (scanner.ConfigureAwait(false))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopScanning, ct);
            var session = scanner.Scan(request.Settings, stop.Token);
            return await run.ProcessScanAsync(session, new ScanDescription(request.DeviceId, request.Settings, request.Inbox), request.Defaults,
                progress, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Finishes scans interrupted by a crash or shutdown (see <see cref="CaptureRun.RecoverScansAsync"/>).</summary>
    public Task<IReadOnlyList<ScanReport>> RecoverAsync(string? inbox, IProgress<BatchProgress>? progress, CancellationToken ct) =>
        run.RecoverScansAsync(inbox, progress, ct);
}
