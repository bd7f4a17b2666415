namespace CaptureChain.Pipeline.Runner;

/// <summary>
/// One step of the capture chain: takes an input record and yields zero or more output records. Most stages yield
/// exactly one; intake expands a file into pages and separation gathers pages into documents.
/// </summary>
public interface IStage<in TIn, TOut>
{
    /// <summary>Name shown in progress, metrics and the journal.</summary>
    string Name { get; }

    /// <summary>Processes one item.</summary>
    IAsyncEnumerable<TOut> ProcessAsync(TIn item, CancellationToken ct);

    /// <summary>
    /// What to pass on when processing <paramref name="item"/> threw: the item must still reach an outcome
    /// (quarantine or review with the fault as its reason), so one broken file never stops the batch.
    /// </summary>
    IEnumerable<TOut> OnFault(TIn item, Exception fault);
}

/// <summary>A stage that turns each input into exactly one output.</summary>
public abstract class MappingStage<TIn, TOut> : IStage<TIn, TOut>
{
    public abstract string Name { get; }

    /// <summary>The one output for <paramref name="item"/>.</summary>
    protected abstract ValueTask<TOut> MapAsync(TIn item, CancellationToken ct);

    /// <summary>The output that stands for <paramref name="item"/> when mapping it failed.</summary>
    protected abstract TOut Faulted(TIn item, Exception fault);

    public async IAsyncEnumerable<TOut> ProcessAsync(TIn item, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        yield return await MapAsync(item, ct).ConfigureAwait(false);
    }

    public IEnumerable<TOut> OnFault(TIn item, Exception fault) => [Faulted(item, fault)];
}
