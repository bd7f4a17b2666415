using CaptureChain.Classifier.Identifiers;
using CaptureChain.Classifier.Names;

namespace CaptureChain.Classifier.Matching;

/// <summary>
/// What a source's location says about whom its documents concern (a legacy archive folder such as
/// <c>APA/APA-2012-00417 DUPONT Marie/2013</c>), as evidence of its own kind for the matcher: a case number or NIR acts
/// like a cover sheet, a name with a birth date like name + birth date on a page, a name alone never decides.
/// </summary>
/// <param name="CaseNumber">Case number (canonical form: upper case, hyphens).</param>
/// <param name="Nir">NIR with a valid key.</param>
/// <param name="LastName">Last name.</param>
/// <param name="FirstName">First name(s).</param>
/// <param name="BirthDate">Birth date.</param>
/// <param name="BeneficiaryId">Registry beneficiary id.</param>
public sealed record BeneficiaryHint(
    string? CaseNumber = null,
    Nir? Nir = null,
    string? LastName = null,
    string? FirstName = null,
    DateOnly? BirthDate = null,
    string? BeneficiaryId = null)
{
    /// <summary>The name, when a last name is known.</summary>
    public PersonName? Name => string.IsNullOrWhiteSpace(LastName) ? null : new PersonName(LastName, string.IsNullOrWhiteSpace(FirstName) ? null : FirstName);

    /// <summary>True when nothing is known.</summary>
    public bool IsEmpty => CaseNumber is null && Nir is null && Name is null && BirthDate is null && BeneficiaryId is null;

    /// <summary>Masked: names and NIR are personal data.</summary>
    public override string ToString() =>
        $"BeneficiaryHint(case {CaseNumber ?? "-"}, nir {Nir?.Masked ?? "-"}, name {Name?.ToString() ?? "-"}, birth {(BirthDate is null ? "-" : "••")}, id {BeneficiaryId ?? "-"})";
}
