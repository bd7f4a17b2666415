using System.Runtime.InteropServices;
using CaptureChain.Capture.Interop;
using CaptureChain.Capture.Rendering;
using CaptureChain.Capture.Scanners;
using static CaptureChain.Capture.Interop.TwainDsm;

namespace CaptureChain.Capture.Tests.Scanners;

/// <summary>What the scripted TWAIN source does.</summary>
public sealed record TwainScript
{
    public string ProductName { get; init; } = "Fixture Sheetfed 200";
    /// <summary>Images in the feeder (or 1 on the platen).</summary>
    public int Sheets { get; init; } = 3;
    public bool HasFeeder { get; init; } = true;
    public bool Duplex { get; init; }
    public bool ReportsFeederLoaded { get; init; } = true;
    public int[] Resolutions { get; init; } = [75, 100, 150, 200, 300];
    public ushort[] PixelTypes { get; init; } = [TWPT_BW, TWPT_GRAY, TWPT_RGB];
    /// <summary>Bytes per DAT_IMAGEMEMXFER buffer the source prefers.</summary>
    public uint StripBytes { get; init; } = 48 * 1024;
    /// <summary>Extra bytes at the end of each strip row (sources pad rows).</summary>
    public int RowPadding { get; init; } = 4;
    /// <summary>The image of this page (1-based) fails with TWCC_PAPERJAM before its first strip.</summary>
    public int? JamAtPage { get; init; }
    /// <summary>The user presses Cancel on the device during this page: TWRC_CANCEL on its second strip.</summary>
    public int? CancelAtPage { get; init; }
    /// <summary>MSG_ENABLEDS fails with this condition code.</summary>
    public ushort? EnableFailsWith { get; init; }
    /// <summary>Instead of MSG_XFERREADY the source sends MSG_CLOSEDSREQ (the user closed it).</summary>
    public bool RequestsClose { get; init; }
    /// <summary>DAT_IMAGEINFO says ImageLength −1 (length known only at the end).</summary>
    public bool UnknownLength { get; init; }
}

/// <summary>
/// A managed TWAIN DSM with one scripted data source, exposed as an unmanaged <c>DSM_Entry</c> function pointer so that
/// the driver's marshalling runs for real. It keeps its own view of the session state, answers TWCC_SEQERROR to any
/// triplet out of sequence, renders real pages (page n carries <see cref="PageMarks"/> slot n) and sends them in
/// memory strips, and calls the application's TWAIN 2 callback from another thread like a real source.
/// </summary>
public sealed unsafe class ScriptedDsm : IDisposable
{
    private static ScriptedDsm? s_current;
    private static int s_liveAllocations;

    private readonly TwIdentity* _sourceIdentity;
    private IntPtr _callback;
    private int _state = 2; // the application loaded us
    private int _threadId;
    private ushort _condition;
    private int _taken;          // images fully transferred or dropped
    private byte[]? _rows;       // current image, rows of _bytesPerRow
    private int _bytesPerRow, _rowBytes, _width, _height, _rowsSent, _stripsSent;
    private ushort _pixelType = TWPT_GRAY;
    private double _dpi = 100;
    private bool _feeder, _duplex;

    public ScriptedDsm(TwainScript script)
    {
        Script = script;
        _sourceIdentity = (TwIdentity*)NativeMemory.AllocZeroed((nuint)sizeof(TwIdentity));
        _sourceIdentity->Id = 501;
        TwainLink.WriteStr32(_sourceIdentity->ProductName, script.ProductName);
        TwainLink.WriteStr32(_sourceIdentity->Manufacturer, "Fixture Imaging");
        TwainLink.WriteStr32(_sourceIdentity->ProductFamily, "Sheetfed");
        _sourceIdentity->SupportedGroups = DG_APP_GROUPS | DF_DS2;
        if (Interlocked.CompareExchange(ref s_current, this, null) != null) throw new InvalidOperationException("one scripted DSM at a time");
    }

