using System.Globalization;
using System.Text;

namespace CaptureChain.Classifier.Text;

/// <summary>
/// Accent and case folding shared by name, address, label and document-text normalisation: OCR drops or changes
/// accents, so every comparison happens on folded text.
/// </summary>
public static class TextFolding
{
    /// <summary>
    /// Lower case without diacritics, one output character per input character, so offsets found in the folded text
    /// point at the same characters of the original (needed to highlight identifiers on the review page).
    /// </summary>
    public static string FoldPreservingLength(string text)
    {
        var chars = new char[text.Length];
        for (var i = 0; i < text.Length; i++) chars[i] = FoldChar(text[i]);
        return new string(chars);
    }

    /// <summary>Upper case without diacritics; ligatures expanded (œ → OE), typographic apostrophes made plain.</summary>
    public static string FoldUpper(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case 'œ' or 'Œ': sb.Append("OE"); break;
                case 'æ' or 'Æ': sb.Append("AE"); break;
                case 'ß': sb.Append("SS"); break;
                default: sb.Append(char.ToUpperInvariant(FoldChar(c))); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Lower case without diacritics; ligatures expanded.</summary>
    public static string FoldLower(string text) => FoldUpper(text).ToLowerInvariant();

    /// <summary>One character folded to lower case without its diacritic (œ folds to o here to keep the length).</summary>
    public static char FoldChar(char c)
    {
        if (c < 0x80) return char.ToLowerInvariant(c);
        switch (c)
        {
            case '\u2019' or '\u2018' or '\u02BC' or '\u00B4' or '`': return '\'';
            case '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2212': return '-';
            case '\u00A0' or '\u202F' or '\u2007' or '\u2009': return ' ';
            case 'œ' or 'Œ': return 'o';
            case 'æ' or 'Æ': return 'a';
            case 'ß': return 's';
            case 'ø' or 'Ø': return 'o';
            case 'đ' or 'Đ': return 'd';
            case 'ł' or 'Ł': return 'l';
        }
        return c < TableSize ? Table.Value[c] : Decompose(c);
    }

    // Latin letters with diacritics live below U+2500; a table avoids a Normalize call per character of a page.
    private const int TableSize = 0x2500;
    private static readonly Lazy<char[]> Table = new(() =>
    {
        var table = new char[TableSize];
        for (var i = 0; i < TableSize; i++) table[i] = i < 0x80 ? char.ToLowerInvariant((char)i) : Decompose((char)i);
        return table;
    });

    private static char Decompose(char c)
    {
        if (char.IsSurrogate(c)) return c;
        var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
        foreach (var d in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark)
                return char.ToLowerInvariant(d);
        return char.ToLowerInvariant(c);
    }
}
