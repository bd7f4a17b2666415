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
    /// Cleans up <paramref name="page"/> (blank check, upright, straight) and, unless it is blank, recognises it and
    /// writes its searchable PDF page to <paramref name="pdfPath"/> (the cleaned image with its text). A refused image
    /// comes back with <see cref="OcrPageOutcome.Rejection"/> set; the caller keeps ownership of the page.
    /// </summary>
    public OcrPageOutcome Process(PageImage page, string? pdfPath, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(page);
        ct.ThrowIfCancellationRequested();
        if (PageImageLimits.Check(page) is { } rejection)
            return new OcrPageOutcome(PageCleanupReport.None, null) { Rejection = rejection };

        using var cleaned = _cleanup.Clean(page, _orientation);
        if (cleaned.Report.IsBlank) return new OcrPageOutcome(cleaned.Report, null);
        ct.ThrowIfCancellationRequested();

        var result = UsableEngine().Recognize(cleaned.Image, pdfPath, ct);
        return new OcrPageOutcome(cleaned.Report, result);
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
