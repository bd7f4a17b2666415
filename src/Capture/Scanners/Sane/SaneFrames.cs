using CaptureChain.Capture.Interop;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Scanners;

/// <summary>One frame as read from <c>sane_read</c>: its parameters and raw bytes up to EOF.</summary>
internal sealed record SaneFrame(SaneParameters Parameters, byte[] Data)
{
    /// <summary>Whole lines received: <c>lines</c> may be −1 (unknown length, read to EOF) or more than arrived.</summary>
    public int Lines => Parameters.BytesPerLine <= 0 ? 0
        : Parameters.Lines < 0 ? Data.Length / Parameters.BytesPerLine
        : Math.Min(Parameters.Lines, Data.Length / Parameters.BytesPerLine);
}

/// <summary>Turns SANE frames into a <see cref="PageImage"/>: grey 1/8/16-bit, RGB 8/16-bit, or three single-colour frames.</summary>
internal static class SaneFrames
{
    /// <summary>The page, or null with <paramref name="problem"/> set when the frames cannot make one.</summary>
    public static PageImage? Assemble(IReadOnlyList<SaneFrame> frames, int dpi, out string? problem)
    {
        problem = null;
        var first = frames[0];
        var p = first.Parameters;
        var width = p.PixelsPerLine;
        var lines = frames.Min(f => f.Lines);
        if (width < 1 || lines < 1) { problem = $"empty frame ({width}x{lines})"; return null; }
        var stride = p.BytesPerLine; // may be padded beyond the pixels: always step rows by bytes_per_line

        switch (p.Format, p.Depth, frames.Count)
        {
            case (Sane.FrameGray, 1, 1):
                // SANE: in 1-bit grey frames 1 = black, which is what FromBitonal expects.
                return PageImage.FromBitonal(first.Data, width, lines, stride, dpi);
            case (Sane.FrameGray, 8, 1):
                return PageImage.FromGray8(first.Data, width, lines, stride, dpi);
            case (Sane.FrameGray, 16, 1):
                return PageImage.FromGray8(HighBytes(first.Data, width, lines, stride, 1), width, lines, width, dpi);
            case (Sane.FrameRgb, 8, 1):
                return PageImage.FromRgb24(first.Data, width, lines, stride, dpi);
            case (Sane.FrameRgb, 16, 1):
                return PageImage.FromRgb24(HighBytes(first.Data, width, lines, stride, 3), width, lines, width * 3, dpi);
            case (Sane.FrameRed or Sane.FrameGreen or Sane.FrameBlue, 8, 3):
                return ThreePass(frames, width, lines, dpi, out problem);
            default:
                problem = $"unsupported frame: format {p.Format}, depth {p.Depth}, {frames.Count} frame(s)";
                return null;
        }
    }

    // 16-bit samples come in the machine's byte order; keep the most significant 8 bits.
    private static byte[] HighBytes(byte[] data, int width, int lines, int stride, int samplesPerPixel)
    {
        var perRow = width * samplesPerPixel;
        var result = new byte[perRow * lines];
        for (var y = 0; y < lines; y++)
        {
            var row = data.AsSpan(y * stride, perRow * 2);
            for (var i = 0; i < perRow; i++)
                result[y * perRow + i] = (byte)(BitConverter.ToUInt16(row.Slice(2 * i, 2)) >> 8);
        }
        return result;
    }

    private static PageImage? ThreePass(IReadOnlyList<SaneFrame> frames, int width, int lines, int dpi, out string? problem)
    {
        problem = null;
        var rgb = new byte[width * 3 * lines];
        foreach (var frame in frames)
        {
            if (frame.Parameters.PixelsPerLine != width) { problem = "three-pass frames differ in width"; return null; }
            var channel = frame.Parameters.Format - Sane.FrameRed;
            for (var y = 0; y < lines; y++)
                for (var x = 0; x < width; x++)
                    rgb[(y * width + x) * 3 + channel] = frame.Data[y * frame.Parameters.BytesPerLine + x];
        }
        if (frames.Select(f => f.Parameters.Format).Distinct().Count() != 3) { problem = "three-pass frames do not cover red, green and blue"; return null; }
        return PageImage.FromRgb24(rgb, width, lines, width * 3, dpi);
    }
}
