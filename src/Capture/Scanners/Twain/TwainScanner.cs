using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using CaptureChain.Capture.Interop;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Scanners;

/// <summary>
/// An open TWAIN source (state 4 between batches). A batch negotiates the capabilities, enables the source without
/// its user interface, waits for MSG_XFERREADY, then transfers each pending image in memory strips
/// (DAT_SETUPMEMXFER, DAT_IMAGEMEMXFER until TWRC_XFERDONE), ends each with MSG_ENDXFER and stops when the count of
/// pending transfers reaches 0; it leaves the source disabled again whatever happened.
/// </summary>
public sealed class TwainScanner : IScanner
{
    private readonly TwainDriver _driver;
    private readonly DedicatedThread _thread;
    private readonly TwainLink _link;
    private readonly BlockingCollection<ushort> _messages = new();
    private int _closed;

    internal TwainScanner(TwainDriver driver, DedicatedThread thread, TwainLink link, ScannerDevice device)
    {
        _driver = driver;
        _thread = thread;
        _link = link;
        Device = device;
        // TWAIN 2: the source reports MSG_XFERREADY and MSG_CLOSEDSREQ through this callback (not before MSG_ENABLEDS).
        if (link.RegisterCallback(TwainCallbacks.Address, link.SourceId) != TwainDsm.TWRC_SUCCESS)
            throw new ScannerUnavailableException(device.Id, "the source refused the TWAIN 2 callback (DAT_CALLBACK)");
        TwainCallbacks.Register(link.SourceId, _messages.Add);
    }

    public ScannerDevice Device { get; }

    /// <summary>The session's state machine: its <see cref="TwainStateMachine.History"/> shows every transition.</summary>
    public TwainStateMachine StateMachine => _link.Machine;

    /// <summary>Every triplet sent so far and its return code.</summary>
    public IReadOnlyList<string> TripletLog => _link.Log;

