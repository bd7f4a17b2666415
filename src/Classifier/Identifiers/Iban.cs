namespace CaptureChain.Classifier.Identifiers;

/// <summary>ISO 13616 IBAN check: move the first four characters to the end, letters as 10..35, the number mod 97 is 1.</summary>
public static class Iban
{
    /// <summary>Length of a French IBAN (FR, 2 check digits, 5 bank, 5 branch, 11 account, 2 RIB key).</summary>
    public const int FrenchLength = 27;

    /// <summary>True when <paramref name="iban"/> (spaces ignored) is well formed and its check digits hold.</summary>
    public static bool IsValid(string iban)
    {
        var compact = string.Concat(iban.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
        if (compact.Length is < 15 or > 34) return false;
        if (!char.IsAsciiLetterUpper(compact[0]) || !char.IsAsciiLetterUpper(compact[1])) return false;
        if (!char.IsAsciiDigit(compact[2]) || !char.IsAsciiDigit(compact[3])) return false;
        var remainder = 0;
        foreach (var c in compact[4..] + compact[..4])
        {
            if (char.IsAsciiDigit(c)) remainder = (remainder * 10 + (c - '0')) % 97;
            else if (char.IsAsciiLetterUpper(c)) remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            else return false;
        }
        return remainder == 1;
    }
}
