using CaptureChain.Capture.Interop;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Scanners;

/// <summary>
/// An open SANE device. Every native call runs on the driver's SANE thread; a batch sets the options through their
/// descriptors, then loops <c>sane_start</c>/<c>sane_read</c> until the feeder reports no documents, and always ends
/// with <c>sane_cancel</c>.
/// </summary>
public sealed class SaneScanner : IScanner
{
    // Options this class sets itself from ScanSettings: backend options may not override them.
    internal static readonly string[] ControlledOptions = ["source", "mode", "depth", "resolution", "x-resolution", "y-resolution"];

    private const int ReadBufferSize = 64 * 1024;
    private readonly SaneDriver _driver;
    private readonly DedicatedThread _thread;
    private readonly SaneDeviceHandle _handle;
    private readonly SaneOptionSet _options;
    private readonly IReadOnlyDictionary<string, string> _backendOptions;
    private int _disposed;

    internal SaneScanner(SaneDriver driver, DedicatedThread thread, ScannerDevice device, SaneDeviceHandle handle,
        IReadOnlyDictionary<string, string> backendOptions)
    {
        _driver = driver;
        _thread = thread;
        Device = device;
        _handle = handle;
        _backendOptions = backendOptions;
        _options = new SaneOptionSet(handle); // constructed on the SANE thread by the driver
    }

    public ScannerDevice Device { get; }