    public TwainScript Script { get; }

    /// <summary>What the DSM saw, in order: triplet names and outcomes.</summary>
    public List<string> Log { get; } = [];

    /// <summary>Capabilities the application set, by id, as 32-bit items.</summary>
    public Dictionary<ushort, uint> CapsSet { get; } = [];

    /// <summary>Triplets refused because they came out of sequence or from another thread (must stay empty).</summary>
    public List<string> Violations { get; } = [];

    /// <summary>Containers allocated through DSM_MemAllocate and not freed yet (all tests).</summary>
    public static int LiveAllocations => Volatile.Read(ref s_liveAllocations);

    public static IntPtr EntryAddress =>
        (IntPtr)(delegate* unmanaged<TwIdentity*, TwIdentity*, uint, ushort, ushort, void*, ushort>)&Entry;

    public void Dispose()
    {
        Interlocked.CompareExchange(ref s_current, null, this);
        NativeMemory.Free(_sourceIdentity);
    }

    [UnmanagedCallersOnly]
    private static ushort Entry(TwIdentity* origin, TwIdentity* dest, uint dg, ushort dat, ushort msg, void* data)
    {
        var dsm = s_current;
        if (dsm is null) return TWRC_FAILURE;
        try
        {
            lock (dsm) return dsm.Handle(origin, dest, dg, dat, msg, data);
        }
        catch (Exception e)
        {
            dsm.Violations.Add("exception: " + e.Message);
            return TWRC_FAILURE;
        }
    }

    [UnmanagedCallersOnly] private static IntPtr MemAllocate(uint size) { Interlocked.Increment(ref s_liveAllocations); return Marshal.AllocHGlobal((int)size); }
    [UnmanagedCallersOnly] private static void MemFree(IntPtr handle) { Interlocked.Decrement(ref s_liveAllocations); Marshal.FreeHGlobal(handle); }
    [UnmanagedCallersOnly] private static IntPtr MemLock(IntPtr handle) => handle;
    [UnmanagedCallersOnly] private static void MemUnlock(IntPtr handle) { }

    private ushort Fail(ushort condition, string what)
    {
        _condition = condition;
        Log.Add($"{what} -> FAILURE {condition}");
        return TWRC_FAILURE;
    }

    private ushort Sequence(string what, params int[] allowed)
    {
        if (allowed.Contains(_state)) return TWRC_SUCCESS;
        Violations.Add($"{what} in state {_state}");
        return Fail(TWCC_SEQERROR, what);
    }

