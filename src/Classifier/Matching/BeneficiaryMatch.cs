using CaptureChain.Classifier.Registry;

namespace CaptureChain.Classifier.Matching;

/// <summary>What the matcher concluded about who a document is about.</summary>
public enum MatchOutcome
{
    /// <summary>Exactly one registry row, designated by strong identifiers or by name plus birth date or address, with nothing on the page against it.</summary>
    Matched,

    /// <summary>Nobody in the registry: identifiers unknown to it, or nothing to go on.</summary>
    NotFound,

    /// <summary>Several rows fit (homonyms, several cases of one person) or a name alone was found: a person must choose.</summary>
    Ambiguous,

    /// <summary>The identifiers on the page (and the cover sheet) designate different people, or contradict the one designated.</summary>
    Conflict,
}

/// <summary>A registry row considered for a document, with what pointed to it, for the review page.</summary>
public sealed record MatchCandidate(Beneficiary Beneficiary, IReadOnlyList<string> MatchedBy);

/// <summary>
/// The matcher's answer. <see cref="Reasons"/> holds manifest reason codes (empty when matched); <see cref="Details"/>
/// finer codes saying exactly what was wrong; <see cref="Evidence"/> what designated the chosen beneficiary.
/// </summary>
public sealed record BeneficiaryMatch(
    MatchOutcome Outcome,
    Beneficiary? Beneficiary,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Details,
    IReadOnlyList<string> Evidence,
    IReadOnlyList<MatchCandidate> Candidates)
{
    /// <summary>True when the document can be filed into <see cref="Beneficiary"/>'s case.</summary>
    public bool IsMatched => Outcome == MatchOutcome.Matched && Beneficiary is not null;
}

/// <summary>Reason codes of the manifest (shared with the pipeline's reason list) and the matcher's finer detail codes.</summary>
public static class MatchReasons
{
    public const string BeneficiaryNotFound = "beneficiary_not_found";
    public const string BeneficiaryAmbiguous = "beneficiary_ambiguous";
    public const string IdentifiersConflict = "identifiers_conflict";
    public const string NameOnly = "name_only";
    public const string NoIdentifier = "no_identifier";
    public const string CoverCaseUnknown = "cover_case_unknown";
    /// <summary>The folder names a case, NIR, beneficiary id, or name with birth date that the registry does not know.</summary>
    public const string FolderHintUnknown = "folder_hint_unknown";
    /// <summary>What the folder name says and what the document says designate different people.</summary>
    public const string FolderHintConflict = "folder_hint_conflict";

    // Details.
    /// <summary>Strong identifiers (NIR, case number, CAF number, cover sheet) designate different people.</summary>
    public const string StrongIdentifiersDisagree = "strong_identifiers_disagree";
    /// <summary>A NIR, CAF or case number on the page is not in the registry.</summary>
    public const string UnknownIdentifier = "unknown_identifier";
    /// <summary>The chosen person has another NIR / CAF number on file than the one on the page.</summary>
    public const string NirMismatch = "nir_mismatch";
    public const string CafMismatch = "caf_mismatch";
    /// <summary>A name field about the person concerned, or the only names on the page, are not the chosen person's.</summary>
    public const string NameMismatch = "name_mismatch";
    /// <summary>The chosen person's name appears with another birth date.</summary>
    public const string BirthDateMismatch = "birth_date_mismatch";
    /// <summary>The page designates another registry person (strong identifier, name + birth date, name + address).</summary>
    public const string OtherBeneficiaryNamed = "other_beneficiary_named";
    /// <summary>All fitting rows are one person with several cases: the case cannot be chosen.</summary>
    public const string MultipleCases = "multiple_cases";
    /// <summary>Several people with the same name fit.</summary>
    public const string Homonyms = "homonyms";
    /// <summary>Several different people fit (a household sharing a CAF number, two people on the page).</summary>
    public const string SeveralBeneficiaries = "several_beneficiaries";
    /// <summary>A registered name was found but its birth date on the page is not the registered one.</summary>
    public const string BirthDateDiffers = "birth_date_differs";
    /// <summary>The folder's name is not the chosen person's.</summary>
    public const string FolderNameMismatch = "folder_name_mismatch";
    /// <summary>The folder's birth date is not the chosen person's.</summary>
    public const string FolderBirthDateMismatch = "folder_birth_date_mismatch";
}

/// <summary>Evidence labels: what designated the beneficiary (and what only confirmed it).</summary>
public static class MatchEvidence
{
    public const string Nir = "nir";
    public const string CaseNumber = "case_number";
    public const string CafNumber = "caf_number";
    public const string CoverSheet = "cover_sheet";
    public const string NameAndBirthDate = "name+birth_date";
    public const string NameAndAddress = "name+address";
    public const string Name = "name";
    public const string BirthDate = "birth_date";
    public const string Address = "address";
    /// <summary>Case number in the source's folder name (acts like a cover sheet).</summary>
    public const string FolderCaseNumber = "folder_case_number";
    /// <summary>NIR in the source's folder name.</summary>
    public const string FolderNir = "folder_nir";
    /// <summary>Registry beneficiary id in the source's folder name.</summary>
    public const string FolderBeneficiaryId = "folder_beneficiary_id";
    /// <summary>Full name and birth date in the source's folder name.</summary>
    public const string FolderNameAndBirthDate = "folder_name+birth_date";
    /// <summary>Name in the source's folder name (confirms; never designates alone).</summary>
    public const string FolderName = "folder_name";
}
