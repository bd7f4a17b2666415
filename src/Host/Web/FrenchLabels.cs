using CaptureChain.Filing.Manifest;
using CaptureChain.Pipeline.Outcomes;

namespace CaptureChain.Host.Web;

/// <summary>What the French UI says for codes: document types, reason codes, match evidence, statuses.</summary>
public static class FrenchLabels
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        ["demande_apa"] = "Demande d'APA",
        ["demande_mdph"] = "Demande MDPH (PCH, AAH, CMI…)",
        ["certificat_medical"] = "Certificat médical",
        ["avis_imposition"] = "Avis d'imposition",
        ["justificatif_domicile"] = "Justificatif de domicile",
        ["rib"] = "RIB",
        ["piece_identite"] = "Pièce d'identité",
        ["jugement_protection"] = "Jugement de protection",
        ["notification_decision"] = "Notification de décision",
        ["plan_aide"] = "Plan d'aide",
        ["facture_etablissement"] = "Facture d'établissement",
        ["courrier"] = "Courrier",
    };

    private static readonly Dictionary<string, string> Reasons = new(StringComparer.Ordinal)
    {
        [ReasonCodes.EmptyFile] = "Fichier vide (0 octet) : renumériser le document.",
        [ReasonCodes.UnsupportedFormat] = "Format non pris en charge : exporter en TIFF, PNG, JPEG ou PDF.",
        [ReasonCodes.TruncatedImage] = "Image tronquée (copie ou transfert incomplet) : recopier ou renumériser.",
        [ReasonCodes.CorruptImage] = "Image endommagée, illisible : renumériser le document.",
        [ReasonCodes.ImageTooLarge] = "Image plus grande qu'une page numérisée ne peut l'être : vérifier la source.",
        [ReasonCodes.ImageTooSmall] = "Image trop petite pour une page lisible : renumériser à 200-300 dpi.",
        [ReasonCodes.PdfEncrypted] = "PDF protégé par un mot de passe : demander une copie non protégée.",
        [ReasonCodes.PdfUnreadable] = "PDF endommagé, illisible : demander une nouvelle copie ou renumériser.",
        [ReasonCodes.NotAPdf] = "Le fichier porte l'extension .pdf mais n'est pas un PDF.",
        [ReasonCodes.FileUnreadable] = "Fichier illisible (droits, ou disparu pendant la lecture) : le vérifier et le déposer à nouveau.",
        [ReasonCodes.ProcessingFault] = "Une erreur interne a arrêté ce fichier ; il est conservé en quarantaine.",
        [ReasonCodes.TypeLowConfidence] = "Type de document incertain : choisir le type.",
        [ReasonCodes.NoText] = "Aucun texte lu sur le document : vérifier la qualité de numérisation.",
        [ReasonCodes.OcrDeadline] = "La reconnaissance de texte a pris trop de temps sur une page : vérifier la page.",
        [ReasonCodes.OcrFault] = "La reconnaissance de texte a échoué sur une page : vérifier la page.",
        [ReasonCodes.BeneficiaryNotFound] = "Aucun bénéficiaire du référentiel ne correspond : choisir le bénéficiaire.",
        [ReasonCodes.BeneficiaryAmbiguous] = "Plusieurs bénéficiaires correspondent (homonymes) : choisir le bon.",
        [ReasonCodes.IdentifiersConflict] = "Les identifiants du document désignent des personnes différentes : choisir le bon bénéficiaire.",
        [ReasonCodes.NameOnly] = "Seul un nom a été trouvé, ce qui ne suffit jamais : choisir le bénéficiaire.",
        [ReasonCodes.NoIdentifier] = "Aucun identifiant (NIR, n° CAF, n° de dossier, nom et date de naissance) : choisir le bénéficiaire.",
        [ReasonCodes.CoverCaseUnknown] = "Le bordereau porte un n° de dossier absent du référentiel : vérifier le bordereau.",
        [ReasonCodes.SheetConflict] = "Une page porte les codes-barres de feuillets différents : vérifier le feuillet.",
        [ReasonCodes.QualitySample] = "Classé automatiquement, tiré au sort pour contrôle qualité : confirmer ou corriger.",
        [ReasonCodes.DuplicateContent] = "Le même contenu est déjà classé : rien n'a été classé deux fois.",
        [ReasonCodes.EmptyDocument] = "Seulement des pages blanches ou des feuillets : rien à classer.",
        [ReasonCodes.RejectedByReviewer] = "Rejeté en quarantaine par un gestionnaire (voir le journal de revue).",
        [ReasonCodes.SplitByReviewer] = "Découpé par un gestionnaire : confirmer le type et le bénéficiaire.",
        [ReasonCodes.MergedByReviewer] = "Fusionné par un gestionnaire avec le document précédent : confirmer le type et le bénéficiaire.",
        ["filing_plan_no_place"] = "Le plan de classement ne prévoit pas d'emplacement pour ce document.",
    };

    private static readonly Dictionary<string, string> Evidence = new(StringComparer.Ordinal)
    {
        ["nir"] = "NIR",
        ["case_number"] = "n° de dossier",
        ["caf_number"] = "n° CAF",
        ["cover_sheet"] = "bordereau",
        ["name+birth_date"] = "nom + date de naissance",
        ["name+address"] = "nom + adresse",
        ["name"] = "nom",
        ["birth_date"] = "date de naissance",
        ["address"] = "adresse",
        ["strong_identifiers_disagree"] = "identifiants contradictoires",
        ["unknown_identifier"] = "identifiant inconnu du référentiel",
        ["nir_mismatch"] = "autre NIR au référentiel",
        ["caf_mismatch"] = "autre n° CAF au référentiel",
        ["name_mismatch"] = "nom différent",
        ["birth_date_mismatch"] = "autre date de naissance",
        ["other_beneficiary_named"] = "une autre personne est désignée",
        ["multiple_cases"] = "plusieurs dossiers de la même personne",
        ["homonyms"] = "homonymes",
        ["several_beneficiaries"] = "plusieurs personnes",
        ["birth_date_differs"] = "date de naissance différente",
    };

    /// <summary>The label of a document type (the slug itself for a deployment's own types).</summary>
    public static string Type(string? slug) => slug is null ? "—" : Types.TryGetValue(slug, out var label) ? label : slug;

    /// <summary>What a reason code means and what to do, in French (the English explanation for codes without a translation).</summary>
    public static string Reason(string code) => Reasons.TryGetValue(code, out var text) ? text : ReasonCodes.Explain(code);

    /// <summary>A match evidence or detail code in French.</summary>
    public static string MatchedBy(string code) => Evidence.TryGetValue(code, out var text) ? text : code;

    /// <summary>A document status in French.</summary>
    public static string Status(DocumentStatus status) => status switch
    {
        DocumentStatus.Filed => "classé",
        DocumentStatus.Review => "en revue",
        DocumentStatus.Rejected => "rejeté",
        DocumentStatus.Duplicate => "doublon",
        _ => status.ToName(),
    };
}