    private ushort Handle(TwIdentity* origin, TwIdentity* dest, uint dg, ushort dat, ushort msg, void* data)
    {
        // TWAIN: every triplet from the thread that opened the DSM.
        if (_threadId == 0) _threadId = Environment.CurrentManagedThreadId;
        else if (_threadId != Environment.CurrentManagedThreadId) Violations.Add($"0x{dat:X}/0x{msg:X} from another thread");
        var toSource = dest != null;
        if (toSource && dest->Id != _sourceIdentity->Id && _state >= 4) Violations.Add($"0x{dat:X}/0x{msg:X} to unknown source {dest->Id}");

        switch (dg, dat, msg)
        {
            case (DG_CONTROL, DAT_PARENT, MSG_OPENDSM):
                if (Sequence("OPENDSM", 2) != TWRC_SUCCESS) return TWRC_FAILURE;
                origin->Id = 17;
                origin->SupportedGroups |= DF_DSM2;
                _state = 3;
                Log.Add("OPENDSM");
                return TWRC_SUCCESS;
            case (DG_CONTROL, DAT_ENTRYPOINT, MSG_GET):
                var entry = (TwEntryPoint*)data;
                entry->DsmEntry = EntryAddress;
                entry->MemAllocate = (IntPtr)(delegate* unmanaged<uint, IntPtr>)&MemAllocate;
                entry->MemFree = (IntPtr)(delegate* unmanaged<IntPtr, void>)&MemFree;
                entry->MemLock = (IntPtr)(delegate* unmanaged<IntPtr, IntPtr>)&MemLock;
                entry->MemUnlock = (IntPtr)(delegate* unmanaged<IntPtr, void>)&MemUnlock;
                return TWRC_SUCCESS;
            case (DG_CONTROL, DAT_PARENT, MSG_CLOSEDSM):
                if (Sequence("CLOSEDSM", 3) != TWRC_SUCCESS) return TWRC_FAILURE;
                _state = 2;
                Log.Add("CLOSEDSM");
                return TWRC_SUCCESS;
            case (DG_CONTROL, DAT_IDENTITY, MSG_GETFIRST):
                *(TwIdentity*)data = *_sourceIdentity;
                return TWRC_SUCCESS;
            case (DG_CONTROL, DAT_IDENTITY, MSG_GETNEXT):
                return TWRC_ENDOFLIST;
            case (DG_CONTROL, DAT_IDENTITY, MSG_OPENDS):
                if (Sequence("OPENDS", 3) != TWRC_SUCCESS) return TWRC_FAILURE;
                var wanted = (TwIdentity*)data;
                if (TwainLink.ReadStr32(wanted->ProductName) != Script.ProductName) return Fail(TWCC_NODS, "OPENDS");
                wanted->Id = _sourceIdentity->Id;
                _state = 4;
                Log.Add("OPENDS");
                return TWRC_SUCCESS;
            case (DG_CONTROL, DAT_IDENTITY, MSG_CLOSEDS):
                if (Sequence("CLOSEDS", 4) != TWRC_SUCCESS) return TWRC_FAILURE;
                _state = 3;
                Log.Add("CLOSEDS");
                return TWRC_SUCCESS;
            case (DG_CONTROL, DAT_CALLBACK, MSG_REGISTER_CALLBACK):
                if (Sequence("REGISTER_CALLBACK", 4) != TWRC_SUCCESS) return TWRC_FAILURE;
                _callback = ((TwCallback*)data)->CallBackProc;
                return TWRC_SUCCESS;
            case (DG_CONTROL, DAT_STATUS, MSG_GET):
                ((TwStatus*)data)->ConditionCode = _condition;
                _condition = TWCC_SUCCESS;
                return TWRC_SUCCESS;
            case (DG_CONTROL, DAT_CAPABILITY, MSG_SET):
                if (Sequence("CAPABILITY SET", 4) != TWRC_SUCCESS) return TWRC_FAILURE;
                return SetCapability((TwCapability*)data);
            case (DG_CONTROL, DAT_CAPABILITY, MSG_GET or MSG_GETCURRENT):
                if (Sequence("CAPABILITY GET", 4, 5, 6, 7) != TWRC_SUCCESS) return TWRC_FAILURE;
                return GetCapability((TwCapability*)data);
            case (DG_CONTROL, DAT_USERINTERFACE, MSG_ENABLEDS):
                if (Sequence("ENABLEDS", 4) != TWRC_SUCCESS) return TWRC_FAILURE;
                if (((TwUserInterface*)data)->ShowUI != 0) Violations.Add("ENABLEDS with the user interface");
                if (Script.EnableFailsWith is { } condition) return Fail(condition, "ENABLEDS");
                _state = 5;
                Log.Add("ENABLEDS");
                // The source goes to state 6 when it has an image, and tells the application so.
                if (!Script.RequestsClose) _state = 6;
                SignalLater(Script.RequestsClose ? MSG_CLOSEDSREQ : MSG_XFERREADY);
                return TWRC_SUCCESS;
            case (DG_CONTROL, DAT_USERINTERFACE, MSG_DISABLEDS):
                if (Sequence("DISABLEDS", 5) != TWRC_SUCCESS) return TWRC_FAILURE;
                _state = 4;
                Log.Add("DISABLEDS");
                return TWRC_SUCCESS;
            case (DG_IMAGE, DAT_IMAGEINFO, MSG_GET):
                if (Sequence("IMAGEINFO", 6, 7) != TWRC_SUCCESS) return TWRC_FAILURE;
                PrepareImage();
                var info = (TwImageInfo*)data;
                *info = new TwImageInfo
                {
                    XResolution = TwFix32.From(_dpi), YResolution = TwFix32.From(_dpi),
                    ImageWidth = _width, ImageLength = Script.UnknownLength ? -1 : _height,
                    SamplesPerPixel = (short)(_pixelType == TWPT_RGB ? 3 : 1),
                    BitsPerPixel = (short)(_pixelType switch { TWPT_BW => 1, TWPT_GRAY => 8, _ => 24 }),
                    PixelType = (short)_pixelType, Compression = TWCP_NONE,
                };
                return TWRC_SUCCESS;
            case (DG_CONTROL, DAT_SETUPMEMXFER, MSG_GET):
                if (Sequence("SETUPMEMXFER", 6) != TWRC_SUCCESS) return TWRC_FAILURE;
                *(TwSetupMemXfer*)data = new TwSetupMemXfer { MinBufSize = 1024, MaxBufSize = 1 << 20, Preferred = Script.StripBytes };
                return TWRC_SUCCESS;
            case (DG_IMAGE, DAT_IMAGEMEMXFER, MSG_GET):
                if (Sequence("IMAGEMEMXFER", 6, 7) != TWRC_SUCCESS) return TWRC_FAILURE;
                return MemoryTransfer((TwImageMemXfer*)data);
            case (DG_CONTROL, DAT_PENDINGXFERS, MSG_ENDXFER):
                if (Sequence("ENDXFER", 6, 7) != TWRC_SUCCESS) return TWRC_FAILURE;
                _taken++;
                _rows = null;
                var left = Images - _taken;
                ((TwPendingXfers*)data)->Count = (ushort)Math.Max(0, left);
                _state = left > 0 ? 6 : 5;
                Log.Add($"ENDXFER -> {Math.Max(0, left)}");
                return TWRC_SUCCESS;
            case (DG_CONTROL, DAT_PENDINGXFERS, MSG_RESET):
                if (Sequence("RESET", 6) != TWRC_SUCCESS) return TWRC_FAILURE;
                ((TwPendingXfers*)data)->Count = 0;
                _state = 5;
                Log.Add("RESET");
                return TWRC_SUCCESS;
            default:
                Violations.Add($"unexpected triplet {dg}/0x{dat:X}/0x{msg:X}");
                return Fail(TWCC_BADPROTOCOL, "unexpected");
        }
    }

