namespace CaptureChain.Capture.Barcodes;

/// <summary>
/// Code 39 encoder (ISO/IEC 16388): <c>*</c> start and stop, one narrow space between characters, wide = 3 × narrow.
/// The optional modulo-43 check character is not added: zbar would return it as part of the payload.
/// </summary>
public static class Code39
{
    /// <summary>Characters Code 39 can carry.</summary>
    public const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%";

    // Nine elements per character (bar, space, ..., bar); 'w' wide, 'n' narrow. Index matches Alphabet, then '*'.
    private static readonly string[] Patterns =
    [
        "nnnwwnwnn", "wnnwnnnnw", "nnwwnnnnw", "wnwwnnnnn", "nnnwwnnnw", "wnnwwnnnn", "nnwwwnnnn", "nnnwnnwnw",
        "wnnwnnwnn", "nnwwnnwnn", "wnnnnwnnw", "nnwnnwnnw", "wnwnnwnnn", "nnnnwwnnw", "wnnnwwnnn", "nnwnwwnnn",
        "nnnnnwwnw", "wnnnnwwnn", "nnwnnwwnn", "nnnnwwwnn", "wnnnnnnww", "nnwnnnnww", "wnwnnnnwn", "nnnnwnnww",
        "wnnnwnnwn", "nnwnwnnwn", "nnnnnnwww", "wnnnnnwwn", "nnwnnnwwn", "nnnnwnwwn", "wwnnnnnnw", "nwwnnnnnw",
        "wwwnnnnnn", "nwnnwnnnw", "wwnnwnnnn", "nwwnwnnnn", "nwnnnnwnw", "wwnnnnwnn", "nwwnnnwnn", "nwnwnwnnn",
        "nwnwnnnwn", "nwnnnwnwn", "nnnwnwnwn", "nwnnwnwnn",
    ];

    /// <summary>Whether <paramref name="text"/> can be written in Code 39.</summary>
    public static bool CanEncode(string text) => text.Length > 0 && text.All(c => Alphabet.Contains(c));

    /// <summary>The bar and space widths of <paramref name="text"/>, framed by <c>*</c>.</summary>
    public static LinearBarcode Encode(string text, int wideRatio = 3)
    {
        if (!CanEncode(text)) throw new ArgumentException("Code 39 carries only 0-9, A-Z, space and - . $ / + %.", nameof(text));
        var widths = new List<int>();
        var framed = "*" + text + "*";
        for (var k = 0; k < framed.Length; k++)
        {
            if (k > 0) widths.Add(1); // inter-character gap
            var index = framed[k] == '*' ? Patterns.Length - 1 : Alphabet.IndexOf(framed[k]);
            foreach (var e in Patterns[index]) widths.Add(e == 'w' ? wideRatio : 1);
        }
        return new LinearBarcode(Symbologies.Code39, text, widths);
    }
}
