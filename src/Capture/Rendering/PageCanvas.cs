using CaptureChain.Capture.Interop;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Rendering;

/// <summary>
/// An A4 page to draw on in millimetres, backed either by a grey raster at a given dpi (for generated scans) or by a
/// PDF file (for printable sheets). Text uses fontconfig families such as "DejaVu Sans" or "DejaVu Serif".
/// </summary>
public sealed class PageCanvas : IDisposable
{
    /// <summary>A4 width in millimetres.</summary>
    public const double A4WidthMm = 210, A4HeightMm = 297;
    private const double MmPerInch = 25.4, PointsPerInch = 72;

    // cairo 1.16 (Debian 12) corrupts the glyph caches its scaled fonts share between contexts when several threads
    // lay out text at once (segfaults in cairo_scaled_font_text_to_glyphs, seen generating a corpus on 2 cores): text
    // goes through this lock, one canvas at a time; shapes and everything else still draw in parallel.
    private static readonly Lock TextLock = new();

    private readonly CairoSurfaceHandle _surface;
    private readonly CairoContextHandle _cr;
    private readonly bool _isPdf;

    private PageCanvas(CairoSurfaceHandle surface, double unitsPerMm, bool isPdf, int dpi)
    {
        if (surface.IsInvalid || Cairo.cairo_surface_status(surface) != 0) throw new InvalidOperationException("cairo could not create the surface");
        _surface = surface;
        _isPdf = isPdf;
        Dpi = dpi;
        _cr = Cairo.cairo_create(surface);
        Cairo.cairo_scale(_cr, unitsPerMm, unitsPerMm);
        Clear();
    }

    /// <summary>
    /// Null while drawing works; otherwise cairo's error. A cairo error is sticky: every later call on the canvas,
    /// <see cref="Clear"/> included, does nothing, so a canvas in error must not be reused.
    /// </summary>
    public string? Error
    {
        get
        {
            var status = Cairo.cairo_status(_cr);
            if (status == 0) status = Cairo.cairo_surface_status(_surface);
            return status == 0 ? null : System.Runtime.InteropServices.Marshal.PtrToStringUTF8(Cairo.cairo_status_to_string(status)) ?? $"cairo status {status}";
        }
    }

    /// <summary>Raster resolution (0 for a PDF canvas).</summary>
    public int Dpi { get; }

    /// <summary>A white grey-scale A4 raster at <paramref name="dpi"/>.</summary>
    public static PageCanvas Raster(int dpi, double widthMm = A4WidthMm, double heightMm = A4HeightMm)
    {
        var w = (int)Math.Round(widthMm / MmPerInch * dpi);
        var h = (int)Math.Round(heightMm / MmPerInch * dpi);
        // RGB24 rather than A8: cairo antialiases text on A8 as alpha only, which is what we need, but RGB24 keeps
        // the drawing calls uniform (colours) and is converted to grey once at the end.
        return new PageCanvas(Cairo.cairo_image_surface_create(Cairo.FORMAT_RGB24, w, h), dpi / MmPerInch, isPdf: false, dpi);
    }

    /// <summary>A PDF file of A4 pages; call <see cref="NextPage"/> between pages.</summary>
    public static PageCanvas Pdf(string path) =>
        new(Cairo.cairo_pdf_surface_create(path, A4WidthMm / MmPerInch * PointsPerInch, A4HeightMm / MmPerInch * PointsPerInch),
            PointsPerInch / MmPerInch, isPdf: true, 0);

    /// <summary>Fills the page with white.</summary>
    public void Clear()
    {
        Cairo.cairo_set_source_rgba(_cr, 1, 1, 1, 1);
        Cairo.cairo_paint(_cr);
        SetGrey(0);
    }

    /// <summary>Sets the ink: 0 = black, 1 = white.</summary>
    public void SetGrey(double level) => Cairo.cairo_set_source_rgba(_cr, level, level, level, 1);

