using System.Text;
using CaptureChain.Capture.Interop;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Barcodes;

/// <summary>
/// Reads Code 39, Code 128 and QR codes from a page with zbar. Other symbologies (EAN, UPC, I25...) stay disabled:
/// they read false positives in ordinary text and tables. Thread-safe: each call uses its own zbar scanner.
/// </summary>
public static class BarcodeReader
{
    private static readonly int[] Enabled = [Zbar.SymCode39, Zbar.SymCode128, Zbar.SymQr];

    /// <summary>Every barcode found on <paramref name="page"/>, duplicates removed, in zbar's order.</summary>
    public static IReadOnlyList<Barcode> Read(PageImage page) => Read(page, BarcodeReadOptions.Default);

    /// <summary>Every barcode found on <paramref name="page"/> with explicit scan settings.</summary>
    public static IReadOnlyList<Barcode> Read(PageImage page, BarcodeReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(page);
        // Bitonal or colour pages become grey here; zbar only reads Y800.
        var grey = page.ToGray8Bytes();
        if (options.Binarise) Binarise(grey);
        return Read(grey, page.Width, page.Height, options);
    }

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    // Our sheets write UTF-8; a foreign code in another charset falls back to Latin-1 rather than failing.
    private static string DecodeText(byte[] data)
    {
        try { return StrictUtf8.GetString(data); }
        catch (DecoderFallbackException) { return Encoding.Latin1.GetString(data); }
    }

    /// <summary>
    /// Thresholds grey pixels to pure black and white at the page's Otsu level, in place. zbar's edge detector reads
    /// pixel-level grey noise (±10 levels is enough on a 300 dpi scan) as edges and then misses Code 128 entirely;
    /// after thresholding the same page reads cleanly.
    /// </summary>
    public static void Binarise(Span<byte> grey)
    {
        Span<long> histogram = stackalloc long[256];
        foreach (var v in grey) histogram[v]++;
        var total = (long)grey.Length;
        double sumAll = 0;
        for (var i = 0; i < 256; i++) sumAll += i * (double)histogram[i];
        double sumBelow = 0, best = -1;
        long below = 0;
        var threshold = 128;
        for (var t = 0; t < 255; t++)
        {
            below += histogram[t];
            if (below == 0) continue;
            var above = total - below;
            if (above == 0) break;
            sumBelow += t * (double)histogram[t];
            var meanBelow = sumBelow / below;
            var meanAbove = (sumAll - sumBelow) / above;
            var between = (double)below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best) { best = between; threshold = t; }
        }
        // A blank or uniform page has no meaningful split: fall back to mid-grey so noise does not become ink.
        if (best <= 0) threshold = 128;
        var lut = new byte[256];
        for (var i = 0; i < 256; i++) lut[i] = i <= threshold ? (byte)0 : (byte)255;
        for (var i = 0; i < grey.Length; i++) grey[i] = lut[grey[i]];
    }

    /// <summary>Every barcode found in packed 8-bit grey rows (0 = black).</summary>
    public static IReadOnlyList<Barcode> Read(ReadOnlySpan<byte> grey, int width, int height, BarcodeReadOptions options)
    {
        using var scanner = Zbar.CreateScanner(Enabled, options.ScanDensity, options.MinLinearLength);
        var result = new List<Barcode>();
        foreach (var (sym, data) in Zbar.Scan(scanner, grey, width, height))
        {
            var symbology = sym switch
            {
                Zbar.SymCode39 => Symbologies.Code39,
                Zbar.SymCode128 => Symbologies.Code128,
                Zbar.SymQr => Symbologies.Qr,
                _ => null,
            };
            if (symbology is null) continue;
            var barcode = new Barcode(symbology, DecodeText(data));
            if (!result.Contains(barcode)) result.Add(barcode);
        }
        return result;
    }
}

/// <summary>zbar scan settings.</summary>
/// <param name="ScanDensity">Scan every n-th row and column (1 = all; higher is faster, misses small codes).</param>
/// <param name="MinLinearLength">Shortest Code 39 / Code 128 payload accepted; short reads are mostly noise.</param>
/// <param name="Binarise">Threshold the page (Otsu) before scanning; see <see cref="BarcodeReader.Binarise"/>.</param>
public sealed record BarcodeReadOptions(int ScanDensity = 2, int MinLinearLength = 4, bool Binarise = true)
{
    /// <summary>Every 2nd row and column, payloads of 4+ characters, Otsu thresholding.</summary>
    public static BarcodeReadOptions Default { get; } = new();
}
