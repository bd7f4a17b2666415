using CaptureChain.Capture.Rendering;
using CaptureChain.Ocr;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Ocr.Tests;

/// <summary>Pages rendered at test time: French letters, blank backs, noise.</summary>
internal static class TestPages
{
    public const double LeftMm = 25, FirstBaselineMm = 40, LineSpacingMm = 8;

    public static readonly string[] FrenchLines =
    [
        "Objet : demande d'allocation personnalisée d'autonomie",
        "Madame Hélène Dupré, bénéficiaire, réside à Mérignac depuis février.",
        "Le dossier complémentaire sera transmis à l'établissement d'accueil.",
        "Nous vous prions d'agréer nos salutations distinguées.",
        "Numéro de dossier : APA-2024-00123",
        "Les pièces justificatives reçues sont conservées dans le dossier électronique.",
        "Une notification de décision vous sera adressée après l'évaluation à domicile.",
        "Le montant du plan d'aide dépend de vos ressources et de votre degré d'autonomie.",
        "Pour toute question, contactez le service de l'aide sociale du Département.",
        "Fait à Bordeaux, le 12 février 2025.",
    ];

    /// <summary>Accented words that the letter contains as separate words.</summary>
    public static readonly string[] AccentedWords =
        ["personnalisée", "Hélène", "Dupré", "bénéficiaire", "réside", "Mérignac", "février", "complémentaire", "distinguées", "pièces", "électronique", "décision"];

    /// <summary>The letter (all lines, or the first <paramref name="lines"/>), 11 pt, black unless <paramref name="grey"/>.</summary>
    public static PageImage Letter(int dpi = 300, int? lines = null, double grey = 0, double sizePt = 11)
    {
        using var canvas = PageCanvas.Raster(dpi);
        canvas.SetGrey(grey);
        var count = lines ?? FrenchLines.Length;
        for (var i = 0; i < count; i++)
            canvas.Text(LeftMm, BaselineMm(i), FrenchLines[i % FrenchLines.Length], sizePt);
        return canvas.ToPageImage();
    }

    /// <summary>A dense A4 page: 46 lines of 10 pt French words (a few seconds of recognition).</summary>
    public static PageImage Dense(int seed = 1)
    {
        string[] vocabulary = ("le département de la Gironde allocation personnalisée d'autonomie bénéficiaire dossier numéro " +
            "prestation hébergement établissement décision notifiée à l'intéressé être à côté où déjà").Split(' ');
        var random = new Random(seed);
        using var canvas = PageCanvas.Raster(300);
        for (var y = 25.0; y < 280; y += 5.5)
            canvas.Text(20, y, string.Join(' ', Enumerable.Range(0, 12).Select(_ => vocabulary[random.Next(vocabulary.Length)])), 10);
        return canvas.ToPageImage();
    }

    public static double BaselineMm(int line) => FirstBaselineMm + LineSpacingMm * line;

    /// <summary>Runs a command-line tool and returns its standard output; fails the test on a non-zero exit.</summary>
    public static string Tool(string file, params string[] args)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, args)
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        p.ExitCode.Should().Be(0, $"{file} failed: {error}");
        return output;
    }

    public static int MmToPixels(double mm, int dpi = 300) => (int)Math.Round(mm / 25.4 * dpi);

    /// <summary>A small card (A7) with two lines, one of them a unique case number.</summary>
    public static PageImage Card(string caseNumber, string name)
    {
        using var canvas = PageCanvas.Raster(300, 105, 74);
        canvas.Text(8, 20, "Dossier " + caseNumber, 12);
        canvas.Text(8, 32, "Bénéficiaire : " + name, 12);
        return canvas.ToPageImage();
    }

    /// <summary>A blank sheet as a scanner sees it: slightly grey paper with sensor noise.</summary>
    public static PageImage BlankSheet(int seed = 1)
    {
        using var white = PageCanvas.Raster(300);
        using var page = white.ToPageImage();
        return OnPaper(page, noise: 4, mirror: false, seed);
    }

    /// <summary>The back of a printed sheet: the letter shows through, mirrored and light (grey ≈ 210).</summary>
    public static PageImage BleedThrough(double grey = 0.85, int seed = 2)
    {
        using var letter = Letter(grey: grey, sizePt: 12);
        return OnPaper(letter, noise: 4, mirror: true, seed);
    }

    /// <summary>Paper tint (245 instead of 255), Gaussian sensor noise, optional left-right mirror.</summary>
    public static PageImage OnPaper(PageImage page, double noise, bool mirror, int seed)
    {
        var pixels = page.ToGray8Bytes();
        int w = page.Width, h = page.Height;
        var random = new Random(seed);
        var result = new byte[pixels.Length];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var value = pixels[y * w + (mirror ? w - 1 - x : x)] * (245.0 / 255);
                var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                result[y * w + x] = (byte)Math.Clamp(value + gaussian * noise, 0, 255);
            }
        return PageImage.FromGray8(result, w, h, w, page.Dpi);
    }

    /// <summary>Salt-and-pepper noise: each pixel black with probability <paramref name="density"/>.</summary>
    public static PageImage Noise(double density, int width = 2480, int height = 3508, int seed = 3)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = random.NextDouble() < density ? (byte)0 : (byte)255;
        return PageImage.FromGray8(pixels, width, height, width, 300);
    }

    /// <summary>Word texts without trailing punctuation.</summary>
    public static IReadOnlyList<string> WordTexts(OcrPageResult result) =>
        result.Words.Select(w => w.Text.Trim(',', '.', ';', ':', '!', '?')).ToList();
}
