using System.Security.Cryptography;
using System.Text.Json;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using CaptureChain.Pipeline.Watching;

namespace CaptureChain.Pipeline;

/// <summary>A watched-folder batch: its report and what became of each claimed file.</summary>
/// <param name="Batch">The batch report.</param>
/// <param name="ClaimId">The claim the files came from.</param>
/// <param name="Settled">Files whose outcome is recorded: moved to <c>.processed</c> or deleted.</param>
/// <param name="Unsettled">Files without a recorded outcome: still in the claim, for a retry.</param>
public sealed record ClaimReport(BatchReport Batch, string ClaimId, IReadOnlyList<ClaimedFile> Settled, IReadOnlyList<ClaimedFile> Unsettled);

public sealed partial class CaptureRun
{
    /// <summary>Journal stage name of the claim settlement steps.</summary>
    public const string WatchStage = "watch";

    private static readonly TimeSpan ManifestLockRetry = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Processes the files of <paramref name="claim"/> as one <c>watch</c> batch of its inbox (the manifest names them
    /// as they were named in the inbox), then settles the claim: a file leaves it only once the journal holds its
    /// outcome; the others stay in the claim for a retry. Each file's settlement is journalled with the claim id.
    /// Cancelled, it leaves every file in the claim: the journal makes the next run over them exactly-once.
    /// </summary>
    public async Task<ClaimReport> ProcessClaimAsync(InboxClaim claim, InboxProfile profile, IProgress<BatchProgress>? progress, CancellationToken ct)
    {
        var files = claim.Files;
        var defaults = profile.Defaults with { Station = profile.Defaults.Station ?? profile.Name };
        var report = await ProcessFilesAsync(claim.Inbox, files.Select(f => f.FullPath).ToList(), defaults, WatchStage, progress, ct)
            .ConfigureAwait(false);

        // The batch is over: settle whatever the token says, or files with an outcome would be processed again for nothing.
        var settled = new List<ClaimedFile>();
        foreach (var file in files)
        {
            var sha = await Sha256OrNullAsync(file.FullPath).ConfigureAwait(false);
            var done = sha is not null && await _store.IsSourceDoneAsync(file.RelativeName, sha, CancellationToken.None).ConfigureAwait(false);
            if (done) settled.Add(file);
            var detail = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["claim"] = claim.Id,
                ["adopted"] = claim.Adopted ? "true" : "false",
                ["service"] = $"{Environment.MachineName}/{Environment.ProcessId}",
            });
            var outcome = !done ? "unfinished" : profile.AfterProcessing == ProcessedFileHandling.Keep ? "moved_to_processed" : "deleted";
            await _store.RecordStepAsync(new JournalStep(report.Summary.Id, file.RelativeName, WatchStage, outcome, detail), CancellationToken.None)
                .ConfigureAwait(false);
        }
        var unsettled = claim.Settle(settled, profile.AfterProcessing);
        return new ClaimReport(report, claim.Id, settled, unsettled);
    }

    /// <summary>
    /// Writes the manifest of every document recorded for <paramref name="inbox"/>, streamed from the store in its key
    /// order (a watched inbox or a bulk job gathers documents for years: they are never all in memory), holding an OS
    /// lock on a lock file beside it: services sharing an inbox rewrite it in turn, each from the journal as it is after
    /// the previous one's write, so the last manifest written is never older than the last batch finished. Returns the
    /// number of lines.
    /// </summary>
    public async Task<long> WriteManifestLockedAsync(string inbox, string manifestPath, CancellationToken ct)
    {
        var full = Path.GetFullPath(manifestPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var lockPath = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + ".lock");
        FileStream? held = null;
        while (held is null)
        {
            try { held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1); }
            catch (IOException) { await Task.Delay(ManifestLockRetry, _time, ct).ConfigureAwait(false); }
        }
        await using (held.ConfigureAwait(false))
            return await ManifestWriter.WriteAsync(full, ManifestEntriesOf(inbox, ct), ct).ConfigureAwait(false);
    }

    private static async Task<string?> Sha256OrNullAsync(string path)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream).ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // unreadable: it has no outcome, so it stays in the claim
        }
    }
}
