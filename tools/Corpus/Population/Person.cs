using System.Globalization;
using System.Text;

namespace CaptureChain.Corpus.Population;

/// <summary>
/// A synthetic person a document can be about. <see cref="BeneficiaryId"/> is null for people who appear on paper
/// but are not in the beneficiary registry (a new applicant, someone from another département).
/// </summary>
public sealed record Person(
    string? BeneficiaryId,
    string Nir,
    bool NirInRegistry,
    string? CafNumber,
    string LastName,
    string FirstName,
    char Sex,
    DateOnly BirthDate,
    string BirthPlace,
    string? CaseNumber,
    string? Prestation,
    string Address,
    string Postcode,
    string City)
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    /// <summary>True when the person is a row of the registry.</summary>
    public bool InRegistry => BeneficiaryId is not null;

    /// <summary>"Madame" or "Monsieur".</summary>
    public string Civility => Sex == 'F' ? "Madame" : "Monsieur";

    /// <summary>"Mme" or "M.".</summary>
    public string ShortCivility => Sex == 'F' ? "Mme" : "M.";

    /// <summary>Last name in capitals as administrations print it, with or without accents.</summary>
    public string UpperLastName(bool keepAccents = true) =>
        keepAccents ? LastName.ToUpper(French) : StripAccents(LastName).ToUpperInvariant();

    /// <summary>"Marie DUPONT".</summary>
    public string FullName(bool keepAccents = true) => $"{FirstName} {UpperLastName(keepAccents)}";

    /// <summary>"DUPONT Marie".</summary>
    public string FormalName(bool keepAccents = true) => $"{UpperLastName(keepAccents)} {FirstName}";

    /// <summary>The NIR in the printed grouping <c>1 54 03 33 063 042 87</c> (overseas: 97 1 20 becomes 971 20).</summary>
    public string NirSpaced => SpacedNir(Nir);

    /// <summary>Groups 15 NIR characters as printed on a carte Vitale.</summary>
    public static string SpacedNir(string nir) =>
        $"{nir[0]} {nir.Substring(1, 2)} {nir.Substring(3, 2)} {nir.Substring(5, 2)} {nir.Substring(7, 3)} {nir.Substring(10, 3)} {nir.Substring(13, 2)}";

    /// <summary>Birth date as dd/MM/yyyy.</summary>
    public string BirthDateSlashed => BirthDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>Birth date as "12 mars 1941".</summary>
    public string BirthDateLong => BirthDate.ToString("d MMMM yyyy", French);

    /// <summary>Removes diacritics (OCR and some printers drop them).</summary>
    public static string StripAccents(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) sb.Append(c);
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }
}