    private const ushort TWCC_BADPROTOCOL = 9;

    private int Images => _feeder ? Script.Sheets * (_duplex ? 2 : 1) : 1;

    private void SignalLater(ushort message)
    {
        var callback = _callback;
        var source = _sourceIdentity;
        // A real source signals from its own thread, some time after MSG_ENABLEDS returned.
        _ = Task.Run(() =>
        {
            if (callback == IntPtr.Zero) { lock (this) Violations.Add("no callback registered"); return; }
            ((delegate* unmanaged<TwIdentity*, TwIdentity*, uint, ushort, ushort, void*, ushort>)callback)(source, null, DG_CONTROL, 0, message, null);
        });
    }

    private ushort SetCapability(TwCapability* capability)
    {
        if (capability->ConType != TWON_ONEVALUE) return Fail(TWCC_BADVALUE, "CAPABILITY SET container");
        var one = (TwOneValue*)capability->Container;
        var item = one->Item;
        switch (capability->Cap)
        {
            case CAP_FEEDERENABLED:
                if (item != 0 && !Script.HasFeeder) return Fail(TWCC_CAPUNSUPPORTED, "CAP_FEEDERENABLED");
                _feeder = item != 0;
                break;
            case CAP_DUPLEXENABLED:
                if (item != 0 && !Script.Duplex) return Fail(TWCC_BADVALUE, "CAP_DUPLEXENABLED");
                _duplex = item != 0;
                break;
            case ICAP_PIXELTYPE:
                if (!Script.PixelTypes.Contains((ushort)item)) return Fail(TWCC_BADVALUE, "ICAP_PIXELTYPE");
                _pixelType = (ushort)item;
                break;
            case ICAP_XRESOLUTION or ICAP_YRESOLUTION:
                var dpi = TwFix32.Unpack(item).Value;
                if (!Script.Resolutions.Contains((int)dpi)) return Fail(TWCC_BADVALUE, "ICAP_RESOLUTION");
                _dpi = dpi;
                break;
            case ICAP_XFERMECH:
                if (item != TWSX_MEMORY && item != TWSX_NATIVE) return Fail(TWCC_BADVALUE, "ICAP_XFERMECH");
                break;
        }
        if (one->ItemType == 0xFFFF) return Fail(TWCC_BADVALUE, "item type");
        CapsSet[capability->Cap] = item;
        return TWRC_SUCCESS;
    }