    public Task<ScannerCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken) => _thread.InvokeAsync(() =>
    {
        var sources = new List<ScanSource> { ScanSource.Flatbed };
        if (_link.GetCapability(TwainDsm.CAP_FEEDERENABLED) is not null) sources.Add(ScanSource.Adf);
        var duplex = _link.GetCapability(TwainDsm.CAP_DUPLEX) is { } d && d.Items.Any(v => v > 0);
        var modes = new List<ColourMode>();
        if (_link.GetCapability(TwainDsm.ICAP_PIXELTYPE) is { } pixelTypes)
        {
            if (pixelTypes.Items.Contains(TwainDsm.TWPT_RGB)) modes.Add(ColourMode.Colour);
            if (pixelTypes.Items.Contains(TwainDsm.TWPT_GRAY)) modes.Add(ColourMode.Grey);
            if (pixelTypes.Items.Contains(TwainDsm.TWPT_BW)) modes.Add(ColourMode.Bitonal);
        }
        var resolutions = _link.GetCapability(TwainDsm.ICAP_XRESOLUTION) switch
        {
            { Range: { } r } => ResolutionSupport.Range((int)r.Min, (int)r.Max, (int)r.Step),
            { Items.Count: > 0 } v => ResolutionSupport.Of(v.Items.Select(x => (int)x).Distinct().ToArray()),
            _ => ResolutionSupport.Of(),
        };
        return new ScannerCapabilities(sources, duplex, modes, resolutions);
    });

    public ScanSession Scan(ScanSettings settings, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
        return new ScanSession(Device.Id, settings, (sink, token) => _thread.InvokeAsync(() => RunBatch(settings, sink, token)), cancellationToken);
    }

    public ValueTask DisposeAsync() =>
        Volatile.Read(ref _closed) != 0 ? ValueTask.CompletedTask : new ValueTask(_thread.InvokeAsync(() => { CloseOnTwainThread(); return true; }));

    /// <summary>Back to state 3: disable if needed, close the source.</summary>
    internal void CloseOnTwainThread()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        LeaveEnabledStates();
        if (_link.Machine.State == TwainState.SourceOpen) _link.CloseSource();
        TwainCallbacks.Unregister(_link.SourceId);
        _driver.Closed(this);
    }

    // ---- The batch (on the TWAIN thread) ----

    private ScanStop RunBatch(ScanSettings settings, ScanPageSink sink, CancellationToken token)
    {
        if (Volatile.Read(ref _closed) != 0) return new ScanStop(ScanEndReason.DeviceGone, "source closed");
        while (_messages.TryTake(out _)) { } // stale messages of an earlier batch
        try
        {
            if (Negotiate(settings) is { } refusal) return refusal;
            if (_link.Enable(showUi: false) != TwainDsm.TWRC_SUCCESS)
                return FromCondition(_link.ConditionCode(true), "MSG_ENABLEDS", pages: 0, settings);
            if (WaitForTransferReady(token) is { } notReady) return notReady;

            var pages = 0;
            var flavour = _link.GetCapability(TwainDsm.ICAP_PIXELFLAVOR, currentOnly: true)?.Current ?? TwainDsm.TWPF_CHOCOLATE;
            while (_link.Machine.State == TwainState.TransferReady)
            {
                if (token.IsCancellationRequested) return ScanStop.Cancelled();
                var (image, stop) = TransferOne(settings, flavour == TwainDsm.TWPF_CHOCOLATE, pages, token);
                if (stop is not null) return stop;
                if (!sink.Deliver(ScanImages.Conform(image!, settings.Mode, settings.Dpi))) return ScanStop.Cancelled();
                pages++;
                if (_link.EndTransfer(out var pending) != TwainDsm.TWRC_SUCCESS)
                    return new ScanStop(ScanEndReason.DeviceError, $"MSG_ENDXFER failed after page {pages}");
                // pending: 0 = the feeder (or the platen) is done; −1 = unknown (feeders), keep going.
                if (pending == 0) return new ScanStop(ScanEndReason.Completed, $"no more images after {pages} page(s)");
            }
            return new ScanStop(ScanEndReason.Completed, $"no more images after {pages} page(s)");
        }
        finally
        {
            LeaveEnabledStates();
        }
    }

    /// <summary>Sets the capabilities for <paramref name="settings"/> (state 4); a stop when the source refuses one.</summary>
    private ScanStop? Negotiate(ScanSettings settings)
    {
        var adf = settings.Source == ScanSource.Adf;
        if (settings.Duplex && !adf) return new ScanStop(ScanEndReason.UnsupportedSettings, "duplex needs the document feeder");
        var pixelType = settings.Mode switch
        {
            ColourMode.Bitonal => TwainDsm.TWPT_BW,
            ColourMode.Grey => TwainDsm.TWPT_GRAY,
            _ => TwainDsm.TWPT_RGB,
        };
        var fix = TwFix32.From(settings.Dpi).Packed;
        (ushort Cap, ushort Type, uint Value, string Name, bool Needed)[] caps =
        [
            (TwainDsm.CAP_FEEDERENABLED, TwainDsm.TWTY_BOOL, adf ? 1u : 0u, "CAP_FEEDERENABLED", adf),
            (TwainDsm.CAP_DUPLEXENABLED, TwainDsm.TWTY_BOOL, settings.Duplex ? 1u : 0u, "CAP_DUPLEXENABLED", settings.Duplex),
            (TwainDsm.ICAP_XFERMECH, TwainDsm.TWTY_UINT16, TwainDsm.TWSX_MEMORY, "ICAP_XFERMECH", true),
            (TwainDsm.ICAP_UNITS, TwainDsm.TWTY_UINT16, TwainDsm.TWUN_INCHES, "ICAP_UNITS", false),
            (TwainDsm.ICAP_PIXELTYPE, TwainDsm.TWTY_UINT16, pixelType, "ICAP_PIXELTYPE", true),
            (TwainDsm.ICAP_XRESOLUTION, TwainDsm.TWTY_FIX32, fix, "ICAP_XRESOLUTION", true),
            (TwainDsm.ICAP_YRESOLUTION, TwainDsm.TWTY_FIX32, fix, "ICAP_YRESOLUTION", true),
            // −1: as many images as the source has (the whole feeder).
            (TwainDsm.CAP_XFERCOUNT, TwainDsm.TWTY_INT16, 0xFFFF, "CAP_XFERCOUNT", true),
        ];
        foreach (var (cap, type, value, name, needed) in caps)
        {
            var rc = _link.SetOneValue(cap, type, value);
            // CHECKSTATUS means the source changed the value: for a needed capability that is a refusal too.
            if (rc == TwainDsm.TWRC_SUCCESS || (!needed && rc != TwainDsm.TWRC_CHECKSTATUS)) continue;
            return new ScanStop(ScanEndReason.UnsupportedSettings,
                $"{name} refused (rc {rc}, condition {(rc == TwainDsm.TWRC_FAILURE ? _link.ConditionCode(true) : TwainDsm.TWCC_SUCCESS)})");
        }
        // An empty feeder is known before enabling when the source can tell.
        if (adf && _link.GetCapability(TwainDsm.CAP_FEEDERLOADED, currentOnly: true) is { Current: 0 })
            return new ScanStop(ScanEndReason.NoDocuments, "feeder empty (CAP_FEEDERLOADED)");
        return null;
    }

    private ScanStop? WaitForTransferReady(CancellationToken token)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            ushort message;
            try
            {
                var left = _driver.TransferReadyTimeout - deadline.Elapsed;
                if (left <= TimeSpan.Zero || !_messages.TryTake(out message, (int)Math.Ceiling(left.TotalMilliseconds), token))
                    return new ScanStop(ScanEndReason.DeviceError, "the source never said MSG_XFERREADY");
            }
            catch (OperationCanceledException)
            {
                // The source may already be in state 6: then it needs MSG_RESET, not just MSG_DISABLEDS.
                while (_messages.TryTake(out var late))
                    if (late == TwainDsm.MSG_XFERREADY) { _link.TransferReady(); break; }
                return ScanStop.Cancelled();
            }
            switch (message)
            {
                case TwainDsm.MSG_XFERREADY:
                    _link.TransferReady();
                    return null;
                case TwainDsm.MSG_CLOSEDSREQ:
                    return ScanStop.Cancelled("the source asked to close (cancelled on the device)");
                // MSG_DEVICEEVENT and others: not for us.
            }
        }
    }

    /// <summary>One image by memory transfer, strip by strip; or the stop that ends the batch.</summary>
    private (PageImage? Image, ScanStop? Stop) TransferOne(ScanSettings settings, bool chocolate, int pagesSoFar, CancellationToken token)
    {
        var page = pagesSoFar + 1;
        if (_link.ImageInfo(out var info) != TwainDsm.TWRC_SUCCESS)
            return (null, Abandon(new ScanStop(ScanEndReason.DeviceError, $"page {page}: DAT_IMAGEINFO failed")));
        var bitsPerPixel = info.BitsPerPixel;
        var width = info.ImageWidth;
        if (width < 1 || info.Compression != TwainDsm.TWCP_NONE || bitsPerPixel is not (1 or 8 or 24))
            return (null, Abandon(new ScanStop(ScanEndReason.DeviceError,
                $"page {page}: unsupported image ({width} px wide, {bitsPerPixel} bpp, compression {info.Compression})")));
        if (_link.SetupMemoryTransfer(out var setup) != TwainDsm.TWRC_SUCCESS)
            return (null, Abandon(new ScanStop(ScanEndReason.DeviceError, $"page {page}: DAT_SETUPMEMXFER failed")));

        var rowBytes = (width * bitsPerPixel + 7) / 8;
        var size = setup.Preferred != 0 ? setup.Preferred : Math.Max(setup.MinBufSize, 64 * 1024u);
        var buffer = Marshal.AllocHGlobal((int)size);
        // Rows land at YOffset; ImageLength may be −1 (unknown until the end), so the page grows as strips come.
        var rows = new MemoryStream(Math.Max(0, info.ImageLength) * rowBytes);
        var height = 0;
        try
        {
            while (true)
            {
                var rc = _link.MemoryTransfer(buffer, size, out var strip);
                if (rc == TwainDsm.TWRC_CANCEL)
                    return (null, Abandon(ScanStop.Cancelled($"cancelled on the device during page {page}")));
                if (rc == TwainDsm.TWRC_FAILURE)
                    return (null, Abandon(FromCondition(_link.ConditionCode(true), $"page {page}", pagesSoFar, settings)));
                if (rc is not (TwainDsm.TWRC_SUCCESS or TwainDsm.TWRC_XFERDONE))
                    return (null, Abandon(new ScanStop(ScanEndReason.DeviceError, $"page {page}: DAT_IMAGEMEMXFER returned {rc}")));
                if (strip.Compression != TwainDsm.TWCP_NONE || strip.XOffset != 0 || strip.Columns != (uint)width || strip.BytesPerRow < rowBytes
                    || (long)strip.BytesPerRow * strip.Rows > size)
                    return (null, Abandon(new ScanStop(ScanEndReason.DeviceError, $"page {page}: unsupported strip layout")));
                // Strip rows are BytesPerRow apart (sources pad them); keep rowBytes of each.
                for (var r = 0u; r < strip.Rows; r++)
                {
                    rows.Position = (long)(strip.YOffset + r) * rowBytes;
                    unsafe { rows.Write(new ReadOnlySpan<byte>((byte*)buffer + r * strip.BytesPerRow, rowBytes)); }
                }
                height = Math.Max(height, (int)(strip.YOffset + strip.Rows));
                if (rc == TwainDsm.TWRC_XFERDONE) break;
                if (token.IsCancellationRequested) return (null, Abandon(ScanStop.Cancelled($"scan cancelled during page {page}")));
            }
        }
        finally { Marshal.FreeHGlobal(buffer); }

        if (height < 1) return (null, Abandon(new ScanStop(ScanEndReason.DeviceError, $"page {page}: no rows")));
        var data = rows.GetBuffer();
        PageImage image;
        switch (bitsPerPixel)
        {
            case 1:
                // TWPF_CHOCOLATE (the default): 0 is black. PageImage wants 1 = black.
                if (chocolate) for (var i = 0; i < height * rowBytes; i++) data[i] = (byte)~data[i];
                image = PageImage.FromBitonal(data, width, height, rowBytes, settings.Dpi);
                break;
            case 8:
                image = PageImage.FromGray8(data, width, height, rowBytes, settings.Dpi);
                break;
            default:
                image = PageImage.FromRgb24(data, width, height, rowBytes, settings.Dpi);
                break;
        }
        return (image, null);
    }

    /// <summary>
    /// Drops the image in progress and the pending ones (state 7 or 6 → 5), returning <paramref name="stop"/>.
    /// Pages already delivered stay delivered.
    /// </summary>
    private ScanStop Abandon(ScanStop stop)
    {
        if (_link.Machine.State >= TwainState.TransferReady && _link.EndTransfer(out var pending) == TwainDsm.TWRC_SUCCESS && pending != 0
            && _link.Machine.State == TwainState.TransferReady)
            _link.ResetTransfers();
        return stop;
    }

    /// <summary>From any acquiring state back to 4 (source open, disabled).</summary>
    private void LeaveEnabledStates()
    {
        if (_link.Machine.State == TwainState.Transferring) _link.EndTransfer(out _);
        if (_link.Machine.State == TwainState.TransferReady) _link.ResetTransfers();
        if (_link.Machine.State == TwainState.SourceEnabled) _link.Disable();
    }

    private static ScanStop FromCondition(ushort condition, string during, int pages, ScanSettings settings) => condition switch
    {
        TwainDsm.TWCC_PAPERJAM or TwainDsm.TWCC_PAPERDOUBLEFEED => new ScanStop(ScanEndReason.Jammed, $"{during}: paper jam (condition {condition})"),
        TwainDsm.TWCC_NOMEDIA => pages == 0 && settings.Source == ScanSource.Adf
            ? new ScanStop(ScanEndReason.NoDocuments, $"{during}: feeder empty")
            : new ScanStop(ScanEndReason.Completed, $"feeder empty after {pages} page(s)"),
        TwainDsm.TWCC_INTERLOCK => new ScanStop(ScanEndReason.CoverOpen, $"{during}: cover open (condition {condition})"),
        TwainDsm.TWCC_CHECKDEVICEONLINE => new ScanStop(ScanEndReason.DeviceGone, $"{during}: device offline (condition {condition})"),
        _ => new ScanStop(ScanEndReason.DeviceError, $"{during}: failed (condition {condition})"),
    };
}
