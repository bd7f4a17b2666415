namespace CaptureChain.Classifier.Identifiers;

public static partial class IdentifierExtractor
{
    // Characters a NIR can be printed or misread as: digits, the Corsican A/B, and OCR look-alikes of digits.
    private static bool IsNirChar(char c) => char.IsAsciiDigit(c) || c is 'O' or 'o' or 'I' or 'i' or 'l' or '|' or 'S' or 's' or 'B' or 'Z' or 'z' or 'A';

    private static bool IsNirSeparator(char c) => c is ' ' or '\t' or '\u00A0' or '\u202F' or '.' or '-';

    private static char? LookAlikeDigit(char c) => c switch
    {
        >= '0' and <= '9' => c,
        'O' or 'o' => '0',
        'I' or 'i' or 'l' or '|' => '1',
        'S' or 's' => '5',
        'B' => '8',
        'Z' or 'z' => '2',
        _ => null,
    };

    private readonly record struct NirToken(int Start, int Length);

    /// <summary>
    /// NIRs printed with or without spaces. Candidates are runs of 15 NIR characters aligned on token boundaries
    /// (so 15 digits inside a longer account number are not read as a NIR); look-alike letters are read as digits and
    /// 2B/28, 2A/24 are both tried, and a reading is kept only when exactly one variant has a valid key.
    /// </summary>
    private static List<FoundNir> FindNirs(string text)
    {
        var found = new List<FoundNir>();
        var tokens = new List<NirToken>();
        var i = 0;
        while (i < text.Length)
        {
            // Collect one run of tokens separated by at most two separator characters.
            tokens.Clear();
            while (i < text.Length && !IsNirChar(text[i])) i++;
            while (i < text.Length && IsNirChar(text[i]))
            {
                var start = i;
                while (i < text.Length && IsNirChar(text[i])) i++;
                tokens.Add(new NirToken(start, i - start));
                var gap = 0;
                while (i + gap < text.Length && IsNirSeparator(text[i + gap]) && gap < 3) gap++;
                if (gap is 0 or 3 || i + gap >= text.Length || !IsNirChar(text[i + gap])) break;
                i += gap;
            }
            ScanRun(text, tokens, found);
        }
        // The same characters can be reached from two windows (a prefix and a whole token): keep one.
        return found.GroupBy(f => f.Span).Select(g => g.First()).OrderBy(f => f.Span.Offset).ToList();
    }

    private static void ScanRun(string text, List<NirToken> tokens, List<FoundNir> found)
    {
        for (var first = 0; first < tokens.Count; first++)
        {
            var length = 0;
            for (var last = first; last < tokens.Count && length < 15; last++)
            {
                length += tokens[last].Length;
                if (length == 15) TryWindow(text, tokens, first, last, found);
            }
            // A single long token: letters glued before or after 15 digits ("ss295109912611193").
            var token = tokens[first];
            if (token.Length > 15)
            {
                TryChars(text, Enumerable.Range(token.Start, 15).ToArray(), found, requireLetterRest: (token.Start + 15, token.Length - 15));
                TryChars(text, Enumerable.Range(token.Start + token.Length - 15, 15).ToArray(), found, requireLetterRest: (token.Start, token.Length - 15));
            }
        }
    }

    private static void TryWindow(string text, List<NirToken> tokens, int first, int last, List<FoundNir> found)
    {
        var positions = new int[15];
        var n = 0;
        for (var t = first; t <= last; t++)
            for (var k = 0; k < tokens[t].Length; k++) positions[n++] = tokens[t].Start + k;
        TryChars(text, positions, found, requireLetterRest: null);
    }

    private static void TryChars(string text, int[] positions, List<FoundNir> found, (int Start, int Length)? requireLetterRest)
    {
        if (requireLetterRest is { } rest)
            for (var k = 0; k < rest.Length; k++)
                if (char.IsAsciiDigit(text[rest.Start + k])) return;
        var raw = new char[15];
        var digits = 0;
        for (var k = 0; k < 15; k++)
        {
            raw[k] = text[positions[k]];
            if (char.IsAsciiDigit(raw[k])) digits++;
        }
        // Mostly letters is a word, not a misread number.
        if (digits < 11) return;

        var valid = new List<(Nir Nir, bool Corrected)>(2);
        foreach (var reading in Readings(raw))
            if (Nir.TryParse(reading, out var nir) && valid.All(v => v.Nir != nir))
                valid.Add((nir, reading != new string(raw)));
        // Two readings with a valid key would be a guess: leave it to a person.
        if (valid.Count != 1) return;
        var span = new TextSpan(positions[0], positions[14] - positions[0] + 1);
        found.Add(new FoundNir(valid[0].Nir, span, valid[0].Corrected));
    }

    /// <summary>The possible readings of 15 characters: look-alikes as digits, and both Corsican/continental departments.</summary>
    private static IEnumerable<string> Readings(char[] raw)
    {
        var body = new char[15];
        for (var k = 0; k < 15; k++)
        {
            if (k is 5 or 6) continue;
            var d = LookAlikeDigit(raw[k]);
            if (d is null) yield break;
            body[k] = d.Value;
        }
        var d5 = LookAlikeDigit(raw[5]);
        var departments = new List<string>(2);
        // A printed A or B is Corsica and nothing else: reading it as a digit would add a second chance for a
        // mistyped NIR to pass the key. A printed 4 or 8 after a 2 may be a misread A or B: both are tried.
        if (raw[6] is 'A' or 'B') { if (d5 == '2') departments.Add("2" + raw[6]); }
        else if (d5 == '2' && raw[6] == '4') departments.AddRange(["24", "2A"]);
        else if (d5 == '2' && raw[6] == '8') departments.AddRange(["28", "2B"]);
        else if (d5 is not null && LookAlikeDigit(raw[6]) is { } d6) departments.Add($"{d5}{d6}");
        foreach (var department in departments)
        {
            body[5] = department[0];
            body[6] = department[1];
            yield return new string(body);
        }
    }
}
