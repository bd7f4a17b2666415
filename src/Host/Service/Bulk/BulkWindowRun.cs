using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using CaptureChain.Filing.Store;
using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Records;
using Microsoft.Extensions.Logging;

namespace CaptureChain.Host.Service.Bulk;

/// <summary>What one node did in one window of a bulk job.</summary>
/// <param name="Claimed">Files claimed.</param>
/// <param name="Done">Files recorded done (every document filed, sent to review or marked duplicate).</param>
/// <param name="Rejected">Files quarantined whole.</param>
/// <param name="Released">Files given back as pending (window closed or node stopping before their outcome).</param>
/// <param name="Lost">Files whose lease another node took over before this one recorded them.</param>
/// <param name="Pages">Pages of the files recorded.</param>
/// <param name="BacklogFinished">True when the backlog had nothing left to claim or in flight anywhere.</param>
/// <param name="Elapsed">Time spent.</param>
public sealed record BulkWindowResult(int Claimed, int Done, int Rejected, int Released, int Lost, long Pages, bool BacklogFinished, TimeSpan Elapsed);

/// <summary>Live counts of a window run on this node (the dashboard and <c>bulk run</c> read them).</summary>
public sealed class BulkRunCounters
{
    private int _claimed, _done, _rejected;
    private long _pages;

    /// <summary>Files claimed so far.</summary>
    public int Claimed => Volatile.Read(ref _claimed);

    /// <summary>Files recorded done so far.</summary>
    public int Done => Volatile.Read(ref _done);

    /// <summary>Files rejected so far.</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    /// <summary>Pages of the files recorded so far.</summary>
    public long Pages => Interlocked.Read(ref _pages);

    internal void AddClaimed(int n) => Interlocked.Add(ref _claimed, n);

    internal void AddSettled(BacklogItemState state, int pages)
    {
        if (state == BacklogItemState.Rejected) Interlocked.Increment(ref _rejected); else Interlocked.Increment(ref _done);
        Interlocked.Add(ref _pages, pages);
    }
}

