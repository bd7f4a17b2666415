namespace CaptureChain.Capture.Scanners.Worker;

/// <summary>
/// The worker end of <see cref="ScannerWorkerProtocol"/>: runs one request against a driver in this process and
/// writes the answer. Hosted by <c>capturechain scanner-worker</c>, so a backend that crashes or wedges takes down the
/// worker, never the capture service. A scan stops when the parent sends a cancel record, closes the command stream,
/// or the worker is cancelled (SIGTERM, Ctrl+C); the end record is written in every case the stream allows.
/// </summary>
public static class ScannerWorker
{
    /// <summary>
    /// The process's original standard output, as a stream for the protocol; descriptor 1 then points at stderr, so
    /// what a backend prints there cannot corrupt the page stream. Call once, before anything writes to stdout.
    /// </summary>
    public static Stream TakeStandardOutput() => new FileStream(Interop.Libc.TakeStandardOutput(), FileAccess.Write, 1 << 16);

    /// <summary>
    /// Runs <paramref name="request"/> with the driver <paramref name="startDriver"/> makes (SANE in the worker); 0 when
    /// the answer was written (whatever the scan's end), 1 when the parent went away, 3 when the driver cannot start.
    /// </summary>
    public static async Task<int> RunAsync(Func<IScannerDriver> startDriver, ScannerWorkerRequest request, Stream commands, Stream output,
        TextWriter diagnostics, CancellationToken ct)
    {
        IScannerDriver driver;
        try
        {
            await ScannerWorkerProtocol.WriteMagicAsync(output, ct).ConfigureAwait(false);
            try { driver = startDriver(); }
            catch (Exception e) when (e is SaneCallException or InvalidOperationException or DllNotFoundException or EntryPointNotFoundException or IOException)
            {
                await diagnostics.WriteLineAsync($"scanner worker: the scanner library cannot start: {e.Message}").ConfigureAwait(false);
                if (request.Action != ScannerWorkerAction.List)
                    await ScannerWorkerProtocol.WriteAsync(output, new WorkerUnavailable($"the scanner library cannot start: {e.Message}"), ct)
                        .ConfigureAwait(false);
                return 3;
            }
        }
        catch (IOException e)
        {
            await diagnostics.WriteLineAsync($"scanner worker: output closed ({e.Message})").ConfigureAwait(false);
            return 1;
        }
        try
        {
            return await RunAsync(driver, request, commands, output, diagnostics, ct).ConfigureAwait(false);
        }
        finally
        {
            (driver as IDisposable)?.Dispose();
        }
    }

    /// <summary>Runs <paramref name="request"/> against <paramref name="driver"/> (magic already written); see the other overload.</summary>
    internal static async Task<int> RunAsync(IScannerDriver driver, ScannerWorkerRequest request, Stream commands, Stream output,
        TextWriter diagnostics, CancellationToken ct)
    {
        try
        {
            if (request.Action == ScannerWorkerAction.List)
            {
                var devices = await driver.ListDevicesAsync(ct).ConfigureAwait(false);
                await ScannerWorkerProtocol.WriteAsync(output, new WorkerDevices(devices), ct).ConfigureAwait(false);
                return 0;
            }

            IScanner scanner;
            try { scanner = await OpenAsync(driver, request, ct).ConfigureAwait(false); }
            catch (ScannerUnavailableException e)
            {
                // The parent names the device itself: send only why.
                var prefix = $"Scanner {e.DeviceId}: ";
                var why = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
                await ScannerWorkerProtocol.WriteAsync(output, new WorkerUnavailable(why), ct).ConfigureAwait(false);
                return 0;
            }
            catch (ArgumentException e)
            {
                // Backend options that ScanSettings controls (resolution, mode...): the request cannot be honoured.
                await ScannerWorkerProtocol.WriteAsync(output, new WorkerUnavailable(e.Message), ct).ConfigureAwait(false);
                return 0;
            }
            await using (scanner.ConfigureAwait(false))
            {
                var capabilities = await scanner.GetCapabilitiesAsync(ct).ConfigureAwait(false);
                await ScannerWorkerProtocol.WriteAsync(output, new WorkerOpened(scanner.Device, capabilities), ct).ConfigureAwait(false);
                if (request.Action == ScannerWorkerAction.Open) return 0;
                return await ScanAsync(scanner, request.Settings ?? ScanSettings.Default, commands, output, diagnostics, ct).ConfigureAwait(false);
            }
        }
        catch (IOException e)
        {
            // The parent closed its end: nobody is left to read an answer.
            await diagnostics.WriteLineAsync($"scanner worker: output closed ({e.Message})").ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<IScanner> OpenAsync(IScannerDriver driver, ScannerWorkerRequest request, CancellationToken ct) =>
        driver is SaneDriver sane && request.BackendOptions is { Count: > 0 } options
            ? await sane.OpenAsync(request.DeviceId!, options, ct).ConfigureAwait(false)
            : await driver.OpenAsync(request.DeviceId!, ct).ConfigureAwait(false);

    private static async Task<int> ScanAsync(IScanner scanner, ScanSettings settings, Stream commands, Stream output, TextWriter diagnostics,
        CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // A cancel record, the end of the command stream (parent closed it or died) or a broken stream all stop the scan.
        var listening = Task.Run(async () =>
        {
            try
            {
                while (await ScannerWorkerProtocol.ReadAsync(commands, stop.Token).ConfigureAwait(false) is { } record)
                    if (record is WorkerCancel) break;
            }
            catch (Exception e) when (e is IOException or ScannerWorkerProtocolException or OperationCanceledException) { }
            stop.Cancel();
        }, CancellationToken.None);

        var session = scanner.Scan(settings, stop.Token);
        var outputBroken = false;
        await foreach (var page in session.ConfigureAwait(false))
        {
            using (page.Image)
            {
                if (outputBroken) continue;
                try
                {
                    await ScannerWorkerProtocol.WriteAsync(output, ScannerWorkerProtocol.PageRecord(page), CancellationToken.None).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    outputBroken = true;
                    stop.Cancel();
                }
            }
        }
        var end = session.End!;
        await diagnostics.WriteLineAsync($"scanner worker: {scanner.Device.Id} ended {end.Code} after {end.PagesDelivered} page(s): {end.Message}")
            .ConfigureAwait(false);
        if (outputBroken) return 1;
        await ScannerWorkerProtocol.WriteAsync(output, new WorkerEnd(end), CancellationToken.None).ConfigureAwait(false);
        // The listener may sit in a read of stdin that cannot be interrupted: the process ends without waiting for it.
        stop.Cancel();
        _ = listening;
        return 0;
    }
}
