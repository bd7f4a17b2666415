using System.Text.RegularExpressions;
using CaptureChain.Classifier.Text;

namespace CaptureChain.Classifier.Separation;

/// <summary>
/// A page number printed on a page: "Page 2/3", "page 2 sur 3", "2/3" alone on a line, or "page 2" without a total.
/// <see cref="Total"/> is null when the page does not say how many pages there are.
/// </summary>
public readonly record struct PageMarker(int Number, int? Total)
{
    private static readonly Regex WithTotal = new(
        @"\bpage\s*([0-9oil]{1,2})\s*(?:/|sur|of|\||[il1]{1}(?=\s*[0-9]))\s*([0-9oil]{1,2})\b",
        RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1));

    private static readonly Regex AloneOnLine = new(
        @"^\s*-?\s*([0-9]{1,2})\s*/\s*([0-9]{1,2})\s*-?\s*$",
        RegexOptions.CultureInvariant | RegexOptions.Multiline | RegexOptions.Compiled, TimeSpan.FromSeconds(1));

    private static readonly Regex Single = new(
        @"\bpage\s*([0-9]{1,2})\b(?!\s*(?:/|sur|of))",
        RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1));

    /// <summary>True when this is the first page of its document.</summary>
    public bool IsFirst => Number == 1;

    /// <summary>True when the marker says this is the last page.</summary>
    public bool IsLast => Total is { } t && Number == t;

    /// <summary>
    /// The most plausible marker of a page's OCR text: the last "n/m" found (page numbers sit in the footer), or a
    /// bare "page n"; null when there is none. Numbers out of range (n &gt; m, m &gt; 50) are not page numbers.
    /// </summary>
    public static PageMarker? Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = TextFolding.FoldPreservingLength(text);
        PageMarker? found = null;
        foreach (Match m in WithTotal.Matches(folded))
            if (Parse(m.Groups[1].Value, m.Groups[2].Value) is { } marker) found = marker;
        if (found is not null) return found;
        foreach (Match m in AloneOnLine.Matches(folded))
            if (Parse(m.Groups[1].Value, m.Groups[2].Value) is { } marker) found = marker;
        if (found is not null) return found;
        foreach (Match m in Single.Matches(folded))
            if (Digits(m.Groups[1].Value) is { } n and >= 1 and <= 50) found = new PageMarker(n, null);
        return found;
    }

    /// <summary>True when <paramref name="next"/> is the page right after <paramref name="previous"/> of the same document.</summary>
    public static bool Follows(PageMarker previous, PageMarker next) =>
        next.Number == previous.Number + 1 && (previous.Total is null || next.Total is null || previous.Total == next.Total);

    private static PageMarker? Parse(string number, string total)
    {
        if (Digits(number) is not { } n || Digits(total) is not { } t) return null;
        if (n < 1 || t < 1 || t > 50 || n > t) return null;
        return new PageMarker(n, t);
    }

    // OCR reads 1 as l or i and 0 as o in small footer print.
    private static int? Digits(string text)
    {
        var value = 0;
        foreach (var c in text)
        {
            var d = c switch { >= '0' and <= '9' => c - '0', 'o' => 0, 'i' or 'l' => 1, _ => -1 };
            if (d < 0) return null;
            value = value * 10 + d;
        }
        return value;
    }
}
