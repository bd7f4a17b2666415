using System.Runtime.InteropServices;
using System.Text;
using CaptureChain.Capture.Interop;

namespace CaptureChain.Capture.Scanners;

/// <summary>A TWAIN data source as the DSM lists it.</summary>
internal sealed record TwainSourceInfo(uint Id, string Manufacturer, string ProductFamily, string ProductName);

/// <summary>A capability's values as a source reported them: the items and, for enumerations, the current one.</summary>
internal sealed record TwainCapValue(ushort Container, ushort ItemType, IReadOnlyList<double> Items, double? Current, (double Min, double Max, double Step)? Range);

/// <summary>
/// Typed TWAIN triplets: each method sends one triplet and owns its marshalling (identities in native memory,
/// containers allocated through the DSM, pinned structures), after the <see cref="TwainStateMachine"/> has
/// allowed it. One instance per DSM session; every call on the session's own thread.
/// </summary>
internal sealed unsafe class TwainLink : IDisposable
{
    private readonly TwainDsm _dsm;
    private readonly TwIdentity* _app;
    private readonly TwIdentity* _source;
    private bool _disposed;

    public TwainLink(TwainDsm dsm, string applicationName)
    {
        _dsm = dsm;
        // The DSM keeps using these addresses between calls: native memory, never moved by the GC.
        _app = (TwIdentity*)NativeMemory.AllocZeroed((nuint)sizeof(TwIdentity));
        _source = (TwIdentity*)NativeMemory.AllocZeroed((nuint)sizeof(TwIdentity));
        _app->Version.MajorNum = 1;
        _app->Version.Language = 2; // TWLG_ENGLISH: the language of our strings, not of the user interface
        _app->Version.Country = 1;
        WriteStr32(_app->Version.Info, "CaptureChain");
        _app->ProtocolMajor = 2;
        _app->ProtocolMinor = 4;
        _app->SupportedGroups = TwainDsm.DG_APP_GROUPS | TwainDsm.DF_APP2;
        WriteStr32(_app->Manufacturer, "CaptureChain");
        WriteStr32(_app->ProductFamily, "Document capture");
        WriteStr32(_app->ProductName, applicationName);
        Machine.LibraryLoaded();
    }

    public TwainStateMachine Machine { get; } = new();

    /// <summary>Every triplet sent and its return code, for diagnostics and tests.</summary>
    public List<string> Log { get; } = [];

    public uint SourceId => _source->Id;

    private ushort Call(TwainTriplet triplet, bool toSource, void* data)
    {
        var rc = Send(triplet, toSource, data);
        Machine.After(triplet, rc);
        return rc;
    }

    /// <summary>Checks the triplet against the state machine and sends it; the caller moves the machine on.</summary>
    private ushort Send(TwainTriplet triplet, bool toSource, void* data)
    {
        Machine.Check(triplet);
        var rc = _dsm.Entry(_app, toSource ? _source : null, triplet.DataGroup, triplet.DataType, triplet.Message, data);
        Log.Add($"{triplet} -> {rc}");
        return rc;
    }

    // ---- DSM ----

    public ushort OpenDsm()
    {
        IntPtr parent = 0; // a window handle on Windows; TWAIN 2 sources with callbacks need none
        var rc = Call(TwainTriplet.OpenDsm, false, &parent);
        if (rc == TwainDsm.TWRC_SUCCESS && (_app->SupportedGroups & TwainDsm.DF_DSM2) != 0)
        {
            var entry = new TwEntryPoint { Size = (uint)sizeof(TwEntryPoint) };
            if (Call(TwainTriplet.GetEntryPoint, false, &entry) == TwainDsm.TWRC_SUCCESS) _dsm.UseMemoryFunctions(entry);
        }
        return rc;
    }

    public ushort CloseDsm()
    {
        IntPtr parent = 0;
        return Call(TwainTriplet.CloseDsm, false, &parent);
    }

    public List<TwainSourceInfo> ListSources()
    {
        var sources = new List<TwainSourceInfo>();
        var identity = new TwIdentity();
        var rc = Call(TwainTriplet.GetFirstSource, false, &identity);
        while (rc == TwainDsm.TWRC_SUCCESS)
        {
            sources.Add(new TwainSourceInfo(identity.Id, ReadStr32(identity.Manufacturer), ReadStr32(identity.ProductFamily), ReadStr32(identity.ProductName)));
            identity = new TwIdentity();
            rc = Call(TwainTriplet.GetNextSource, false, &identity);
        }
        return sources;
    }

