using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Corpus.Scanning;

/// <summary>
/// Turns a clean rendered page into a scanned-looking one, in managed code on the grey bytes: skew (Leptonica),
/// paper and ink levels, uneven lighting, blur, grain, speckles, lid shadow, then grey / bitonal / colour output and
/// an optional quarter-turn. All randomness comes from the caller's <see cref="Random"/>, so a seed fixes the result.
/// </summary>
public static class ScanNoise
{
    /// <summary>Applies <paramref name="profile"/> to a clean page; the input is left untouched.</summary>
    public static PageImage Apply(PageImage clean, ScanProfile profile, Random rng, int quarterTurns = 0) =>
        FromCleanGrey(clean.ToGray8Bytes(), clean.Width, clean.Height, clean.Dpi, profile, rng, quarterTurns);

    /// <summary>Same as <see cref="Apply"/> on grey rows (stride = width) that it may overwrite.</summary>
    public static PageImage FromCleanGrey(byte[] grey, int width, int height, int dpi, ScanProfile profile, Random rng, int quarterTurns = 0)
    {
        var angle = profile.MaxSkewDegrees > 0 ? (rng.NextDouble() * 2 - 1) * profile.MaxSkewDegrees : 0;
        if (Math.Abs(angle) > 0.05)
        {
            // Shear rotation: area mapping looks a little smoother but costs several times more, and the blur
            // that follows hides the shear steps.
            using var flat = PageImage.FromGray8(grey, width, height, width, dpi);
            using var skewed = flat.RotateByDegrees(angle, smooth: false);
            grey = skewed.ToGray8Bytes();
        }
        Degrade(grey, width, height, profile, rng, speckles: profile.Speckles);
        return Finish(grey, width, height, dpi, profile, quarterTurns);
    }

    /// <summary>
    /// The back of a sheet scanned in duplex: white paper with the scanner's noise and a faint mirrored
    /// bleed-through of <paramref name="frontGrey"/> (the clean front's grey rows) (when given). It must still count as blank.
    /// </summary>
    public static PageImage BlankBack(byte[]? frontGrey, int width, int height, int dpi, ScanProfile profile, Random rng)
    {
        var grey = new byte[width * height];
        if (frontGrey is not null && frontGrey.Length == grey.Length)
        {
            var src = frontGrey;
            var bleed = 0.02 + rng.NextDouble() * 0.05;
            var lut = new byte[256];
            for (var v = 0; v < 256; v++) lut[v] = (byte)Math.Round(255 - (255 - v) * bleed);
            for (var y = 0; y < height; y++)
            {
                var row = y * width;
                for (var x = 0; x < width; x++) grey[row + x] = lut[src[row + width - 1 - x]];
            }
        }
        else Array.Fill(grey, (byte)255);
        // Seen through the paper, the other side is soft: blur it more than the front.
        Degrade(grey, width, height, profile with { BlurPasses = 3 }, rng, speckles: Math.Min(profile.Speckles, 40));
        return Finish(grey, width, height, dpi, profile, 0);
    }

    private static PageImage Finish(byte[] grey, int width, int height, int dpi, ScanProfile profile, int quarterTurns)
    {
        PageImage result;
        switch (profile.Mode)
        {
            case ScanColourMode.Bitonal:
                using (var g = PageImage.FromGray8(grey, width, height, width, dpi)) result = g.ToBitonal(profile.Threshold);
                break;
            case ScanColourMode.Colour:
                result = PageImage.FromRgb24(Tint(grey, profile), width, height, width * 3, dpi);
                break;
            default:
                result = PageImage.FromGray8(grey, width, height, width, dpi);
                break;
        }
        if (((quarterTurns % 4) + 4) % 4 == 0) return result;
        using (result) return result.RotateQuarterTurns(quarterTurns);
    }

    private static byte[] Tint(byte[] grey, ScanProfile profile)
    {
        var rgb = new byte[grey.Length * 3];
        Span<byte> r = stackalloc byte[256], g = stackalloc byte[256], b = stackalloc byte[256];
        for (var v = 0; v < 256; v++)
        {
            r[v] = (byte)Math.Min(255, v * profile.TintRed);
            g[v] = (byte)Math.Min(255, v * profile.TintGreen);
            b[v] = (byte)Math.Min(255, v * profile.TintBlue);
        }
        for (int i = 0, j = 0; i < grey.Length; i++, j += 3)
        {
            var v = grey[i];
            rgb[j] = r[v]; rgb[j + 1] = g[v]; rgb[j + 2] = b[v];
        }
        return rgb;
    }

