using CaptureChain.Corpus.Population;
using CaptureChain.Corpus.Scanning;

namespace CaptureChain.Corpus.Documents;

/// <summary>The 12 default document types of the shipped model (shared spec §3).</summary>
public static class DocumentTypes
{
    public const string DemandeApa = "demande_apa", DemandeMdph = "demande_mdph", CertificatMedical = "certificat_medical",
        AvisImposition = "avis_imposition", JustificatifDomicile = "justificatif_domicile", Rib = "rib",
        PieceIdentite = "piece_identite", JugementProtection = "jugement_protection", NotificationDecision = "notification_decision",
        PlanAide = "plan_aide", FactureEtablissement = "facture_etablissement", Courrier = "courrier";

    /// <summary>All slugs in spec order.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        DemandeApa, DemandeMdph, CertificatMedical, AvisImposition, JustificatifDomicile, Rib,
        PieceIdentite, JugementProtection, NotificationDecision, PlanAide, FactureEtablissement, Courrier,
    ];

    /// <summary>Types that really arrive as born-digital PDFs (sent by e-mail or downloaded), not only on paper.</summary>
    public static readonly IReadOnlySet<string> OftenBornDigital = new HashSet<string>
    {
        AvisImposition, JustificatifDomicile, Rib, NotificationDecision, PlanAide, FactureEtablissement,
    };
}

/// <summary>
/// What to render: a document type about a person. Everything else (layout variant, wording, page count, which
/// identifiers are printed) follows from <see cref="Seed"/> unless forced here. <see cref="Scan"/> null renders
/// clean pages at <see cref="Dpi"/>; otherwise the scan profile's noise and resolution apply.
/// </summary>
public sealed record DocumentSpec(
    string DocumentType,
    Person Subject,
    int Seed,
    int? Variant = null,
    int? PageCount = null,
    ScanProfile? Scan = null,
    int Dpi = 300,
    DateOnly? IssueDate = null);

/// <summary>Identifiers that actually appear on the rendered pages (ground truth for extraction).</summary>
public sealed record PrintedIdentifiers
{
    /// <summary>The subject's name as printed ("Marie DUPONT").</summary>
    public string? Name { get; init; }
    public string? Nir { get; init; }
    public string? CafNumber { get; init; }
    public string? CaseNumber { get; init; }
    public DateOnly? BirthDate { get; init; }
    /// <summary>True when the subject's own home address (as in the registry) is printed.</summary>
    public bool Address { get; init; }
    public string? Iban { get; init; }
    public string? Bic { get; init; }
    /// <summary>Numéro fiscal on tax papers: 13 digits, not a NIR.</summary>
    public string? TaxNumber { get; init; }
    public int? ReferenceTaxIncome { get; init; }
    public string? BirthPlace { get; init; }
    /// <summary>A second person named on the page (tutor, curator, relative who writes, doctor, landlord).</summary>
    public string? OtherPersonName { get; init; }
    public string? OtherPersonRole { get; init; }
    /// <summary>Identifiers of the issuer's own that are not registry keys (RG number, client number, resident reference).</summary>
    public IReadOnlyList<string> OtherReferences { get; init; } = [];
}

/// <summary>The outcome of composing a document: what it is and what it shows, before any pixel is drawn.</summary>
public sealed record ComposedDocument(string DocumentType, int Variant, string Title, int PageCount, PrintedIdentifiers Printed);
