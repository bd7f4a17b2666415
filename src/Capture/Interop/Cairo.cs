using System.Runtime.InteropServices;

namespace CaptureChain.Capture.Interop;

/// <summary>Owns a <c>cairo_surface_t*</c>.</summary>
internal sealed class CairoSurfaceHandle : SafeHandle
{
    public CairoSurfaceHandle() : base(IntPtr.Zero, true) { }
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { Cairo.cairo_surface_destroy(handle); return true; }
}

/// <summary>Owns a <c>cairo_t*</c>.</summary>
internal sealed class CairoContextHandle : SafeHandle
{
    public CairoContextHandle() : base(IntPtr.Zero, true) { }
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { Cairo.cairo_destroy(handle); return true; }
}

/// <summary>P/Invoke surface of cairo (libcairo.so.2), used to render pages and print sheets.</summary>
internal static partial class Cairo
{
    private const string Lib = "libcairo.so.2";
    internal const int FORMAT_A8 = 2, FORMAT_RGB24 = 1;
    internal const int FONT_SLANT_NORMAL = 0, FONT_SLANT_ITALIC = 1, FONT_WEIGHT_NORMAL = 0, FONT_WEIGHT_BOLD = 1;

    [StructLayout(LayoutKind.Sequential)]
    internal struct TextExtents { public double XBearing, YBearing, Width, Height, XAdvance, YAdvance; }

    [LibraryImport(Lib)] internal static partial CairoSurfaceHandle cairo_image_surface_create(int format, int width, int height);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial CairoSurfaceHandle cairo_pdf_surface_create(string filename, double widthPt, double heightPt);
    [LibraryImport(Lib)] internal static partial IntPtr cairo_image_surface_get_data(CairoSurfaceHandle surface);
    [LibraryImport(Lib)] internal static partial int cairo_image_surface_get_width(CairoSurfaceHandle surface);
    [LibraryImport(Lib)] internal static partial int cairo_image_surface_get_height(CairoSurfaceHandle surface);
    [LibraryImport(Lib)] internal static partial int cairo_image_surface_get_stride(CairoSurfaceHandle surface);
    [LibraryImport(Lib)] internal static partial int cairo_surface_status(CairoSurfaceHandle surface);
    [LibraryImport(Lib)] internal static partial int cairo_status(CairoContextHandle cr);
    [LibraryImport(Lib)] internal static partial nint cairo_status_to_string(int status);
    [LibraryImport(Lib)] internal static partial void cairo_surface_flush(CairoSurfaceHandle surface);
    [LibraryImport(Lib)] internal static partial void cairo_surface_finish(CairoSurfaceHandle surface);
    [LibraryImport(Lib)] internal static partial void cairo_surface_destroy(IntPtr surface);
    [LibraryImport(Lib)] internal static partial CairoContextHandle cairo_create(CairoSurfaceHandle surface);
    [LibraryImport(Lib)] internal static partial void cairo_destroy(IntPtr cr);
    [LibraryImport(Lib)] internal static partial void cairo_show_page(CairoContextHandle cr);
    [LibraryImport(Lib)] internal static partial void cairo_save(CairoContextHandle cr);
    [LibraryImport(Lib)] internal static partial void cairo_restore(CairoContextHandle cr);
    [LibraryImport(Lib)] internal static partial void cairo_scale(CairoContextHandle cr, double sx, double sy);
    [LibraryImport(Lib)] internal static partial void cairo_translate(CairoContextHandle cr, double tx, double ty);
    [LibraryImport(Lib)] internal static partial void cairo_rotate(CairoContextHandle cr, double angle);
    [LibraryImport(Lib)] internal static partial void cairo_set_source_rgba(CairoContextHandle cr, double r, double g, double b, double a);
    [LibraryImport(Lib)] internal static partial void cairo_paint(CairoContextHandle cr);
    [LibraryImport(Lib)] internal static partial void cairo_rectangle(CairoContextHandle cr, double x, double y, double w, double h);
    [LibraryImport(Lib)] internal static partial void cairo_fill(CairoContextHandle cr);
    [LibraryImport(Lib)] internal static partial void cairo_stroke(CairoContextHandle cr);
    [LibraryImport(Lib)] internal static partial void cairo_set_line_width(CairoContextHandle cr, double width);
    [LibraryImport(Lib)] internal static partial void cairo_move_to(CairoContextHandle cr, double x, double y);
    [LibraryImport(Lib)] internal static partial void cairo_line_to(CairoContextHandle cr, double x, double y);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void cairo_select_font_face(CairoContextHandle cr, string family, int slant, int weight);
    [LibraryImport(Lib)] internal static partial void cairo_set_font_size(CairoContextHandle cr, double size);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void cairo_show_text(CairoContextHandle cr, string text);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void cairo_text_extents(CairoContextHandle cr, string text, out TextExtents extents);
}
