using System.Runtime.CompilerServices;
using CaptureChain.Capture.Intake;
using CaptureChain.Capture.Sheets;
using CaptureChain.Pipeline.Outcomes;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Runner;

namespace CaptureChain.Pipeline.Stages;

/// <summary>
/// Gathers the recognised pages of each source (they arrive out of order from parallel OCR) and, once a source is
/// complete, cuts it into documents at separator and cover sheets, dropping sheets and blank pages.
/// Runs with one worker: it holds the per-source state.
/// </summary>
public sealed class SeparationStage : IStage<PageMessage, DocumentMessage>
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
        var documents = Cut(item.Source, Enumerable.Range(1, total).Select(n => gathering.Pages[n]).ToList());
        if (documents.Count == 0)
        {
            yield return new RejectedSource(item.Source, total, new SourceRejection(ReasonCodes.EmptyDocument,
                "Le fichier ne contient que des pages blanches ou des feuilles de séparation."));
            yield break;
        }
        foreach (var document in documents) yield return document with { DocumentsInSource = documents.Count };
    }

    public IEnumerable<DocumentMessage> OnFault(PageMessage item, Exception fault)
    {
        var key = item.Source.RelativeName + "\n" + item.Source.Sha256;
        Close(key);
        return [new RejectedSource(item.Source, 0, new SourceRejection(ReasonCodes.ProcessingFault, fault.Message))];
    }

    /// <summary>Cuts the ordered pages of one source into documents (pure: shared with tests and the review page).</summary>
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
