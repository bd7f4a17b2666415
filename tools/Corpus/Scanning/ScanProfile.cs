namespace CaptureChain.Corpus.Scanning;

/// <summary>How a scanner delivers pages: grey, bitonal (thresholded), or colour.</summary>
public enum ScanColourMode
{
    Grey,
    Bitonal,
    Colour,
}

/// <summary>
/// The look of one scanner run: resolution, colour mode and the defects applied to every page of it. Skew is drawn
/// per page within ±<see cref="MaxSkewDegrees"/> because each sheet is fed on its own.
/// </summary>
public sealed record ScanProfile(
    int Dpi = 300,
    ScanColourMode Mode = ScanColourMode.Grey,
    double MaxSkewDegrees = 0,
    int PaperLevel = 255,
    int InkLevel = 0,
    double Unevenness = 0,
    int BlurPasses = 0,
    int Grain = 0,
    int Speckles = 0,
    bool EdgeShadow = false,
    int Threshold = 150,
    double TintRed = 1,
    double TintGreen = 1,
    double TintBlue = 1)
{
    /// <summary>No defects at all: the clean render at 300 dpi in grey.</summary>
    public static ScanProfile Clean { get; } = new();

    /// <summary>A plausible scan-room profile: mostly 300 dpi grey or bitonal, some 200 dpi, some colour.</summary>
    public static ScanProfile Random(Random rng)
    {
        var mode = rng.Next(100) switch { < 45 => ScanColourMode.Grey, < 85 => ScanColourMode.Bitonal, _ => ScanColourMode.Colour };
        var dpi = rng.Next(100) < 82 ? 300 : 200;
        var tint = mode == ScanColourMode.Colour
            ? (1.0, 0.985 - rng.Next(0, 3) / 100.0, 0.94 - rng.Next(0, 5) / 100.0)
            : (1.0, 1.0, 1.0);
        return new ScanProfile(
            Dpi: dpi,
            Mode: mode,
            MaxSkewDegrees: rng.Next(100) < 70 ? 0.4 + rng.NextDouble() * 1.6 : 0,
            PaperLevel: 236 + rng.Next(0, 20),
            InkLevel: 10 + rng.Next(0, 45),
            Unevenness: rng.Next(100) < 60 ? 0.02 + rng.NextDouble() * 0.08 : 0,
            BlurPasses: rng.Next(100) switch { < 35 => 0, < 85 => 1, _ => 2 },
            Grain: mode == ScanColourMode.Bitonal ? rng.Next(0, 10) : rng.Next(0, 6),
            Speckles: rng.Next(100) < 50 ? rng.Next(20, 1500) : rng.Next(0, 20),
            EdgeShadow: rng.Next(100) < 20,
            Threshold: 135 + rng.Next(0, 45),
            TintRed: tint.Item1,
            TintGreen: tint.Item2,
            TintBlue: tint.Item3);
    }
}
