using CaptureChain.Capture.Intake;
using CaptureChain.Classifier.Identifiers;
using CaptureChain.Classifier.Matching;
using CaptureChain.Classifier.Typing;
using CaptureChain.Filing.Store;

namespace CaptureChain.Pipeline.Records;

/// <summary>What flows from separation to filing: documents, or a whole source that could not be read.</summary>
public abstract record DocumentMessage(SourceFile Source);

/// <summary>
/// One document cut out of a source: its kept pages (no sheets, no blanks) and, as it moves on, its type,
/// identifiers and beneficiary match.
/// </summary>
/// <param name="FirstPage">First page of its range in the source (1-based, inclusive).</param>
/// <param name="LastPage">Last page of its range (blank pages inside the range are not kept).</param>
/// <param name="CoverCaseNumber">The case of the cover sheet (or inbox profile) it falls under, if any.</param>
public sealed record CapturedDocument(
    SourceFile Source, int FirstPage, int LastPage, IReadOnlyList<RecognisedPage> Pages, string? CoverCaseNumber)
    : DocumentMessage(Source)
{
    /// <summary>How many documents separation cut out of the source (the last one recorded marks the source done).</summary>
    public int DocumentsInSource { get; init; } = 1;

    /// <summary>Pages of the whole source, sheets and blank backs included (recorded with the source once it is done).</summary>
    public int? PagesInSource { get; init; }

    /// <summary>Identity in the store: the same pages of the same file always give the same key.</summary>
    public DocumentKey Key => new(Source.RelativeName, Source.Sha256, FirstPage, LastPage);

    /// <summary>The text of every kept page, in order.</summary>
    public string Text { get; } = string.Join("\n\f\n", Pages.Select(p => p.Text));

    /// <summary>
    /// Set by automatic separation (no sheet between documents) when a cut that starts or ends this document, or a
    /// decision not to cut inside it, was not sure: a person checks where the document starts and ends.
    /// </summary>
    public bool SeparationUncertain { get; init; }

    /// <summary>Set by automatic separation: the probability that the document starts at its first page (null when a sheet or the file start began it).</summary>
    public float? StartProbability { get; init; }

    /// <summary>Set by classification.</summary>
    public TypePrediction? Type { get; init; }

    /// <summary>Set by extraction.</summary>
    public ExtractedIdentifiers? Identifiers { get; init; }

    /// <summary>Set by matching.</summary>
    public BeneficiaryMatch? Match { get; init; }

    /// <summary>Faults of stages that could not add their finding (the document goes to review).</summary>
    public IReadOnlyList<string> Faults { get; init; } = [];

    /// <summary>Reason codes of pages that were not fully recognised.</summary>
    public IEnumerable<string> PageProblems => Pages.Select(p => p.Problem).OfType<string>().Distinct();
}

/// <summary>A source that could not be read: quarantined whole, with its reason.</summary>
public sealed record RejectedSource(SourceFile Source, int PageCount, SourceRejection Rejection) : DocumentMessage(Source);
