using System.Runtime.InteropServices;

namespace CaptureChain.Ocr.Interop;

/// <summary>Owns one <c>TessBaseAPI*</c>; released with <c>TessBaseAPIEnd</c> + <c>TessBaseAPIDelete</c>.</summary>
internal sealed class TessBaseApiHandle : SafeHandle
{
    public TessBaseApiHandle() : base(IntPtr.Zero, ownsHandle: true) { }
    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Tesseract.TessBaseAPIEnd(handle);
        Tesseract.TessBaseAPIDelete(handle);
        return true;
    }
}

/// <summary>
/// Owns one <c>TessResultRenderer*</c>. The PDF renderer only flushes and closes its file when it is deleted, so
/// dispose it before reading the output.
/// </summary>
internal sealed class TessResultRendererHandle : SafeHandle
{
    public TessResultRendererHandle() : base(IntPtr.Zero, ownsHandle: true) { }
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { Tesseract.TessDeleteResultRenderer(handle); return true; }
}

/// <summary>Owns one <c>ETEXT_DESC*</c> progress monitor (deadline and cancel callback).</summary>
internal sealed class TessMonitorHandle : SafeHandle
{
    public TessMonitorHandle() : base(IntPtr.Zero, ownsHandle: true) { }
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { Tesseract.TessMonitorDelete(handle); return true; }
}

/// <summary>
/// Owns one <c>TessResultIterator*</c>. It points into the engine's results: dispose it before the next
/// <c>SetImage</c>, <c>Recognize</c> or <c>Clear</c> on the same engine.
/// </summary>
internal sealed class TessResultIteratorHandle : SafeHandle
{
    public TessResultIteratorHandle() : base(IntPtr.Zero, ownsHandle: true) { }
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { Tesseract.TessResultIteratorDelete(handle); return true; }
}

/// <summary>
/// A flag in native memory that Tesseract's cancel callback polls between words during <c>Recognize</c>; set from
/// any thread (for example by a <see cref="CancellationToken"/> registration) to stop recognition early.
/// </summary>
internal sealed unsafe class TessCancelFlag : IDisposable
{
    private int* _flag = (int*)NativeMemory.AllocZeroed(sizeof(int));

    /// <summary>The <c>cancel_this</c> pointer handed to the monitor.</summary>
    public IntPtr Pointer => (IntPtr)_flag;

    public void Set() { var f = _flag; if (f != null) Volatile.Write(ref *f, 1); }
    public void Reset() { var f = _flag; if (f != null) Volatile.Write(ref *f, 0); }
    public bool IsSet { get { var f = _flag; return f != null && Volatile.Read(ref *f) != 0; } }

    /// <summary>The <c>TessCancelFunc</c>: <c>bool (*)(void* cancel_this, int words)</c>.</summary>
    public static delegate* unmanaged<IntPtr, int, byte> Callback => &Poll;

    [UnmanagedCallersOnly]
    private static byte Poll(IntPtr cancelThis, int words) =>
        cancelThis != IntPtr.Zero && Volatile.Read(ref *(int*)cancelThis) != 0 ? (byte)1 : (byte)0;

    public void Dispose()
    {
        if (_flag == null) return;
        NativeMemory.Free(_flag);
        _flag = null;
    }
}

/// <summary>P/Invoke surface of Tesseract's C API (libtesseract.so.5, Debian 12). Nothing outside Interop calls it directly.</summary>
internal static partial class Tesseract
{
    private const string Lib = "libtesseract.so.5";
    private const string GompLib = "libgomp.so.1";

    internal const int OEM_TESSERACT_ONLY = 0, OEM_LSTM_ONLY = 1, OEM_DEFAULT = 3;
    internal const int PSM_OSD_ONLY = 0, PSM_AUTO = 3, PSM_SINGLE_BLOCK = 6;
    internal const int RIL_BLOCK = 0, RIL_PARA = 1, RIL_TEXTLINE = 2, RIL_WORD = 3, RIL_SYMBOL = 4;

