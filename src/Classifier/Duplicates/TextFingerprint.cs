using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CaptureChain.Classifier.Text;

namespace CaptureChain.Classifier.Duplicates;

/// <summary>
/// A fingerprint of a document's recognised text that survives a re-scan: the same paper scanned twice gives
/// different pixels and some different OCR words, but nearly the same vocabulary and the same dates. Two parts:
/// <list type="bullet">
/// <item>a 128-bit SimHash of the set of folded words (case and accents folded, OCR debris dropped, digit groups kept
/// and weighted <see cref="DigitFeatureWeight"/> times a word, because amounts and references are what tell two
/// documents of one form apart): few bits differ for a re-scan, many for another document;</item>
/// <item>a 64-bit mask of the dates and years written on it: two tax notices of different years can share nearly all
/// their words (same person, same form, same amounts) but never their years.</item>
/// </list>
/// Stored as 48 lower-case hex digits. Holds no readable text: a hash of words, not the words.
/// </summary>
public sealed partial record TextFingerprint(UInt128 Words, ulong Dates)
{
    /// <summary>Bits in the word part.</summary>
    public const int WordBits = 128;

    /// <summary>Weight of a digit group, against 1 for a word.</summary>
    public const int DigitFeatureWeight = 3;

    /// <summary>
    /// Fewer distinct words than this and the text says too little to recognise a re-scan by it: on a RIB or an identity
    /// card (about 30 distinct words read) OCR noise moves the fingerprint as far as another document does.
    /// </summary>
    public const int MinFeatures = 40;

    private const int HexLength = 48;

    /// <summary>
    /// The fingerprint of <paramref name="text"/>, or null when it has fewer than <see cref="MinFeatures"/> distinct
    /// words (a nearly blank or unreadable document is never called a re-scan of another).
    /// </summary>
    public static TextFingerprint? Compute(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = TextFolding.FoldLower(text);
        var features = new HashSet<string>(WordsOf(folded), StringComparer.Ordinal);
        if (features.Count < MinFeatures) return null;

        Span<int> sums = stackalloc int[WordBits];
        Span<byte> hash = stackalloc byte[32];
        foreach (var feature in features)
        {
            // SHA-256, not string.GetHashCode (randomised per process): fingerprints are stored and compared across runs.
            SHA256.HashData(Encoding.UTF8.GetBytes(feature), hash);
            var weight = char.IsAsciiDigit(feature[0]) ? DigitFeatureWeight : 1;
            for (var bit = 0; bit < WordBits; bit++)
                sums[bit] += (hash[bit >> 3] >> (bit & 7) & 1) == 1 ? weight : -weight;
        }
        UInt128 words = 0;
        for (var bit = 0; bit < WordBits; bit++)
            if (sums[bit] > 0) words |= UInt128.One << bit;

        ulong dates = 0;
        foreach (var item in DatesAndYears(folded))
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(item), hash);
            dates |= 1UL << (hash[0] & 63);
        }
        return new TextFingerprint(words, dates);
    }

    /// <summary>Differing bits of the word parts: 0 for the same words, about 64 for unrelated texts.</summary>
    public int DistanceTo(TextFingerprint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return (int)UInt128.PopCount(Words ^ other.Words);
    }

    /// <summary>
    /// True when neither document has a date or year the other lacks, except where one could not read it: one set of
    /// dates includes the other. A date read differently (2023 on one, 2024 on the other) makes them different papers.
    /// </summary>
    public bool DatesAgreeWith(TextFingerprint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return (Dates & ~other.Dates) == 0 || (other.Dates & ~Dates) == 0;
    }

    /// <summary>48 lower-case hex digits, as stored with the document.</summary>
    public string ToHex() =>
        ((ulong)(Words >> 64)).ToString("x16", CultureInfo.InvariantCulture) + ((ulong)Words).ToString("x16", CultureInfo.InvariantCulture)
        + Dates.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Reads <see cref="ToHex"/>'s form back; false for anything else (null, or a fingerprint of another scheme).</summary>
    public static bool TryParse(string? hex, out TextFingerprint? fingerprint)
    {
        fingerprint = null;
        if (hex is not { Length: HexLength }) return false;
        if (!ulong.TryParse(hex.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high) ||
            !ulong.TryParse(hex.AsSpan(16, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low) ||
            !ulong.TryParse(hex.AsSpan(32, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var dates))
            return false;
        fingerprint = new TextFingerprint(new UInt128(high, low), dates);
        return true;
    }

    public override string ToString() => ToHex();

    /// <summary>
    /// The folded text's words: runs of letters of 3 or more (shorter ones and letter-digit mixtures are mostly
    /// debris read from boxes, specks and lines: "[ole]", "felel1", "|"), and digit groups, joined with the group
    /// before when only a space or separator is between them ("1 234,00"), so a different split reads the same.
    /// </summary>
    public static IReadOnlyList<string> FeatureWords(string text) => WordsOf(TextFolding.FoldLower(text));

    private static List<string> WordsOf(string folded)
    {
        var words = new List<string>();
        string? pendingDigits = null;
        foreach (Match m in Tokens().Matches(folded))
        {
            var token = m.Value;
            if (token.All(char.IsAsciiDigit))
            {
                pendingDigits += token;
                continue;
            }
            if (pendingDigits is not null) { words.Add(pendingDigits); pendingDigits = null; }
            if (token.Length >= 3 && token.All(char.IsLetter)) words.Add(token);
        }
        if (pendingDigits is not null) words.Add(pendingDigits);
        return words;
    }

    /// <summary>Valid dates (d/m/yyyy, d.m.yyyy, d-m-yyyy) and years standing alone (1900-2099) in the folded text.</summary>
    private static IEnumerable<string> DatesAndYears(string folded)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in NumericDate().Matches(folded))
        {
            var day = int.Parse(m.Groups["d"].ValueSpan, CultureInfo.InvariantCulture);
            var month = int.Parse(m.Groups["m"].ValueSpan, CultureInfo.InvariantCulture);
            var year = int.Parse(m.Groups["y"].ValueSpan, CultureInfo.InvariantCulture);
            if (month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
                found.Add($"d:{year:0000}{month:00}{day:00}");
        }
        foreach (Match m in Year().Matches(NumericDate().Replace(folded, " ")))
            found.Add("y:" + m.Value);
        return found;
    }

    [GeneratedRegex(@"[\p{L}\p{Nd}]+")] private static partial Regex Tokens();
    [GeneratedRegex(@"(?<![\d/.\-])(?<d>\d{1,2})[/.\-](?<m>\d{1,2})[/.\-](?<y>(?:19|20)\d{2})(?![\d/.\-])")] private static partial Regex NumericDate();
    [GeneratedRegex(@"(?<![\d/.\-,])(?:19|20)\d{2}(?![\d/.\-,])")] private static partial Regex Year();
}

