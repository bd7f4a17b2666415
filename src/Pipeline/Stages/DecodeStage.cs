using System.Runtime.CompilerServices;
using CaptureChain.Capture.Intake;
using CaptureChain.Pipeline.Outcomes;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Runner;

namespace CaptureChain.Pipeline.Stages;

/// <summary>
/// Streams a source's pages one at a time (bounded memory whatever the file size), then an end marker that says how
/// many pages there were or why the file could not be read.
/// </summary>
public sealed class DecodeStage(SourceDecoder decoder) : IStage<SourceFile, PageMessage>
{
    public string Name => "decode";

    public async IAsyncEnumerable<PageMessage> ProcessAsync(SourceFile item, [EnumeratorCancellation] CancellationToken ct)
    {
        if (item.ReadError is { } unreadable)
        {
            yield return new SourceRead(item, 0, new SourceRejection(ReasonCodes.FileUnreadable, unreadable));
            yield break;
        }
        var count = 0;
        await using var pages = decoder.ReadPagesAsync(item.FullPath, ct).GetAsyncEnumerator(ct);
        while (true)
        {
            SourceRejection? rejection = null;
            try
            {
                if (!await pages.MoveNextAsync().ConfigureAwait(false)) break;
            }
            catch (SourceRejectedException rejected)
            {
                rejection = rejected.Rejection;
            }
            if (rejection is not null)
            {
                yield return new SourceRead(item, count, rejection);
                yield break;
            }
            count++;
            yield return new PageToRecognise(item, pages.Current);
        }
        yield return new SourceRead(item, count, null);
    }

    public IEnumerable<PageMessage> OnFault(SourceFile item, Exception fault) =>
        [new SourceRead(item, 0, new SourceRejection(ReasonCodes.ProcessingFault, fault.Message))];
}
