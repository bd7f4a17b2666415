using CaptureChain.Classifier.Names;
using CaptureChain.Classifier.Text;

namespace CaptureChain.Classifier.Matching;

/// <summary>
/// The "number + street" part of an address, normalised for comparison: accents and case folded, abbreviations
/// expanded (av → AVENUE, bd → BOULEVARD, st → SAINT), surrounding parts ("EHPAD Les Tilleuls, apt 12") ignored.
/// </summary>
public sealed record StreetAddress(string Number, string Suffix, string StreetType, string StreetName)
{
    private static readonly Dictionary<string, string> StreetTypes = new(StringComparer.Ordinal)
    {
        ["RUE"] = "RUE", ["R"] = "RUE", ["AVENUE"] = "AVENUE", ["AV"] = "AVENUE", ["AVE"] = "AVENUE",
        ["BOULEVARD"] = "BOULEVARD", ["BD"] = "BOULEVARD", ["BLD"] = "BOULEVARD", ["BVD"] = "BOULEVARD",
        ["CHEMIN"] = "CHEMIN", ["CH"] = "CHEMIN", ["CHE"] = "CHEMIN", ["ALLEE"] = "ALLEE", ["ALLEES"] = "ALLEE", ["ALL"] = "ALLEE",
        ["IMPASSE"] = "IMPASSE", ["IMP"] = "IMPASSE", ["PLACE"] = "PLACE", ["PL"] = "PLACE", ["ROUTE"] = "ROUTE", ["RTE"] = "ROUTE",
        ["COURS"] = "COURS", ["CRS"] = "COURS", ["QUAI"] = "QUAI", ["SQUARE"] = "SQUARE", ["SQ"] = "SQUARE", ["VOIE"] = "VOIE",
        ["PASSAGE"] = "PASSAGE", ["LOTISSEMENT"] = "LOTISSEMENT", ["LOT"] = "LOTISSEMENT", ["RESIDENCE"] = "RESIDENCE",
        ["HAMEAU"] = "HAMEAU", ["HAM"] = "HAMEAU", ["LIEUDIT"] = "LIEUDIT", ["CITE"] = "CITE", ["SENTIER"] = "SENTIER",
        ["CHAUSSEE"] = "CHAUSSEE", ["ESPLANADE"] = "ESPLANADE", ["PARVIS"] = "PARVIS", ["PROMENADE"] = "PROMENADE",
        ["RONDPOINT"] = "RONDPOINT", ["FAUBOURG"] = "FAUBOURG", ["FBG"] = "FAUBOURG", ["DOMAINE"] = "DOMAINE", ["MAIL"] = "MAIL",
        ["MONTEE"] = "MONTEE", ["TRAVERSE"] = "TRAVERSE", ["VILLA"] = "VILLA", ["RUELLE"] = "RUELLE", ["VENELLE"] = "VENELLE",
        ["CLOS"] = "CLOS", ["CARREFOUR"] = "CARREFOUR",
    };

    private static readonly Dictionary<string, string> NameWords = new(StringComparer.Ordinal)
    {
        ["ST"] = "SAINT", ["STE"] = "SAINTE", ["GAL"] = "GENERAL", ["GEN"] = "GENERAL", ["MAL"] = "MARECHAL", ["PDT"] = "PRESIDENT",
        ["DR"] = "DOCTEUR", ["PR"] = "PROFESSEUR", ["NOTRE"] = "NOTRE",
    };

    private static readonly HashSet<string> Fillers = new(StringComparer.Ordinal) { "DE", "DU", "DES", "LA", "LE", "LES", "D", "L", "ET", "AUX", "AU", "A" };

    /// <summary>The comparison key of the street name: filler words dropped, letters glued.</summary>
    public string NameKey => StreetName.Replace(" ", "", StringComparison.Ordinal);

    /// <summary>Finds the first "number [bis|ter] street-type name" in an address; null when there is none.</summary>
    public static StreetAddress? Parse(string address)
    {
        var folded = TextFolding.FoldUpper(address).Replace("LIEU-DIT", "LIEUDIT", StringComparison.Ordinal)
            .Replace("LIEU DIT", "LIEUDIT", StringComparison.Ordinal).Replace("ROND-POINT", "RONDPOINT", StringComparison.Ordinal);
        var tokens = folded.Split([' ', ',', '.', '-', '\'', ';', '/', '\n', '\r', '\t', '(', ')'], StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < tokens.Length; i++)
        {
            if (!tokens[i].All(char.IsAsciiDigit) || tokens[i].Length > 4) continue;
            var j = i + 1;
            var suffix = "";
            if (j < tokens.Length && tokens[j] is "BIS" or "TER" or "QUATER" or "A" or "B" or "C" or "D" && j + 1 < tokens.Length && StreetTypes.ContainsKey(tokens[j + 1]))
                suffix = tokens[j++];
            if (j >= tokens.Length || !StreetTypes.TryGetValue(tokens[j], out var type)) continue;
            var name = tokens.Skip(j + 1)
                .TakeWhile(t => !(t.Length == 5 && t.All(char.IsAsciiDigit)))
                .Select(t => NameWords.TryGetValue(t, out var full) ? full : t)
                .Where(t => !Fillers.Contains(t))
                .ToList();
            if (name.Count == 0) continue;
            return new StreetAddress(tokens[i].TrimStart('0'), suffix, type, string.Join(' ', name));
        }
        return null;
    }

    /// <summary>
    /// True when two addresses name the same street number on the same street (typo-tolerant on the street name).
    /// A missing bis/ter on one side is tolerated; different numbers or street types never are. A street name cut
    /// short (tax notices print 32 characters: "9 RUE SAINTE-CATHER", "59 AVENUE DE LA REP") matches the full name it
    /// begins, from 3 letters on.
    /// </summary>
    public static bool Same(StreetAddress a, StreetAddress b)
    {
        if (a.Number != b.Number || a.StreetType != b.StreetType) return false;
        if (a.Suffix.Length > 0 && b.Suffix.Length > 0 && a.Suffix != b.Suffix) return false;
        var max = NameComparer.Tolerance(Math.Min(a.NameKey.Length, b.NameKey.Length));
        if (NameComparer.Distance(a.NameKey, b.NameKey, max) <= max) return true;
        var (shorter, longer) = a.NameKey.Length <= b.NameKey.Length ? (a.NameKey, b.NameKey) : (b.NameKey, a.NameKey);
        return shorter.Length >= 3 && longer.StartsWith(shorter, StringComparison.Ordinal);
    }
}
