using System.Runtime.InteropServices;

namespace CaptureChain.Capture.Interop;

/// <summary>Owns a <c>zbar_image_scanner_t*</c>; one per thread, never shared (zbar is not thread-safe).</summary>
internal sealed class ZbarScannerHandle : SafeHandle
{
    public ZbarScannerHandle() : base(IntPtr.Zero, true) { }
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { Zbar.zbar_image_scanner_destroy(handle); return true; }
}

/// <summary>Owns a <c>zbar_image_t*</c>. Its pixel buffer belongs to the caller (no cleanup handler is set).</summary>
internal sealed class ZbarImageHandle : SafeHandle
{
    public ZbarImageHandle() : base(IntPtr.Zero, true) { }
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { Zbar.zbar_image_destroy(handle); return true; }
}

/// <summary>P/Invoke surface of zbar (libzbar.so.0), used to read batch-sheet barcodes.</summary>
internal static partial class Zbar
{
    private const string Lib = "libzbar.so.0";

    /// <summary>fourcc('Y','8','0','0'): 8-bit grey, one byte per pixel, rows packed.</summary>
    internal const uint FormatY800 = 'Y' | ('8' << 8) | ('0' << 16) | ((uint)'0' << 24);

    // zbar_symbol_type_t values (zbar.h).
    internal const int SymNone = 0, SymCode39 = 39, SymQr = 64, SymCode128 = 128;
    // zbar_config_t values (zbar.h).
    internal const int CfgEnable = 0, CfgBinary = 4, CfgMinLen = 0x20, CfgXDensity = 0x100, CfgYDensity = 0x101;

    [LibraryImport(Lib)] internal static partial ZbarScannerHandle zbar_image_scanner_create();
    [LibraryImport(Lib)] internal static partial void zbar_image_scanner_destroy(IntPtr scanner);
    [LibraryImport(Lib)] internal static partial int zbar_image_scanner_set_config(ZbarScannerHandle scanner, int symbology, int config, int value);
    [LibraryImport(Lib)] internal static partial int zbar_scan_image(ZbarScannerHandle scanner, ZbarImageHandle image);

    [LibraryImport(Lib)] internal static partial ZbarImageHandle zbar_image_create();
    [LibraryImport(Lib)] internal static partial void zbar_image_destroy(IntPtr image);
    [LibraryImport(Lib)] internal static partial void zbar_image_set_format(ZbarImageHandle image, CULong format);
    [LibraryImport(Lib)] internal static partial void zbar_image_set_size(ZbarImageHandle image, uint width, uint height);
    [LibraryImport(Lib)] internal static unsafe partial void zbar_image_set_data(ZbarImageHandle image, void* data, CULong length, IntPtr cleanupHandler);
    [LibraryImport(Lib)] internal static partial IntPtr zbar_image_first_symbol(ZbarImageHandle image);

    [LibraryImport(Lib)] internal static partial IntPtr zbar_symbol_next(IntPtr symbol);
    [LibraryImport(Lib)] internal static partial int zbar_symbol_get_type(IntPtr symbol);
    [LibraryImport(Lib)] internal static partial IntPtr zbar_symbol_get_data(IntPtr symbol);
    [LibraryImport(Lib)] internal static partial uint zbar_symbol_get_data_length(IntPtr symbol);

    /// <summary>A scanner with only <paramref name="symbologies"/> enabled, scanning every <paramref name="density"/>-th line.</summary>
    internal static ZbarScannerHandle CreateScanner(IEnumerable<int> symbologies, int density, int minLinearLength)
    {
        var scanner = zbar_image_scanner_create();
        if (scanner.IsInvalid) throw new InvalidOperationException("zbar could not create an image scanner");
        // Everything off first: EAN/UPC/I25 find false positives in text and table rules.
        zbar_image_scanner_set_config(scanner, SymNone, CfgEnable, 0);
        foreach (var sym in symbologies)
        {
            zbar_image_scanner_set_config(scanner, sym, CfgEnable, 1);
            if (sym != SymQr) zbar_image_scanner_set_config(scanner, sym, CfgMinLen, minLinearLength);
            // Raw QR bytes: zbar's own charset guess turns UTF-8 accents into Shift-JIS; the caller decodes UTF-8.
            else zbar_image_scanner_set_config(scanner, sym, CfgBinary, 1);
        }
        zbar_image_scanner_set_config(scanner, SymNone, CfgXDensity, density);
        zbar_image_scanner_set_config(scanner, SymNone, CfgYDensity, density);
        return scanner;
    }

    /// <summary>Scans packed 8-bit grey rows; returns (symbology, payload bytes) of every symbol found.</summary>
    internal static unsafe List<(int Symbology, byte[] Data)> Scan(ZbarScannerHandle scanner, ReadOnlySpan<byte> grey, int width, int height)
    {
        if (grey.Length < (long)width * height) throw new ArgumentException("Grey buffer is smaller than width × height.");
        var found = new List<(int, byte[])>();
        using var image = zbar_image_create();
        if (image.IsInvalid) throw new InvalidOperationException("zbar could not create an image");
        zbar_image_set_format(image, new CULong(FormatY800));
        zbar_image_set_size(image, (uint)width, (uint)height);
        fixed (byte* p = grey)
        {
            // No cleanup handler: the buffer stays ours and is pinned for the whole scan and symbol walk.
            zbar_image_set_data(image, p, new CULong((nuint)((long)width * height)), IntPtr.Zero);
            var n = zbar_scan_image(scanner, image);
            if (n < 0) throw new InvalidOperationException("zbar failed to scan the image");
            for (var sym = zbar_image_first_symbol(image); sym != IntPtr.Zero; sym = zbar_symbol_next(sym))
            {
                var length = (int)zbar_symbol_get_data_length(sym);
                var data = new byte[length];
                if (length > 0) new ReadOnlySpan<byte>((void*)zbar_symbol_get_data(sym), length).CopyTo(data);
                found.Add((zbar_symbol_get_type(sym), data));
            }
            zbar_image_set_data(image, null, new CULong(0), IntPtr.Zero);
        }
        return found;
    }
}
