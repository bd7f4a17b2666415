using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using CaptureChain.Capture.Rendering;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Tests;

/// <summary>A scratch folder per test class, removed afterwards.</summary>
public sealed class ScratchFolder : IDisposable
{
    public ScratchFolder() => Directory.CreateDirectory(Root);
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "cc-capture-tests", Guid.NewGuid().ToString("N"));
    public string File(string name) => Path.Combine(Root, name);
    public void Dispose() { try { Directory.Delete(Root, recursive: true); } catch (IOException) { } }
}

/// <summary>Builds test inputs at test time: rendered pages, noise, hand-made PNG and image-only PDF files.</summary>
public static class TestFiles
{
    public const string FrenchParagraph =
        "Madame, Monsieur, nous accusons réception de votre demande d'allocation personnalisée d'autonomie. " +
        "Votre dossier sera examiné par l'équipe médico-sociale du Département dans les meilleurs délais. " +
        "Nous vous invitons à conserver ce courrier et à joindre les justificatifs manquants avant la fin du mois.";

    /// <summary>An A4 raster page with a title and some lines of text, to serve as an ordinary document page.</summary>
    public static PageImage TextPage(int dpi, string title)
    {
        using var canvas = PageCanvas.Raster(dpi);
        DrawText(canvas, title);
        return canvas.ToPageImage();
    }

    public static void DrawText(PageCanvas canvas, string title)
    {
        canvas.Text(20, 30, title, 18, bold: true);
        var words = FrenchParagraph.Split(' ');
        var y = 50.0;
        var line = new StringBuilder();
        foreach (var w in words)
        {
            if (line.Length + w.Length > 70) { canvas.Text(20, y, line.ToString(), 11); y += 7; line.Clear(); }
            line.Append(w).Append(' ');
        }
        canvas.Text(20, y, line.ToString(), 11);
    }

    /// <summary>Grey copy with light salt-and-pepper noise and a little grey jitter, as a cheap scanner would add.</summary>
    public static PageImage WithNoise(PageImage page, int seed, double speckleShare = 0.002, int jitter = 25)
    {
        var grey = page.ToGray8Bytes();
        var random = new Random(seed);
        for (var i = 0; i < grey.Length; i++)
        {
            var v = grey[i] + random.Next(-jitter, jitter + 1);
            if (random.NextDouble() < speckleShare) v = random.Next(2) == 0 ? 0 : 255;
            grey[i] = (byte)Math.Clamp(v, 0, 255);
        }
        return PageImage.FromGray8(grey, page.Width, page.Height, page.Width, page.Dpi);
    }

    /// <summary>A PNG whose IHDR announces <paramref name="width"/> × <paramref name="height"/> grey pixels, with a tiny IDAT.</summary>
    public static byte[] PngWithHeader(int width, int height)
    {
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 0; // grey
        Chunk(png, "IHDR", ihdr);
        var deflated = new MemoryStream();
        using (var z = new ZLibStream(deflated, CompressionLevel.Optimal, leaveOpen: true)) z.Write(new byte[1 + Math.Min(width, 64)]);
        Chunk(png, "IDAT", deflated.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        s.Write(word);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        s.Write(word);
    }

    private static uint Crc32(byte[] bytes)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            c ^= b;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }

    /// <summary>
    /// An image-only PDF like a scanner writes: each page one grey JPEG drawn over an A4 media box, no text at all.
    /// </summary>
    public static void WriteScannedPdf(string path, IReadOnlyList<PageImage> pages)
    {
        var pdf = new MemoryStream();
        var offsets = new List<long>();
        void Ascii(string s) => pdf.Write(Encoding.ASCII.GetBytes(s));
        void BeginObject() { offsets.Add(pdf.Position); Ascii($"{offsets.Count} 0 obj\n"); }

        Ascii("%PDF-1.4\n%\u00e2\u00e3\n");
        var n = pages.Count;
        // Objects: 1 catalog, 2 pages, then per page: page, image, content.
        BeginObject(); Ascii("<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
        BeginObject();
        Ascii($"<< /Type /Pages /Count {n} /Kids [{string.Join(' ', Enumerable.Range(0, n).Select(i => $"{3 + 3 * i} 0 R"))}] >>\nendobj\n");
        for (var i = 0; i < n; i++)
        {
            var page = 3 + 3 * i;
            using var grey = pages[i].Depth == 8 ? null : pages[i].ToGray();
            var source = grey ?? pages[i];
            var jpeg = source.Encode(ImageFileFormat.Jpeg);
            BeginObject();
            Ascii($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Resources << /XObject << /Im0 {page + 1} 0 R >> >> /Contents {page + 2} 0 R >>\nendobj\n");
            BeginObject();
            Ascii($"<< /Type /XObject /Subtype /Image /Width {source.Width} /Height {source.Height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length {jpeg.Length} >>\nstream\n");
            pdf.Write(jpeg);
            Ascii("\nendstream\nendobj\n");
            const string content = "q 595.28 0 0 841.89 0 0 cm /Im0 Do Q";
            BeginObject();
            Ascii($"<< /Length {content.Length} >>\nstream\n{content}\nendstream\nendobj\n");
        }
        var xref = pdf.Position;
        Ascii($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) Ascii($"{o:D10} 00000 n \n");
        Ascii($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        File.WriteAllBytes(path, pdf.ToArray());
    }
}
