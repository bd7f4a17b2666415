using System.Globalization;
using System.Numerics;
using System.Text;

namespace CaptureChain.Corpus.Population;

/// <summary>
/// Numbers a person keeps across all their papers (IBAN, numéro fiscal, ID card number), derived from the NIR with a
/// stable hash so two documents of one person agree and every run gives the same numbers.
/// </summary>
public static class PersonalNumbers
{
    /// <summary>FNV-1a, 32 bit: string.GetHashCode is randomised per process and would break determinism.</summary>
    public static int StableHash(string text)
    {
        var h = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text)) { h ^= b; h *= 16777619; }
        return (int)(h & 0x7FFFFFFF);
    }

    private static Random For(Person p, string what) => new(StableHash(p.Nir + "/" + what));

    /// <summary>A French IBAN with a valid RIB key and ISO 13616 check digits, plus the bank's BIC and name.</summary>
    public static (string Iban, string Bic, string BankName, string Bank, string Branch, string Account, string RibKey) BankAccount(Person p)
    {
        var rng = For(p, "bank");
        var (bank, branch, bic, name) = FrenchNames.Banks[rng.Next(FrenchNames.Banks.Length)];
        var account = string.Concat(Enumerable.Range(0, 11).Select(_ => (char)('0' + rng.Next(10))));
        var ribKey = RibKey(bank, branch, account);
        var bban = bank + branch + account + ribKey;
        return (IbanFromBban("FR", bban), bic, name, bank, branch, account, ribKey);
    }

    /// <summary>Clé RIB = 97 − ((89 × banque + 15 × guichet + 3 × compte) mod 97), for an all-digit account.</summary>
    public static string RibKey(string bank, string branch, string account)
    {
        var sum = 89 * BigInteger.Parse(bank) + 15 * BigInteger.Parse(branch) + 3 * BigInteger.Parse(account);
        return (97 - (int)(sum % 97)).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>ISO 13616: check digits = 98 − (BBAN + country letters as numbers + "00") mod 97.</summary>
    public static string IbanFromBban(string country, string bban)
    {
        var check = 98 - (int)(BigInteger.Parse(ToDigits(bban + country + "00")) % 97);
        return country + check.ToString("00", CultureInfo.InvariantCulture) + bban;
    }

    /// <summary>True when the IBAN's mod-97 check holds.</summary>
    public static bool IsValidIban(string iban)
    {
        var compact = iban.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (compact.Length < 15) return false;
        return BigInteger.Parse(ToDigits(compact[4..] + compact[..4])) % 97 == 1;
    }

    private static string ToDigits(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text) sb.Append(char.IsAsciiLetter(c) ? (c - 'A' + 10).ToString(CultureInfo.InvariantCulture) : c.ToString());
        return sb.ToString();
    }

    /// <summary>"FR76 3000 4008 2100 0123 4567 890".</summary>
    public static string GroupIban(string iban) =>
        string.Join(' ', Enumerable.Range(0, (iban.Length + 3) / 4).Select(i => iban.Substring(i * 4, Math.Min(4, iban.Length - i * 4))));

    /// <summary>Numéro fiscal (SPI): 13 digits starting with 0–3; deliberately not a NIR.</summary>
    public static string TaxNumber(Person p)
    {
        var rng = For(p, "tax");
        return rng.Next(0, 4).ToString(CultureInfo.InvariantCulture) + string.Concat(Enumerable.Range(0, 12).Select(_ => (char)('0' + rng.Next(10))));
    }

    /// <summary>Identity card number: 12 characters (old card) or 9 (new card / passport).</summary>
    public static string IdentityDocumentNumber(Person p, bool newFormat)
    {
        var rng = For(p, newFormat ? "id9" : "id12");
        const string Alnum = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
        return newFormat
            ? string.Concat(Enumerable.Range(0, 9).Select(_ => Alnum[rng.Next(Alnum.Length)]))
            : string.Concat(Enumerable.Range(0, 12).Select(i => i is 4 or 5 ? Alnum[10 + rng.Next(Alnum.Length - 10)] : (char)('0' + rng.Next(10))));
    }

    /// <summary>Reference taxable income (revenu fiscal de référence), euros.</summary>
    public static int ReferenceTaxIncome(Person p) => 6000 + For(p, "rfr").Next(0, 30000);
}
