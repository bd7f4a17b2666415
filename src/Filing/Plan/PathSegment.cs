using System.Text;

namespace CaptureChain.Filing.Plan;

/// <summary>
/// Turns free text (names from the registry, file names from an inbox) into one safe folder or file name: no
/// separators, no <c>..</c>, no control characters, nothing Windows shares refuse; accents are kept (NFC).
/// </summary>
public static class PathSegment
{
    /// <summary>Longest segment in UTF-8 bytes; filesystems allow 255, the rest is room for a sequence suffix.</summary>
    public const int MaxBytes = 200;

    private static readonly string[] ReservedDeviceNames =
    [
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ];

    /// <summary>Cleans a value that will be placed inside a segment: separators become '-', forbidden characters '_'.</summary>
    public static string CleanValue(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var text = value.Normalize(NormalizationForm.FormC);
        var sb = new StringBuilder(text.Length);
        var lastWasSpace = false;
        foreach (var rune in text.EnumerateRunes())
        {
            // Tabs and line breaks are white space: they separate words, so they become one space.
            if (Rune.IsWhiteSpace(rune))
            {
                if (!lastWasSpace) sb.Append(' ');
                lastWasSpace = true;
                continue;
            }
            var category = Rune.GetUnicodeCategory(rune);
            if (category is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.Surrogate or System.Globalization.UnicodeCategory.PrivateUse
                or System.Globalization.UnicodeCategory.OtherNotAssigned)
                continue;
            lastWasSpace = false;
            switch (rune.Value)
            {
                case '/' or '\\': sb.Append('-'); break;
                case '<' or '>' or ':' or '"' or '|' or '?' or '*': sb.Append('_'); break;
                default: sb.Append(rune.ToString()); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Finishes a whole segment: trims spaces and dots at the ends (hidden names, Windows), replaces dot-only names and
    /// reserved device names, and shortens to <see cref="MaxBytes"/>. Returns "" when nothing usable is left.
    /// </summary>
    public static string Finish(string segment)
    {
        var text = CleanValue(segment).Trim(' ', '.');
        if (text.Length == 0) return "";
        text = Truncate(text, MaxBytes).TrimEnd(' ', '.');
        var stem = text.Split('.')[0];
        if (ReservedDeviceNames.Contains(stem, StringComparer.OrdinalIgnoreCase)) text = "_" + text;
        return text;
    }

    /// <summary>Cleans a whole segment in one call (value cleaning plus <see cref="Finish"/>).</summary>
    public static string Sanitize(string? value) => Finish(CleanValue(value));

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="maxBytes"/> UTF-8 bytes on a character boundary.</summary>
    internal static string Truncate(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes) return text;
        var sb = new StringBuilder();
        var bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > maxBytes) break;
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    /// <summary>Sanitises a relative path (for example an inbox file name with sub-folders), segment by segment.</summary>
    public static string SanitizeRelativePath(string relativePath)
    {
        var segments = relativePath.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(Sanitize).Where(s => s.Length > 0).ToArray();
        return string.Join('/', segments);
    }
}