    /// <summary>Opens the source whose product name is <paramref name="productName"/>; false when the DSM has none.</summary>
    public bool OpenSource(string productName)
    {
        var found = ListSources().FirstOrDefault(s => s.ProductName == productName);
        if (found is null) return false;
        *_source = new TwIdentity { Id = found.Id };
        WriteStr32(_source->ProductName, found.ProductName);
        WriteStr32(_source->Manufacturer, found.Manufacturer);
        WriteStr32(_source->ProductFamily, found.ProductFamily);
        // MSG_OPENDS goes to the DSM with the source's identity as data; the DSM completes it.
        return Call(TwainTriplet.OpenSource, false, _source) == TwainDsm.TWRC_SUCCESS;
    }

    public ushort CloseSource() => Call(TwainTriplet.CloseSource, false, _source);

    public ushort RegisterCallback(IntPtr proc, uint refCon)
    {
        var callback = new TwCallback { CallBackProc = proc, RefCon = refCon };
        return Call(TwainTriplet.RegisterCallback, true, &callback);
    }

    /// <summary>The condition code behind the last failure (of the source, or of the DSM).</summary>
    public ushort ConditionCode(bool ofSource)
    {
        var status = new TwStatus();
        return Call(TwainTriplet.GetStatus, ofSource, &status) == TwainDsm.TWRC_SUCCESS ? status.ConditionCode : TwainDsm.TWCC_BUMMER;
    }

    // ---- Capabilities ----

    /// <summary>MSG_SET with a TW_ONEVALUE container (the value in the low bytes of the 32-bit item).</summary>
    public ushort SetOneValue(ushort cap, ushort itemType, uint item)
    {
        var handle = _dsm.Allocate((uint)sizeof(TwOneValue));
        try
        {
            var one = (TwOneValue*)_dsm.Lock(handle);
            one->ItemType = itemType;
            one->Item = item;
            _dsm.Unlock(handle);
            var capability = new TwCapability { Cap = cap, ConType = TwainDsm.TWON_ONEVALUE, Container = handle };
            return Call(TwainTriplet.SetCapability, true, &capability);
        }
        finally { _dsm.Free(handle); }
    }

    /// <summary>MSG_GET (all values) or MSG_GETCURRENT; null when the source does not support the capability.</summary>
    public TwainCapValue? GetCapability(ushort cap, bool currentOnly = false)
    {
        var capability = new TwCapability { Cap = cap, ConType = 0xFFFF };
        var rc = Call(currentOnly ? TwainTriplet.GetCapabilityCurrent : TwainTriplet.GetCapability, true, &capability);
        if (rc != TwainDsm.TWRC_SUCCESS || capability.Container == IntPtr.Zero) return null;
        try
        {
            var p = (byte*)_dsm.Lock(capability.Container);
            try { return ReadContainer(capability.ConType, p); }
            finally { _dsm.Unlock(capability.Container); }
        }
        finally { _dsm.Free(capability.Container); } // the application frees what the source allocated for a MSG_GET
    }

    private static TwainCapValue? ReadContainer(ushort container, byte* p)
    {
        switch (container)
        {
            case TwainDsm.TWON_ONEVALUE:
            {
                var one = (TwOneValue*)p;
                var v = ItemValue(one->ItemType, (byte*)&one->Item);
                return new TwainCapValue(container, one->ItemType, [v], v, null);
            }
            case TwainDsm.TWON_ENUMERATION:
            {
                var header = (TwEnumerationHeader*)p;
                var items = ReadItems(header->ItemType, p + sizeof(TwEnumerationHeader), header->NumItems);
                double? current = header->CurrentIndex < items.Count ? items[(int)header->CurrentIndex] : null;
                return new TwainCapValue(container, header->ItemType, items, current, null);
            }
            case TwainDsm.TWON_ARRAY:
            {
                var itemType = *(ushort*)p;
                var count = *(uint*)(p + 2);
                var items = ReadItems(itemType, p + 6, count);
                return new TwainCapValue(container, itemType, items, null, null);
            }
            case TwainDsm.TWON_RANGE:
            {
                var range = (TwRange*)p;
                var t = range->ItemType;
                double V(uint x) => ItemValue(t, (byte*)&x);
                return new TwainCapValue(container, t, [], V(range->CurrentValue), (V(range->MinValue), V(range->MaxValue), V(range->StepSize)));
            }
            default:
                return null;
        }
    }

