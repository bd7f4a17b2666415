namespace CaptureChain.Capture.Barcodes;

/// <summary>
/// Code 128 encoder (ISO/IEC 15417): code set B for text, code set C for runs of digits, mandatory modulo-103 check
/// character. Printable ASCII (32–126) only, which covers every batch-sheet payload.
/// </summary>
public static class Code128
{
    private const int StartB = 104, StartC = 105, CodeB = 100, CodeC = 99, Stop = 106;

    // Bar/space widths of the 107 symbol values (bar first), from the ISO/IEC 15417 table; Stop has a 2-module final bar.
    private static readonly string[] Patterns =
    [
        "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
        "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
        "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
        "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
        "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
        "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
        "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
        "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
        "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
        "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
        "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
    ];

    /// <summary>Whether <paramref name="text"/> is non-empty printable ASCII, which this encoder writes.</summary>
    public static bool CanEncode(string text) => text.Length > 0 && text.All(c => c is >= ' ' and <= '~');

    /// <summary>The symbol values (start, data, check, stop) for <paramref name="text"/>.</summary>
    public static IReadOnlyList<int> Values(string text)
    {
        if (text.Length == 0) throw new ArgumentException("Code 128 needs at least one character.", nameof(text));
        foreach (var c in text)
            if (c < 32 || c > 126) throw new ArgumentException($"Character U+{(int)c:X4} is outside printable ASCII.", nameof(text));

        var values = new List<int>();
        var i = 0;
        var lead = DigitRun(text, 0);
        var inC = lead >= 4 || (lead == 2 && text.Length == 2);
        values.Add(inC ? StartC : StartB);
        while (i < text.Length)
        {
            if (inC)
            {
                if (DigitRun(text, i) >= 2)
                {
                    values.Add((text[i] - '0') * 10 + (text[i + 1] - '0'));
                    i += 2;
                    continue;
                }
                values.Add(CodeB);
                inC = false;
                continue;
            }
            // In B: switch to C only when it saves symbols (a run of 6+ digits, or 4+ finishing the text), and start
            // the run on an even count so no digit is stranded.
            var run = DigitRun(text, i);
            if (run >= 6 || (run >= 4 && i + run == text.Length))
            {
                if (run % 2 == 1) { values.Add(text[i] - 32); i++; }
                values.Add(CodeC);
                inC = true;
                continue;
            }
            values.Add(text[i] - 32);
            i++;
        }
        var sum = values[0];
        for (var k = 1; k < values.Count; k++) sum += values[k] * k;
        values.Add(sum % 103);
        values.Add(Stop);
        return values;
    }

    /// <summary>The bar and space widths of <paramref name="text"/>.</summary>
    public static LinearBarcode Encode(string text)
    {
        var widths = new List<int>();
        foreach (var v in Values(text))
            foreach (var w in Patterns[v]) widths.Add(w - '0');
        return new LinearBarcode(Symbologies.Code128, text, widths);
    }

    private static int DigitRun(string text, int from)
    {
        var n = 0;
        while (from + n < text.Length && char.IsAsciiDigit(text[from + n])) n++;
        return n;
    }
}
