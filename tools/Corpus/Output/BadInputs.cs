using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using CaptureChain.Capture.Rendering;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Corpus.Output;

/// <summary>
/// Writes the broken inputs a scan room really produces (an empty file, an interrupted copy, a damaged JPEG, a
/// password-protected PDF, a text file named .pdf, a decompression bomb), each with the rejection it must get.
/// </summary>
public static class BadInputs
{
    /// <summary>Writes every bad input into <paramref name="folder"/>; returns file name → expected reason code.</summary>
    public static IReadOnlyDictionary<string, string> WriteAll(string folder)
    {
        Directory.CreateDirectory(folder);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);

        File.WriteAllBytes(Path.Combine(folder, "empty.tif"), []);
        expected["empty.tif"] = "empty_file";

        var pages = Enumerable.Range(1, 3).Select(n => TextPage($"Courrier page {n}")).ToList();
        var tiff = Path.Combine(folder, "truncated.tif");
        PageImage.SaveMultipageTiff(tiff, pages, ImageFileFormat.TiffLzw);
        var bytes = File.ReadAllBytes(tiff);
        File.WriteAllBytes(tiff, bytes[..(bytes.Length * 55 / 100)]);
        expected["truncated.tif"] = "truncated_image";

        var jpeg = pages[0].Encode(ImageFileFormat.Jpeg);
        new Random(1).NextBytes(jpeg.AsSpan(jpeg.Length / 2, 64));
        File.WriteAllBytes(Path.Combine(folder, "corrupt.jpg"), jpeg);
        expected["corrupt.jpg"] = "corrupt_image";
        foreach (var page in pages) page.Dispose();

        var plain = Path.Combine(folder, ".plain.pdf");
        using (var canvas = PageCanvas.Pdf(plain)) canvas.Text(20, 30, "Relevé d'identité bancaire confidentiel", 14);
        RunQpdf("--encrypt", "lecture", "proprietaire", "256", "--", plain, Path.Combine(folder, "locked.pdf"));
        File.Delete(plain);
        expected["locked.pdf"] = "pdf_encrypted";

        File.WriteAllText(Path.Combine(folder, "notes.pdf"), "Ceci n'est pas un PDF : liste des dossiers à scanner demain.\n", Encoding.UTF8);
        expected["notes.pdf"] = "not_a_pdf";

        File.WriteAllBytes(Path.Combine(folder, "huge.png"), PngHeaderOnly(30_000, 30_000));
        expected["huge.png"] = "image_too_large";
        return expected;
    }

    private static PageImage TextPage(string title)
    {
        using var canvas = PageCanvas.Raster(150);
        canvas.Text(20, 30, title, 16, bold: true);
        canvas.Text(20, 45, "Madame, Monsieur, veuillez trouver ci-joint les pièces demandées.", 11);
        return canvas.ToPageImage();
    }

    private static void RunQpdf(params string[] args)
    {
        using var qpdf = Process.Start(new ProcessStartInfo("qpdf", args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        qpdf.WaitForExit();
        if (qpdf.ExitCode is not (0 or 3)) throw new InvalidOperationException("qpdf failed: " + qpdf.StandardError.ReadToEnd());
    }

    /// <summary>A valid PNG header announcing a huge grey image, with almost no data: only a header check can refuse it cheaply.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8;
        Chunk(png, "IHDR", ihdr);
        var deflated = new MemoryStream();
        using (var z = new ZLibStream(deflated, CompressionLevel.Optimal, leaveOpen: true)) z.Write(new byte[65]);
        Chunk(png, "IDAT", deflated.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        s.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        s.Write(crc);
    }

    // PNG's CRC-32 (ISO 3309), bitwise: a handful of bytes per file, no table needed.
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
