using System.Runtime.InteropServices;

namespace CaptureChain.Ocr.Interop;

/// <summary>Owns one Leptonica <c>PIX*</c>; released with <c>pixDestroy</c>.</summary>
public sealed class PixHandle : SafeHandle
{
    public PixHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    internal PixHandle(IntPtr pix) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(pix);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        var p = handle;
        Leptonica.pixDestroy(ref p);
        return true;
    }
}

/// <summary>P/Invoke surface of Leptonica (liblept.so.5, Debian 12). Nothing outside Interop calls it directly.</summary>
internal static partial class Leptonica
{
    private const string Lib = "lept";

    static Leptonica()
    {
        // Leptonica 1.83+ ships as libleptonica.so.6; keep a fallback so a newer distribution still loads.
        NativeLibrary.SetDllImportResolver(typeof(Leptonica).Assembly, static (name, assembly, path) =>
        {
            if (name != Lib) return IntPtr.Zero;
            foreach (var candidate in new[] { "liblept.so.5", "libleptonica.so.6", "liblept.so", "libleptonica.so" })
                if (NativeLibrary.TryLoad(candidate, assembly, path, out var h)) return h;
            return IntPtr.Zero;
        });
    }

    internal const int IFF_UNKNOWN = 0, IFF_BMP = 1, IFF_JFIF_JPEG = 2, IFF_PNG = 3, IFF_TIFF = 4, IFF_TIFF_G4 = 8,
        IFF_TIFF_LZW = 9, IFF_TIFF_ZIP = 10, IFF_PNM = 11, IFF_TIFF_JPEG = 17;

    /// <summary>Called once before any other Leptonica function so that its warnings stay off stderr.</summary>
    internal static void EnsureInitialised() => Initialised.Value.ToString();

    private static readonly Lazy<bool> Initialised = new(() => { setMsgSeverity(5 /* L_SEVERITY_ERROR */); return true; });

    [LibraryImport(Lib)] internal static partial int setMsgSeverity(int newsev);
    [LibraryImport(Lib)] internal static partial void pixDestroy(ref IntPtr ppix);
    [LibraryImport(Lib)] internal static partial IntPtr pixCreate(int width, int height, int depth);
    [LibraryImport(Lib)] internal static partial IntPtr pixClone(PixHandle pix);
    [LibraryImport(Lib)] internal static partial int pixGetDimensions(PixHandle pix, out int w, out int h, out int d);
    [LibraryImport(Lib)] internal static partial int pixGetResolution(PixHandle pix, out int xres, out int yres);
    [LibraryImport(Lib)] internal static partial int pixSetResolution(PixHandle pix, int xres, int yres);
    [LibraryImport(Lib)] internal static partial int pixSetInputFormat(PixHandle pix, int informat);
    [LibraryImport(Lib)] internal static partial int pixGetInputFormat(PixHandle pix);
    [LibraryImport(Lib)] internal static partial int pixGetWpl(PixHandle pix);
    [LibraryImport(Lib)] internal static partial IntPtr pixGetData(PixHandle pix);
    [LibraryImport(Lib)] internal static partial int pixEndianByteSwap(PixHandle pix);
    [LibraryImport(Lib)] internal static partial IntPtr pixGetColormap(PixHandle pix);

    [LibraryImport(Lib)] internal static unsafe partial IntPtr pixReadMem(byte* data, nuint size);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pixReadMemTiff(byte* data, nuint size, int n);
    [LibraryImport(Lib)] internal static unsafe partial int pixReadHeaderMem(byte* data, nuint size, out int format, out int w, out int h, out int bps, out int spp, out int iscmap);
    [LibraryImport(Lib)] internal static unsafe partial int findFileFormatBuffer(byte* buf, out int format);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pixReadMemFromMultipageTiff(byte* data, nuint size, ref nuint offset);
    // Capture intake: pnwarn counts libjpeg's corrupt-data warnings (libjpeg pads bad or missing data and carries on).
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pixReadMemJpeg(byte* data, nuint size, int cmflag, int reduction, out int pnwarn, int hint);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr pixRead(string filename);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int pixWrite(string fname, PixHandle pix, int format);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int pixWriteTiff(string fname, PixHandle pix, int comptype, string modestr);
    [LibraryImport(Lib)] internal static partial int pixWriteMem(out IntPtr data, out nuint size, PixHandle pix, int format);
    [LibraryImport(Lib)] internal static partial void lept_free(IntPtr ptr);

    [LibraryImport(Lib)] internal static partial IntPtr pixConvertTo8(PixHandle pix, int cmapflag);
    [LibraryImport(Lib)] internal static partial IntPtr pixConvertTo1(PixHandle pix, int threshold);
    [LibraryImport(Lib)] internal static partial IntPtr pixRotateOrth(PixHandle pix, int quads);
    internal const int L_ROTATE_AREA_MAP = 1, L_ROTATE_SHEAR = 2, L_BRING_IN_WHITE = 1;
    [LibraryImport(Lib)] internal static partial IntPtr pixRotate(PixHandle pix, float angle, int type, int incolor, int width, int height);
    [LibraryImport(Lib)] internal static partial IntPtr pixDeskew(PixHandle pix, int redsearch);
    [LibraryImport(Lib)] internal static partial int pixFindSkew(PixHandle pix, out float angle, out float conf);
    [LibraryImport(Lib)] internal static partial IntPtr pixOpenBrick(IntPtr pixd, PixHandle pixs, int hsize, int vsize);
    [LibraryImport(Lib)] internal static partial int pixCountPixels(PixHandle pix, out int count, IntPtr tab8);
    [LibraryImport(Lib)] internal static partial int pixCountConnComp(PixHandle pix, int connectivity, out int count);
    [LibraryImport(Lib)] internal static partial IntPtr pixScaleToGray2(PixHandle pix);
    [LibraryImport(Lib)] internal static partial IntPtr pixScale(PixHandle pix, float scalex, float scaley);
    [LibraryImport(Lib)] internal static partial IntPtr pixRemoveBorder(PixHandle pix, int npix);

    // OCR stage: border trimming for the blank-page check, JPEG size estimate, private page copies, image-only PDF.
    [LibraryImport(Lib)] internal static partial IntPtr pixRemoveBorderGeneral(PixHandle pix, int left, int right, int top, int bottom);
    [LibraryImport(Lib)] internal static partial int pixWriteMemJpeg(out IntPtr data, out nuint size, PixHandle pix, int quality, int progressive);
    [LibraryImport(Lib)] internal static partial IntPtr pixCopy(IntPtr pixd, PixHandle pixs);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int pixWriteMemPdf(out IntPtr data, out nuint size, PixHandle pix, int res, string title);
}
