using System.Runtime.CompilerServices;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Runner;

namespace CaptureChain.Pipeline.Stages;

/// <summary>
/// A stage that adds one piece of knowledge to a document; rejected sources pass through untouched. A fault leaves
/// the document without that piece, which the filing decision reads as a reason for review.
/// </summary>
public abstract class DocumentStage : IStage<DocumentMessage, DocumentMessage>
{
    public abstract string Name { get; }

    /// <summary>The document with this stage's finding added.</summary>
    protected abstract CapturedDocument Handle(CapturedDocument document);

    public async IAsyncEnumerable<DocumentMessage> ProcessAsync(DocumentMessage item, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return item is CapturedDocument document ? Handle(document) : item;
    }

    public IEnumerable<DocumentMessage> OnFault(DocumentMessage item, Exception fault) =>
        [item is CapturedDocument document ? document with { Faults = [.. document.Faults, $"{Name}: {fault.Message}"] } : item];
}