    /// <summary>Paper/ink levels with uneven lighting, blur, grain, speckles and lid shadow, in place.</summary>
    private static void Degrade(byte[] px, int w, int h, ScanProfile profile, Random rng, int speckles)
    {
        // 1. Optics: [1 2 1] blur passes; the last one is fused with levels and grain below.
        for (var pass = 0; pass < profile.BlurPasses - 1; pass++) LevelsBlurGrain(px, w, h, blur: true, null, 0, 0, 0, rng);

        // 2. Levels: white becomes the paper level (darker where the lighting falls off), black the ink level;
        //    lighting falls off along a random direction: a linear ramp plus a shallow bow across the width.
        var paper = profile.PaperLevel;
        var ink = profile.InkLevel;
        var fall = profile.Unevenness * 255;
        int[]? colF = null;
        if (paper != 255 || ink != 0 || fall > 0)
        {
            var dirX = rng.NextDouble() * 2 - 1;
            var dirY = rng.NextDouble() * 2 - 1;
            colF = new int[w + 1];
            for (var x = 0; x < w; x++)
            {
                var t = (double)x / w;
                colF[x] = (int)(fall * (0.5 + 0.5 * dirX * (2 * t - 1)) * 0.6 + fall * 0.4 * 4 * (t - 0.5) * (t - 0.5));
            }
            // Row term stored after the columns' to keep one array: rowF(y) = fall/2 * (0.5 + 0.5 dirY (2y/h - 1)).
            colF[w] = (int)Math.Round(dirY * 1000);
        }

        // 3. Sensor grain, with a cheap xorshift: System.Random per pixel would cost most of the page budget.
        LevelsBlurGrain(px, w, h, blur: profile.BlurPasses > 0, colF, paper, ink, profile.Grain, rng, fall);

        // 4. Dust and toner specks: mostly dark dots, some white holes in dark areas.
        var dotScale = Math.Max(1, w / 1250);
        for (var i = 0; i < speckles; i++)
        {
            var cx = rng.Next(w);
            var cy = rng.Next(h);
            var radius = rng.Next(100) < 85 ? dotScale : dotScale + rng.Next(1, 3);
            var dark = px[cy * w + cx] > 128;
            var value = (byte)(dark ? ink + rng.Next(0, 60) : 240);
            for (var dy = -radius; dy <= radius; dy++)
                for (var dx = -radius; dx <= radius; dx++)
                {
                    int x = cx + dx, y = cy + dy;
                    if ((uint)x < (uint)w && (uint)y < (uint)h && dx * dx + dy * dy <= radius * radius) px[y * w + x] = value;
                }
        }

        // 5. Lid shadow along one edge.
        if (profile.EdgeShadow)
        {
            var band = w / 60 + rng.Next(0, w / 60);
            var side = rng.Next(4);
            for (var k = 0; k < band; k++)
            {
                var factor = 0.25 + 0.75 * k / band; // darkest at the very edge
                if (side < 2)
                {
                    var x = side == 0 ? k : w - 1 - k;
                    for (var y = 0; y < h; y++) px[y * w + x] = (byte)(px[y * w + x] * factor);
                }
                else
                {
                    var y = side == 2 ? k : h - 1 - k;
                    var row = y * w;
                    for (var x = 0; x < w; x++) px[row + x] = (byte)(px[row + x] * factor);
                }
            }
        }
    }

    /// <summary>
    /// One pass over the page: optional 3×3 [1 2 1] blur (in place, with three rolling row buffers), then levels
    /// (<paramref name="colF"/> non-null) and grain. Fusing matters: each full pass over an A4 page at 300 dpi is
    /// 8.7 million pixels.
    /// </summary>
    private static void LevelsBlurGrain(byte[] px, int w, int h, bool blur, int[]? colF, int paper, int ink, int grain, Random rng, double fall = 0)
    {
        var above = new byte[w];
        var here = new byte[w];
        var below = new byte[w];
        var outRow = new byte[w];
        Span<byte> clamp = stackalloc byte[256 + 2 * 64];
        for (var i = 0; i < clamp.Length; i++) clamp[i] = (byte)Math.Clamp(i - 64, 0, 255);
        var amp = Math.Min(grain, 60);
        var span = (uint)(2 * amp + 1);
        var s = (uint)rng.Next(1, int.MaxValue);
        var dirY = colF is null ? 0 : colF[w] / 1000.0;
        var grainAbove = (colF is null ? 255 : paper - (int)fall) - 12;

        if (blur)
        {
            HorizontalBlur(px.AsSpan(0, w), here);
            above.AsSpan().Clear();
            here.CopyTo(above);
        }
        for (var y = 0; y < h; y++)
        {
            var row = px.AsSpan(y * w, w);
            ReadOnlySpan<byte> source = row;
            if (blur)
            {
                if (y + 1 < h) HorizontalBlur(px.AsSpan((y + 1) * w, w), below); else here.CopyTo(below);
                for (var x = 0; x < w; x++) outRow[x] = (byte)((above[x] + 2 * here[x] + below[x] + 2) >> 2);
                source = outRow;
                (above, here, below) = (here, below, above);
            }
            if (colF is null && amp == 0)
            {
                if (blur) source.CopyTo(row);
                continue;
            }
            var rowF = colF is null ? 0 : (int)(fall * 0.5 * (0.5 + 0.5 * dirY * (2.0 * y / h - 1)));
            for (var x = 0; x < w; x++)
            {
                int v = source[x];
                if (colF is not null)
                {
                    var p = paper - rowF - colF[x];
                    if (p < ink + 40) p = ink + 40;
                    v = ink + (((p - ink) * v * 257 + 32768) >> 16);
                }
                // Grain on ink and its edges only: a scanner's white-point calibration leaves bare paper nearly flat,
                // which is also what keeps lossless files (PNG, LZW) at realistic sizes.
                if (amp > 0 && v < grainAbove)
                {
                    s ^= s << 13; s ^= s >> 17; s ^= s << 5;
                    v += (int)(s % span) - amp;
                }
                row[x] = clamp[v + 64];
            }
        }
    }

    private static void HorizontalBlur(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        var w = src.Length;
        dst[0] = src[0];
        dst[w - 1] = src[w - 1];
        for (var x = 1; x < w - 1; x++) dst[x] = (byte)((src[x - 1] + 2 * src[x] + src[x + 1] + 2) >> 2);
    }
}
