using System.Text.RegularExpressions;

namespace CaptureChain.Classifier.Identifiers;

public static partial class IdentifierExtractor
{
    // On folded text: "né le", "née le", "né(e) le", "date de naissance", "date de naiss.", and the bilingual label of
    // identity documents ("Date de naiss. / Date of birth", with OCR slips in the English half).
    [GeneratedRegex(@"(?<![a-z])(?:nee?\s*(?:\(\s*e\s*\)\s*)?le|date\s+(?:de\s+)?naiss(?:ance|\.)?)(?![a-z])[\s:.,]*(?:/\s*date\s+[a-z]{1,3}\s+b[a-z]{2,5}[\s:.,]*)?")]
    private static partial Regex BirthDateLabel();

    // "17 04 1950" as identity cards print it, or with OCR's commas ("10,11 1947", "01,05,1955"): looser separators,
    // accepted only right after a birth label.
    [GeneratedRegex(@"\G(?<d>[0-9]{2})[ ]?[ ,][ ]?(?<m>[0-9]{2})[ ]?[ ,][ ]?(?<y>[0-9]{4})(?![0-9])")]
    private static partial Regex SpacedDate();

    [GeneratedRegex(@"\G(?<d>[0-9oil]{1,2})[ ]?[/.\-][ ]?(?<m>[0-9oil]{1,2})[ ]?[/.\-][ ]?(?<y>[0-9oil]{4}|[0-9]{2})(?![0-9])")]
    private static partial Regex NumericDate();

    // OCR may stutter or add a stray mark after the day ("5 5 août 1938", "5: août 1938").
    [GeneratedRegex(@"\G(?<d>[0-9]{1,2}|1er|ler|1 er)[.:,]?\s+(?:\k<d>[.:,]?\s+)?(?<m>janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)\s+(?<y>[0-9]{4})(?![0-9])")]
    private static partial Regex LongDate();

    private static readonly string[] MonthNames =
        ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre"];

    /// <summary>Birth dates right after their label, numeric (03/05/1942) or long (3 mai 1942, 1er mai 1942).</summary>
    private static List<FoundBirthDate> FindBirthDates(string folded)
    {
        var found = new List<FoundBirthDate>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (Match label in BirthDateLabel().Matches(folded))
        {
            var at = label.Index + label.Length;
            DateOnly? date = null;
            Match m;
            if ((m = NumericDate().Match(folded, at)).Success || (m = SpacedDate().Match(folded, at)).Success)
            {
                var year = Digits(m.Groups["y"].Value);
                if (year.Length == 2) year = (int.Parse(year) <= today.Year % 100 ? "20" : "19") + year;
                date = MakeDate(Digits(m.Groups["d"].Value), Digits(m.Groups["m"].Value), year, today);
            }
            else if ((m = LongDate().Match(folded, at)).Success)
            {
                var day = m.Groups["d"].Value.Contains('e') ? "1" : m.Groups["d"].Value;
                var month = (Array.IndexOf(MonthNames, m.Groups["m"].Value) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                date = MakeDate(day, month, m.Groups["y"].Value, today);
            }
            if (date is { } d) found.Add(new FoundBirthDate(d, new TextSpan(m.Index, m.Length)));
        }
        return found;

        static string Digits(string s) => string.Concat(s.Select(c => c switch { 'o' => '0', 'i' or 'l' => '1', _ => c }));
    }

    private static DateOnly? MakeDate(string day, string month, string year, DateOnly today)
    {
        if (!int.TryParse(day, out var d) || !int.TryParse(month, out var mo) || !int.TryParse(year, out var y)) return null;
        if (y < 1890 || mo is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo)) return null;
        var date = new DateOnly(y, mo, d);
        return date > today ? null : date;
    }

    // A metropolitan, Corsican or overseas postcode followed by a city in capitals or capitalised words.
    [GeneratedRegex(@"(?<![0-9A-Za-z])(?<code>(?:0[1-9]|[1-8][0-9]|9[0-5]|97|98)[0-9]{3})(?![0-9])(?:[ \t]+(?<city>(?:CEDEX[ \t]*[0-9]*[ \t]*)?\p{Lu}[\p{L}'’\-]*(?:[ \t](?:\p{Lu}[\p{L}'’\-]*|sur|sous|en|les|de|du|la|le|d'\p{L}+|l'\p{L}+)){0,4}))?")]
    private static partial Regex PostcodeAndCity();

