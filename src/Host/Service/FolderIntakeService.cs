using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Watching;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CaptureChain.Host.Service;

/// <summary>
/// Runs the watched folders: each inbox profile is watched by its own loop that claims complete drops and runs each as
/// one batch (at most <see cref="ServiceConfiguration.ConcurrentBatches"/> at once), then settles the claim and rewrites
/// the inbox's manifest. Claims left by a dead service (or by this one, killed) are adopted first.
/// </summary>
/// <remarks>
/// Stopping: no new file is claimed from the moment the host stops; batches under way get the shutdown grace
/// (<see cref="ServiceConfiguration.ShutdownGrace"/>, the host's ShutdownTimeout) to finish, then are cancelled. A
/// cancelled batch leaves its files parked in their claim; the next start (of this or another service) adopts the
/// claim, and the journal skips what was already done, so nothing is lost or filed twice. Logs carry counts, inbox
/// names and claim ids, never file names or personal data.
/// </remarks>
public sealed class FolderIntakeService(
    ServiceConfiguration configuration, CaptureRun run, ServiceActivity activity, ILogger<FolderIntakeService> log) : BackgroundService
{
    /// <summary>How long a claim whose batch failed (or left files without outcome) is left alone before a retry.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(1);

    /// <summary>How long cancelled batches get to park once the grace is over (their stages stop, the batch is marked interrupted).</summary>
    private static readonly TimeSpan ParkPatience = TimeSpan.FromSeconds(40);

    private readonly CancellationTokenSource _abort = new();
    private readonly SemaphoreSlim _batchSlots = new(configuration.ConcurrentBatches, configuration.ConcurrentBatches);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (configuration.Inboxes.Count == 0)
        {
            log.LogWarning("No watched folder is configured: add \"inboxes\" to the configuration or pass --inbox DIR.");
            return;
        }
        var folders = configuration.Inboxes.Select(p => new WatchedFolder(p)).ToList();
        activity.Watching(folders);
        try
        {
            // Manifests first: a service killed between a batch and its manifest leaves it behind the journal.
            foreach (var folder in folders) await WriteManifestAsync(folder, stoppingToken);
            await Task.WhenAll(folders.Select(f => Task.Run(() => WatchAsync(f, stoppingToken), CancellationToken.None)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            foreach (var folder in folders) folder.Dispose();
        }
    }

    private async Task WatchAsync(WatchedFolder folder, CancellationToken stopping)
    {
        var p = folder.Profile;
        log.LogInformation("Watching inbox {Inbox} at {Path}: {Rule}, polled every {Poll:0.#} s, change events {Events}",
            p.Name, folder.Inbox, p.CompletionMarker is { } m ? $"taken when its '{m}' marker exists" : $"taken after {p.QuietPeriod.TotalSeconds:0.#} s unchanged",
            p.PollInterval.TotalSeconds, p.WatchEvents ? "on" : "off");
        string? lastProblem = null;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await folder.WaitForWorkAsync(stopping);
                await _batchSlots.WaitAsync(stopping);
                try
                {
                    // Checked again under the slot: the host may have begun stopping while this loop waited.
                    if (stopping.IsCancellationRequested) break;
                    using var claim = folder.TryClaim();
                    if (claim is not null) await ProcessAsync(folder, claim);
                }
                finally
                {
                    _batchSlots.Release();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.LogWarning("Inbox {Inbox}: {Problem}; trying again in {Poll:0.#} s", p.Name, e.Message, p.PollInterval.TotalSeconds);
                try { await Task.Delay(p.PollInterval, stopping); }
                catch (OperationCanceledException) { break; }
            }
            var problem = folder.Status.Problem;
            if (problem != lastProblem && problem is not null) log.LogWarning("Inbox {Inbox}: {Problem}", p.Name, problem);
            else if (problem != lastProblem) log.LogInformation("Inbox {Inbox}: back to normal", p.Name);
            lastProblem = problem;
        }
    }

    private async Task ProcessAsync(WatchedFolder folder, InboxClaim claim)
    {
        var profile = folder.Profile;
        var files = claim.Files.Count;
        var running = activity.BatchStarted(profile.Name, claim, files);
        log.LogInformation("Inbox {Inbox}: {How} claim {Claim} with {Files} file(s)", profile.Name,
            claim.Adopted ? "resuming orphaned" : "took", claim.Id, files);
        try
        {
            var result = await run.ProcessClaimAsync(claim, profile, new Progress<BatchProgress>(p => { running.Progress = p; Web.Metrics.CaptureMetrics.Shared.ReportProgress(p); }), _abort.Token);
            var report = result.Batch;
            var counts = report.Summary.Counts;
            log.LogInformation(
                "Inbox {Inbox}: batch {Batch} done: {Files} file(s), {Documents} document(s) (filed {Filed}, review {Review}, rejected {Rejected}, duplicate {Duplicate}), {Pages} page(s) in {Seconds:0.0} s, {PagesPerMinute:0} pages/min",
                profile.Name, report.Summary.Id, files, counts.Documents, counts.Filed, counts.Review, counts.Rejected, counts.Duplicate,
                report.PagesRead, report.Elapsed.TotalSeconds, report.PagesPerMinute);
            if (result.Unsettled.Count > 0)
            {
                log.LogWarning("Inbox {Inbox}: {Count} file(s) of claim {Claim} have no recorded outcome; they stay in the claim and are retried in {Delay}",
                    profile.Name, result.Unsettled.Count, claim.Id, RetryDelay);
                folder.Defer(claim, RetryDelay);
            }
            await WriteManifestAsync(folder, _abort.Token);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            log.LogWarning("Inbox {Inbox}: batch of claim {Claim} interrupted by shutdown; its files stay parked in the claim and are finished at the next start",
                profile.Name, claim.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Inbox {Inbox}: batch of claim {Claim} failed; its files stay in the claim and are retried in {Delay}",
                profile.Name, claim.Id, RetryDelay);
            folder.Defer(claim, RetryDelay);
        }
        finally
        {
            activity.BatchEnded(running);
        }
    }

    private async Task WriteManifestAsync(WatchedFolder folder, CancellationToken ct)
    {
        var path = configuration.ManifestPath(folder.Profile);
        // The journal holds every outcome: a manifest not written now is rewritten from it after the next batch or start.
        try { await run.WriteManifestLockedAsync(folder.Inbox, path, ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            log.LogWarning("Inbox {Inbox}: stopping before the manifest was rewritten; the next start rewrites it", folder.Profile.Name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogError("Inbox {Inbox}: manifest {Manifest} cannot be written: {Problem}", folder.Profile.Name, path, e.Message);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        activity.MarkStopping();
        var busy = activity.RunningBatches.Count;
        if (busy > 0)
            log.LogInformation("Stopping: no new file is claimed; {Count} batch(es) under way get {Grace:0.#} s to finish, then are parked",
                busy, configuration.ShutdownGrace.TotalSeconds);
        // The token fires when the shutdown grace (HostOptions.ShutdownTimeout) is over: then cancel what still runs.
        await using (cancellationToken.Register(() => _abort.Cancel()))
            await base.StopAsync(cancellationToken);
        if (ExecuteTask is { IsCompleted: false } executing)
        {
            _abort.Cancel();
            try { await executing.WaitAsync(ParkPatience, CancellationToken.None); }
            catch (TimeoutException) { log.LogError("Batches did not park within {Patience}; their claims are adopted at the next start", ParkPatience); }
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _abort.Dispose();
        _batchSlots.Dispose();
    }
}
