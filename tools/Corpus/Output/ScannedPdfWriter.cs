using System.Globalization;
using System.IO.Compression;
using System.Text;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Corpus.Output;

/// <summary>
/// Writes image-only PDFs as a scanner's "scan to PDF" does: one page per image, grey and colour pages as JPEG
/// (DCTDecode), bitonal pages as 1-bit Flate. No text layer, no dates: the same pages give the same bytes.
/// </summary>
public static class ScannedPdfWriter
{
    /// <summary>Writes <paramref name="pages"/> to <paramref name="path"/>; page size follows each image's pixels and dpi.</summary>
    public static void Write(string path, IEnumerable<PageImage> pages)
    {
        using var stream = File.Create(path);
        var offsets = new List<long>();
        var pageIds = new List<int>();
        var body = new List<(int Id, byte[] Bytes)>();
        // Object 1: catalog, 2: pages; then per page: page, contents, image.
        var nextId = 3;
        foreach (var page in pages)
        {
            var pageId = nextId++;
            var contentId = nextId++;
            var imageId = nextId++;
            pageIds.Add(pageId);
            var dpi = page.Dpi > 0 ? page.Dpi : 300;
            var wPt = Math.Round(page.Width * 72.0 / dpi, 3);
            var hPt = Math.Round(page.Height * 72.0 / dpi, 3);
            var (filter, colourSpace, bits, data, decode) = EncodeImage(page);
            var image = Concat(
                Ascii($"{imageId} 0 obj\n<< /Type /XObject /Subtype /Image /Width {page.Width} /Height {page.Height} " +
                      $"/ColorSpace /{colourSpace} /BitsPerComponent {bits} /Filter /{filter}{decode} /Length {data.Length} >>\nstream\n"),
                data,
                Ascii("\nendstream\nendobj\n"));
            var content = Ascii(F($"q {wPt} 0 0 {hPt} 0 0 cm /Im0 Do Q"));
            body.Add((pageId, Ascii(F($"{pageId} 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {wPt} {hPt}] ") +
                                    $"/Resources << /XObject << /Im0 {imageId} 0 R >> >> /Contents {contentId} 0 R >>\nendobj\n")));
            body.Add((contentId, Concat(Ascii($"{contentId} 0 obj\n<< /Length {content.Length} >>\nstream\n"), content, Ascii("\nendstream\nendobj\n"))));
            body.Add((imageId, image));
        }
        if (pageIds.Count == 0) throw new ArgumentException("A PDF needs at least one page.", nameof(pages));

        void Put(byte[] bytes) => stream.Write(bytes);
        Put(Ascii("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n", latin1: true));
        var objects = new SortedDictionary<int, byte[]>
        {
            [1] = Ascii("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"),
            [2] = Ascii($"2 0 obj\n<< /Type /Pages /Count {pageIds.Count} /Kids [{string.Join(' ', pageIds.Select(id => $"{id} 0 R"))}] >>\nendobj\n"),
        };
        foreach (var (id, bytes) in body) objects[id] = bytes;
        foreach (var (_, bytes) in objects)
        {
            offsets.Add(stream.Position);
            Put(bytes);
        }
        var xref = stream.Position;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) sb.Append(o.ToString("0000000000", CultureInfo.InvariantCulture)).Append(" 00000 n \n");
        sb.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        Put(Ascii(sb.ToString()));
    }

    private static (string Filter, string ColourSpace, int Bits, byte[] Data, string Decode) EncodeImage(PageImage page)
    {
        if (page.Depth == 1)
        {
            // Leptonica's 1 = black; PDF DeviceGray 1-bit has 0 = black, hence /Decode [1 0] on the packed rows.
            var grey = page.ToGray8Bytes();
            var stride = (page.Width + 7) / 8;
            var packed = new byte[stride * page.Height];
            for (var y = 0; y < page.Height; y++)
            {
                var src = y * page.Width;
                var dst = y * stride;
                for (var x = 0; x < page.Width; x++)
                    if (grey[src + x] < 128) packed[dst + (x >> 3)] |= (byte)(0x80 >> (x & 7));
            }
            return ("FlateDecode", "DeviceGray", 1, Deflate(packed), " /Decode [1 0]");
        }
        var jpeg = page.Encode(ImageFileFormat.Jpeg);
        return ("DCTDecode", page.Depth == 32 ? "DeviceRGB" : "DeviceGray", 8, jpeg, "");
    }

    private static byte[] Deflate(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(data);
        return ms.ToArray();
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static byte[] Ascii(string s, bool latin1 = false) => latin1 ? Encoding.Latin1.GetBytes(s) : Encoding.ASCII.GetBytes(s);

    private static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var p in parts) { p.CopyTo(result, at); at += p.Length; }
        return result;
    }
}
