namespace CaptureChain.Ocr;

/// <summary>How a grey or colour page image is embedded in the searchable PDF (bitonal pages always go as CCITT G4).</summary>
public enum PdfImageEncoding
{
    /// <summary>
    /// Per page, whichever of <see cref="Lossless"/> and <see cref="Jpeg"/> is smaller, judged on a band of the
    /// page: clean grey pages (rendered, or scanned with a white background) compress better losslessly, noisy scans
    /// much better as JPEG. Colour pages go as JPEG.
    /// </summary>
    Auto,
    /// <summary>JPEG at <see cref="OcrOptions.JpegQuality"/>: a grey A4 scan is several times smaller than lossless.</summary>
    Jpeg,
    /// <summary>Flate (PNG-like), pixel-exact; large for grey scans with noise.</summary>
    Lossless,
}

/// <summary>Settings of the OCR stage: languages, resolution fallback, per-page deadline, PDF image encoding, cleanup.</summary>
/// <param name="Languages">Tesseract language models joined with '+', first is primary.</param>
/// <param name="TessdataPath">Folder of the .traineddata files; null uses Debian's /usr/share/tesseract-ocr/5/tessdata.</param>
/// <param name="DefaultDpi">Resolution assumed when a page carries none (scanners rarely say): never Tesseract's 70.</param>
/// <param name="PageDeadline">Longest recognition of one page; null means 30 s.</param>
/// <param name="GreyPdfEncoding">Embedding of grey and colour pages in the PDF.</param>
/// <param name="JpegQuality">Quality of JPEG-embedded pages (Tesseract's default is 85).</param>
/// <param name="MinTrustedDpi">A declared resolution below this (typically a JFIF "72 dpi") is treated as unknown.</param>
/// <param name="Cleanup">Deskew, rotation and blank-page settings; null uses the defaults.</param>
public sealed record OcrOptions(
    string Languages = "fra+eng",
    string? TessdataPath = null,
    int DefaultDpi = 300,
    TimeSpan? PageDeadline = null,
    PdfImageEncoding GreyPdfEncoding = PdfImageEncoding.Auto,
    int JpegQuality = 85,
    int MinTrustedDpi = 100,
    PageCleanupOptions? Cleanup = null)
{
    /// <summary>Deadline used when <see cref="PageDeadline"/> is null.</summary>
    public static readonly TimeSpan DefaultPageDeadline = TimeSpan.FromSeconds(30);

    /// <summary>The deadline in force.</summary>
    public TimeSpan EffectivePageDeadline => PageDeadline ?? DefaultPageDeadline;

    /// <summary>The cleanup settings in force.</summary>
    public PageCleanupOptions EffectiveCleanup => Cleanup ?? new PageCleanupOptions();

    /// <summary>The resolution Tesseract is told for <paramref name="declaredDpi"/>.</summary>
    public int ResolveDpi(int declaredDpi) => declaredDpi >= MinTrustedDpi && declaredDpi <= 4800 ? declaredDpi : DefaultDpi;
}

