using System.Collections.Concurrent;
using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Watching;

namespace CaptureChain.Host.Service;

/// <summary>A batch the service is running now.</summary>
/// <param name="Inbox">The inbox profile's name.</param>
/// <param name="Claim">The claim its files came from.</param>
/// <param name="Adopted">True when the claim was left by a service that died and was taken over.</param>
/// <param name="Files">Files in the batch.</param>
/// <param name="StartedAt">When it started.</param>
public sealed record RunningBatch(string Inbox, string Claim, bool Adopted, int Files, DateTimeOffset StartedAt)
{
    /// <summary>The latest progress report, or null before the first.</summary>
    public BatchProgress? Progress { get; set; }
}

/// <summary>What the service is doing now: its watched folders and running batches (the health page reads it).</summary>
public sealed class ServiceActivity(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, RunningBatch> _running = new(StringComparer.Ordinal);
    private volatile IReadOnlyList<WatchedFolder> _folders = [];

    /// <summary>When the service started.</summary>
    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    /// <summary>True once the service was asked to stop.</summary>
    public bool Stopping { get; private set; }

    /// <summary>The watched folders' latest state.</summary>
    public IReadOnlyList<WatchedFolderStatus> Folders => _folders.Select(f => f.Status).ToList();

    /// <summary>Batches running now, oldest first.</summary>
    public IReadOnlyList<RunningBatch> RunningBatches => _running.Values.OrderBy(b => b.StartedAt).ToList();

    /// <summary>Registers the folders being watched.</summary>
    public void Watching(IReadOnlyList<WatchedFolder> folders) => _folders = folders;

    /// <summary>Records that the service is stopping (health says so; load balancers stop sending).</summary>
    public void MarkStopping() => Stopping = true;

    /// <summary>Records a batch starting over <paramref name="claim"/>.</summary>
    public RunningBatch BatchStarted(string inbox, InboxClaim claim, int files)
    {
        var batch = new RunningBatch(inbox, claim.Id, claim.Adopted, files, time.GetUtcNow());
        _running[claim.Id] = batch;
        return batch;
    }

    /// <summary>Records a batch's end, however it ended.</summary>
    public void BatchEnded(RunningBatch batch) => _running.TryRemove(batch.Claim, out _);
}