    private ushort GetCapability(TwCapability* capability)
    {
        IntPtr Enumeration(ushort type, IReadOnlyList<uint> items, int current)
        {
            var size = ItemSize(type);
            var handle = Alloc(sizeof(TwEnumerationHeader) + items.Count * size);
            var header = (TwEnumerationHeader*)handle;
            *header = new TwEnumerationHeader { ItemType = type, NumItems = (uint)items.Count, CurrentIndex = (uint)current };
            var p = (byte*)handle + sizeof(TwEnumerationHeader);
            for (var i = 0; i < items.Count; i++)
                if (size == 2) ((ushort*)p)[i] = (ushort)items[i];
                else ((uint*)p)[i] = items[i];
            return handle;
        }
        IntPtr One(ushort type, uint item)
        {
            var handle = Alloc(sizeof(TwOneValue));
            *(TwOneValue*)handle = new TwOneValue { ItemType = type, Item = item };
            return handle;
        }
        switch (capability->Cap)
        {
            case ICAP_PIXELTYPE:
                capability->ConType = TWON_ENUMERATION;
                capability->Container = Enumeration(TWTY_UINT16, Script.PixelTypes.Select(p => (uint)p).ToList(), Array.IndexOf(Script.PixelTypes, _pixelType));
                return TWRC_SUCCESS;
            case ICAP_XRESOLUTION:
                capability->ConType = TWON_ENUMERATION;
                capability->Container = Enumeration(TWTY_FIX32, Script.Resolutions.Select(r => TwFix32.From(r).Packed).ToList(), 0);
                return TWRC_SUCCESS;
            case CAP_FEEDERENABLED when Script.HasFeeder:
                capability->ConType = TWON_ONEVALUE;
                capability->Container = One(TWTY_BOOL, _feeder ? 1u : 0u);
                return TWRC_SUCCESS;
            case CAP_FEEDERLOADED when Script.HasFeeder && Script.ReportsFeederLoaded:
                capability->ConType = TWON_ONEVALUE;
                capability->Container = One(TWTY_BOOL, Script.Sheets > 0 ? 1u : 0u);
                return TWRC_SUCCESS;
            case CAP_DUPLEX:
                capability->ConType = TWON_ONEVALUE;
                capability->Container = One(TWTY_UINT16, Script.Duplex ? 1u : 0u);
                return TWRC_SUCCESS;
            case ICAP_PIXELFLAVOR:
                capability->ConType = TWON_ONEVALUE;
                capability->Container = One(TWTY_UINT16, TWPF_CHOCOLATE);
                return TWRC_SUCCESS;
            default:
                return Fail(TWCC_CAPUNSUPPORTED, $"CAPABILITY GET 0x{capability->Cap:X}");
        }
    }