    /// <summary>Draws one line of text with its baseline at (x, y) mm; returns its width in mm.</summary>
    public double Text(double xMm, double yMm, string text, double sizePt, string family = "DejaVu Sans", bool bold = false, bool italic = false)
    {
        lock (TextLock)
        {
            Cairo.cairo_select_font_face(_cr, family, italic ? Cairo.FONT_SLANT_ITALIC : Cairo.FONT_SLANT_NORMAL,
                bold ? Cairo.FONT_WEIGHT_BOLD : Cairo.FONT_WEIGHT_NORMAL);
            Cairo.cairo_set_font_size(_cr, sizePt * MmPerInch / PointsPerInch);
            Cairo.cairo_move_to(_cr, xMm, yMm);
            Cairo.cairo_show_text(_cr, text);
            Cairo.cairo_text_extents(_cr, text, out var extents);
            return extents.XAdvance;
        }
    }

    /// <summary>Width in mm that <paramref name="text"/> would take.</summary>
    public double MeasureText(string text, double sizePt, string family = "DejaVu Sans", bool bold = false)
    {
        lock (TextLock)
        {
            Cairo.cairo_select_font_face(_cr, family, Cairo.FONT_SLANT_NORMAL, bold ? Cairo.FONT_WEIGHT_BOLD : Cairo.FONT_WEIGHT_NORMAL);
            Cairo.cairo_set_font_size(_cr, sizePt * MmPerInch / PointsPerInch);
            Cairo.cairo_text_extents(_cr, text, out var extents);
            return extents.XAdvance;
        }
    }

    /// <summary>A filled rectangle.</summary>
    public void FillRect(double xMm, double yMm, double wMm, double hMm)
    {
        Cairo.cairo_rectangle(_cr, xMm, yMm, wMm, hMm);
        Cairo.cairo_fill(_cr);
    }

    /// <summary>An outlined rectangle.</summary>
    public void StrokeRect(double xMm, double yMm, double wMm, double hMm, double lineMm = 0.3)
    {
        Cairo.cairo_set_line_width(_cr, lineMm);
        Cairo.cairo_rectangle(_cr, xMm, yMm, wMm, hMm);
        Cairo.cairo_stroke(_cr);
    }

    /// <summary>A straight line.</summary>
    public void Line(double x1, double y1, double x2, double y2, double lineMm = 0.3)
    {
        Cairo.cairo_set_line_width(_cr, lineMm);
        Cairo.cairo_move_to(_cr, x1, y1);
        Cairo.cairo_line_to(_cr, x2, y2);
        Cairo.cairo_stroke(_cr);
    }

    /// <summary>Ends the current PDF page and starts a new white one.</summary>
    public void NextPage()
    {
        if (!_isPdf) throw new InvalidOperationException("Only a PDF canvas has pages.");
        Cairo.cairo_show_page(_cr);
        Clear();
    }

    /// <summary>Copies the raster out as 8-bit grey rows (stride = width).</summary>
    public (byte[] Pixels, int Width, int Height) ToGray8()
    {
        if (_isPdf) throw new InvalidOperationException("A PDF canvas has no raster.");
        Cairo.cairo_surface_flush(_surface);
        var width = Cairo.cairo_image_surface_get_width(_surface);
        var height = Cairo.cairo_image_surface_get_height(_surface);
        var stride = Cairo.cairo_image_surface_get_stride(_surface);
        var grey = new byte[width * height];
        unsafe
        {
            var data = (byte*)Cairo.cairo_image_surface_get_data(_surface);
            for (var y = 0; y < height; y++)
            {
                var row = (uint*)(data + (long)y * stride);
                for (var x = 0; x < width; x++)
                {
                    var p = row[x];
                    grey[y * width + x] = (byte)((((p >> 16) & 0xFF) * 299 + ((p >> 8) & 0xFF) * 587 + (p & 0xFF) * 114) / 1000);
                }
            }
        }
        return (grey, width, height);
    }

    /// <summary>The raster as a Leptonica page carrying this canvas's dpi.</summary>
    public PageImage ToPageImage()
    {
        var (pixels, w, h) = ToGray8();
        return PageImage.FromGray8(pixels, w, h, w, Dpi);
    }

    public void Dispose()
    {
        if (_isPdf) Cairo.cairo_surface_finish(_surface);
        _cr.Dispose();
        _surface.Dispose();
    }
}
