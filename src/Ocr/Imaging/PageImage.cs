using System.Runtime.InteropServices;
using CaptureChain.Ocr.Interop;

namespace CaptureChain.Ocr.Imaging;

/// <summary>File formats a page image can be written in.</summary>
public enum ImageFileFormat
{
    Png,
    Jpeg,
    Pnm,
    TiffG4,
    TiffLzw,
    TiffJpeg,
    TiffZip,
}

/// <summary>What an image file says about itself before it is decoded.</summary>
public sealed record ImageHeader(string Format, int Width, int Height, int BitsPerSample, int SamplesPerPixel);

/// <summary>
/// One raster page held by Leptonica. Owned by exactly one stage at a time: Leptonica's reference counts are not
/// atomic, so a page is never cloned or shared across threads.
/// </summary>
public sealed class PageImage : IDisposable
{
    private static long s_live;
    private int _disposed;

    internal PixHandle Pix { get; }

    internal PageImage(IntPtr pix, string what)
    {
        if (pix == IntPtr.Zero) throw new ImageDecodeException($"Leptonica could not {what}");
        Leptonica.EnsureInitialised();
        Pix = new PixHandle(pix);
        Leptonica.pixGetDimensions(Pix, out var w, out var h, out var d);
        Width = w; Height = h; Depth = d;
        Interlocked.Increment(ref s_live);
    }

    /// <summary>
    /// Page images created and not yet disposed in this process: how tests prove that a many-page file is streamed
    /// (a decoder holding every page shows here, whatever the garbage collector does).
    /// </summary>
    public static long LiveCount => Interlocked.Read(ref s_live);

    /// <summary>Pixels across.</summary>
    public int Width { get; }
    /// <summary>Pixels down.</summary>
    public int Height { get; }
    /// <summary>Bits per pixel: 1 (bitonal, 1 = black), 8 (grey), 32 (RGB).</summary>
    public int Depth { get; }

    /// <summary>Resolution in dots per inch, 0 when the source did not say.</summary>
    public int Dpi
    {
        get { Leptonica.pixGetResolution(Pix, out var x, out _); return x; }
        set => Leptonica.pixSetResolution(Pix, value, value);
    }

    /// <summary>Reads the header of an encoded image without decoding its pixels.</summary>
    public static unsafe ImageHeader? ReadHeader(ReadOnlySpan<byte> data)
    {
        Leptonica.EnsureInitialised();
        if (data.Length < 8) return null;
        fixed (byte* p = data)
        {
            if (Leptonica.pixReadHeaderMem(p, (nuint)data.Length, out var fmt, out var w, out var h, out var bps, out var spp, out _) != 0)
                return null;
            return new ImageHeader(FormatName(fmt), w, h, bps, spp);
        }
    }

    /// <summary>
    /// Reads a single-image file (PNG, JPEG, PNM, BMP, or the first page of a TIFF) straight into native memory: a page
    /// never passes through a managed buffer (large managed buffers would land on the large-object heap, page after page).
    /// </summary>
    public static PageImage Read(string path)
    {
        Leptonica.EnsureInitialised();
        return new PageImage(Leptonica.pixRead(Path.GetFullPath(path)), "read the image file");
    }

    /// <summary>Decodes a single-image file (PNG, JPEG, PNM, BMP, or the first page of a TIFF).</summary>
    public static unsafe PageImage Decode(ReadOnlySpan<byte> data)
    {
        Leptonica.EnsureInitialised();
        fixed (byte* p = data)
            return new PageImage(Leptonica.pixReadMem(p, (nuint)data.Length), "decode the image");
    }

    /// <summary>
    /// Decodes a JPEG and reports how many corrupt-data warnings libjpeg raised: libjpeg fills damaged or missing data
    /// with grey and still returns an image, so a caller that must not accept a damaged page checks the count.
    /// </summary>
    public static unsafe PageImage DecodeJpeg(ReadOnlySpan<byte> data, out int corruptDataWarnings)
    {
        Leptonica.EnsureInitialised();
        fixed (byte* p = data)
        {
            var pix = Leptonica.pixReadMemJpeg(p, (nuint)data.Length, 0, 1, out corruptDataWarnings, 0);
            return new PageImage(pix, "decode the JPEG");
        }
    }

    /// <summary>Makes a page from 8-bit grey rows (0 = black) such as a renderer or a scanner produces.</summary>
    public static PageImage FromGray8(ReadOnlySpan<byte> pixels, int width, int height, int stride, int dpi)
    {
        if (width < 1 || height < 1 || stride < width || pixels.Length < (long)stride * (height - 1) + width)
            throw new ArgumentException("Pixel buffer does not match the given size.");
        var image = new PageImage(Leptonica.pixCreate(width, height, 8), "allocate a grey page");
        image.WriteRows(pixels, stride, width);
        image.Dpi = dpi;
        return image;
    }

