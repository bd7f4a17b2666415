using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Scanners;

/// <summary>Brings a page from any driver to the asked mode and resolution, so consumers see one contract.</summary>
internal static class ScanImages
{
    /// <summary>
    /// Returns a page of the asked depth (1 for bitonal, 8 for grey; colour stays as the device gave it) carrying
    /// <paramref name="dpi"/>. Disposes <paramref name="image"/> when it had to be converted.
    /// </summary>
    public static PageImage Conform(PageImage image, ColourMode mode, int dpi)
    {
        PageImage? converted = mode switch
        {
            // Devices without a line-art mode (or eSCL devices answering BlackAndWhite1 with a grey JPEG) are thresholded here.
            ColourMode.Bitonal when image.Depth != 1 => image.ToBitonal(),
            ColourMode.Grey when image.Depth != 8 => image.ToGray(),
            _ => null,
        };
        if (converted is not null) { image.Dispose(); image = converted; }
        image.Dpi = dpi;
        return image;
    }
}