    /// <summary>Where Debian installs the models and the PDF renderer's glyph-less font.</summary>
    internal const string DebianTessdata = "/usr/share/tesseract-ocr/5/tessdata";

    static Tesseract()
    {
        // libgomp reads OMP_THREAD_LIMIT once, when it is loaded together with libtesseract. Without a limit every
        // engine spreads over all cores and parallel engines thrash (NATIVE_NOTES: 2.6 s -> 0.37 s per page).
        // This static constructor runs before the first call below loads the library. An operator's explicit
        // value (for example exported by ./capturechain) wins.
        if (string.IsNullOrEmpty(Libc.GetEnvironment("OMP_THREAD_LIMIT")))
            Libc.setenv("OMP_THREAD_LIMIT", "1", 0);
        BoundNativeHeap();
    }

    /// <summary>
    /// Page images (9 MB grey, 35 MB colour) are native allocations made and freed on several threads. glibc raises its
    /// mmap threshold after the first large free, so later images come from per-thread heaps that fragment: resident
    /// memory crept from about 700 MB to about 1 GB over 300 pages. A fixed threshold maps each image on its own and
    /// gives it back when freed, and fewer arenas keep the small-object heaps together (measured: 450-550 MB steady).
    /// An operator's MALLOC_* variables win.
    /// </summary>
    private static void BoundNativeHeap()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            if (string.IsNullOrEmpty(Libc.GetEnvironment("MALLOC_MMAP_THRESHOLD_"))) Libc.mallopt(Libc.M_MMAP_THRESHOLD, 128 * 1024);
            if (string.IsNullOrEmpty(Libc.GetEnvironment("MALLOC_ARENA_MAX"))) Libc.mallopt(Libc.M_ARENA_MAX, Math.Max(2, Environment.ProcessorCount));
        }
        catch (EntryPointNotFoundException) { } // not glibc: its allocator has its own policy
    }

    /// <summary>Makes sure the static constructor (native environment) ran; call before any engine is created.</summary>
    internal static void EnsureEnvironment() { }

    /// <summary>
    /// The thread limit libgomp actually took, read back from libgomp itself; shows whether the environment was
    /// set in time (a library loaded earlier could have pulled libgomp in first).
    /// </summary>
    internal static int OpenMpThreadLimit()
    {
        EnsureEnvironment();
        _ = TessVersion(); // loads libtesseract and with it libgomp
        return omp_get_thread_limit();
    }

    [LibraryImport(GompLib)] private static partial int omp_get_thread_limit();

    // General
    [LibraryImport(Lib)] internal static partial IntPtr TessVersion();
    [LibraryImport(Lib)] internal static partial void TessDeleteText(IntPtr text);

    // Base API
    [LibraryImport(Lib)] internal static partial TessBaseApiHandle TessBaseAPICreate();
    [LibraryImport(Lib)] internal static partial void TessBaseAPIDelete(IntPtr handle);
    [LibraryImport(Lib)] internal static partial void TessBaseAPIEnd(IntPtr handle);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int TessBaseAPIInit2(TessBaseApiHandle handle, string? datapath, string language, int oem);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int TessBaseAPISetVariable(TessBaseApiHandle handle, string name, string value);
    [LibraryImport(Lib)] internal static partial IntPtr TessBaseAPIGetDatapath(TessBaseApiHandle handle);
    [LibraryImport(Lib)] internal static partial void TessBaseAPISetPageSegMode(TessBaseApiHandle handle, int mode);
    [LibraryImport(Lib)] internal static partial void TessBaseAPISetImage2(TessBaseApiHandle handle, PixHandle pix);
    [LibraryImport(Lib)] internal static partial void TessBaseAPISetSourceResolution(TessBaseApiHandle handle, int ppi);
    [LibraryImport(Lib)] internal static partial int TessBaseAPIGetSourceYResolution(TessBaseApiHandle handle);
    [LibraryImport(Lib)] internal static partial int TessBaseAPIRecognize(TessBaseApiHandle handle, TessMonitorHandle monitor);
    [LibraryImport(Lib)] internal static partial IntPtr TessBaseAPIGetUTF8Text(TessBaseApiHandle handle);
    [LibraryImport(Lib)] internal static partial int TessBaseAPIMeanTextConf(TessBaseApiHandle handle);
    [LibraryImport(Lib)] internal static partial TessResultIteratorHandle TessBaseAPIGetIterator(TessBaseApiHandle handle);
    [LibraryImport(Lib)] internal static partial void TessBaseAPIClear(TessBaseApiHandle handle);

    /// <summary>
    /// Orientation and script detection (needs an engine initialised with <c>osd</c>). <paramref name="scriptName"/>
    /// points into Tesseract's own tables: never free it (the header comment is wrong for 5.3).
    /// </summary>
    [LibraryImport(Lib)]
    internal static partial int TessBaseAPIDetectOrientationScript(TessBaseApiHandle handle, out int orientDeg, out float orientConf,
        out IntPtr scriptName, out float scriptConf);

    // Result iterator
    [LibraryImport(Lib)] internal static partial void TessResultIteratorDelete(IntPtr handle);
    [LibraryImport(Lib)] internal static partial int TessResultIteratorNext(TessResultIteratorHandle handle, int level);
    [LibraryImport(Lib)] internal static partial IntPtr TessResultIteratorGetUTF8Text(TessResultIteratorHandle handle, int level);
    [LibraryImport(Lib)] internal static partial float TessResultIteratorConfidence(TessResultIteratorHandle handle, int level);
    [LibraryImport(Lib)] internal static partial IntPtr TessResultIteratorGetPageIteratorConst(TessResultIteratorHandle handle);
    [LibraryImport(Lib)]
    internal static partial int TessPageIteratorBoundingBox(IntPtr pageIterator, int level, out int left, out int top, out int right, out int bottom);

    // PDF renderer
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial TessResultRendererHandle TessPDFRendererCreate(string outputBase, string dataDir, int textOnly);
    [LibraryImport(Lib)] internal static partial void TessDeleteResultRenderer(IntPtr renderer);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int TessResultRendererBeginDocument(TessResultRendererHandle renderer, string title);
    [LibraryImport(Lib)] internal static partial int TessResultRendererAddImage(TessResultRendererHandle renderer, TessBaseApiHandle api);
    [LibraryImport(Lib)] internal static partial int TessResultRendererEndDocument(TessResultRendererHandle renderer);

    // Progress monitor
    [LibraryImport(Lib)] internal static partial TessMonitorHandle TessMonitorCreate();
    [LibraryImport(Lib)] internal static partial void TessMonitorDelete(IntPtr monitor);
    [LibraryImport(Lib)] internal static partial void TessMonitorSetDeadlineMSecs(TessMonitorHandle monitor, int deadline);
    [LibraryImport(Lib)] internal static partial int TessMonitorGetProgress(TessMonitorHandle monitor);
    [LibraryImport(Lib)] internal static unsafe partial void TessMonitorSetCancelFunc(TessMonitorHandle monitor, delegate* unmanaged<IntPtr, int, byte> cancelFunc);
    [LibraryImport(Lib)] internal static partial void TessMonitorSetCancelThis(TessMonitorHandle monitor, IntPtr cancelThis);

    /// <summary>Copies a Tesseract-allocated string and frees it with <c>TessDeleteText</c>.</summary>
    internal static string TakeText(IntPtr text)
    {
        if (text == IntPtr.Zero) return string.Empty;
        try { return Marshal.PtrToStringUTF8(text) ?? string.Empty; }
        finally { TessDeleteText(text); }
    }

    /// <summary>The library's version string, e.g. "5.3.0".</summary>
    internal static string Version() => Marshal.PtrToStringUTF8(TessVersion()) ?? "unknown";
}
