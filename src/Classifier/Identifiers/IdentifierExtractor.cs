using CaptureChain.Classifier.Text;

namespace CaptureChain.Classifier.Identifiers;

/// <summary>What the extractor looks for beyond the built-in patterns.</summary>
public sealed record IdentifierExtractionOptions
{
    /// <summary>The case software's case-number prefixes shipped by default.</summary>
    public static readonly IReadOnlyList<string> DefaultCasePrefixes =
        ["APA", "PCH", "ASH", "ASE", "AS", "AAH", "ACTP", "MDPH", "RSA", "CMI", "AESH", "PA", "PH"];

    /// <summary>Default options.</summary>
    public static IdentifierExtractionOptions Default { get; } = new();

    /// <summary>
    /// Upper-case prefixes of case numbers (<c>APA</c> in <c>APA-2024-00123</c>); a deployment adds the prefixes its
    /// registry uses. Only these are read, so invoice or form references are not mistaken for case numbers.
    /// </summary>
    public IReadOnlyList<string> CasePrefixes { get; init; } = DefaultCasePrefixes;
}

/// <summary>
/// Reads identifiers in the OCR text of a French social-aid document: NIR (with OCR look-alike correction only where
/// the key then holds), CAF number, case number, person names, birth dates, IBAN, postcodes and addresses. Every
/// finding keeps its offset in the text. Extraction is pure and thread-safe.
/// </summary>
public static partial class IdentifierExtractor
{
    /// <summary>Extracts every identifier from <paramref name="text"/>.</summary>
    public static ExtractedIdentifiers Extract(string text, IdentifierExtractionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= IdentifierExtractionOptions.Default;
        if (text.Length == 0) return ExtractedIdentifiers.Empty;
        // Labels are matched on a folded copy (lower case, no accents) of the same length, so offsets stay valid.
        var folded = TextFolding.FoldPreservingLength(text);
        var postcodes = FindPostcodes(text, folded);
        return new ExtractedIdentifiers(
            Nirs: FindNirs(text),
            CafNumbers: FindCafNumbers(folded),
            CaseNumbers: FindCaseNumbers(text, options),
            Names: FindNames(text, folded),
            BirthDates: FindBirthDates(folded),
            Ibans: FindIbans(text),
            Postcodes: postcodes,
            Addresses: FindAddresses(text, folded, postcodes));
    }

    private static TextSpan SpanOf(System.Text.RegularExpressions.Group g) => new(g.Index, g.Length);
}