    public Task<ScannerCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _thread.InvokeAsync(() => { _options.Reload(); return ReadCapabilities(); });
    }

    public ScanSession Scan(ScanSettings settings, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return new ScanSession(Device.Id, settings, (sink, token) => _thread.InvokeAsync(() => RunBatch(settings, sink, token)), cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return ValueTask.CompletedTask;
        _driver.Forget(this);
        return new ValueTask(_thread.InvokeAsync(() => { _handle.Dispose(); return true; }));
    }

    /// <summary>Closes the handle from the SANE thread during driver shutdown.</summary>
    internal void CloseOnSaneThread()
    {
        Interlocked.Exchange(ref _disposed, 1);
        _handle.Dispose();
    }

    private ScannerCapabilities ReadCapabilities()
    {
        var sources = new List<ScanSource>();
        var duplex = false;
        if (_options.Find("source") is { Strings.Count: > 0 } source)
        {
            foreach (var entry in source.Strings)
            {
                var (kind, isDuplex) = ClassifySource(entry);
                if (kind is { } k && !sources.Contains(k)) sources.Add(k);
                duplex |= isDuplex;
            }
        }
        if (sources.Count == 0) sources.Add(ScanSource.Flatbed); // no source option: the device has only its default
        duplex |= DuplexSwitch() is not null;

        var modes = new List<ColourMode>();
        if (_options.Find("mode") is { Strings.Count: > 0 } mode)
        {
            if (mode.Strings.Any(s => ClassifyMode(s) == ColourMode.Colour)) modes.Add(ColourMode.Colour);
            if (mode.Strings.Any(s => ClassifyMode(s) == ColourMode.Grey)) modes.Add(ColourMode.Grey);
            if (mode.Strings.Any(s => ClassifyMode(s) == ColourMode.Bitonal) || modes.Contains(ColourMode.Grey)) modes.Add(ColourMode.Bitonal);
        }
        else modes.AddRange([ColourMode.Grey, ColourMode.Bitonal]); // whatever comes is converted in software

        return new ScannerCapabilities(sources, duplex, modes, ReadResolutions());
    }

    private ResolutionSupport ReadResolutions()
    {
        if (_options.Find("resolution", "x-resolution") is not { } r) return ResolutionSupport.Of();
        if (r.Words.Count > 0) return ResolutionSupport.Of(r.Words.Select(w => (int)Math.Round(r.FromWord(w))).Distinct().ToArray());
        if (r.Range is { } range)
            return ResolutionSupport.Range((int)Math.Ceiling(r.FromWord(range.Min)), (int)Math.Floor(r.FromWord(range.Max)),
                range.Quant == 0 ? 0 : Math.Max(1, (int)Math.Round(r.FromWord(range.Quant))));
        return ResolutionSupport.Range(1, int.MaxValue, 0);
    }

    // ---- The batch (runs on the SANE thread) ----

    /// <summary>
    /// How long a <c>sane_read</c> may stay blocked after cancellation before <c>sane_cancel</c> is called from another
    /// thread to interrupt it. Cancellation is otherwise acted on by the SANE thread itself, at page boundaries and
    /// whenever a read returns: backends built on sanei_thread cancel their reader thread asynchronously, and a
    /// cancel that lands while that thread is still starting (inside malloc) deadlocks the process; observed with
    /// SANE's test backend. A device that delivers nothing at all is still interrupted after this delay.
    /// </summary>
    public TimeSpan CancelEscalation { get; set; } = TimeSpan.FromSeconds(5);

    private readonly object _readGate = new();
    private bool _batchActive;
    private bool _inRead;
    private long _readStartedAt;

    private ScanStop RunBatch(ScanSettings settings, ScanPageSink sink, CancellationToken token)
    {
        if (Volatile.Read(ref _disposed) != 0) return new ScanStop(ScanEndReason.DeviceGone, "scanner closed");
        try
        {
            _options.Reload();
            if (ApplySettings(settings) is { } refusal) return new ScanStop(ScanEndReason.UnsupportedSettings, refusal);
            foreach (var (name, value) in _backendOptions)
                if (_options.SetFromText(name, value) is { } problem) return new ScanStop(ScanEndReason.UnsupportedSettings, problem);
        }
        catch (SaneCallException e)
        {
            // Reading options failed: typically a device unplugged since it was opened.
            return Stop(e.Status, "set options", CancellationToken.None) with { Message = e.Message };
        }

        using var batchDone = new CancellationTokenSource();
        lock (_readGate) _batchActive = true;
        using var onCancel = token.Register(() => EscalateIfStuck(batchDone.Token));
        try
        {
            var pages = 0;
            while (true)
            {
                // Page boundary: the backend finished the previous frame (EOF), so cancelling here interrupts nothing.
                if (token.IsCancellationRequested) return ScanStop.Cancelled();
                var status = Sane.sane_start(_handle);
                if (status == SaneStatus.NoDocs)
                    return pages == 0 && settings.Source == ScanSource.Adf
                        ? new ScanStop(ScanEndReason.NoDocuments, "feeder empty")
                        : new ScanStop(ScanEndReason.Completed, $"feeder empty after {pages} page(s)");
                if (status != SaneStatus.Good) return Stop(status, "start", token);

                var frames = new List<SaneFrame>();
                while (true)
                {
                    var (frame, readStatus) = ReadFrame(token);
                    var during = $"read page {pages + 1}";
                    // A frame cut short by a cancel (some backends then report EOF instead of CANCELLED) is not a page.
                    if (token.IsCancellationRequested) return ScanStop.Cancelled($"scan cancelled during {during}");
                    if (frame is null) return Stop(readStatus, during, token);
                    frames.Add(frame);
                    if (frame.Parameters.LastFrame != 0) break;
                    // Three-pass scanners: the next frame of the same page starts with another sane_start.
                    status = Sane.sane_start(_handle);
                    if (status != SaneStatus.Good) return Stop(status, $"start frame {frames.Count + 1} of page {pages + 1}", token);
                }

                var image = SaneFrames.Assemble(frames, settings.Dpi, out var assembleProblem);
                if (image is null) return new ScanStop(ScanEndReason.DeviceError, $"page {pages + 1}: {assembleProblem}");
                image = ScanImages.Conform(image, settings.Mode, settings.Dpi);
                if (!sink.Deliver(image)) return ScanStop.Cancelled();
                pages++;
                if (settings.Source == ScanSource.Flatbed) return new ScanStop(ScanEndReason.Completed, "flatbed page read");
            }
        }
        finally
        {
            lock (_readGate) _batchActive = false;
            batchDone.Cancel();
            // Ends the batch in every case (SANE requires it before another sane_start or sane_close).
            Sane.sane_cancel(_handle);
        }
    }

    /// <summary>
    /// Reads one frame to EOF. Cancellation is honoured only once the frame has started to deliver data (see
    /// <see cref="CancelEscalation"/>), or after that delay when nothing comes.
    /// </summary>
    private unsafe (SaneFrame? Frame, SaneStatus Status) ReadFrame(CancellationToken token)
    {
        var status = Sane.sane_get_parameters(_handle, out var parameters);
        if (status != SaneStatus.Good) return (null, status);
        // With a select fd the thread waits in poll() and keeps control; without, sane_read blocks.
        var selectable = Sane.sane_get_select_fd(_handle, out var fd) == SaneStatus.Good && fd >= 0;
        var expected = parameters.Lines > 0 ? (long)parameters.Lines * parameters.BytesPerLine : ReadBufferSize;
        using var data = new MemoryStream((int)Math.Clamp(expected, 0, 256L * 1024 * 1024));
        var buffer = new byte[ReadBufferSize];
        long cancelSeenAt = 0;
        fixed (byte* p = buffer)
        {
            while (true)
            {
                if (token.IsCancellationRequested)
                {
                    if (data.Length > 0) return (null, SaneStatus.Cancelled);
                    if (cancelSeenAt == 0) cancelSeenAt = System.Diagnostics.Stopwatch.GetTimestamp();
                    else if (System.Diagnostics.Stopwatch.GetElapsedTime(cancelSeenAt) >= CancelEscalation) return (null, SaneStatus.Cancelled);
                }
                if (selectable && !Sane.WaitReadable(fd, 100)) continue;
                lock (_readGate) { _inRead = true; _readStartedAt = System.Diagnostics.Stopwatch.GetTimestamp(); }
                status = Sane.sane_read(_handle, p, buffer.Length, out var length);
                lock (_readGate) _inRead = false;
                if (status == SaneStatus.Eof) break;
                if (status != SaneStatus.Good) return (null, status);
                data.Write(buffer, 0, length);
            }
        }
        return (new SaneFrame(parameters, data.ToArray()), SaneStatus.Good);
    }

    /// <summary>
    /// After cancellation, watches for a <c>sane_read</c> blocked longer than <see cref="CancelEscalation"/> and then
    /// calls <c>sane_cancel</c> from this other thread, the one call SANE allows there. Under the read gate, so the
    /// cancel only ever overlaps a blocked read, never another SANE call.
    /// </summary>
    private void EscalateIfStuck(CancellationToken batchDone)
    {
        var step = TimeSpan.FromTicks(Math.Max(CancelEscalation.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks));
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(step, batchDone).ConfigureAwait(false);
                    lock (_readGate)
                    {
                        if (!_batchActive) return;
                        if (_inRead && System.Diagnostics.Stopwatch.GetElapsedTime(_readStartedAt) >= CancelEscalation)
                        {
                            CancelFromOtherThread();
                            return;
                        }
                    }
                }
            }
            catch (OperationCanceledException) { /* the batch ended on its own */ }
        }, CancellationToken.None);
    }

    /// <summary>How many times <see cref="EscalateIfStuck"/> had to cancel from another thread (for tests).</summary>
    internal int CrossThreadCancels { get; private set; }

    private void CancelFromOtherThread()
    {
        CrossThreadCancels++;
        try { Sane.sane_cancel(_handle); }
        catch (ObjectDisposedException) { } // closed meanwhile: nothing left to cancel
    }

    private static ScanStop Stop(SaneStatus status, string during, CancellationToken token)
    {
        var what = $"{during}: {Sane.Describe(status)}";
        return status switch
        {
            SaneStatus.Cancelled => ScanStop.Cancelled(token.IsCancellationRequested ? $"scan cancelled during {during}" : $"cancelled by the device ({during})"),
            _ when token.IsCancellationRequested => ScanStop.Cancelled(),
            SaneStatus.Jammed => new ScanStop(ScanEndReason.Jammed, what),
            SaneStatus.CoverOpen => new ScanStop(ScanEndReason.CoverOpen, what),
            SaneStatus.DeviceBusy => new ScanStop(ScanEndReason.Busy, what),
            SaneStatus.NoDocs => new ScanStop(ScanEndReason.Completed, what),
            SaneStatus.IoError => new ScanStop(ScanEndReason.DeviceGone, what),
            _ => new ScanStop(ScanEndReason.DeviceError, what),
        };
    }

    // ---- Settings ----

    /// <summary>Sets source, mode, depth and resolution; null when done, else why the device cannot.</summary>
    private string? ApplySettings(ScanSettings settings)
    {
        if (settings.Dpi < 1) return $"{settings.Dpi} dpi is not a resolution";
        if (settings.Duplex && settings.Source != ScanSource.Adf) return "duplex needs the document feeder";

        // Source first: on many backends it changes the geometry and the resolution list.
        var source = _options.Find("source");
        if (source is { IsSettable: true, Strings.Count: > 0 })
        {
            var entry = PickSource(source.Strings, settings.Source, settings.Duplex && DuplexSwitch() is null);
            if (entry is null) return $"source {settings.Source}{(settings.Duplex ? " duplex" : "")} not offered (device has: {string.Join(", ", source.Strings)})";
            if (_options.SetString(source, entry) != SaneStatus.Good) return $"source {entry} refused";
        }
        else if (settings.Source == ScanSource.Adf) return "the device has no document feeder";
        if (settings.Duplex)
        {
            if (DuplexSwitch() is { } sw)
            {
                var status = sw.Type == Sane.TypeBool ? _options.SetWord(sw, 1) : _options.SetString(sw, sw.Strings.First(IsDuplexWord));
                if (status != SaneStatus.Good) return "duplex refused";
            }
            else if (!(_options.Find("source") is { } s && IsDuplexWord(Current(s)))) return "the device cannot scan duplex";
        }

        // Mode, then depth: line-art if the device has it, else grey at 1 bit, else grey thresholded in software.
        if (_options.Find("mode") is { IsSettable: true, Strings.Count: > 0 } mode)
        {
            var wanted = settings.Mode;
            var entry = mode.Strings.FirstOrDefault(s => ClassifyMode(s) == wanted)
                ?? (wanted == ColourMode.Bitonal ? mode.Strings.FirstOrDefault(s => ClassifyMode(s) == ColourMode.Grey) : null);
            if (entry is null) return $"mode {wanted} not offered (device has: {string.Join(", ", mode.Strings)})";
            if (_options.SetString(mode, entry) != SaneStatus.Good) return $"mode {entry} refused";
            if (_options.Find("depth") is { IsSettable: true } depth)
            {
                var bits = wanted == ColourMode.Bitonal && ClassifyMode(entry) != ColourMode.Bitonal ? 1 : 8;
                if (depth.Admits(bits)) _options.SetWord(depth, bits);
                else if (bits == 1 && depth.Admits(8)) _options.SetWord(depth, 8);
            }
        }

        // Resolution last; SANE_Fixed (dpi << 16) or int, as the descriptor says.
        var resolutionOptions = _options.Find("resolution") is { } single ? new[] { single }
            : new[] { _options.Find("x-resolution"), _options.Find("y-resolution") }.OfType<SaneOption>().ToArray();
        if (resolutionOptions.Length == 0) return "the device has no resolution option";
        foreach (var name in resolutionOptions.Select(o => o.Name))
        {
            var option = _options.Find(name)!; // re-find: an earlier set may have reloaded the descriptors
            if (!option.IsSettable) return $"resolution option {name} cannot be set";
            var word = option.ToWord(settings.Dpi);
            if (!option.Admits(word)) return $"{settings.Dpi} dpi not offered";
            if (_options.SetWord(option, word) != SaneStatus.Good) return $"{settings.Dpi} dpi refused";
            option = _options.Find(name)!;
            // The page must carry the dpi it was scanned at: an inexact device value is a refusal, not a silent change.
            var actual = option.FromWord(_options.GetWord(option));
            if (Math.Abs(actual - settings.Dpi) > 0.01) return $"{settings.Dpi} dpi asked, device set {actual}";
        }
        return null;
    }

    private SaneOption? DuplexSwitch() =>
        _options.Find("duplex") is { Type: Sane.TypeBool } b ? b
        : _options.Find("adf-mode", "duplex-mode") is { Type: Sane.TypeString } s && s.Strings.Any(IsDuplexWord) ? s
        : null;

    private unsafe string Current(SaneOption option)
    {
        var buffer = new byte[Math.Max(option.Size, 1)];
        fixed (byte* p = buffer)
            if (Sane.sane_control_option(_handle, option.Index, Sane.ActionGetValue, p, out _) != SaneStatus.Good) return "";
        var end = Array.IndexOf(buffer, (byte)0);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }

    private static string? PickSource(IReadOnlyList<string> entries, ScanSource wanted, bool duplexBySource)
    {
        var candidates = entries.Where(e => ClassifySource(e).Kind == wanted).ToList();
        if (duplexBySource) return candidates.FirstOrDefault(e => ClassifySource(e).Duplex);
        // Simplex: the plain feeder, never the back side alone or the duplex entry.
        return candidates.FirstOrDefault(e => !ClassifySource(e).Duplex && !e.Contains("back", StringComparison.OrdinalIgnoreCase))
            ?? candidates.FirstOrDefault(e => !ClassifySource(e).Duplex);
    }

    internal static (ScanSource? Kind, bool Duplex) ClassifySource(string entry)
    {
        var s = entry.ToLowerInvariant();
        var duplex = IsDuplexWord(s);
        if (s.Contains("adf") || s.Contains("feeder") || s.Contains("automatic document") || duplex) return (ScanSource.Adf, duplex);
        if (s.Contains("flatbed") || s.Contains("platen") || s.Contains("glass") || s == "normal") return (ScanSource.Flatbed, false);
        return (null, false);
    }

    private static bool IsDuplexWord(string s) => s.Contains("duplex", StringComparison.OrdinalIgnoreCase);

    internal static ColourMode? ClassifyMode(string entry)
    {
        var s = entry.ToLowerInvariant();
        if (s.Contains("lineart") || s.Contains("line art") || s.Contains("binary") || s.Contains("black") || s.Contains("monochrome")) return ColourMode.Bitonal;
        if (s.Contains("gray") || s.Contains("grey")) return ColourMode.Grey;
        if (s.Contains("color") || s.Contains("colour")) return ColourMode.Colour;
        return null;
    }
}
