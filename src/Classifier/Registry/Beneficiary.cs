using CaptureChain.Classifier.Identifiers;
using CaptureChain.Classifier.Names;

namespace CaptureChain.Classifier.Registry;

/// <summary>
/// One row of the beneficiary registry (shared spec §2): a beneficiary and one of their cases. The same
/// <see cref="BeneficiaryId"/> can appear on several rows when the person has several cases (APA and ASH).
/// </summary>
public sealed record Beneficiary(
    string BeneficiaryId,
    Nir? Nir,
    string? CafNumber,
    string LastName,
    string FirstName,
    DateOnly? BirthDate,
    string CaseNumber,
    string Prestation,
    string Address,
    string Postcode,
    string City)
{
    /// <summary>The registered name.</summary>
    public PersonName Name => new(LastName, FirstName);

    /// <summary>Identifier and case only: names, NIR and birth date are personal data and stay out of logs.</summary>
    public override string ToString() => $"Beneficiary {BeneficiaryId} ({CaseNumber})";
}

/// <summary>A problem on one line of the registry file. The line was loaded without the bad value, or skipped.</summary>
public sealed record RegistryLineProblem(int LineNumber, string Code, string? Column, string Message, bool LineSkipped);

/// <summary>The loaded registry and what was wrong with individual lines.</summary>
public sealed record RegistryLoadResult(BeneficiaryRegistry Registry, IReadOnlyList<RegistryLineProblem> Problems);

/// <summary>The registry file as a whole cannot be used (missing column, not UTF-8, no header): nothing was loaded.</summary>
public sealed class RegistryFormatException(string message) : Exception(message);
