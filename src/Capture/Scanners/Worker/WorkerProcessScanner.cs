namespace CaptureChain.Capture.Scanners.Worker;

/// <summary>
/// SANE scanners reached through worker processes (<c>capturechain scanner-worker</c>): each list, open and scan runs
/// libsane in a process of its own, so a backend that crashes, deadlocks (Debian's <c>sanei_thread</c>) or leaks
/// takes down only its worker. Ids are SANE's (<c>test:0</c>, <c>epson2:net:…</c>).
/// </summary>
public sealed class WorkerProcessDriver(WorkerProcessOptions options) : IScannerDriver
{
    /// <summary>SANE names: anything not claimed by another driver (<c>escl:</c>, <c>twain:</c>).</summary>
    public bool Recognises(string deviceId) =>
        !string.IsNullOrWhiteSpace(deviceId) && deviceId.Contains(':')
        && !deviceId.StartsWith(ScannerIds.EsclPrefix, StringComparison.Ordinal) && !deviceId.StartsWith(ScannerIds.TwainPrefix, StringComparison.Ordinal);

    public async Task<IReadOnlyList<ScannerDevice>> ListDevicesAsync(CancellationToken cancellationToken) =>
        await AskAsync(options, new ScannerWorkerRequest(ScannerWorkerAction.List), cancellationToken).ConfigureAwait(false) switch
        {
            WorkerDevices d => d.Devices,
            var other => throw new InvalidOperationException($"scanner worker answered {other?.GetType().Name ?? "nothing"} to a device list"),
        };

    public async Task<IScanner> OpenAsync(string deviceId, CancellationToken cancellationToken)
    {
        WorkerRecord? answer;
        try { answer = await AskAsync(options, new ScannerWorkerRequest(ScannerWorkerAction.Open, deviceId), cancellationToken).ConfigureAwait(false); }
        catch (InvalidOperationException e) { throw new ScannerUnavailableException(deviceId, e.Message, e); }
        return answer switch
        {
            WorkerOpened o => new WorkerProcessScanner(options, o.Device, o.Capabilities),
            WorkerUnavailable u => throw new ScannerUnavailableException(deviceId, u.Message),
            _ => throw new ScannerUnavailableException(deviceId, "the scanner worker gave no answer"),
        };
    }

    /// <summary>Runs a worker for a one-answer request (list, open) and returns its first record.</summary>
    internal static async Task<WorkerRecord?> AskAsync(WorkerProcessOptions options, ScannerWorkerRequest request, CancellationToken ct)
    {
        await using var worker = ScannerWorkerProcess.Start(options, request);
        worker.CloseInput();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(options.Start);
        try
        {
            if (await worker.Records.WaitToReadAsync(limit.Token).ConfigureAwait(false) && worker.Records.TryRead(out var record))
            {
                await worker.WaitForExitAsync(options.Grace).ConfigureAwait(false);
                return record;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new InvalidOperationException($"scanner worker gave no answer within {options.Start.TotalSeconds:F0} s");
        }
        catch (ScannerWorkerProtocolException e)
        {
            throw new InvalidOperationException($"scanner worker output is not the protocol: {e.Message}", e);
        }
        await worker.WaitForExitAsync(options.Grace).ConfigureAwait(false);
        throw new InvalidOperationException($"scanner worker ended without an answer ({worker.DescribeExit()})");
    }
}

/// <summary>
/// A scanner whose batches run in a worker process. To the rest of the code it is an ordinary <see cref="IScanner"/>:
/// pages stream as the worker sends them and the session ends with the worker's own <see cref="ScanEnd"/>. A worker
/// that dies ends the batch <c>device_gone</c>; one that stays silent longer than
/// <see cref="WorkerProcessOptions.PageTimeout"/> is killed and ends it the same way. Cancelling sends the worker a
/// cancel record (it finishes the page in the feeder and calls <c>sane_cancel</c>), then SIGTERM, then kill, each
/// after <see cref="WorkerProcessOptions.CancelGrace"/>. In every case the pages already received stay delivered.
/// </summary>
public sealed class WorkerProcessScanner : IScanner
{
    private readonly WorkerProcessOptions _options;
    private ScannerCapabilities? _capabilities;
    private int _scanning;
    private int _workerId;

    /// <summary>A scanner for <paramref name="device"/>; capabilities, when not given, are asked of a worker.</summary>
    public WorkerProcessScanner(WorkerProcessOptions options, ScannerDevice device, ScannerCapabilities? capabilities = null)
    {
        _options = options;
        Device = device;
        _capabilities = capabilities;
    }

    public ScannerDevice Device { get; }

    /// <summary>Process id of the worker running the current batch, or null (for diagnostics and tests).</summary>
    public int? CurrentWorkerId => Volatile.Read(ref _workerId) is var id and > 0 ? id : null;

    public async Task<ScannerCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken)
    {
        if (_capabilities is { } known) return known;
        var answer = await WorkerProcessDriver.AskAsync(_options, new ScannerWorkerRequest(ScannerWorkerAction.Open, Device.Id), cancellationToken)
            .ConfigureAwait(false);
        return _capabilities = answer is WorkerOpened o ? o.Capabilities
            : throw new ScannerUnavailableException(Device.Id, answer is WorkerUnavailable u ? u.Message : "the scanner worker gave no answer");
    }

