using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Ocr;

/// <summary>
/// Cleans up and recognises pages, one at a time: owns one <see cref="OcrEngine"/> and one
/// <see cref="OrientationDetector"/>. Not thread-safe; get one per parallel consumer from <see cref="OcrEnginePool"/>.
/// </summary>
public sealed class OcrWorker : IDisposable
{
    private readonly PageCleanup _cleanup;
    private readonly OrientationDetector? _orientation;
    private OcrEngine _engine;
    private bool _disposed;

    /// <summary>Loads the language models and the orientation model (about half a second).</summary>
    public OcrWorker(OcrOptions? options = null)
    {
        Options = options ?? new OcrOptions();
        var cleanup = Options.EffectiveCleanup;
        _cleanup = new PageCleanup(cleanup, Options.DefaultDpi, Options.MinTrustedDpi);
        _engine = new OcrEngine(Options);
        try
        {
            _orientation = cleanup.AutoRotate ? new OrientationDetector(Options) : null;
        }
        catch
        {
            _engine.Dispose();
            throw;
        }
    }

    /// <summary>The settings in force.</summary>
    public OcrOptions Options { get; }

    /// <summary>Engines this worker had to replace after a runaway page.</summary>
    public int EnginesReplaced { get; private set; }

    /// <summary>
    /// Cleans up <paramref name="page"/> (blank check, straight, upright) and, unless it is blank, recognises it and
    /// writes its searchable PDF page to <paramref name="pdfPath"/> (the cleaned image with its text). A refused image
    /// comes back with <see cref="OcrPageOutcome.Rejection"/> set; the caller keeps ownership of the page.
    /// </summary>
    /// <remarks>
    /// Orientation is judged from the reading itself: a page read as scanned with confident, horizontal words is
    /// upright, and orientation detection (a third of a recognition's cost) never runs. Only a doubtful reading (low
    /// confidence: upside down; vertical word boxes: sideways) asks orientation detection at full resolution and
    /// reads the turned page, keeping whichever reading is clearly better. The kept reading's PDF page is the one
    /// written, so every filed page comes from a single recognition of the image it shows.
    /// </remarks>
    public OcrPageOutcome Process(PageImage page, string? pdfPath, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(page);
        ct.ThrowIfCancellationRequested();
        if (PageImageLimits.Check(page) is { } rejection)
            return new OcrPageOutcome(PageCleanupReport.None, null) { Rejection = rejection };

        using var cleaned = _cleanup.Clean(page, orientation: null);
        if (cleaned.Report.IsBlank) return new OcrPageOutcome(cleaned.Report, null);
        ct.ThrowIfCancellationRequested();

        var first = UsableEngine().Recognize(cleaned.Image, pdfPath, ct);
        if (_orientation is null || !OrientationInDoubt(first)) return new OcrPageOutcome(cleaned.Report with { RecognitionPasses = 1 }, first);
        return ReadTurned(cleaned, first, pdfPath, ct);
    }

    private bool OrientationInDoubt(OcrPageResult reading)
    {
        // A page that was slow or ran out of time is not read again; too few words say nothing about orientation.
        if (reading.DeadlineExceeded || reading.Elapsed > Options.EffectivePageDeadline / 4) return false;
        if (JudgeableWords(reading) < MinWordsToJudge) return false;
        return reading.MeanConfidence < Options.EffectiveCleanup.UprightConfidence || SidewaysShare(reading) > 0.5;
    }

    private const int MinWordsToJudge = 5;

    private static IEnumerable<OcrWord> LongWords(OcrPageResult reading) => reading.Words.Where(w => w.Text.Length >= 4);

    private static int JudgeableWords(OcrPageResult reading) => LongWords(reading).Count();

    /// <summary>Share of long words whose box is taller than wide: text running up or down the page.</summary>
    private static double SidewaysShare(OcrPageResult reading)
    {
        var words = LongWords(reading).ToList();
        return words.Count == 0 ? 0 : (double)words.Count(w => w.Bottom - w.Top > w.Right - w.Left) / words.Count;
    }

    private static float Score(OcrPageResult reading) =>
        reading.DeadlineExceeded ? float.MinValue : reading.MeanConfidence - (SidewaysShare(reading) > 0.5 ? 30f : 0f);

    private OcrPageOutcome ReadTurned(CleanedPage cleaned, OcrPageResult first, string? pdfPath, CancellationToken ct)
    {
        var options = Options.EffectiveCleanup;
        var detected = _orientation!.Detect(cleaned.Image, fullResolution: true);
        var sideways = SidewaysShare(first) > 0.5;
        // Detection leads; then the turn that the reading's symptom points to (sideways: a quarter turn either way,
        // upside down: half a turn). At most two more readings.
        var turns = new List<int>();
        if (detected.Detected && detected.RotationDegrees != 0) turns.Add(detected.RotationDegrees);
        foreach (var t in sideways ? new[] { 90, 270 } : [180])
            if (!turns.Contains(t)) turns.Add(t);

        var best = (Rotation: 0, Reading: first, Report: cleaned.Report);
        var passes = 1;
        string? bestAlternativePdf = null;
        foreach (var turn in turns.Take(2))
        {
            ct.ThrowIfCancellationRequested();
            using var turned = _cleanup.Turn(cleaned, turn);
            var alternativePdf = pdfPath is null ? null : $"{pdfPath}.turn{turn}";
            var reading = UsableEngine().Recognize(turned.Image, alternativePdf, ct);
            passes++;
            if (Score(reading) >= Score(best.Reading) + options.MinOrientationGain)
            {
                DeleteQuietly(bestAlternativePdf);
                best = (turn, reading, turned.Report);
                bestAlternativePdf = alternativePdf;
            }
            else
            {
                DeleteQuietly(alternativePdf);
            }
            if (best.Rotation != 0 && best.Reading.MeanConfidence >= options.UprightConfidence && SidewaysShare(best.Reading) <= 0.5) break;
        }

        var report = best.Report with { OrientationConfidence = detected.Confidence, RecognitionPasses = passes };
        if (best.Rotation == 0) return new OcrPageOutcome(report, first);
        if (pdfPath is not null && bestAlternativePdf is not null) File.Move(bestAlternativePdf, pdfPath, overwrite: true);
        return new OcrPageOutcome(report, best.Reading with { PdfPath = pdfPath is null || best.Reading.PdfPath is null ? null : Path.GetFullPath(pdfPath) });
    }

    private static void DeleteQuietly(string? path)
    {
        if (path is null) return;
        try { File.Delete(path); } catch (IOException) { } // a leftover in the batch's work folder is swept with it
    }

    private OcrEngine UsableEngine()
    {
        if (_engine.IsUsable) return _engine;
        // The previous engine was abandoned on a runaway page; it frees itself when its native call returns.
        _engine.Dispose();
        _engine = new OcrEngine(Options);
        EnginesReplaced++;
        return _engine;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _engine.Dispose();
        _orientation?.Dispose();
    }
}