/// <summary>
/// One node's work in one window of one bulk job: claims files of the backlog in small chunks under a lease (renewed
/// while they are in flight), feeds them into one long-lived batch of the capture chain, and records each file's
/// outcome in the backlog when the journal holds it. At the window's close (or when the node stops) it claims no
/// more, gives back the files not started, lets the ones in flight finish within the grace, then cancels and gives
/// back the rest: the next window resumes exactly there, and the journal keeps filed documents from being filed twice.
/// </summary>
public sealed class BulkWindowRun(
    BulkJobDefinition job, BulkWindow window, CaptureRun run, string node, TimeProvider time, ILogger log,
    Func<string, CaptureDefaults>? hints = null)
{
    /// <summary>Live counts.</summary>
    public BulkRunCounters Counters { get; } = new();

    /// <summary>
    /// Runs until the window closes, the backlog is finished, or <paramref name="stopping"/> fires (it then behaves
    /// like a close); <paramref name="abort"/> cancels files in flight at once (the host's shutdown grace is over).
    /// </summary>
    public async Task<BulkWindowResult> RunAsync(CancellationToken stopping, CancellationToken abort)
    {
        var store = run.Store;
        var clock = Stopwatch.StartNew();
        var untilClose = window.ClosesAt - time.GetUtcNow();
        if (untilClose <= TimeSpan.Zero) return new BulkWindowResult(0, 0, 0, 0, 0, 0, false, TimeSpan.Zero);

        using var closing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        closing.CancelAfter(untilClose);
        using var cancelInFlight = CancellationTokenSource.CreateLinkedTokenSource(abort);
        // At the close, files in flight get the grace, then are cancelled (and parked below).
        await using var graceAfterClose = closing.Token.Register(() =>
        {
            try { cancelInFlight.CancelAfter(job.CloseGrace); } catch (ObjectDisposedException) { }
        });

        var inFlight = new ConcurrentDictionary<string, BacklogItem>(StringComparer.Ordinal);
        var files = Channel.CreateUnbounded<BulkSourceFile>(new UnboundedChannelOptions { SingleReader = true });
        using var settledSignal = new SemaphoreSlim(0);
        int released = 0, lost = 0;

        async ValueTask Settled(BulkSourceOutcome outcome, CancellationToken _)
        {
            if (!inFlight.TryRemove(outcome.RelativePath, out var item)) return; // taken over by another node meanwhile
            var recorded = await store.CompleteBacklogItemAsync(item.Id, node, outcome.State, outcome.Pages, outcome.Reason, CancellationToken.None)
                .ConfigureAwait(false);
            if (recorded) Counters.AddSettled(outcome.State, outcome.Pages);
            else Interlocked.Increment(ref lost);
            settledSignal.Release();
        }

        var defaults = job.Defaults with { Operator = job.Defaults.Operator ?? node };
        var pipeline = Task.Run(() => run.ProcessStreamAsync(job.Source, files.Reader, defaults, Settled, null, cancelInFlight.Token), CancellationToken.None);
        using var renewing = new CancellationTokenSource();
        var renewal = Task.Run(() => RenewLeasesAsync(store, inFlight, () => Interlocked.Increment(ref lost), renewing.Token), CancellationToken.None);

        // A free place is refilled as soon as a file settles: few files held per node keeps the last ones of a backlog
        // spread over the nodes instead of queued behind one node's OCR while another has nothing left to claim.
        var filesInFlight = job.Parallelism ?? run.OcrWorkers + 1;
        var finished = false;
        try
        {
            while (!closing.IsCancellationRequested && !pipeline.IsCompleted)
            {
                var room = filesInFlight - inFlight.Count;
                var claimed = 0;
                if (room > 0)
                {
                    var items = await store.ClaimBacklogItemsAsync(job.Name, node, room, job.Lease, window.Id, job.MaxAttempts, closing.Token)
                        .ConfigureAwait(false);
                    claimed = items.Count;
                    Counters.AddClaimed(claimed);
                    foreach (var item in items)
                    {
                        inFlight[item.RelativePath] = item;
                        files.Writer.TryWrite(new BulkSourceFile(item.RelativePath, hints?.Invoke(item.RelativePath) ?? job.Defaults));
                    }
                }
                if (claimed == 0 && inFlight.IsEmpty)
                {
                    var progress = await store.GetBacklogProgressAsync(job.Name, closing.Token).ConfigureAwait(false);
                    if (progress.Enumerated && progress.Pending == 0 && progress.Claimed == 0)
                    {
                        finished = true;
                        break;
                    }
                }
                await settledSignal.WaitAsync(claimed > 0 ? TimeSpan.FromMilliseconds(200) : job.PollInterval, closing.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (closing.IsCancellationRequested) { }

        // No more claims. Files not started yet go back at once; those in flight get the grace.
        var notStarted = new List<long>();
        while (files.Reader.TryRead(out var file))
            if (inFlight.TryRemove(file.RelativePath, out var item)) notStarted.Add(item.Id);
        files.Writer.Complete();
        released += await ReleaseAsync(store, notStarted).ConfigureAwait(false);
        if (!finished && inFlight.Count > 0)
            log.LogInformation("Bulk job {Job}: window {Window} {Why}; {Count} file(s) in flight get {Grace:0.#} s to finish, then are parked",
                job.Name, window.Id, stopping.IsCancellationRequested ? "node stopping" : "closed", inFlight.Count, job.CloseGrace.TotalSeconds);
        try
        {
            var report = await pipeline.ConfigureAwait(false);
            log.LogInformation("Bulk job {Job}: batch {Batch} of window {Window} ended: {Pages} page(s) in {Seconds:0.0} s, {PagesPerMinute:0} pages/min",
                job.Name, report.Summary.Id, window.Id, report.PagesRead, report.Elapsed.TotalSeconds, report.PagesPerMinute);
        }
        catch (OperationCanceledException) when (cancelInFlight.IsCancellationRequested)
        {
            log.LogWarning("Bulk job {Job}: files still in flight at the end of the grace were interrupted; they are parked for the next window", job.Name);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Bulk job {Job}: the batch of window {Window} failed; its unfinished files are parked", job.Name, window.Id);
        }
        finally
        {
            await renewing.CancelAsync().ConfigureAwait(false);
            try { await renewal.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
        released += await ReleaseAsync(store, inFlight.Values.Select(i => i.Id).ToList()).ConfigureAwait(false);
        inFlight.Clear();
        return new BulkWindowResult(Counters.Claimed, Counters.Done, Counters.Rejected, released, lost, Counters.Pages, finished, clock.Elapsed);
    }

    private async Task<int> ReleaseAsync(IBacklogStore store, IReadOnlyList<long> ids) =>
        ids.Count == 0 ? 0 : await store.ReleaseBacklogItemsAsync(node, ids, CancellationToken.None).ConfigureAwait(false);

    // Leases are renewed at a third of their length, so two renewals can fail before another node may take a file over.
    private async Task RenewLeasesAsync(IBacklogStore store, ConcurrentDictionary<string, BacklogItem> inFlight, Action lostOne, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(job.Lease / 3, time);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            var held = inFlight.Values.ToList();
            if (held.Count == 0) continue;
            IReadOnlyList<long> kept;
            try { kept = await store.RenewBacklogLeasesAsync(node, held.Select(i => i.Id).ToList(), job.Lease, ct).ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("Bulk job {Job}: leases could not be renewed ({Problem}); trying again", job.Name, e.Message);
                continue;
            }
            var keep = kept.ToHashSet();
            foreach (var item in held.Where(i => !keep.Contains(i.Id)))
                if (inFlight.TryRemove(item.RelativePath, out _))
                {
                    lostOne();
                    log.LogWarning("Bulk job {Job}: backlog item {Item} was taken over by another node (lease expired)", job.Name, item.Id);
                }
        }
    }
}
