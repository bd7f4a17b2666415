using System.Runtime.InteropServices;

namespace CaptureChain.Capture.Interop;

// TWAIN 2.x structures (twain.h), packed on 2 bytes as the header's #pragma pack(2) says. TW_UINT32 is 32 bits on
// Windows and Linux (only macOS makes some fields pointers); TW_HANDLE and TW_MEMREF are pointers.

/// <summary>TW_VERSION: 42 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal unsafe struct TwVersion
{
    public ushort MajorNum, MinorNum, Language, Country;
    public fixed byte Info[34];
}

/// <summary>TW_IDENTITY: 156 bytes. Strings are TW_STR32 (34 bytes, NUL-terminated).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal unsafe struct TwIdentity
{
    public uint Id;
    public TwVersion Version;
    public ushort ProtocolMajor, ProtocolMinor;
    public uint SupportedGroups;
    public fixed byte Manufacturer[34];
    public fixed byte ProductFamily[34];
    public fixed byte ProductName[34];
}

/// <summary>TW_FIX32: a signed whole part and a 1/65536 fraction.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal struct TwFix32
{
    public short Whole;
    public ushort Frac;

    public static TwFix32 From(double value)
    {
        var v = (int)Math.Round(value * 65536);
        return new TwFix32 { Whole = (short)(v >> 16), Frac = (ushort)(v & 0xFFFF) };
    }

    public readonly double Value => Whole + Frac / 65536.0;

    /// <summary>The 32 bits as a TW_ONEVALUE carries them (whole in the low half, as the TWAIN samples store it).</summary>
    public readonly uint Packed => (uint)(ushort)Whole | ((uint)Frac << 16);

    public static TwFix32 Unpack(uint item) => new() { Whole = (short)(item & 0xFFFF), Frac = (ushort)(item >> 16) };
}

/// <summary>TW_MEMORY: 16 bytes on 64-bit.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal struct TwMemory
{
    public uint Flags, Length;
    public IntPtr TheMem;
}

/// <summary>TW_IMAGEMEMXFER: 42 bytes on 64-bit. One strip of a memory transfer.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal struct TwImageMemXfer
{
    public ushort Compression;
    public uint BytesPerRow, Columns, Rows, XOffset, YOffset, BytesWritten;
    public TwMemory Memory;
}

/// <summary>TW_USERINTERFACE.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal struct TwUserInterface
{
    public ushort ShowUI, ModalUI;
    public IntPtr Parent;
}

/// <summary>TW_PENDINGXFERS: the count left (−1: unknown, e.g. a feeder) and the end-of-job union.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal struct TwPendingXfers
{
    public ushort Count;
    public uint EndOfJob;
}

/// <summary>TW_CAPABILITY: the capability id, the container type and a handle to the container.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal struct TwCapability
{
    public ushort Cap, ConType;
    public IntPtr Container;
}

/// <summary>TW_ONEVALUE: one item, stored in 32 bits whatever its type.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal struct TwOneValue
{
    public ushort ItemType;
    public uint Item;
}

/// <summary>TW_ENUMERATION header; <c>NumItems</c> items of <c>ItemType</c> follow it.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal struct TwEnumerationHeader
{
    public ushort ItemType;
    public uint NumItems, CurrentIndex, DefaultIndex;
}

/// <summary>TW_RANGE.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal struct TwRange
{
    public ushort ItemType;
    public uint MinValue, MaxValue, StepSize, DefaultValue, CurrentValue;
}

/// <summary>TW_IMAGEINFO: 42 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal unsafe struct TwImageInfo
{
    public TwFix32 XResolution, YResolution;
    public int ImageWidth, ImageLength;
    public short SamplesPerPixel;
    public fixed short BitsPerSample[8];
    public short BitsPerPixel;
    public ushort Planar;
    public short PixelType;
    public ushort Compression;
}

/// <summary>TW_SETUPMEMXFER: buffer sizes the source accepts for memory transfers.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal struct TwSetupMemXfer
{
    public uint MinBufSize, MaxBufSize, Preferred;
}

/// <summary>TW_STATUS: the condition code after a TWRC_FAILURE.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal struct TwStatus
{
    public ushort ConditionCode, Data;
}

/// <summary>TW_CALLBACK: the application's entry the source calls with MSG_XFERREADY and friends.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal struct TwCallback
{
    public IntPtr CallBackProc;
    public uint RefCon;
    public short Message;
}

/// <summary>TW_ENTRYPOINT: the DSM's memory functions (TWAIN 2), to allocate containers the source frees.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal struct TwEntryPoint
{
    public uint Size;
    public IntPtr DsmEntry, MemAllocate, MemFree, MemLock, MemUnlock;
}

