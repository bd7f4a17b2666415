using CaptureChain.Filing.Store;
using CaptureChain.Pipeline;
using Microsoft.Extensions.Logging;

namespace CaptureChain.Host.Service.Bulk;

/// <summary>
/// What a window's firing does, once across the cluster: opens the window in the store (idempotent) and lists the
/// job's source tree into its backlog while walking it (chunks of 1000, stable order, hidden names skipped). Listing
/// again at every window picks up new files; files already in the backlog are left as they are.
/// </summary>
public static class BulkWindowOpening
{
    /// <summary>Files added to the backlog per store call.</summary>
    public const int ListingChunk = 1000;

    /// <summary>Opens the window starting at <paramref name="opensAt"/> and lists the source; returns the window and how many files were new.</summary>
    public static async Task<(BulkWindow Window, long NewFiles)> OpenAndListAsync(IBacklogStore store, BulkJobDefinition job, DateTimeOffset opensAt,
        DateTimeOffset closesAt, ILogger log, CancellationToken ct)
    {
        var window = await store.OpenBulkWindowAsync(job.Name, opensAt, closesAt, ct).ConfigureAwait(false);
        log.LogInformation("Bulk job {Job}: window {Window} open from {Opens:u} to {Closes:u}; listing the source", job.Name, window.Id,
            window.OpensAt, window.ClosesAt);
        var added = await ListAsync(store, job, ct).ConfigureAwait(false);
        log.LogInformation("Bulk job {Job}: source listed, {New} new file(s) in the backlog", job.Name, added);
        return (window, added);
    }

    /// <summary>Lists the job's source tree into its backlog and marks it enumerated; returns how many files were new.</summary>
    public static async Task<long> ListAsync(IBacklogStore store, BulkJobDefinition job, CancellationToken ct)
    {
        if (!Directory.Exists(job.Source))
            throw new DirectoryNotFoundException($"The source folder of bulk job '{job.Name}' does not exist.");
        long added = 0;
        var chunk = new List<BacklogFile>(ListingChunk);
        foreach (var file in CaptureRun.BacklogFiles(job.Source))
        {
            chunk.Add(file);
            if (chunk.Count < ListingChunk) continue;
            added += await store.AddBacklogFilesAsync(job.Name, chunk, ct).ConfigureAwait(false);
            chunk = new List<BacklogFile>(ListingChunk);
        }
        if (chunk.Count > 0) added += await store.AddBacklogFilesAsync(job.Name, chunk, ct).ConfigureAwait(false);
        await store.MarkBacklogEnumeratedAsync(job.Name, ct).ConfigureAwait(false);
        return added;
    }
}
