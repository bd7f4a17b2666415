using System.Collections.Concurrent;
using CaptureChain.Filing.Store;
using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Records;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CaptureChain.Host.Service.Bulk;

/// <summary>A window this node is working in now.</summary>
public sealed record RunningBulkWindow(string Job, BulkWindow Window, DateTimeOffset StartedAt, BulkRunCounters Counters);

/// <summary>The bulk windows this node works in now (the dashboard reads it).</summary>
public sealed class BulkActivity
{
    private readonly ConcurrentDictionary<string, RunningBulkWindow> _running = new(StringComparer.Ordinal);

    /// <summary>Windows this node works in now.</summary>
    public IReadOnlyList<RunningBulkWindow> Running => _running.Values.OrderBy(r => r.StartedAt).ToList();

    internal void Started(RunningBulkWindow run) => _running[run.Window.Id] = run;

    internal void Ended(RunningBulkWindow run) => _running.TryRemove(run.Window.Id, out _);
}

/// <summary>
/// Every node's bulk worker: while a window of a configured job is open (looked up at start, so a node started or
/// restarted inside a window joins at once, then every few seconds), it works on the job's backlog through a
/// <see cref="BulkWindowRun"/>. Stopping the service behaves like a window's close within the shutdown grace.
/// After its run it rewrites the job's manifest and writes the window report when it is due and no other node did.
/// </summary>
public sealed class BulkWorker(ServiceConfiguration configuration, CaptureRun run, BulkActivity activity, TimeProvider time, ILogger<BulkWorker> log)
    : BackgroundService
{
    private readonly CancellationTokenSource _abort = new();
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _finishedHere = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CaptureRun> _ownRuns = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _ownRunsLock = new(1, 1);

    /// <summary>How long parked batches get once the shutdown grace is over.</summary>
    private static readonly TimeSpan ParkPatience = TimeSpan.FromSeconds(40);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var jobs = configuration.BulkJobs.ToDictionary(j => j.Name, StringComparer.Ordinal);
        if (jobs.Count == 0) return;
        var poll = jobs.Values.Min(j => j.PollInterval);
        log.LogInformation("Bulk worker {Node}: {Count} job(s), looking for open windows every {Poll:0.#} s", configuration.Node, jobs.Count, poll.TotalSeconds);
        await ReportClosedWindowsAsync(jobs.Values, stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var window in await run.Store.ListOpenBulkWindowsAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false))
                {
                    if (!jobs.TryGetValue(window.Job, out var job) || _finishedHere.ContainsKey(window.Id) || _running.ContainsKey(window.Id)) continue;
                    _running[window.Id] = Task.Run(() => WorkAsync(job, window, stoppingToken), CancellationToken.None);
                }
                await Task.Delay(poll, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                log.LogWarning("Bulk worker: the store cannot be read ({Problem}); trying again", e.Message);
                try { await Task.Delay(poll, time, stoppingToken).ConfigureAwait(false); } catch (OperationCanceledException) { break; }
            }
        }
        await Task.WhenAll(_running.Values).ConfigureAwait(false);
    }

    private async Task WorkAsync(BulkJobDefinition job, BulkWindow window, CancellationToken stopping)
    {
        RunningBulkWindow? running = null;
        try
        {
            var jobRun = await RunForAsync(job, stopping).ConfigureAwait(false);
            var windowRun = new BulkWindowRun(job, window, jobRun, configuration.Node, time, log, Hints(job));
            running = new RunningBulkWindow(job.Name, window, time.GetUtcNow(), windowRun.Counters);
            activity.Started(running);
            log.LogInformation("Bulk job {Job}: node {Node} joins window {Window} (closes {Closes:u})", job.Name, configuration.Node, window.Id, window.ClosesAt);
            var result = await windowRun.RunAsync(stopping, _abort.Token).ConfigureAwait(false);
            log.LogInformation(
                "Bulk job {Job}: node {Node} leaves window {Window}: {Claimed} file(s) claimed, {Done} done, {Rejected} rejected, {Released} parked, {Lost} taken over, {Pages} page(s) in {Seconds:0.0} s{Finished}",
                job.Name, configuration.Node, window.Id, result.Claimed, result.Done, result.Rejected, result.Released, result.Lost, result.Pages,
                result.Elapsed.TotalSeconds, result.BacklogFinished ? "; backlog finished" : "");
            if (result.BacklogFinished) _finishedHere[window.Id] = true;
            if (!stopping.IsCancellationRequested)
                await BulkWindowReport.TryWriteAsync(jobRun, job, window, configuration.Archive, result.BacklogFinished, time, log, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        catch (Exception e)
        {
            log.LogError(e, "Bulk job {Job}: work in window {Window} failed; it is tried again at the next look", job.Name, window.Id);
        }
        finally
        {
            if (running is not null) activity.Ended(running);
            _running.TryRemove(window.Id, out _);
        }
    }

    // A node that starts after every node of a window died writes that window's report.
    private async Task ReportClosedWindowsAsync(IEnumerable<BulkJobDefinition> jobs, CancellationToken ct)
    {
        foreach (var job in jobs)
        {
            try
            {
                var now = time.GetUtcNow();
                var last = (await run.Store.ListBulkWindowsAsync(job.Name, ct).ConfigureAwait(false)).LastOrDefault(w => w.ClosesAt <= now);
                if (last is not null)
                    await BulkWindowReport.TryWriteAsync(await RunForAsync(job, ct).ConfigureAwait(false), job, last, configuration.Archive, false, time, log, ct)
                        .ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("Bulk job {Job}: the last window's report cannot be written ({Problem})", job.Name, e.Message);
            }
        }
    }

    // Per-file hints from the job's folder-name pattern (case number or beneficiary in legacy folder names).
    private static Func<string, CaptureDefaults>? Hints(BulkJobDefinition job) => BulkFolderHints.For(job);

    // A job with its own archive or filing plan runs its own capture chain (same store, same registry and model).
    private async Task<CaptureRun> RunForAsync(BulkJobDefinition job, CancellationToken ct)
    {
        if (job.Archive is null && job.PlanPath is null) return run;
        await _ownRunsLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_ownRuns.TryGetValue(job.Name, out var own)) return own;
            var options = configuration.ToCaptureOptions() with { Archive = job.Archive ?? configuration.Archive, PlanPath = job.PlanPath ?? configuration.PlanPath };
            own = await CaptureRun.OpenAsync(options, time, ct).ConfigureAwait(false);
            _ownRuns[job.Name] = own;
            return own;
        }
        finally { _ownRunsLock.Release(); }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var busy = activity.Running.Count;
        if (busy > 0)
            log.LogInformation("Stopping: bulk work claims nothing more; {Count} window run(s) get {Grace:0.#} s to finish their files, then park them",
                busy, configuration.ShutdownGrace.TotalSeconds);
        await using (cancellationToken.Register(() => _abort.Cancel()))
            await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (ExecuteTask is { IsCompleted: false } executing)
        {
            _abort.Cancel();
            try { await executing.WaitAsync(ParkPatience, CancellationToken.None).ConfigureAwait(false); }
            catch (TimeoutException) { log.LogError("Bulk work did not park within {Patience}; its leases expire and other nodes take the files over", ParkPatience); }
        }
        foreach (var own in _ownRuns.Values) await own.DisposeAsync().ConfigureAwait(false);
    }

    public override void Dispose()
    {
        base.Dispose();
        _abort.Dispose();
        _ownRunsLock.Dispose();
    }
}
