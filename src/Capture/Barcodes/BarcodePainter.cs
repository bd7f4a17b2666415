using CaptureChain.Capture.Rendering;

namespace CaptureChain.Capture.Barcodes;

/// <summary>Draws barcodes on a <see cref="PageCanvas"/> in millimetres, black on the current white background.</summary>
public static class BarcodePainter
{
    /// <summary>Draws a linear barcode with its top-left bar at (x, y); returns its width in mm (no quiet zone).</summary>
    public static double Draw(PageCanvas canvas, LinearBarcode code, double xMm, double yMm, double moduleMm, double heightMm)
    {
        canvas.SetGrey(0);
        var x = xMm;
        for (var k = 0; k < code.Widths.Count; k++)
        {
            var w = code.Widths[k] * moduleMm;
            if (k % 2 == 0) canvas.FillRect(x, yMm, w, heightMm);
            x += w;
        }
        return x - xMm;
    }

    /// <summary>Draws a QR code with its top-left module at (x, y); returns its side in mm (no quiet zone).</summary>
    public static double Draw(PageCanvas canvas, QrCode code, double xMm, double yMm, double moduleMm)
    {
        canvas.SetGrey(0);
        for (var y = 0; y < code.Size; y++)
        {
            // One rectangle per horizontal run: fewer PDF operators and no antialiasing seams inside a run.
            var x = 0;
            while (x < code.Size)
            {
                if (!code[x, y]) { x++; continue; }
                var start = x;
                while (x < code.Size && code[x, y]) x++;
                canvas.FillRect(xMm + start * moduleMm, yMm + y * moduleMm, (x - start) * moduleMm, moduleMm);
            }
        }
        return code.Size * moduleMm;
    }
}
