using CaptureChain.Ocr.Imaging;
using CaptureChain.Ocr.Interop;

namespace CaptureChain.Ocr;

/// <summary>Ink on a page after binarising, trimming the borders and removing specks.</summary>
/// <param name="InkShare">Share of the trimmed page that is ink after the specks are removed (0..1).</param>
/// <param name="Components">Connected ink components (8-connected) on the trimmed, cleaned page.</param>
/// <param name="RawInkShare">Share of the trimmed page that is ink before the specks are removed.</param>
/// <param name="IsBlank">All three are at or below the blank-page limits.</param>
public sealed record InkMeasurement(double InkShare, int Components, double RawInkShare, bool IsBlank);

/// <summary>Tilt of the text lines as Leptonica measures it.</summary>
/// <param name="Degrees">Angle of the text lines; rotating the page by this many degrees straightens it.</param>
/// <param name="Confidence">Leptonica's confidence (below 3 it does not trust itself).</param>
public sealed record SkewMeasurement(double Degrees, double Confidence);

/// <summary>The page to recognise after cleanup, with the decisions taken; owns the image when cleanup changed it.</summary>
public sealed class CleanedPage : IDisposable
{
    private readonly bool _ownsImage;

    internal CleanedPage(PageImage image, bool ownsImage, PageCleanupReport report)
    {
        Image = image;
        _ownsImage = ownsImage;
        Report = report;
    }

    /// <summary>The upright, straightened page (the input itself when nothing had to change).</summary>
    public PageImage Image { get; }

    /// <summary>What cleanup measured and decided.</summary>
    public PageCleanupReport Report { get; }

    public void Dispose()
    {
        if (_ownsImage) Image.Dispose();
    }
}

/// <summary>
/// Cleanup before recognition: blank-page detection, turning pages upright and straightening tilted scans.
/// Stateless apart from its settings; orientation detection needs an <see cref="OrientationDetector"/>.
/// </summary>
public sealed class PageCleanup
{
    private readonly int _defaultDpi;
    private readonly int _minTrustedDpi;

    public PageCleanup(PageCleanupOptions? options = null, int defaultDpi = 300, int minTrustedDpi = 100)
    {
        Options = options ?? new PageCleanupOptions();
        _defaultDpi = defaultDpi;
        _minTrustedDpi = minTrustedDpi;
    }

    /// <summary>The settings in force.</summary>
    public PageCleanupOptions Options { get; }

    /// <summary>
    /// Cleans <paramref name="page"/>: a blank page is only measured; otherwise it is turned upright when
    /// <paramref name="orientation"/> is confident, then straightened. The caller keeps ownership of the input.
    /// </summary>
    public CleanedPage Clean(PageImage page, OrientationDetector? orientation)
    {
        using var binarised = page.Depth == 1 ? null : page.ToBitonal(Options.BlankThreshold);
        var bitonal = binarised ?? page;

        var ink = MeasureInk(bitonal, ResolveDpi(page));
        if (ink.IsBlank)
            return new CleanedPage(page, ownsImage: false, new PageCleanupReport(0, 0, 0, true, ink.InkShare, ink.Components));

        // Upright first: skew is measured along text lines, which a sideways page does not have.
        var rotation = 0;
        var orientationConfidence = 0f;
        PageImage? turned = null, turnedBitonal = null;
        try
        {
            if (Options.AutoRotate && orientation is not null)
            {
                var found = orientation.Detect(page);
                orientationConfidence = found.Confidence;
                if (found.Detected && found.Confidence >= Options.MinOrientationConfidence && found.RotationDegrees != 0)
                {
                    rotation = found.RotationDegrees;
                    turned = page.RotateQuarterTurns(rotation / 90);
                    turnedBitonal = bitonal.RotateQuarterTurns(rotation / 90);
                }
            }
            var current = turned ?? page;

            var skew = 0.0;
            PageImage? straightened = null;
            if (Options.Deskew)
            {
                var measured = MeasureSkew(turnedBitonal ?? bitonal);
                if (Math.Abs(measured.Degrees) >= Options.MinSkewDegrees && measured.Confidence >= Options.MinSkewConfidence)
                {
                    straightened = current.RotateByDegrees(measured.Degrees);
                    skew = measured.Degrees;
                }
            }

            var report = new PageCleanupReport(skew, rotation, orientationConfidence, false, ink.InkShare, ink.Components);
            if (straightened is not null) return new CleanedPage(straightened, ownsImage: true, report);
            if (turned is not null)
            {
                var result = new CleanedPage(turned, ownsImage: true, report);
                turned = null; // handed over
                return result;
            }
            return new CleanedPage(page, ownsImage: false, report);
        }
        finally
        {
            turned?.Dispose();
            turnedBitonal?.Dispose();
        }
    }

