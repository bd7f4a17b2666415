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
}
