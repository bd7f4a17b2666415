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

/// <summary>
/// A training sample: the OCR text of one document (pages separated by form feeds, as the pipeline joins them) and
/// its type.
/// </summary>
public sealed record LabelledText(string Text, string DocumentType)
{
    /// <summary>Stable identity of the sample (SHA-256 of its file), for the model's data manifest; null when unknown.</summary>
    public string? SampleId { get; init; }

    /// <summary>Where the sample came from (path relative to the samples folder), for the data manifest.</summary>
    public string? SourceName { get; init; }

    /// <summary>
    /// A label a person gave on the review page: always trained on (never held out) and weighted up, so that the next
    /// model follows the correction.
    /// </summary>
    public bool IsCorrection { get; init; }

    /// <summary>The text of each page, in order (one page when the text has no form feed).</summary>
    public IReadOnlyList<string> Pages => DocumentPages.Split(Text);
}

/// <summary>How the pipeline joins page texts into a document text, and how to split them back.</summary>
public static class DocumentPages
{
    /// <summary>Between two pages of a document text.</summary>
    public const string Separator = "\n\f\n";

    /// <summary>Joins page texts.</summary>
    public static string Join(IEnumerable<string> pages) => string.Join(Separator, pages);

    /// <summary>The page texts of a document text (form feeds separate pages).</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Split('\f').Select(p => p.Trim('\n', '\r')).ToList();
    }
}