    /// <summary>Makes a page from packed 1-bit rows (most significant bit first, 1 = black).</summary>
    public static PageImage FromBitonal(ReadOnlySpan<byte> rows, int width, int height, int stride, int dpi)
    {
        if (width < 1 || height < 1 || stride < (width + 7) / 8 || rows.Length < (long)stride * (height - 1) + (width + 7) / 8)
            throw new ArgumentException("Bit buffer does not match the given size.");
        var image = new PageImage(Leptonica.pixCreate(width, height, 1), "allocate a bitonal page");
        image.WriteRows(rows, stride, (width + 7) / 8);
        image.Dpi = dpi;
        return image;
    }

    /// <summary>Makes a page from 24-bit RGB rows.</summary>
    public static PageImage FromRgb24(ReadOnlySpan<byte> rows, int width, int height, int stride, int dpi)
    {
        if (width < 1 || height < 1 || stride < width * 3 || rows.Length < (long)stride * (height - 1) + width * 3)
            throw new ArgumentException("RGB buffer does not match the given size.");
        var image = new PageImage(Leptonica.pixCreate(width, height, 32), "allocate a colour page");
        unsafe
        {
            var data = (uint*)Leptonica.pixGetData(image.Pix);
            var wpl = Leptonica.pixGetWpl(image.Pix);
            for (var y = 0; y < height; y++)
            {
                var src = rows.Slice(y * stride, width * 3);
                var dst = data + (long)y * wpl;
                for (var x = 0; x < width; x++)
                    dst[x] = ((uint)src[3 * x] << 24) | ((uint)src[3 * x + 1] << 16) | ((uint)src[3 * x + 2] << 8);
            }
        }
        image.Dpi = dpi;
        return image;
    }

    // Leptonica stores pixels in 32-bit words, most significant byte first; copy rows into word-aligned rows
    // and swap bytes on little-endian machines (NATIVE_NOTES: otherwise OCR reads garbage).
    private unsafe void WriteRows(ReadOnlySpan<byte> rows, int stride, int bytesPerRow)
    {
        var data = (byte*)Leptonica.pixGetData(Pix);
        var wplBytes = Leptonica.pixGetWpl(Pix) * 4;
        for (var y = 0; y < Height; y++)
            rows.Slice(y * stride, bytesPerRow).CopyTo(new Span<byte>(data + (long)y * wplBytes, bytesPerRow));
        if (BitConverter.IsLittleEndian) Leptonica.pixEndianByteSwap(Pix);
    }

    /// <summary>Copies the page out as 8-bit grey rows (stride = width), converting if needed.</summary>
    public byte[] ToGray8Bytes()
    {
        using var grey = Depth == 8 && Leptonica.pixGetColormap(Pix) == IntPtr.Zero ? null : ToGray();
        var source = grey ?? this;
        var result = new byte[Width * Height];
        unsafe
        {
            var data = (byte*)Leptonica.pixGetData(source.Pix);
            var wplBytes = Leptonica.pixGetWpl(source.Pix) * 4;
            var swap = BitConverter.IsLittleEndian ? 3 : 0;
            for (var y = 0; y < Height; y++)
            {
                var row = data + (long)y * wplBytes;
                var dst = result.AsSpan(y * Width, Width);
                for (var x = 0; x < Width; x++) dst[x] = row[x ^ swap];
            }
        }
        return result;
    }

    /// <summary>An 8-bit grey copy.</summary>
    public PageImage ToGray() => Derive(Leptonica.pixConvertTo8(Pix, 0), "convert to grey");

    /// <summary>A 1-bit copy (1 = black), thresholded at <paramref name="threshold"/> on the grey value.</summary>
    public PageImage ToBitonal(int threshold = 128) => Derive(Leptonica.pixConvertTo1(Pix, threshold), "binarise");

    /// <summary>Rotated clockwise by <paramref name="quarterTurns"/> × 90°.</summary>
    public PageImage RotateQuarterTurns(int quarterTurns) =>
        Derive(Leptonica.pixRotateOrth(Pix, ((quarterTurns % 4) + 4) % 4), "rotate");