    [GeneratedRegex(@"(?<![a-z])(?:code\s+postal|c\.?p\.?)\s*[:.]?\s*$")]
    private static partial Regex PostcodeLabelBefore();

    // Units after a 5-digit amount or count, which is then not a postcode.
    private static readonly HashSet<string> NotCityWords = new(StringComparer.Ordinal)
        { "EUR", "EUROS", "E", "F", "FRANCS", "KG", "KM", "JOURS", "MOIS", "ANS", "HEURES", "H", "TTC", "HT", "PAGES", "HABITANTS" };

    /// <summary>5-digit postcodes followed by a city, or after a "Code postal"/"CP" label.</summary>
    private static List<FoundPostcode> FindPostcodes(string text, string folded)
    {
        var found = new List<FoundPostcode>();
        foreach (Match m in PostcodeAndCity().Matches(text))
        {
            var city = m.Groups["city"].Success ? m.Groups["city"].Value.Trim() : null;
            if (city is not null && NotCityWords.Contains(city.Split(' ')[0].ToUpperInvariant())) city = null;
            var before = folded[Math.Max(0, m.Index - 16)..m.Index];
            if (city is null && !PostcodeLabelBefore().IsMatch(before)) continue;
            var span = city is null ? new TextSpan(m.Index, 5) : new TextSpan(m.Index, m.Length);
            found.Add(new FoundPostcode(m.Groups["code"].Value, city, span));
        }
        return found;
    }

    // On folded text: number (bis/ter), street type, street name up to the end of line, a comma or a postcode.
    [GeneratedRegex(@"(?<![0-9a-z])(?<num>[0-9]{1,4})(?:[ ]?(?:bis|ter|quater|[a-d])(?![a-z]))?[ ]?,?[ \t]+(?<type>rue|avenue|av\.?|boulevard|bd|bld|chemin|ch\.|allee|allees|impasse|imp\.?|place|pl\.|route|rte|cours|quai|square|voie|passage|lotissement|lot\.|residence|hameau|lieu[ -]dit|cite|sentier|chaussee|esplanade|parvis|promenade|rond[ -]point|faubourg|fbg|domaine|mail|montee|traverse|villa|ruelle|venelle|clos|carrefour|avenues)(?![a-z])(?<name>[^\n\r,;]{2,60}?)(?=[ \t]*(?:[\n\r,;]|$|(?<![0-9])[0-9]{5}(?![0-9])|[ \t]{3}))")]
    private static partial Regex StreetAddress();

    /// <summary>
    /// Street addresses, each with the first postcode (and city) found within the next 80 characters or, in a
    /// two-column layout where OCR interleaves the other column's lines, a postcode with its city at most two line
    /// breaks further and before any other street.
    /// </summary>
    private static List<FoundAddress> FindAddresses(string text, string folded, List<FoundPostcode> postcodes)
    {
        var found = new List<FoundAddress>();
        var streets = StreetAddress().Matches(folded).ToList();
        for (var k = 0; k < streets.Count; k++)
        {
            var m = streets[k];
            var end = m.Index + m.Length;
            var street = Regex.Replace(text[m.Index..end].Trim(), @"\s+", " ");
            var nextStreet = k + 1 < streets.Count ? streets[k + 1].Index : int.MaxValue;
            var postcode = postcodes.FirstOrDefault(p => p.Span.Offset >= end && p.Span.Offset - end <= 80)
                ?? postcodes.FirstOrDefault(p => p.City is not null && p.Span.Offset >= end && p.Span.Offset < nextStreet &&
                                                 p.Span.Offset - end <= 250 && text[end..p.Span.Offset].Count(c => c == '\n') <= 2);
            var spanEnd = postcode is null ? end : postcode.Span.End;
            found.Add(new FoundAddress(street, postcode?.Value, postcode?.City, new TextSpan(m.Index, spanEnd - m.Index)));
        }
        return found;
    }
}