    public ScanSession Scan(ScanSettings settings, CancellationToken cancellationToken = default) =>
        new(Device.Id, settings, (sink, token) => RunBatchAsync(settings, sink, token), cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask; // each batch's worker is gone when its session ends

    private async Task<ScanStop> RunBatchAsync(ScanSettings settings, ScanPageSink sink, CancellationToken token)
    {
        if (Interlocked.Exchange(ref _scanning, 1) != 0) return new ScanStop(ScanEndReason.Busy, "this scanner is already scanning a batch");
        try
        {
            ScannerWorkerProcess worker;
            try { worker = ScannerWorkerProcess.Start(_options, new ScannerWorkerRequest(ScannerWorkerAction.Scan, Device.Id, settings)); }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                return new ScanStop(ScanEndReason.DeviceError, $"the scanner worker could not start: {e.Message}");
            }
            await using (worker.ConfigureAwait(false))
            {
                Volatile.Write(ref _workerId, worker.Id);
                return await WatchAsync(worker, sink, token).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _workerId, 0);
            Volatile.Write(ref _scanning, 0);
        }
    }

    private static TimeSpan Now() => TimeSpan.FromMilliseconds(Environment.TickCount64);

    /// <summary>Passes the worker's pages on and decides how the batch ended, whatever the worker does.</summary>
    private async Task<ScanStop> WatchAsync(ScannerWorkerProcess worker, ScanPageSink sink, CancellationToken token)
    {
        var opened = false;
        var pages = 0;
        var cancelSent = false;
        var terminated = false;
        // Monotonic clock: a wall-clock change must not kill a healthy worker.
        var deadline = Now() + _options.Start;
        while (true)
        {
            bool more;
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancelSent ? CancellationToken.None : token))
            {
                var remaining = deadline - Now();
                if (remaining > TimeSpan.Zero) wait.CancelAfter(remaining);
                else wait.Cancel();
                try { more = await worker.Records.WaitToReadAsync(wait.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!cancelSent && token.IsCancellationRequested)
                {
                    // Cancelled by the consumer: ask the worker to stop, then give it time to end its batch cleanly.
                    await worker.SendCancelAsync().ConfigureAwait(false);
                    cancelSent = true;
                    deadline = Now() + _options.Grace;
                    continue;
                }
                catch (OperationCanceledException) when (cancelSent)
                {
                    if (!terminated)
                    {
                        worker.Terminate();
                        terminated = true;
                        deadline = Now() + _options.Grace;
                        continue;
                    }
                    worker.Kill();
                    return ScanStop.Cancelled($"scan cancelled; the scanner worker did not stop and was killed after {pages} page(s)");
                }
                catch (OperationCanceledException)
                {
                    worker.Kill();
                    var silence = opened ? _options.Page : _options.Start;
                    return new ScanStop(ScanEndReason.DeviceGone,
                        $"the scanner gave nothing for {silence.TotalSeconds:F0} s {(opened ? $"after page {pages}" : "while opening")}; its worker was stopped");
                }
                catch (ScannerWorkerProtocolException e)
                {
                    // A record cut short by the worker's death is a dead worker, not a protocol fault.
                    if (await worker.WaitForExitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false))
                        return cancelSent
                            ? ScanStop.Cancelled($"scan cancelled after {pages} page(s) ({worker.DescribeExit()})")
                            : new ScanStop(ScanEndReason.DeviceGone,
                                $"the scanner worker ended without a final report after page {pages}, in the middle of a record ({worker.DescribeExit()})");
                    worker.Kill();
                    return new ScanStop(ScanEndReason.DeviceError, $"scanner worker output is not the protocol after page {pages}: {e.Message}");
                }
            }

            if (!more)
            {
                await worker.WaitForExitAsync(_options.Grace).ConfigureAwait(false);
                return cancelSent
                    ? ScanStop.Cancelled($"scan cancelled after {pages} page(s) ({worker.DescribeExit()})")
                    : new ScanStop(ScanEndReason.DeviceGone, $"the scanner worker ended without a final report after page {pages} ({worker.DescribeExit()})");
            }
            if (!worker.Records.TryRead(out var record)) continue;
            switch (record)
            {
                case WorkerOpened:
                    opened = true;
                    if (!cancelSent) deadline = Now() + _options.Page;
                    break;
                case WorkerUnavailable u:
                    return new ScanStop(ScanEndReason.DeviceGone, $"the scanner could not be opened: {u.Message}");
                case WorkerPage p:
                    Ocr.Imaging.PageImage image;
                    try { image = p.Decode(); }
                    catch (ScannerWorkerProtocolException e)
                    {
                        worker.Kill();
                        return new ScanStop(ScanEndReason.DeviceError, $"scanner worker sent a bad page: {e.Message}");
                    }
                    pages++;
                    if (!sink.Deliver(image) && !cancelSent)
                    {
                        // The consumer stopped taking pages: same as a cancel.
                        await worker.SendCancelAsync().ConfigureAwait(false);
                        cancelSent = true;
                        deadline = Now() + _options.Grace;
                    }
                    else if (!cancelSent) deadline = Now() + _options.Page;
                    break;
                case WorkerEnd e:
                    worker.CloseInput();
                    if (!await worker.WaitForExitAsync(_options.Grace).ConfigureAwait(false)) worker.Kill();
                    return new ScanStop(e.End.Reason, e.End.Message);
                default:
                    worker.Kill();
                    return new ScanStop(ScanEndReason.DeviceError, $"scanner worker sent an unexpected {record.GetType().Name} record");
            }
        }
    }
}