    /// <summary>
    /// Rotated clockwise by a small angle in degrees about the centre, keeping the page size and bringing in white at
    /// the corners; used to simulate skewed scans. <paramref name="smooth"/> uses area mapping (grey text stays
    /// smooth, about 8x slower); otherwise shears, which is fine for the ±2° of a feeder.
    /// </summary>
    public PageImage RotateByDegrees(double degrees, bool smooth = true) =>
        Derive(Leptonica.pixRotate(Pix, (float)(degrees * Math.PI / 180), smooth ? Leptonica.L_ROTATE_AREA_MAP : Leptonica.L_ROTATE_SHEAR,
            Leptonica.L_BRING_IN_WHITE, 0, 0), "rotate by an angle");

    /// <summary>Scaled by the given factor (smooth for grey, area-mapped for bitonal).</summary>
    public PageImage Scale(float factor) => Derive(Leptonica.pixScale(Pix, factor, factor), "scale");

    /// <summary>Copies the resolution into a derived page: Leptonica does for most operations, not for all.</summary>
    internal PageImage Derive(IntPtr pix, string what)
    {
        var derived = new PageImage(pix, what);
        if (derived.Dpi == 0 && Dpi != 0) derived.Dpi = Dpi;
        return derived;
    }

    /// <summary>Encodes the page to memory.</summary>
    public byte[] Encode(ImageFileFormat format)
    {
        if (Leptonica.pixWriteMem(out var data, out var size, Pix, FormatCode(format)) != 0 || data == IntPtr.Zero)
            throw new InvalidOperationException($"Leptonica could not encode the page as {format}");
        try
        {
            var bytes = new byte[(int)size];
            Marshal.Copy(data, bytes, 0, bytes.Length);
            return bytes;
        }
        finally { Leptonica.lept_free(data); }
    }

    /// <summary>Encodes the page as baseline JPEG at <paramref name="quality"/> (1-100).</summary>
    public byte[] EncodeJpeg(int quality)
    {
        if (Leptonica.pixWriteMemJpeg(out var data, out var size, Pix, Math.Clamp(quality, 1, 100), 0) != 0 || data == IntPtr.Zero)
            throw new InvalidOperationException("Leptonica could not encode the page as JPEG");
        try
        {
            var bytes = new byte[(int)size];
            Marshal.Copy(data, bytes, 0, bytes.Length);
            return bytes;
        }
        finally { Leptonica.lept_free(data); }
    }

    /// <summary>Writes the page to a file.</summary>
    public void Save(string path, ImageFileFormat format)
    {
        if (Leptonica.pixWrite(path, Pix, FormatCode(format)) != 0)
            throw new IOException($"Leptonica could not write {path}");
    }

    /// <summary>Writes pages as one multi-page TIFF.</summary>
    public static void SaveMultipageTiff(string path, IEnumerable<PageImage> pages, ImageFileFormat compression)
    {
        var code = FormatCode(compression);
        var mode = "w";
        foreach (var page in pages)
        {
            // G4 is bitonal only: Leptonica silently falls back otherwise, so make the choice explicit.
            using var bitonal = code == Leptonica.IFF_TIFF_G4 && page.Depth != 1 ? page.ToBitonal() : null;
            if (Leptonica.pixWriteTiff(path, (bitonal ?? page).Pix, code, mode) != 0)
                throw new IOException($"Leptonica could not write {path}");
            mode = "a";
        }
    }

    /// <summary>Marks the page so that Tesseract's PDF renderer embeds it losslessly instead of as JPEG.</summary>
    public void PreferLosslessEmbedding() => Leptonica.pixSetInputFormat(Pix, Leptonica.IFF_PNG);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref s_live);
        Pix.Dispose();
    }

    internal static int FormatCode(ImageFileFormat format) => format switch
    {
        ImageFileFormat.Png => Leptonica.IFF_PNG,
        ImageFileFormat.Jpeg => Leptonica.IFF_JFIF_JPEG,
        ImageFileFormat.Pnm => Leptonica.IFF_PNM,
        ImageFileFormat.TiffG4 => Leptonica.IFF_TIFF_G4,
        ImageFileFormat.TiffLzw => Leptonica.IFF_TIFF_LZW,
        ImageFileFormat.TiffJpeg => Leptonica.IFF_TIFF_JPEG,
        ImageFileFormat.TiffZip => Leptonica.IFF_TIFF_ZIP,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    private static string FormatName(int code) => code switch
    {
        Leptonica.IFF_BMP => "bmp",
        Leptonica.IFF_JFIF_JPEG => "jpeg",
        Leptonica.IFF_PNG => "png",
        >= Leptonica.IFF_TIFF and <= Leptonica.IFF_TIFF_ZIP or Leptonica.IFF_TIFF_JPEG => "tiff",
        Leptonica.IFF_PNM => "pnm",
        _ => "unknown",
    };
}

/// <summary>The bytes are not an image Leptonica can decode.</summary>
public sealed class ImageDecodeException(string message) : Exception(message);
