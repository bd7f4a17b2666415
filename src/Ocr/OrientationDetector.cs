using System.Runtime.InteropServices;
using CaptureChain.Ocr.Imaging;
using CaptureChain.Ocr.Interop;

namespace CaptureChain.Ocr;

/// <summary>What orientation detection found on a page.</summary>
/// <param name="Detected">Tesseract found enough text to judge; otherwise the other values are 0/empty.</param>
/// <param name="RotationDegrees">Clockwise turn (0, 90, 180, 270) that brings the page upright.</param>
/// <param name="Confidence">Tesseract's orientation confidence (roughly: above 2 is a clear call on a text page).</param>
/// <param name="Script">Dominant script, e.g. "Latin".</param>
public sealed record PageOrientation(bool Detected, int RotationDegrees, float Confidence, string Script)
{
    /// <summary>Too little text to judge.</summary>
    public static readonly PageOrientation Unknown = new(false, 0, 0, string.Empty);
}

/// <summary>
/// Tesseract orientation and script detection on an engine of its own, initialised with the "osd" model (on a
/// language engine it returns nonsense with a success code). Not thread-safe: one per worker.
/// </summary>
public sealed class OrientationDetector : IDisposable
{
    private readonly TessBaseApiHandle _api;
    private readonly int _defaultDpi;
    private readonly int _minTrustedDpi;

    public OrientationDetector(OcrOptions? options = null)
    {
        var o = options ?? new OcrOptions();
        _defaultDpi = o.DefaultDpi;
        _minTrustedDpi = o.MinTrustedDpi;
        // The osd model is a legacy (non-LSTM) model: it needs the legacy engine mode.
        _api = OcrEngine.CreateInitialised(o.TessdataPath, "osd", Tesseract.OEM_TESSERACT_ONLY);
        Tesseract.TessBaseAPISetPageSegMode(_api, Tesseract.PSM_OSD_ONLY);
    }

    /// <summary>
    /// Detects how <paramref name="page"/> must be turned to be upright. By default at half resolution (half the cost);
    /// <paramref name="fullResolution"/> reads small print (identity cards) that half resolution gets backwards.
    /// </summary>
    public PageOrientation Detect(PageImage page, bool fullResolution = false)
    {
        ObjectDisposedException.ThrowIf(_api.IsClosed, this);
        PageImageLimits.Ensure(page);
        var dpi = page.Dpi >= _minTrustedDpi && page.Dpi <= 4800 ? page.Dpi : _defaultDpi;
        // Detection classifies a few hundred characters; at half of 300 dpi they are still large enough and it takes
        // about half the time. 1 bpp pages are scaled to grey so that the strokes stay smooth.
        using var half = fullResolution || dpi < 250 || page.Width < 2 * PageImageLimits.MinSide || page.Height < 2 * PageImageLimits.MinSide ? null
            : page.Depth == 1 ? page.Derive(Leptonica.pixScaleToGray2(page.Pix), "scale to grey") : page.Scale(0.5f);
        var image = half ?? page;
        if (half is not null) dpi /= 2;
        try
        {
            Tesseract.TessBaseAPISetImage2(_api, image.Pix);
            Tesseract.TessBaseAPISetSourceResolution(_api, dpi);
            if (Tesseract.TessBaseAPIDetectOrientationScript(_api, out var degrees, out var confidence, out var script, out _) == 0)
                return PageOrientation.Unknown;
            // Tesseract reports how far the page is turned clockwise (a page turned 90 degrees clockwise gives 90);
            // undoing it is that many degrees counter-clockwise. script points into Tesseract's tables: not freed.
            var rotation = (360 - ((degrees % 360) + 360) % 360) % 360;
            return new PageOrientation(true, rotation, confidence, Marshal.PtrToStringUTF8(script) ?? string.Empty);
        }
        finally
        {
            Tesseract.TessBaseAPIClear(_api);
        }
    }

    public void Dispose() => _api.Dispose();
}
