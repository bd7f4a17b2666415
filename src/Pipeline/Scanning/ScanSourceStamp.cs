using System.Runtime.CompilerServices;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Runner;

namespace CaptureChain.Pipeline.Scanning;

/// <summary>
/// Between OCR and separation in a scan: pages are recognised while the scan goes on, under a provisional source
/// identity, and only once the scan has ended is its source file assembled and hashed. The end marker carries that
/// final identity; this stage holds the recognised pages until it comes, then passes every page on under it, so
/// separation, filing, the journal and a later resume all see the scan as one ordinary multi-page file.
/// It also counts page roles for the batch's page account. One worker: it holds the state.
/// </summary>
public sealed class ScanSourceStamp : IStage<PageMessage, PageMessage>
{
    private readonly List<RecognisedPage> _held = [];
    private SourceFile? _final;
    private int _sheets, _blank, _content;

    public string Name => "stamp";

    /// <summary>Separator and cover sheets seen.</summary>
    public int Sheets => Volatile.Read(ref _sheets);

    /// <summary>Blank pages seen.</summary>
    public int Blank => Volatile.Read(ref _blank);

    /// <summary>Content pages seen.</summary>
    public int Content => Volatile.Read(ref _content);

    public async IAsyncEnumerable<PageMessage> ProcessAsync(PageMessage item, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        switch (item)
        {
            case RecognisedPage page:
                Count(page.Role);
                if (_final is { } final) yield return page with { Source = final };
                else _held.Add(page);
                break;
            case SourceRead read:
                _final = read.Source;
                foreach (var held in _held) yield return held with { Source = read.Source };
                _held.Clear();
                yield return read;
                break;
            default:
                yield return item;
                break;
        }
    }

    public IEnumerable<PageMessage> OnFault(PageMessage item, Exception fault) => [item];

    private void Count(PageRole role)
    {
        switch (role)
        {
            case PageRole.Separator or PageRole.Cover: Interlocked.Increment(ref _sheets); break;
            case PageRole.Blank: Interlocked.Increment(ref _blank); break;
            default: Interlocked.Increment(ref _content); break;
        }
    }
}
