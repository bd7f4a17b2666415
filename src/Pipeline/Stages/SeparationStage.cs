using System.Runtime.CompilerServices;
using CaptureChain.Capture.Intake;
using CaptureChain.Capture.Sheets;
using CaptureChain.Classifier.Separation;
using CaptureChain.Classifier.Typing;
using CaptureChain.Pipeline.Outcomes;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Runner;

namespace CaptureChain.Pipeline.Stages;

/// <summary>When pages are cut into documents without a separator sheet.</summary>
public enum AutomaticSeparation
{
    /// <summary>Only at separator and cover sheets.</summary>
    Off,

    /// <summary>In files that hold no separator sheet, at the pages the separation model says start a document (the default).</summary>
    WithoutSeparatorSheets,

    /// <summary>Also between separator sheets (the operator may have forgotten one).</summary>
    Always,
}

/// <summary>
/// Gathers the recognised pages of each source (they arrive out of order from parallel OCR) and, once a source is
/// complete, cuts it into documents at separator and cover sheets, dropping sheets and blank pages; in files without
/// separator sheets, the document-type model's separation part then cuts where a page starts a new document, and a cut
/// (or a join) it is not sure of sends the documents around it to review. Runs with one worker: it holds the per-source state.
/// </summary>
public sealed class SeparationStage(DocumentTypeModel? model = null, AutomaticSeparation automatic = AutomaticSeparation.WithoutSeparatorSheets)
    : IStage<PageMessage, DocumentMessage>
{
    private readonly Dictionary<string, Gathering> _open = new(StringComparer.Ordinal);
    private readonly HashSet<string> _closed = new(StringComparer.Ordinal);

    public string Name => "separate";

    /// <summary>Sources still waiting for pages (for progress and the shutdown check).</summary>
    public int OpenSources => _open.Count;

    public async IAsyncEnumerable<DocumentMessage> ProcessAsync(PageMessage item, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        var key = item.Source.RelativeName + "\n" + item.Source.Sha256;
        if (_closed.Contains(key)) yield break; // late pages of a source already rejected
        if (!_open.TryGetValue(key, out var gathering)) _open[key] = gathering = new Gathering();

        switch (item)
        {
            case RecognisedPage page:
                gathering.Pages[page.PageNumber] = page;
                break;
            case SourceRead { Rejection: { } rejection } read:
                Close(key);
                yield return new RejectedSource(item.Source, read.PageCount, rejection);
                yield break;
            case SourceRead read:
                gathering.PageCount = read.PageCount;
                break;
            case PageToRecognise:
                throw new InvalidOperationException("A page reached separation without recognition.");
        }

        if (gathering.PageCount is not { } total || gathering.Pages.Count < total) yield break;
        Close(key);
        if (gathering.Pages.Values.Select(p => p.Unreadable).OfType<SourceRejection>().FirstOrDefault() is { } unreadable)
        {
            yield return new RejectedSource(item.Source, total, unreadable);
            yield break;
        }
        var documents = Cut(item.Source, Enumerable.Range(1, total).Select(n => gathering.Pages[n]).ToList(), model, automatic);
        if (documents.Count == 0)
        {
            yield return new RejectedSource(item.Source, total, new SourceRejection(ReasonCodes.EmptyDocument,
                "Le fichier ne contient que des pages blanches ou des feuilles de séparation."));
            yield break;
        }
        foreach (var document in documents) yield return document with { DocumentsInSource = documents.Count, PagesInSource = total };
    }

    public IEnumerable<DocumentMessage> OnFault(PageMessage item, Exception fault)
    {
        var key = item.Source.RelativeName + "\n" + item.Source.Sha256;
        Close(key);
        return [new RejectedSource(item.Source, 0, new SourceRejection(ReasonCodes.ProcessingFault, fault.Message))];
    }

    /// <summary>
    /// Cuts the ordered pages of one source into documents at sheets, then (with a model that has a separation part)
    /// splits the documents of a file without separator sheets where a page starts a new document.
    /// </summary>
    public static IReadOnlyList<CapturedDocument> Cut(SourceFile source, IReadOnlyList<RecognisedPage> pages, DocumentTypeModel? model,
        AutomaticSeparation automatic = AutomaticSeparation.WithoutSeparatorSheets)
    {
        var documents = Cut(source, pages);
        if (model?.Separation is null || automatic == AutomaticSeparation.Off) return documents;
        if (automatic == AutomaticSeparation.WithoutSeparatorSheets && pages.Any(p => p.Role == PageRole.Separator)) return documents;
        return documents.SelectMany(d => Split(d, model)).ToList();
    }

    /// <summary>One document cut where the separation model says pages start new documents.</summary>
    public static IReadOnlyList<CapturedDocument> Split(CapturedDocument document, DocumentTypeModel model)
    {
        if (document.Pages.Count < 2 || model.DecideBoundaries(document.Pages.Select(p => p.Text).ToList()) is not { } boundaries)
            return [document];
        var parts = new List<CapturedDocument>();
        var current = new List<RecognisedPage> { document.Pages[0] };
        // A part is uncertain when the cut that starts it, the cut that ends it, or a join inside it is uncertain.
        var uncertain = false;
        var startProbability = (float?)null;
        for (var i = 1; i < document.Pages.Count; i++)
        {
            var boundary = boundaries[i];
            if (boundary.StartsDocument)
            {
                parts.Add(Part(document, current, uncertain || !boundary.Certain, startProbability));
                current = [];
                uncertain = !boundary.Certain;
                startProbability = boundary.StartProbability;
            }
            else if (!boundary.Certain) uncertain = true;
            current.Add(document.Pages[i]);
        }
        parts.Add(Part(document, current, uncertain, startProbability));
        if (parts.Count == 1 && !uncertain) return [document];
        return parts;
    }

    private static CapturedDocument Part(CapturedDocument whole, List<RecognisedPage> pages, bool uncertain, float? startProbability) =>
        new(whole.Source, pages[0].PageNumber, pages[^1].PageNumber, pages.ToList(), whole.CoverCaseNumber)
        {
            SeparationUncertain = uncertain,
            StartProbability = startProbability,
        };

    /// <summary>Cuts the ordered pages of one source into documents at sheets only (pure: shared with tests and the review page).</summary>
    public static IReadOnlyList<CapturedDocument> Cut(SourceFile source, IReadOnlyList<RecognisedPage> pages)
    {
        var documents = new List<CapturedDocument>();
        var cover = source.Defaults.CaseNumber;
        var current = new List<RecognisedPage>();

        void Flush()
        {
            if (current.Count > 0)
                documents.Add(new CapturedDocument(source, current[0].PageNumber, current[^1].PageNumber, current.ToList(), cover));
            current.Clear();
        }

        foreach (var page in pages)
        {
            switch (page.Role)
            {
                case PageRole.Cover when page.Sheet is CoverSheet sheet:
                    Flush();
                    cover = sheet.CaseNumber;
                    break;
                case PageRole.Separator or PageRole.Cover:
                    Flush();
                    break;
                case PageRole.Blank:
                    break;
                default:
                    current.Add(page);
                    break;
            }
        }
        Flush();
        return documents;
    }

    private void Close(string key)
    {
        _open.Remove(key);
        _closed.Add(key);
    }

    private sealed class Gathering
    {
        public Dictionary<int, RecognisedPage> Pages { get; } = [];
        public int? PageCount { get; set; }
    }
}
