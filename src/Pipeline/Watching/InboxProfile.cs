using CaptureChain.Pipeline.Records;

namespace CaptureChain.Pipeline.Watching;

/// <summary>What becomes of a dropped file once its outcome is recorded.</summary>
public enum ProcessedFileHandling
{
    /// <summary>Moved to <c>&lt;inbox&gt;/.done/&lt;claim&gt;/&lt;name&gt;</c>, for the operators to purge on their own schedule.</summary>
    Keep,

    /// <summary>Deleted (the archive keeps the filed PDF, the review copy or the quarantined original).</summary>
    Delete,
}

/// <summary>
/// One watched folder: an inbox of a scan station or a prestation, with the defaults its documents get and how a
/// dropped file is recognised as completely written.
/// </summary>
/// <param name="Name">Short name of the inbox (the station by default); used in logs, batches and the health page.</param>
/// <param name="Path">The folder; the manifest's <c>source</c> names are relative to it.</param>
public sealed record InboxProfile(string Name, string Path)
{
    /// <summary>Fixed case, operator and station for every document dropped here.</summary>
    public CaptureDefaults Defaults { get; init; } = CaptureDefaults.None;

    /// <summary>A file is taken once its size and last-write time have not changed for this long.</summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When set (for example <c>.done</c>), a file is taken only once <c>&lt;file name&gt;&lt;marker&gt;</c> exists
    /// beside it, written after the file; the quiet period is then not waited for. Marker files are never input.
    /// </summary>
    public string? CompletionMarker { get; init; }

    /// <summary>How often the folder is scanned even when no change event came (network shares lose events).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether to listen for file-system change events at all (off for shares that never deliver them).</summary>
    public bool WatchEvents { get; init; } = true;

    /// <summary>
    /// Files that become complete while others of the same drop are still being written wait at most this long for
    /// them, so that one drop makes one batch.
    /// </summary>
    public TimeSpan DropWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many files go into one batch; the rest make the next one.</summary>
    public int MaxFilesPerBatch { get; init; } = 200;

    /// <summary>What becomes of a file once its outcome is recorded.</summary>
    public ProcessedFileHandling AfterProcessing { get; init; } = ProcessedFileHandling.Keep;

    /// <summary>Whether <paramref name="relativeName"/> (forward slashes) is a completion marker rather than input.</summary>
    public bool IsCompletionMarker(string relativeName) =>
        CompletionMarker is { Length: > 0 } marker && relativeName.EndsWith(marker, StringComparison.Ordinal);
}