/// <summary>Owns a loaded DSM library (NativeLibrary handle).</summary>
internal sealed class TwainLibraryHandle : SafeHandle
{
    public TwainLibraryHandle(IntPtr library) : base(IntPtr.Zero, true) => SetHandle(library);
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { NativeLibrary.Free(handle); return true; }
}

/// <summary>
/// The raw TWAIN entry: <c>TW_UINT16 DSM_Entry(pTW_IDENTITY origin, pTW_IDENTITY dest, TW_UINT32 DG, TW_UINT16 DAT,
/// TW_UINT16 MSG, TW_MEMREF data)</c>, from TWAINDSM.dll (Windows) or libtwaindsm.so (Linux), or any function with
/// that contract (the tests pass a managed DSM as an unmanaged function pointer). Nothing else calls TWAIN natively.
/// </summary>
internal sealed unsafe class TwainDsm : IDisposable
{
    // Constants from twain.h (2.4).
    internal const uint DG_CONTROL = 0x1, DG_IMAGE = 0x2;
    internal const ushort DAT_CAPABILITY = 0x1, DAT_IDENTITY = 0x3, DAT_PARENT = 0x4, DAT_PENDINGXFERS = 0x5,
        DAT_SETUPMEMXFER = 0x6, DAT_STATUS = 0x8, DAT_USERINTERFACE = 0x9, DAT_CALLBACK = 0x10, DAT_ENTRYPOINT = 0x403,
        DAT_IMAGEINFO = 0x101, DAT_IMAGEMEMXFER = 0x103, DAT_IMAGENATIVEXFER = 0x104;
    internal const ushort MSG_GET = 0x1, MSG_GETCURRENT = 0x2, MSG_GETFIRST = 0x4, MSG_GETNEXT = 0x5, MSG_SET = 0x6, MSG_RESET = 0x7,
        MSG_XFERREADY = 0x101, MSG_CLOSEDSREQ = 0x102, MSG_CLOSEDSOK = 0x103, MSG_DEVICEEVENT = 0x104,
        MSG_OPENDSM = 0x301, MSG_CLOSEDSM = 0x302, MSG_OPENDS = 0x401, MSG_CLOSEDS = 0x402,
        MSG_DISABLEDS = 0x501, MSG_ENABLEDS = 0x502, MSG_ENDXFER = 0x701, MSG_REGISTER_CALLBACK = 0x902;
    internal const ushort TWRC_SUCCESS = 0, TWRC_FAILURE = 1, TWRC_CHECKSTATUS = 2, TWRC_CANCEL = 3, TWRC_XFERDONE = 6, TWRC_ENDOFLIST = 7;
    internal const ushort TWCC_SUCCESS = 0, TWCC_BUMMER = 1, TWCC_NODS = 3, TWCC_BADCAP = 6, TWCC_BADVALUE = 10, TWCC_SEQERROR = 11,
        TWCC_CAPUNSUPPORTED = 13, TWCC_PAPERJAM = 20, TWCC_PAPERDOUBLEFEED = 21, TWCC_CHECKDEVICEONLINE = 23, TWCC_INTERLOCK = 24,
        TWCC_NOMEDIA = 29;
    internal const ushort TWON_ARRAY = 3, TWON_ENUMERATION = 4, TWON_ONEVALUE = 5, TWON_RANGE = 6;
    internal const ushort TWTY_INT16 = 1, TWTY_INT32 = 2, TWTY_UINT16 = 4, TWTY_UINT32 = 5, TWTY_BOOL = 6, TWTY_FIX32 = 7;
    internal const ushort CAP_XFERCOUNT = 0x1, ICAP_PIXELTYPE = 0x101, ICAP_UNITS = 0x102, ICAP_XFERMECH = 0x103,
        CAP_FEEDERENABLED = 0x1002, CAP_FEEDERLOADED = 0x1003, CAP_DUPLEX = 0x1012, CAP_DUPLEXENABLED = 0x1013,
        ICAP_PIXELFLAVOR = 0x111F, ICAP_XRESOLUTION = 0x1118, ICAP_YRESOLUTION = 0x1119;
    internal const ushort TWPT_BW = 0, TWPT_GRAY = 1, TWPT_RGB = 2;
    internal const ushort TWSX_NATIVE = 0, TWSX_MEMORY = 2, TWUN_INCHES = 0, TWPF_CHOCOLATE = 0, TWCP_NONE = 0;
    internal const uint TWMF_APPOWNS = 0x1, TWMF_POINTER = 0x8;
    internal const uint DG_APP_GROUPS = DG_CONTROL | DG_IMAGE, DF_DSM2 = 0x10000000, DF_APP2 = 0x20000000, DF_DS2 = 0x40000000;

    private readonly TwainLibraryHandle? _library;
    private readonly delegate* unmanaged<TwIdentity*, TwIdentity*, uint, ushort, ushort, void*, ushort> _entry;
    private TwEntryPoint _memory;