/// <summary>How a document's fingerprint compares with a filed one's, and whether that makes it a re-scan of it.</summary>
/// <param name="Distance">Differing bits of the word parts (0-128).</param>
/// <param name="DatesAgree">No date or year on one contradicts the other's.</param>
/// <param name="IsRescan">Distance within <see cref="RescanDetection.MaxDistance"/> and dates agree.</param>
public sealed record FingerprintComparison(int Distance, bool DatesAgree, bool IsRescan);

/// <summary>
/// Decides whether a document is a re-scan of one already filed for the same beneficiary and type. Measured on the
/// corpus's 12 document types rendered for one person, OCR'd by Tesseract after scan noise (grey 300 dpi office
/// profile: skew up to 1.2°, blur, grain, specks; and the corpus's random profiles, bitonal and heavy specks included):
/// re-scans of one paper differed by 0-20 bits (office) and 5-42 (random profiles; a third above 20); another document
/// of the same type, person and issue date by 21 bits at the least (two court decisions, long shared wording), 27-50
/// for the others; documents of another year are told apart by their dates whatever the distance. The threshold keeps
/// 5 bits below the nearest different document: a missed re-scan is filed twice, a false one would not be filed at all.
/// </summary>
public static class RescanDetection
{
    /// <summary>Largest word-part distance still taken for the same paper.</summary>
    public const int MaxDistance = 16;

    /// <summary>Compares <paramref name="document"/> with a filed document's fingerprint.</summary>
    public static FingerprintComparison Compare(TextFingerprint document, TextFingerprint filed)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(filed);
        var distance = document.DistanceTo(filed);
        var dates = document.DatesAgreeWith(filed);
        return new FingerprintComparison(distance, dates, distance <= MaxDistance && dates);
    }
}
