using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace CaptureChain.Classifier.Identifiers;

public static partial class IdentifierExtractor
{
    // On folded text: "N° allocataire", "numéro d'allocataire", "allocataire", "N° CAF", "matricule CAF", "CAF".
    [GeneratedRegex(@"(?<![a-z])(?:n[°o]?\s*(?:d'\s*)?allocataire|numero\s+(?:d'\s*)?allocataire|allocataire|n[°o]\s*caf|matricule\s*caf|caf)(?![a-z])")]
    private static partial Regex CafLabel();

    [GeneratedRegex(@"(?<![0-9])(?:[0-9]{7}|[0-9]{3} [0-9]{4}|[0-9]{2} [0-9]{2} [0-9]{3})(?![0-9]| [0-9])")]
    private static partial Regex SevenDigits();

    /// <summary>7-digit numbers within 60 characters after a CAF label. Without a check digit nothing is corrected.</summary>
    private static List<FoundCafNumber> FindCafNumbers(string folded)
    {
        var found = new List<FoundCafNumber>();
        foreach (Match label in CafLabel().Matches(folded))
        {
            var start = label.Index + label.Length;
            var window = folded.Substring(start, Math.Min(60, folded.Length - start));
            var number = SevenDigits().Match(window);
            if (!number.Success) continue;
            var span = new TextSpan(start + number.Index, number.Length);
            if (found.Any(f => f.Span == span)) continue;
            found.Add(new FoundCafNumber(number.Value.Replace(" ", "", StringComparison.Ordinal), span));
        }
        return found;
    }

    private static readonly ConcurrentDictionary<string, Regex> CaseNumberPatterns = new();

    /// <summary>
    /// Case numbers with a known prefix: <c>APA-2024-00123</c>, tolerating OCR spacing (<c>APA - 2024 - 00123</c>),
    /// other dashes, and O/I/l for 0/1 in the digit groups (those groups are digits by construction).
    /// </summary>
    private static List<FoundCaseNumber> FindCaseNumbers(string text, IdentifierExtractionOptions options)
    {
        var key = string.Join('|', options.CasePrefixes.OrderByDescending(p => p.Length).ThenBy(p => p, StringComparer.Ordinal));
        if (key.Length == 0) return [];
        var pattern = CaseNumberPatterns.GetOrAdd(key, k => new Regex(
            @"(?<![\p{L}0-9])(?<prefix>" + string.Join('|', k.Split('|').Select(Regex.Escape)) + @")" +
            @"[ \t]*(?:[-‐‑–—_/.][ \t]*)?(?<year>[12][0-9OIl]{3})[ \t]*[-‐‑–—_/.]?[ \t]*(?<number>[0-9OIl]{3,6})(?![\p{L}0-9])",
            RegexOptions.CultureInvariant | RegexOptions.Compiled));
        var found = new List<FoundCaseNumber>();
        foreach (Match m in pattern.Matches(text))
        {
            var year = AsDigits(m.Groups["year"].Value);
            if (year is not (['1', '9', _, _] or ['2', '0', _, _])) continue;
            var value = $"{m.Groups["prefix"].Value}-{year}-{AsDigits(m.Groups["number"].Value)}";
            found.Add(new FoundCaseNumber(value, new TextSpan(m.Index, m.Length)));
        }
        return found;
    }

    /// <summary>Canonical form of a case number for comparison: upper case, no spaces, every dash a hyphen.</summary>
    public static string CanonicalCaseNumber(string caseNumber)
    {
        var sb = new StringBuilder(caseNumber.Length);
        foreach (var c in caseNumber.Trim())
        {
            if (char.IsWhiteSpace(c)) continue;
            sb.Append(c is '‐' or '‑' or '–' or '—' or '_' ? '-' : char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }

    private static string AsDigits(string value) =>
        string.Concat(value.Select(c => c switch { 'O' => '0', 'I' or 'l' => '1', _ => c }));

    /// <summary>
    /// French IBANs: "FR" then 25 characters, spaces allowed between groups. Kept only when the ISO check holds,
    /// first as read, then with look-alike letters read as digits in the all-digit fields, then everywhere.
    /// </summary>
    private static List<FoundIban> FindIbans(string text)
    {
        var found = new List<FoundIban>();
        for (var i = text.IndexOf("FR", StringComparison.Ordinal); i >= 0; i = text.IndexOf("FR", i + 2, StringComparison.Ordinal))
        {
            if (i > 0 && char.IsLetterOrDigit(text[i - 1])) continue;
            var chars = new StringBuilder("FR");
            var j = i + 2;
            var spaces = 0;
            while (j < text.Length && chars.Length < Iban.FrenchLength)
            {
                var c = text[j];
                if (c is ' ' or '\u00A0' or '\u202F') { if (++spaces > 1) break; j++; continue; }
                if (!char.IsAsciiLetterOrDigit(c)) break;
                spaces = 0;
                chars.Append(c);
                j++;
            }
            if (chars.Length != Iban.FrenchLength || (j < text.Length && char.IsAsciiLetterOrDigit(text[j]))) continue;
            var raw = chars.ToString();
            // Words after "FR" ("FRANCE TELECOM ...") are not an IBAN even if 25 letters follow.
            if (raw.Count(char.IsAsciiDigit) < 18) continue;
            var reading = ReadIban(raw);
            if (reading is null) continue;
            found.Add(new FoundIban(reading, new TextSpan(i, j - i), reading != raw));
            i = j - 2;
        }
        return found;
    }

    private static string? ReadIban(string raw)
    {
        if (raw.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c)) && Iban.IsValid(raw)) return raw;
        // Check digits, bank and branch codes and RIB key are digits; the 11-character account may hold letters.
        var digitFields = new char[raw.Length];
        var everywhere = new char[raw.Length];
        for (var k = 0; k < raw.Length; k++)
        {
            var c = raw[k];
            var digit = k < 2 ? c : LookAlikeDigit(c) ?? char.ToUpperInvariant(c);
            var isAccount = k is >= 14 and < 25;
            digitFields[k] = isAccount ? char.ToUpperInvariant(c) : digit;
            everywhere[k] = digit;
        }
        foreach (var candidate in new[] { new string(digitFields), new string(everywhere) })
            if (Iban.IsValid(candidate)) return candidate;
        return null;
    }
}