    private TwainDsm(TwainLibraryHandle? library, IntPtr entry)
    {
        _library = library;
        _entry = (delegate* unmanaged<TwIdentity*, TwIdentity*, uint, ushort, ushort, void*, ushort>)entry;
    }

    /// <summary>The DSM library's usual name on this system.</summary>
    internal static string DefaultLibraryName => OperatingSystem.IsWindows() ? "TWAINDSM.dll" : "libtwaindsm.so";

    /// <summary>Loads the DSM library and finds <c>DSM_Entry</c>; null when the library is not installed.</summary>
    internal static TwainDsm? TryLoad(string? path)
    {
        foreach (var name in path is null ? [DefaultLibraryName, DefaultLibraryName + ".2"] : new[] { path })
        {
            if (!NativeLibrary.TryLoad(name, typeof(TwainDsm).Assembly, null, out var library)) continue;
            var handle = new TwainLibraryHandle(library);
            if (NativeLibrary.TryGetExport(library, "DSM_Entry", out var entry)) return new TwainDsm(handle, entry);
            handle.Dispose();
        }
        return null;
    }

    /// <summary>A DSM given as a function pointer with the <c>DSM_Entry</c> contract.</summary>
    internal static TwainDsm FromEntryPoint(IntPtr entry) =>
        entry == IntPtr.Zero ? throw new ArgumentException("No entry point.", nameof(entry)) : new TwainDsm(null, entry);

    /// <summary>One triplet, as is. <paramref name="dest"/> is null for triplets addressed to the DSM itself.</summary>
    internal ushort Entry(TwIdentity* origin, TwIdentity* dest, uint dg, ushort dat, ushort msg, void* data) =>
        _entry(origin, dest, dg, dat, msg, data);

    /// <summary>Takes the DSM's memory functions (from DAT_ENTRYPOINT); without them containers use the process heap.</summary>
    internal void UseMemoryFunctions(TwEntryPoint entryPoint) => _memory = entryPoint;

    /// <summary>Allocates a container the source may read or free (DSM_MemAllocate when the DSM gave one).</summary>
    internal IntPtr Allocate(uint size) => _memory.MemAllocate != IntPtr.Zero
        ? ((delegate* unmanaged<uint, IntPtr>)_memory.MemAllocate)(size)
        : Marshal.AllocHGlobal((int)size);

    /// <summary>Frees a container (ours or one the source allocated for a MSG_GET).</summary>
    internal void Free(IntPtr handle)
    {
        if (handle == IntPtr.Zero) return;
        if (_memory.MemFree != IntPtr.Zero) ((delegate* unmanaged<IntPtr, void>)_memory.MemFree)(handle);
        else Marshal.FreeHGlobal(handle);
    }

    /// <summary>The address behind a container handle.</summary>
    internal IntPtr Lock(IntPtr handle) => _memory.MemLock != IntPtr.Zero
        ? ((delegate* unmanaged<IntPtr, IntPtr>)_memory.MemLock)(handle)
        : handle;

    internal void Unlock(IntPtr handle)
    {
        if (_memory.MemUnlock != IntPtr.Zero) ((delegate* unmanaged<IntPtr, void>)_memory.MemUnlock)(handle);
    }

    public void Dispose() => _library?.Dispose();
}

/// <summary>
/// The application's TWAIN 2 callback (DAT_CALLBACK): sources call it, from any thread and possibly from inside a
/// DSM_Entry call, with MSG_XFERREADY, MSG_CLOSEDSREQ and the like. It only queues the message for the session
/// that registered the source's id; the session's own thread acts on it.
/// </summary>
internal static unsafe class TwainCallbacks
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<uint, Action<ushort>> s_sessions = new();

    /// <summary>The address to register with DAT_CALLBACK.</summary>
    internal static IntPtr Address => (IntPtr)(delegate* unmanaged<TwIdentity*, TwIdentity*, uint, ushort, ushort, void*, ushort>)&OnMessage;

    internal static void Register(uint sourceId, Action<ushort> onMessage) => s_sessions[sourceId] = onMessage;

    internal static void Unregister(uint sourceId) => s_sessions.TryRemove(sourceId, out _);

    [UnmanagedCallersOnly]
    private static ushort OnMessage(TwIdentity* origin, TwIdentity* dest, uint dg, ushort dat, ushort msg, void* data)
    {
        // Never let an exception unwind into native code.
        try
        {
            if (origin != null && s_sessions.TryGetValue(origin->Id, out var onMessage)) onMessage(msg);
            return TwainDsm.TWRC_SUCCESS;
        }
        catch
        {
            return TwainDsm.TWRC_FAILURE;
        }
    }
}
