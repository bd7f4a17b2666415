using CaptureChain.Capture.Rendering;

namespace CaptureChain.Corpus.Documents;

/// <summary>
/// The house style of one document: fonts, sizes and margins stay the same across its pages, as on real paper.
/// </summary>
internal sealed record HouseStyle(string BodyFont, string HeadFont, string MonoFont, double BodySize, double Left, double Right, double Top)
{
    public static readonly string[] SansFonts = ["DejaVu Sans", "Liberation Sans"];
    public static readonly string[] SerifFonts = ["DejaVu Serif", "Liberation Serif"];
    public static readonly string[] MonoFonts = ["DejaVu Sans Mono", "Liberation Mono"];

    public static HouseStyle Pick(Random rng, bool preferSerif = false)
    {
        var serif = preferSerif ? rng.Next(100) < 70 : rng.Next(100) < 30;
        var body = serif ? SerifFonts[rng.Next(2)] : SansFonts[rng.Next(2)];
        var head = rng.Next(100) < 60 ? body : SansFonts[rng.Next(2)];
        return new HouseStyle(body, head, MonoFonts[rng.Next(2)], 9.5 + rng.Next(0, 4) * 0.5,
            Left: 16 + rng.Next(0, 8), Right: 210 - (15 + rng.Next(0, 7)), Top: 14 + rng.Next(0, 8));
    }
}

/// <summary>
/// Draws one page of a document on a <see cref="PageCanvas"/> with a text cursor, so templates read like the page:
/// headings, fields, paragraphs, tables, checkboxes and simple logos. Sizes are in points, positions in millimetres.
/// </summary>
internal sealed class PageWriter(PageCanvas canvas, HouseStyle style, Random rng)
{
    private const double MmPerPt = 25.4 / 72;

    public PageCanvas Canvas { get; } = canvas;
    public HouseStyle Style { get; } = style;
    /// <summary>Cosmetic randomness only (jitter, squiggles): what is printed is decided before drawing.</summary>
    public Random Rng { get; } = rng;
    public double Y { get; set; } = style.Top;
    public double Left => Style.Left;
    public double Right => Style.Right;
    public double Width => Style.Right - Style.Left;

    public static double LineHeight(double sizePt) => sizePt * MmPerPt * 1.45;

    public double Text(double x, double y, string text, double? size = null, bool bold = false, bool italic = false, string? font = null, double grey = 0)
    {
        Canvas.SetGrey(grey);
        var w = Canvas.Text(x, y, text, size ?? Style.BodySize, font ?? Style.BodyFont, bold, italic);
        Canvas.SetGrey(0);
        return w;
    }

    public double Measure(string text, double? size = null, bool bold = false, string? font = null)
    {
        // cairo's toy text API re-selects the face on every call (about a millisecond each): cache widths. Hinted
        // advances differ slightly between resolutions, so the dpi is part of the key (or runs would not repeat).
        var key = (font ?? Style.BodyFont, bold, size ?? Style.BodySize, Canvas.Dpi, text);
        if (WidthCache.TryGetValue(key, out var width)) return width;
        width = Canvas.MeasureText(text, key.Item3, key.Item1, bold);
        if (WidthCache.Count < 200_000) WidthCache.TryAdd(key, width);
        return width;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, bool, double, int, string), double> WidthCache = new();

    /// <summary>One line at the cursor, then moves down.</summary>
    public void Line(string text, double? size = null, bool bold = false, bool italic = false, double indent = 0, string? font = null)
    {
        var s = size ?? Style.BodySize;
        Y += s * MmPerPt;
        Text(Left + indent, Y, text, s, bold, italic, font);
        Y += LineHeight(s) - s * MmPerPt;
    }

    public void Centered(string text, double? size = null, bool bold = false, string? font = null, bool italic = false)
    {
        var s = size ?? Style.BodySize;
        var w = Measure(text, s, bold, font ?? Style.HeadFont);
        if (w > Width)
        {
            // Long titles shrink to the text width, as a word processor's "fit" would.
            s *= Width / w;
            w = Measure(text, s, bold, font ?? Style.HeadFont);
        }
        Y += s * MmPerPt;
        Text(Math.Max(5, (Left + Right - w) / 2), Y, text, s, bold, italic, font ?? Style.HeadFont);
        Y += LineHeight(s) - s * MmPerPt;
    }