/// <summary>Settings of page cleanup before recognition.</summary>
/// <param name="Deskew">Straighten pages whose text lines are tilted.</param>
/// <param name="MinSkewDegrees">Smaller tilts are left alone (rotation blurs slightly).</param>
/// <param name="MinSkewConfidence">Leptonica's skew confidence needed to act (its own floor is 3).</param>
/// <param name="AutoRotate">Turn pages upright (see <see cref="UprightConfidence"/> for how it is decided).</param>
/// <param name="MinOrientationConfidence">
/// Orientation confidence needed to rotate a page when orientation detection alone decides
/// (<see cref="PageCleanup.Clean"/> with a detector). Measured on rendered letters: two lines of text give about 3,
/// three lines about 6, five or more 10-15; a noise page gave 1.2 (with a wrong script).
/// </param>
/// <param name="UprightConfidence">
/// A page read as scanned whose mean word confidence reaches this, with horizontal words, is upright: orientation
/// detection (about a third of a recognition's cost) is skipped. Measured: upright pages read at 85-92, the same pages
/// upside down at 50-56; sideways pages read well but their word boxes are vertical.
/// </param>
/// <param name="MinOrientationGain">A turned reading replaces the first one only if its score is this much higher.</param>
/// <param name="DetectBlankPages">Mark blank pages (they are not recognised).</param>
/// <param name="BlankThreshold">
/// Grey level below which a pixel counts as ink. Bleed-through on a duplex back is lighter (about 200-230); pale
/// content (pencil, faded fax, 60 % grey print at about 150) must stay darker, or a page with content would be
/// dropped as blank. Erring towards "not blank" only costs an OCR pass.
/// </param>
/// <param name="BlankBorderShare">Share of width and height trimmed on every side (scanner edges, punch holes).</param>
/// <param name="BlankMaxInkShare">A page is blank only when its ink share, after cleaning, is at most this...</param>
/// <param name="BlankMaxComponents">... and it has at most this many connected components...</param>
/// <param name="BlankMaxRawInkShare">... and its ink before speck removal is at most this share (scanner dust on a
/// blank back stays far below; a dithered or noisy page does not).</param>
public sealed record PageCleanupOptions(
    bool Deskew = true,
    double MinSkewDegrees = 0.3,
    double MinSkewConfidence = 3.0,
    bool AutoRotate = true,
    float MinOrientationConfidence = 4.0f,
    float UprightConfidence = 70f,
    float MinOrientationGain = 10f,
    bool DetectBlankPages = true,
    int BlankThreshold = 180,
    double BlankBorderShare = 0.05,
    double BlankMaxInkShare = 0.0001,
    int BlankMaxComponents = 5,
    double BlankMaxRawInkShare = 0.01);

/// <summary>One recognised word with its box in pixels of the recognised (cleaned) page, top-left origin.</summary>
public sealed record OcrWord(string Text, float Confidence, int Left, int Top, int Right, int Bottom);

/// <summary>
/// The result of one recognition pass over a page. When <see cref="DeadlineExceeded"/> is true the text holds only
/// what was recognised before the deadline (often nothing) and the PDF, if requested, still holds the full image.
/// </summary>
public sealed record OcrPageResult(
    string Text,
    float MeanConfidence,
    IReadOnlyList<OcrWord> Words,
    string? PdfPath,
    bool DeadlineExceeded,
    TimeSpan Elapsed);

/// <summary>What cleanup decided for one page.</summary>
/// <param name="SkewDegrees">Measured tilt of the text lines (positive counter-clockwise); 0 when not measured.</param>
/// <param name="RotationDegrees">Clockwise rotation applied to make the page upright: 0, 90, 180 or 270.</param>
/// <param name="OrientationConfidence">Tesseract's orientation confidence; 0 when detection did not run or found too little text.</param>
/// <param name="IsBlank">The page holds no content worth keeping.</param>
/// <param name="InkShare">Share of the trimmed, cleaned page that is ink (0..1).</param>
/// <param name="Components">Connected ink components on the trimmed, cleaned page.</param>
public sealed record PageCleanupReport(
    double SkewDegrees,
    int RotationDegrees,
    float OrientationConfidence,
    bool IsBlank,
    double InkShare,
    int Components)
{
    /// <summary>Nothing measured or changed (cleanup did not run).</summary>
    public static readonly PageCleanupReport None = new(0, 0, 0, false, 0, 0);

    /// <summary>Recognition passes the page took: 1 normally, more when its orientation was in doubt; 0 for a blank page.</summary>
    public int RecognitionPasses { get; init; }
}

/// <summary>
/// Cleanup decisions and recognition result of one page. <see cref="Result"/> is null for a blank page (not
/// recognised) and for a refused image (<see cref="Rejection"/> holds the reason code).
/// </summary>
public sealed record OcrPageOutcome(PageCleanupReport Cleanup, OcrPageResult? Result)
{
    /// <summary>Reason code when the image was refused before cleanup (e.g. <c>image_too_small</c>); null otherwise.</summary>
    public string? Rejection { get; init; }
}

/// <summary>The page image cannot be handed to Tesseract (a native assert would kill the process).</summary>
public sealed class PageImageRejectedException(string reasonCode, string message) : Exception(message)
{
    /// <summary>Machine-readable reason: <c>image_too_small</c>, <c>image_too_large</c>.</summary>
    public string ReasonCode { get; } = reasonCode;
}

/// <summary>Tesseract could not be set up (missing language model, unreadable tessdata).</summary>
public sealed class OcrEngineException(string message) : Exception(message);
