using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Ocr;

/// <summary>
/// Sizes a page image must have before Tesseract sees it: native asserts abort the whole process on degenerate
/// images, and Tesseract's boxes use 16-bit coordinates.
/// </summary>
public static class PageImageLimits
{
    /// <summary>Smallest accepted side in pixels.</summary>
    public const int MinSide = 10;
    /// <summary>Largest accepted side in pixels (A0 at 300 dpi is 14043).</summary>
    public const int MaxSide = 20000;
    /// <summary>Largest accepted pixel count (an A3 page at 600 dpi is 70 million).</summary>
    public const long MaxPixels = 150_000_000;

    /// <summary>Null when the page may be recognised, otherwise a reason code.</summary>
    public static string? Check(PageImage page) => Check(page.Width, page.Height);

    /// <summary>Null when an image of this size may be recognised, otherwise a reason code.</summary>
    public static string? Check(int width, int height)
    {
        if (width < MinSide || height < MinSide) return "image_too_small";
        if (width > MaxSide || height > MaxSide || (long)width * height > MaxPixels) return "image_too_large";
        return null;
    }

    /// <summary>Throws <see cref="PageImageRejectedException"/> when the page may not be recognised.</summary>
    public static void Ensure(PageImage page)
    {
        var reason = Check(page);
        if (reason is not null)
            throw new PageImageRejectedException(reason, $"Page image of {page.Width}x{page.Height} px refused ({reason}).");
    }
}
