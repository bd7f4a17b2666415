namespace CaptureChain.Classifier.Typing;

/// <summary>The document types a model knows (shared spec §3 for the shipped default); a deployment can retrain on its own.</summary>
public sealed record DocumentTaxonomy(IReadOnlyList<string> Types)
{
    /// <summary>The 12 default types of the shipped model.</summary>
    public static DocumentTaxonomy Default { get; } = new(
    [
        "demande_apa", "demande_mdph", "certificat_medical", "avis_imposition", "justificatif_domicile", "rib",
        "piece_identite", "jugement_protection", "notification_decision", "plan_aide", "facture_etablissement", "courrier",
    ]);

    /// <summary>True when <paramref name="type"/> is a valid type slug: lower-case ASCII letters, digits and underscores.</summary>
    public static bool IsValidSlug(string type) =>
        type.Length is > 0 and <= 64 && type.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}

/// <summary>A training sample: the OCR text of one document and its type.</summary>
public sealed record LabelledText(string Text, string DocumentType);