    /// <summary>
    /// Turns an already cleaned page by <paramref name="degreesClockwise"/> (a quarter-turn multiple) and straightens
    /// it if it was not straightened before (a sideways page has no measurable text lines until it is upright).
    /// </summary>
    public CleanedPage Turn(CleanedPage cleaned, int degreesClockwise)
    {
        ArgumentNullException.ThrowIfNull(cleaned);
        if (degreesClockwise % 90 != 0) throw new ArgumentOutOfRangeException(nameof(degreesClockwise), "Quarter turns only.");
        var turned = cleaned.Image.RotateQuarterTurns(((degreesClockwise / 90) % 4 + 4) % 4);
        var report = cleaned.Report with { RotationDegrees = ((cleaned.Report.RotationDegrees + degreesClockwise) % 360 + 360) % 360 };
        if (!Options.Deskew || cleaned.Report.SkewDegrees != 0) return new CleanedPage(turned, ownsImage: true, report);
        var measured = MeasureSkew(turned);
        if (Math.Abs(measured.Degrees) < Options.MinSkewDegrees || measured.Confidence < Options.MinSkewConfidence)
            return new CleanedPage(turned, ownsImage: true, report);
        using (turned)
            return new CleanedPage(turned.RotateByDegrees(measured.Degrees), ownsImage: true, report with { SkewDegrees = measured.Degrees });
    }

    /// <summary>
    /// Measures ink the way a blank-page check should (NATIVE_NOTES): binarise, trim the borders (scanner edges,
    /// punch holes, shadows), remove specks with a 3x3 opening (scaled to the resolution), then count ink pixels
    /// and connected components. Light bleed-through stays above the threshold and vanishes.
    /// </summary>
    public InkMeasurement MeasureInk(PageImage page)
    {
        using var binarised = page.Depth == 1 ? null : page.ToBitonal(Options.BlankThreshold);
        return MeasureInk(binarised ?? page, ResolveDpi(page));
    }

    private InkMeasurement MeasureInk(PageImage bitonal, int dpi)
    {
        var borderX = (int)Math.Round(bitonal.Width * Options.BlankBorderShare);
        var borderY = (int)Math.Round(bitonal.Height * Options.BlankBorderShare);
        if (bitonal.Width - 2 * borderX < 1 || bitonal.Height - 2 * borderY < 1) borderX = borderY = 0;
        using var trimmed = bitonal.Derive(Leptonica.pixRemoveBorderGeneral(bitonal.Pix, borderX, borderX, borderY, borderY), "trim the borders");
        var brick = Math.Max(1, (int)Math.Round(3.0 * dpi / 300));
        using var opened = brick == 1 ? null : trimmed.Derive(Leptonica.pixOpenBrick(IntPtr.Zero, trimmed.Pix, brick, brick), "remove specks");
        var clean = opened ?? trimmed;
        if (Leptonica.pixCountPixels(trimmed.Pix, out var rawPixels, IntPtr.Zero) != 0
            || Leptonica.pixCountPixels(clean.Pix, out var inkPixels, IntPtr.Zero) != 0
            || Leptonica.pixCountConnComp(clean.Pix, 8, out var components) != 0)
            throw new InvalidOperationException("Leptonica could not measure the page's ink.");
        var area = (double)clean.Width * clean.Height;
        var share = inkPixels / area;
        var rawShare = rawPixels / area;
        // The opening wipes fine dots; a page that is dotted all over (dithered picture, noise) is not called blank
        // on that ground alone: the raw ink must be low too.
        var blank = Options.DetectBlankPages && share <= Options.BlankMaxInkShare && components <= Options.BlankMaxComponents
            && rawShare <= Options.BlankMaxRawInkShare;
        return new InkMeasurement(share, components, rawShare, blank);
    }

    /// <summary>Measures the tilt of the text lines (on a bitonal copy when the page is grey or colour).</summary>
    public SkewMeasurement MeasureSkew(PageImage page)
    {
        using var binarised = page.Depth == 1 ? null : page.ToBitonal(Options.BlankThreshold);
        var bitonal = binarised ?? page;
        // Sweep +-7 degrees; a failure (too little text) means "no measurable skew".
        if (Leptonica.pixFindSkew(bitonal.Pix, out var angle, out var confidence) != 0) return new SkewMeasurement(0, 0);
        return new SkewMeasurement(angle, confidence);
    }

    private int ResolveDpi(PageImage page) => page.Dpi >= _minTrustedDpi && page.Dpi <= 4800 ? page.Dpi : _defaultDpi;
}