    private static List<double> ReadItems(ushort itemType, byte* first, uint count)
    {
        var size = ItemSize(itemType);
        var items = new List<double>((int)Math.Min(count, 1024));
        for (var i = 0u; i < count && i < 1024; i++) items.Add(ItemValue(itemType, first + i * size));
        return items;
    }

    private static uint ItemSize(ushort itemType) => itemType switch
    {
        TwainDsm.TWTY_INT16 or TwainDsm.TWTY_UINT16 or TwainDsm.TWTY_BOOL => 2,
        TwainDsm.TWTY_INT32 or TwainDsm.TWTY_UINT32 or TwainDsm.TWTY_FIX32 => 4,
        _ => 1,
    };

    private static double ItemValue(ushort itemType, byte* p) => itemType switch
    {
        TwainDsm.TWTY_INT16 => *(short*)p,
        TwainDsm.TWTY_UINT16 or TwainDsm.TWTY_BOOL => *(ushort*)p,
        TwainDsm.TWTY_INT32 => *(int*)p,
        TwainDsm.TWTY_UINT32 => *(uint*)p,
        TwainDsm.TWTY_FIX32 => ((TwFix32*)p)->Value,
        _ => *p,
    };

    // ---- Acquisition ----

    public ushort Enable(bool showUi)
    {
        var ui = new TwUserInterface { ShowUI = (ushort)(showUi ? 1 : 0), ModalUI = 0, Parent = 0 };
        return Call(TwainTriplet.EnableSource, true, &ui);
    }

    public ushort Disable()
    {
        var ui = new TwUserInterface();
        return Call(TwainTriplet.DisableSource, true, &ui);
    }

    /// <summary>5 → 6: the callback reported MSG_XFERREADY.</summary>
    public void TransferReady() => Machine.TransferReady();

    public ushort ImageInfo(out TwImageInfo info)
    {
        TwImageInfo result;
        var rc = Call(TwainTriplet.GetImageInfo, true, &result);
        info = result;
        return rc;
    }

    public ushort SetupMemoryTransfer(out TwSetupMemXfer setup)
    {
        TwSetupMemXfer result;
        var rc = Call(TwainTriplet.SetupMemoryTransfer, true, &result);
        setup = result;
        return rc;
    }

    /// <summary>One strip into <paramref name="buffer"/> (application-owned, passed by pointer).</summary>
    public ushort MemoryTransfer(IntPtr buffer, uint length, out TwImageMemXfer strip)
    {
        var xfer = new TwImageMemXfer
        {
            Compression = 0xFFFF, BytesPerRow = uint.MaxValue, Columns = uint.MaxValue, Rows = uint.MaxValue,
            XOffset = uint.MaxValue, YOffset = uint.MaxValue, BytesWritten = uint.MaxValue,
            Memory = new TwMemory { Flags = TwainDsm.TWMF_APPOWNS | TwainDsm.TWMF_POINTER, Length = length, TheMem = buffer },
        };
        var rc = Call(TwainTriplet.MemoryTransfer, true, &xfer);
        strip = xfer;
        return rc;
    }

    /// <summary>MSG_ENDXFER; <paramref name="pending"/> is what is left (−1: unknown, e.g. a feeder).</summary>
    public ushort EndTransfer(out int pending)
    {
        var xfers = new TwPendingXfers();
        var rc = Send(TwainTriplet.EndTransfer, true, &xfers);
        pending = xfers.Count == 0xFFFF ? -1 : xfers.Count;
        Machine.After(TwainTriplet.EndTransfer, rc, pending);
        return rc;
    }

    public ushort ResetTransfers()
    {
        var xfers = new TwPendingXfers();
        return Call(TwainTriplet.ResetTransfers, true, &xfers);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (Machine.State == TwainState.DsmLoaded) Machine.LibraryUnloaded();
        NativeMemory.Free(_app);
        NativeMemory.Free(_source);
    }

    internal static void WriteStr32(byte* field, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        var n = Math.Min(bytes.Length, 33);
        for (var i = 0; i < 34; i++) field[i] = i < n ? bytes[i] : (byte)0;
    }

    internal static string ReadStr32(byte* field)
    {
        var n = 0;
        while (n < 34 && field[n] != 0) n++;
        return Encoding.ASCII.GetString(field, n);
    }
}