    private static int ItemSize(ushort type) => type is TWTY_UINT16 or TWTY_INT16 or TWTY_BOOL ? 2 : 4;

    // Containers for MSG_GET are allocated like the DSM would, and freed by the application through DSM_MemFree.
    private static IntPtr Alloc(int size)
    {
        Interlocked.Increment(ref s_liveAllocations);
        return Marshal.AllocHGlobal(size);
    }

    private void PrepareImage()
    {
        if (_rows is not null) return;
        var number = _taken + 1;
        var dpi = (int)_dpi;
        using var canvas = PageCanvas.Raster(dpi);
        PageMarks.Draw(canvas, number);
        var (grey, width, height) = canvas.ToGray8();
        _width = width;
        _height = height;
        _rowBytes = _pixelType switch { TWPT_BW => (width + 7) / 8, TWPT_GRAY => width, _ => width * 3 };
        _bytesPerRow = _rowBytes + Script.RowPadding;
        _rows = new byte[_bytesPerRow * height];
        for (var y = 0; y < height; y++)
        {
            var row = _rows.AsSpan(y * _bytesPerRow, _bytesPerRow);
            row.Fill(0xEE); // padding must be skipped by the reader, so make it visible if it is not
            for (var x = 0; x < width; x++)
            {
                var g = grey[y * width + x];
                switch (_pixelType)
                {
                    case TWPT_BW:
                        // TWPF_CHOCOLATE: 0 = black, so white pixels carry the 1 bits.
                        if (x % 8 == 0) row[x / 8] = 0;
                        if (g >= 128) row[x / 8] |= (byte)(0x80 >> (x % 8));
                        break;
                    case TWPT_GRAY:
                        row[x] = g;
                        break;
                    default:
                        row[3 * x] = g; row[3 * x + 1] = g; row[3 * x + 2] = (byte)(g / 2 + 64);
                        break;
                }
            }
        }
        _rowsSent = 0;
        _stripsSent = 0;
    }

    private ushort MemoryTransfer(TwImageMemXfer* xfer)
    {
        var page = _taken + 1;
        if (_state == 6 && Script.JamAtPage == page) return Fail(TWCC_PAPERJAM, $"IMAGEMEMXFER page {page}");
        PrepareImage();
        if (Script.CancelAtPage == page && _stripsSent == 1)
        {
            _state = 7;
            Log.Add($"IMAGEMEMXFER page {page} -> CANCEL");
            return TWRC_CANCEL;
        }
        if ((xfer->Memory.Flags & (TWMF_APPOWNS | TWMF_POINTER)) != (TWMF_APPOWNS | TWMF_POINTER) || xfer->Memory.TheMem == IntPtr.Zero)
            return Fail(TWCC_BADVALUE, "IMAGEMEMXFER memory flags");
        var rowsFit = (int)(xfer->Memory.Length / (uint)_bytesPerRow);
        if (rowsFit < 1) return Fail(TWCC_BADVALUE, "IMAGEMEMXFER buffer too small");
        var rows = Math.Min(rowsFit, _height - _rowsSent);
        Marshal.Copy(_rows!, _rowsSent * _bytesPerRow, xfer->Memory.TheMem, rows * _bytesPerRow);
        xfer->Compression = TWCP_NONE;
        xfer->BytesPerRow = (uint)_bytesPerRow;
        xfer->Columns = (uint)_width;
        xfer->Rows = (uint)rows;
        xfer->XOffset = 0;
        xfer->YOffset = (uint)_rowsSent;
        xfer->BytesWritten = (uint)(rows * _bytesPerRow);
        _rowsSent += rows;
        _stripsSent++;
        _state = 7;
        var done = _rowsSent >= _height;
        Log.Add($"IMAGEMEMXFER page {page} strip {_stripsSent}{(done ? " -> XFERDONE" : "")}");
        return done ? TWRC_XFERDONE : TWRC_SUCCESS;
    }
}
