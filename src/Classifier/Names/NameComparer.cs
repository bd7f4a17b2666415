using CaptureChain.Classifier.Text;

namespace CaptureChain.Classifier.Names;

/// <summary>
/// Normalises and compares French names the way OCR and clerks write them: accents dropped or changed, particles
/// ("de", "le", "d'") kept or glued, hyphens and apostrophes as spaces or nothing, a letter misread or two letters
/// swapped. Comparison is deliberately tolerant: a name is never enough to identify anyone on its own, and the
/// matcher uses "same name" both to confirm (with another identifier) and to detect contradictions.
/// </summary>
public static class NameComparer
{
    private static readonly HashSet<string> Particles =
        new(["DE", "DU", "DES", "LA", "LE", "LES", "D", "L", "DEL", "DELLA", "DI", "DA", "DOS", "VAN", "VON", "DEN", "DER"], StringComparer.Ordinal);

    /// <summary>Folded upper-case tokens: accents removed, hyphens and apostrophes split, OCR digits read as letters.</summary>
    public static IReadOnlyList<string> Tokens(string name)
    {
        var folded = TextFolding.FoldUpper(name);
        var tokens = new List<string>(4);
        var current = new System.Text.StringBuilder();
        foreach (var raw in folded)
        {
            // Digits inside a name are OCR misreadings of look-alike letters.
            var c = raw switch { '0' => 'O', '1' => 'I', '5' => 'S', '8' => 'B', _ => raw };
            if (c is >= 'A' and <= 'Z') current.Append(c);
            else if (current.Length > 0) { tokens.Add(current.ToString()); current.Clear(); }
        }
        if (current.Length > 0) tokens.Add(current.ToString());
        return tokens;
    }

    /// <summary>The canonical spelling: folded tokens separated by one space ("de La Fontaine" → "DE LA FONTAINE").</summary>
    public static string Normalise(string name) => string.Join(' ', Tokens(name));

    /// <summary>Tokens glued together, so "Jean-Pierre", "JEAN PIERRE" and "Jeanpierre" agree.</summary>
    public static string Key(string name) => string.Concat(Tokens(name));

    /// <summary>The key without particles ("De la Fontaine" → "FONTAINE"); the whole key when only particles remain.</summary>
    public static string ParticleFreeKey(string name)
    {
        var tokens = Tokens(name);
        var kept = tokens.Where(t => !Particles.Contains(t)).ToList();
        return kept.Count == 0 ? string.Concat(tokens) : string.Concat(kept);
    }

    /// <summary>True when two last names can be the same name (particles optional, typo-tolerant).</summary>
    public static bool SameLastName(string a, string b)
    {
        var ka = Key(a);
        var kb = Key(b);
        if (ka.Length == 0 || kb.Length == 0) return false;
        if (Close(ka, kb)) return true;
        var pa = ParticleFreeKey(a);
        var pb = ParticleFreeKey(b);
        return (pa != ka || pb != kb) && Close(pa, pb);
    }

    /// <summary>
    /// True when two first names can designate the same person: same (typo-tolerant) name, one of them a
    /// compound starting with the other ("Marie" / "Marie-Thérèse"), or an initial ("J." / "Jean"). Masculine and
    /// feminine forms ("Louis" / "Louise", "Jean" / "Jeanne") are different names even though they differ by a letter.
    /// </summary>
    public static bool SameFirstName(string a, string b)
    {
        var ta = Tokens(a);
        var tb = Tokens(b);
        if (ta.Count == 0 || tb.Count == 0) return false;
        var ka = string.Concat(ta);
        var kb = string.Concat(tb);
        if (ka == kb) return true;
        if (ta.Count == 1 && ta[0].Length == 1) return tb[0][0] == ta[0][0];
        if (tb.Count == 1 && tb[0].Length == 1) return ta[0][0] == tb[0][0];
        if (IsGenderPair(ka, kb)) return false;
        if (Close(ka, kb)) return true;
        // Several first names ("Marie Thérèse Jeanne"): one list may be the start of the other.
        var (shorter, longer) = ta.Count <= tb.Count ? (ta, tb) : (tb, ta);
        if (shorter.Count == longer.Count) return false;
        for (var i = 0; i < shorter.Count; i++)
            if (IsGenderPair(shorter[i], longer[i]) || !Close(shorter[i], longer[i])) return false;
        return true;
    }

    /// <summary>
    /// True when a name read on a page can be the registered person's name. A read name without first name matches
    /// on the last name alone; when the reading order is unknown ("Marie Dupont" vs "Dupont Marie") both orders are tried.
    /// </summary>
    public static bool SameName(PersonName read, PersonName registered, bool orderKnown = true)
    {
        if (Matches(read.LastName, read.FirstName, registered)) return true;
        return !orderKnown && read.FirstName is not null && Matches(read.FirstName, read.LastName, registered);

        static bool Matches(string last, string? first, PersonName reg) =>
            SameLastName(last, reg.LastName) && (first is null || reg.FirstName is null || SameFirstName(first, reg.FirstName));
    }

    /// <summary>Edits tolerated for a key of this length: none up to 3 letters, one up to 7, then two.</summary>
    public static int Tolerance(int length) => length <= 3 ? 0 : length <= 7 ? 1 : 2;

    /// <summary>
    /// Optimal-string-alignment distance (substitutions, insertions, deletions, adjacent swaps), or
    /// <paramref name="max"/> + 1 as soon as it is known to exceed <paramref name="max"/>.
    /// </summary>
    public static int Distance(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max) return max + 1;
        if (a == b) return 0;
        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    value = Math.Min(value, previous2[j - 2] + 1);
                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }
            if (rowMin > max) return max + 1;
            (previous2, previous, current) = (previous, current, previous2);
        }
        return Math.Min(previous[b.Length], max + 1);
    }

    private static bool Close(string a, string b) =>
        a == b || Distance(a, b, Tolerance(Math.Min(a.Length, b.Length))) <= Tolerance(Math.Min(a.Length, b.Length));

    // "LOUIS"/"LOUISE", "JEAN"/"JEANNE", "JOEL"/"JOELLE": the feminine form adds E, sometimes doubling the consonant.
    private static bool IsGenderPair(string a, string b)
    {
        var (shorter, longer) = a.Length <= b.Length ? (a, b) : (b, a);
        if (shorter.Length < 3 || !longer.StartsWith(shorter, StringComparison.Ordinal)) return false;
        var rest = longer[shorter.Length..];
        return rest == "E" || (rest.Length == 2 && rest[1] == 'E' && rest[0] == shorter[^1]);
    }
}
