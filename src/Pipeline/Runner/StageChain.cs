using System.Threading.Channels;

namespace CaptureChain.Pipeline.Runner;

/// <summary>
/// Wires stages with bounded channels: each stage has its own degree of parallelism and a bounded input queue, so a
/// fast producer waits for a slow consumer (backpressure) and memory stays flat however large the batch.
/// </summary>
public sealed class StageChain<TIn>
{
    private readonly Channel<TIn> _input;
    private readonly List<Task> _workers;
    private readonly List<StageMetrics> _metrics;
    // One per stage, linked to the caller's token. When a stage's workers die of a runner fault, the stages upstream
    // of it are cancelled (they would otherwise wait forever to write into a queue nobody reads) while the stages
    // downstream drain what they have and then see the fault through their input's completion.
    private readonly List<CancellationTokenSource> _stageAborts = [];
    private readonly CancellationToken _ct;
    private Exception? _fault;

    private StageChain(Channel<TIn> input, List<Task> workers, List<StageMetrics> metrics, CancellationToken ct)
    {
        _input = input; _workers = workers; _metrics = metrics; _ct = ct;
    }

    /// <summary>Starts a chain whose first queue holds up to <paramref name="capacity"/> items.</summary>
    public static StageChain<TIn> Start(int capacity, CancellationToken ct) =>
        new(Bounded<TIn>(capacity), [], [], ct);

    private async Task CompletionAsync()
    {
        try { await Task.WhenAll(_workers).ConfigureAwait(false); }
        catch when (Volatile.Read(ref _fault) is not null || _ct.IsCancellationRequested) { }
        if (Volatile.Read(ref _fault) is { } fault) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fault);
        _ct.ThrowIfCancellationRequested();
    }

    /// <summary>The head of the chain, where the caller writes the items to process.</summary>
    public ChannelWriter<TIn> Input => _input.Writer;

    /// <summary>Metrics of every stage added so far, in order.</summary>
    public IReadOnlyList<StageMetrics> Metrics => _metrics;

    internal static Channel<T> Bounded<T>(int capacity) => Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = false,
        SingleWriter = false,
    });

    /// <summary>A chain segment whose current tail yields <typeparamref name="TOut"/>.</summary>
    public sealed class Segment<TOut>
    {
        private readonly StageChain<TIn> _chain;
        internal Segment(StageChain<TIn> chain, ChannelReader<TOut> tail) { _chain = chain; Tail = tail; }

        /// <summary>Where the last stage's outputs come out.</summary>
        public ChannelReader<TOut> Tail { get; }

        /// <summary>Appends a stage run by <paramref name="parallelism"/> workers with an output queue of <paramref name="capacity"/>.</summary>
        public Segment<TNext> Then<TNext>(IStage<TOut, TNext> stage, int parallelism, int capacity) =>
            _chain.Add(Tail, stage, parallelism, capacity);

        /// <summary>
        /// Completes when every stage has drained; faults with the first runner fault when the runner itself failed,
        /// and is cancelled when the caller cancelled.
        /// </summary>
        public Task Completion => _chain.CompletionAsync();
    }

    /// <summary>The chain with no stage yet: its tail is its input.</summary>
    public Segment<TIn> Head => new(this, _input.Reader);

    private Segment<TNext> Add<TCur, TNext>(ChannelReader<TCur> source, IStage<TCur, TNext> stage, int parallelism, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var output = Bounded<TNext>(capacity);
        var metrics = new StageMetrics(stage.Name, parallelism, () => source.CanCount ? source.Count : 0);
        _metrics.Add(metrics);
        var index = _stageAborts.Count;
        var abort = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        _stageAborts.Add(abort);
        var workers = Enumerable.Range(0, parallelism).Select(_ => Task.Run(() => Work(source, stage, output.Writer, metrics, abort.Token))).ToArray();
        _workers.AddRange(workers);
        // The output completes once all of this stage's workers are done, carrying a runner fault downstream; a fault
        // also stops the stages upstream and closes the input, so nothing is left waiting.
        _workers.Add(Task.WhenAll(workers).ContinueWith(t =>
        {
            var fault = t.Exception?.GetBaseException();
            if (fault is not null)
            {
                Interlocked.CompareExchange(ref _fault, fault, null);
                foreach (var upstream in _stageAborts.Take(index)) upstream.Cancel();
                _input.Writer.TryComplete(fault); // a producer still writing learns the batch cannot go on
            }
            output.Writer.TryComplete(fault);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
        return new Segment<TNext>(this, output.Reader);
    }

    private static async Task Work<TCur, TNext>(ChannelReader<TCur> source, IStage<TCur, TNext> stage, ChannelWriter<TNext> output,
        StageMetrics metrics, CancellationToken ct)
    {
        await foreach (var item in source.ReadAllAsync(ct).ConfigureAwait(false))
        {
            var started = metrics.Enter();
            List<TNext>? replacement = null;
            var faulted = false;
            try
            {
                await foreach (var result in stage.ProcessAsync(item, ct).ConfigureAwait(false))
                    await output.WriteAsync(result, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                metrics.Leave(started, StageMetrics.ItemEnd.Cancelled);
                throw;
            }
            catch (Exception fault)
            {
                // Per-item isolation: the item gets a faulted outcome; the stage and the batch go on.
                faulted = true;
                replacement = stage.OnFault(item, fault).ToList();
            }
            metrics.Leave(started, faulted ? StageMetrics.ItemEnd.Faulted : StageMetrics.ItemEnd.Processed);
            if (replacement is not null)
                foreach (var r in replacement) await output.WriteAsync(r, ct).ConfigureAwait(false);
        }
    }
}