    public void RightAligned(string text, double? size = null, bool bold = false, double? y = null)
    {
        var s = size ?? Style.BodySize;
        var w = Measure(text, s, bold);
        if (y is { } fixedY) { Text(Right - w, fixedY, text, s, bold); return; }
        Y += s * MmPerPt;
        Text(Right - w, Y, text, s, bold);
        Y += LineHeight(s) - s * MmPerPt;
    }

    /// <summary>Word-wrapped text between the margins (or a column), justified left.</summary>
    public void Paragraph(string text, double? size = null, double indent = 0, double? width = null, bool italic = false, string? font = null)
    {
        var s = size ?? Style.BodySize;
        var maxWidth = (width ?? Width) - indent;
        var space = Measure(" ", s, false, font);
        var line = "";
        var lineWidth = 0.0;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            // Word widths add up to the line width closely enough for wrapping (no kerning across a space).
            var wordWidth = Measure(word, s, false, font);
            if (line.Length > 0 && lineWidth + space + wordWidth > maxWidth)
            {
                Line(line, s, italic: italic, indent: indent, font: font);
                line = word;
                lineWidth = wordWidth;
            }
            else
            {
                lineWidth = line.Length == 0 ? wordWidth : lineWidth + space + wordWidth;
                line = line.Length == 0 ? word : line + " " + word;
            }
        }
        if (line.Length > 0) Line(line, s, italic: italic, indent: indent, font: font);
        Y += s * MmPerPt * 0.5;
    }

    /// <summary>"Label : value" on one line; the value in bold or in a typewriter face like a filled-in form.</summary>
    public void Field(string label, string value, double indent = 0, bool monoValue = false, double? valueX = null)
    {
        var s = Style.BodySize;
        Y += s * MmPerPt;
        var w = Text(Left + indent, Y, label + " :", s);
        var x = valueX ?? Left + indent + w + 2;
        Text(x, Y, value, s, bold: !monoValue, font: monoValue ? Style.MonoFont : null);
        Y += LineHeight(s) - s * MmPerPt;
    }

    /// <summary>A labelled box with the value typed into it (CERFA style).</summary>
    public void BoxField(double x, double y, double w, string label, string value, double h = 8)
    {
        Text(x, y - 1, label, Style.BodySize - 2, grey: 0.25);
        Canvas.StrokeRect(x, y, w, h, 0.25);
        if (value.Length > 0) Text(x + 2, y + h - 2.3, value, Style.BodySize, font: Style.MonoFont);
    }

    /// <summary>One box per character, as for a NIR on national forms; spaces leave a gap.</summary>
    public void CombField(double x, double y, string label, string value, double cell = 5.2)
    {
        Text(x, y - 1, label, Style.BodySize - 1.5, grey: 0.25);
        var cx = x;
        foreach (var c in value)
        {
            if (c == ' ') { cx += cell * 0.6; continue; }
            Canvas.SetGrey(0.45);
            Canvas.StrokeRect(cx, y, cell, cell + 1.5, 0.2);
            Canvas.SetGrey(0);
            Text(cx + cell * 0.22, y + cell + 0.2, c.ToString(), Style.BodySize + 1, font: Style.MonoFont);
            cx += cell;
        }
    }

    public void Checkbox(double x, double y, string label, bool ticked, double? size = null)
    {
        var s = size ?? Style.BodySize;
        Canvas.StrokeRect(x, y - 3, 3.2, 3.2, 0.25);
        if (ticked)
        {
            Canvas.Line(x + 0.5, y - 2.5, x + 2.7, y - 0.3, 0.4);
            Canvas.Line(x + 2.7, y - 2.5, x + 0.5, y - 0.3, 0.4);
        }
        Text(x + 5, y, label, s);
    }

    /// <summary>A row of checkboxes at the cursor.</summary>
    public void CheckboxLine(IReadOnlyList<(string Label, bool Ticked)> boxes, double indent = 0)
    {
        var s = Style.BodySize;
        Y += s * MmPerPt;
        var x = Left + indent;
        foreach (var (label, ticked) in boxes)
        {
            Checkbox(x, Y, label, ticked);
            x += 10 + Measure(label, s);
        }
        Y += LineHeight(s) - s * MmPerPt + 1;
    }

    /// <summary>A section heading, sometimes on a grey band as on administrative forms.</summary>
    public void Section(string title, bool band)
    {
        Y += 3;
        var s = Style.BodySize + 1;
        if (band)
        {
            Canvas.SetGrey(0.85);
            Canvas.FillRect(Left, Y, Width, LineHeight(s) + 1);
            Canvas.SetGrey(0);
        }
        Y += 0.8;
        Line(title, s, bold: true, indent: band ? 2 : 0, font: Style.HeadFont);
        if (!band) Canvas.Line(Left, Y - 0.8, Left + Measure(title, s, true, Style.HeadFont), Y - 0.8, 0.25);
        Y += 1.5;
    }

    public void Rule(double lineMm = 0.3)
    {
        Y += 1.5;
        Canvas.Line(Left, Y, Right, Y, lineMm);
        Y += 2.5;
    }

    public void Gap(double mm) => Y += mm;

    /// <summary>A ruled table; returns the height used. Numeric columns are right-aligned.</summary>
    public void Table(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlyList<double> widths, bool shadeHeader = true, double? size = null)
    {
        var s = size ?? Style.BodySize - 0.5;
        var rowH = LineHeight(s) + 1.6;
        var total = widths.Sum();
        var x0 = Left;
        Y += 1;
        if (shadeHeader)
        {
            Canvas.SetGrey(0.88);
            Canvas.FillRect(x0, Y, total, rowH);
            Canvas.SetGrey(0);
        }
        void Row(IReadOnlyList<string> cells, bool bold)
        {
            var x = x0;
            for (var i = 0; i < widths.Count; i++)
            {
                var cell = i < cells.Count ? cells[i] : "";
                // Amounts and counts align right; dates, codes and phone numbers stay left as on real forms.
                var numeric = !bold && i > 0 && cell.Length is > 0 and < 16 && (char.IsDigit(cell[0]) || cell[0] == '-')
                              && cell.All(c => char.IsDigit(c) || c is ',' or '.' or ' ' or '-' or '€' or '%');
                numeric &= !(cell.Count(c => c == ' ') >= 2 && !cell.Contains(','));
                var tx = numeric ? x + widths[i] - 1.5 - Measure(cell, s) : x + 1.5;
                Text(tx, Y + rowH - 1.5, cell, s, bold);
                x += widths[i];
            }
            Canvas.StrokeRect(x0, Y, total, rowH, 0.2);
            var vx = x0;
            foreach (var w in widths.SkipLast(1)) { vx += w; Canvas.Line(vx, Y, vx, Y + rowH, 0.2); }
            Y += rowH;
        }
        Row(headers, true);
        foreach (var r in rows) Row(r, false);
        Y += 2;
    }

    /// <summary>A polygon outline approximating a circle (PageCanvas has only lines and rectangles).</summary>
    public void Circle(double cx, double cy, double r, double lineMm = 0.4)
    {
        const int Segments = 36;
        for (var i = 0; i < Segments; i++)
        {
            var a1 = 2 * Math.PI * i / Segments;
            var a2 = 2 * Math.PI * (i + 1) / Segments;
            Canvas.Line(cx + r * Math.Cos(a1), cy + r * Math.Sin(a1), cx + r * Math.Cos(a2), cy + r * Math.Sin(a2), lineMm);
        }
    }

    /// <summary>A filled disc drawn as thin horizontal strips.</summary>
    public void Disc(double cx, double cy, double r, double grey = 0)
    {
        Canvas.SetGrey(grey);
        for (var dy = -r; dy < r; dy += 0.25)
        {
            var half = Math.Sqrt(Math.Max(0, r * r - (dy + 0.125) * (dy + 0.125)));
            Canvas.FillRect(cx - half, cy + dy, 2 * half, 0.27);
        }
        Canvas.SetGrey(0);
    }

    /// <summary>A simple emblem: the kind picks one of a few shape compositions.</summary>
    public void Logo(double x, double y, int kind, double size = 14)
    {
        switch (kind % 5)
        {
            case 0: // bold square with a wave, like a département mark
                Canvas.FillRect(x, y, size, size);
                Canvas.SetGrey(1);
                for (var i = 0; i < 3; i++) Canvas.Line(x + 2, y + size * (0.35 + 0.18 * i), x + size - 2, y + size * (0.25 + 0.18 * i), 1.1);
                Canvas.SetGrey(0);
                break;
            case 1: // concentric circles
                Disc(x + size / 2, y + size / 2, size / 2, 0.15);
                Disc(x + size / 2, y + size / 2, size / 3.2, 1);
                Disc(x + size / 2, y + size / 2, size / 6, 0.3);
                break;
            case 2: // three bars
                for (var i = 0; i < 3; i++)
                {
                    Canvas.SetGrey(0.15 + 0.25 * i);
                    Canvas.FillRect(x + i * size / 3, y + size * (0.5 - 0.2 * i), size / 3.6, size * (0.5 + 0.2 * i));
                }
                Canvas.SetGrey(0);
                break;
            case 3: // ring with a cross, institutional
                Circle(x + size / 2, y + size / 2, size / 2, 0.8);
                Canvas.FillRect(x + size * 0.45, y + size * 0.15, size * 0.1, size * 0.7);
                Canvas.FillRect(x + size * 0.15, y + size * 0.45, size * 0.7, size * 0.1);
                break;
            default: // framed monogram block
                Canvas.StrokeRect(x, y, size * 1.6, size, 0.8);
                Canvas.FillRect(x + 2, y + 2, size * 0.5, size - 4);
                break;
        }
    }

    /// <summary>A hand signature: a few connected strokes.</summary>
    public void Signature(double x, double y, double width = 35)
    {
        var px = x;
        var py = y;
        var steps = 14 + Rng.Next(10);
        for (var i = 0; i < steps; i++)
        {
            var nx = px + width / steps;
            var ny = y + (Rng.NextDouble() - 0.5) * 9;
            Canvas.Line(px, py, nx, ny, 0.45);
            px = nx; py = ny;
        }
        Canvas.Line(x + width * 0.1, y + 3, x + width * 0.9, y + 2, 0.35);
    }

    /// <summary>A round official stamp with text in it.</summary>
    public void Stamp(double cx, double cy, string line1, string line2)
    {
        Canvas.SetGrey(0.35);
        Circle(cx, cy, 15, 0.5);
        Circle(cx, cy, 13, 0.3);
        Canvas.SetGrey(0);
        var s = 6.5;
        Text(cx - Measure(line1, s) / 2, cy - 1, line1, s, grey: 0.35);
        Text(cx - Measure(line2, s) / 2, cy + 3, line2, s, grey: 0.35);
    }

    /// <summary>The recipient block placed for a window envelope (right side, about 45 mm down).</summary>
    public void WindowAddress(IReadOnlyList<string> lines, double? y = null, double x = 112)
    {
        var yy = y ?? 48 + Rng.Next(0, 6);
        foreach (var l in lines)
        {
            Text(x, yy, l, Style.BodySize + 0.5);
            yy += LineHeight(Style.BodySize + 0.5);
        }
    }

    /// <summary>Page footer with an optional "page n/m" on the right.</summary>
    public void Footer(string text, int page, int pages, bool numbered)
    {
        var s = Style.BodySize - 2.5;
        Canvas.SetGrey(0.3);
        Canvas.Line(Left, 283, Right, 283, 0.2);
        Canvas.SetGrey(0);
        if (text.Length > 0) Text(Left, 287, text, s, grey: 0.3);
        if (numbered)
        {
            var label = $"Page {page}/{pages}";
            Text(Right - Measure(label, s), 287, label, s, grey: 0.3);
        }
    }
}
