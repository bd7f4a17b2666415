namespace CaptureChain.Filing.Store;

/// <summary>State of one file of a bulk job's backlog.</summary>
public enum BacklogItemState
{
    /// <summary>Not yet taken (or parked at a window's close, or released by a node that stopped).</summary>
    Pending,

    /// <summary>Taken by a node under a lease; a lease that expires (the node died) makes it claimable again.</summary>
    Claimed,

    /// <summary>Every document of the file is recorded (filed, review, duplicate or rejected pages).</summary>
    Done,

    /// <summary>The whole file was quarantined (unreadable, or it failed on every attempt).</summary>
    Rejected,
}

/// <summary>A file found in a bulk job's source tree: its path relative to the source root, size and modification time.</summary>
public sealed record BacklogFile(string RelativePath, long SizeBytes, DateTimeOffset ModifiedAt);

/// <summary>One file of a bulk job's backlog as recorded; <see cref="Attempts"/> counts claims (a poison file is given up).</summary>
public sealed record BacklogItem(
    long Id, string Job, string RelativePath, long SizeBytes, BacklogItemState State, int Attempts,
    string? Node, DateTimeOffset? LeaseUntil, string? WindowId, int Pages, string? Reason, DateTimeOffset? CompletedAt);

/// <summary>Counts of a bulk job's backlog; <see cref="Enumerated"/> once the whole source tree has been listed.</summary>
public sealed record BacklogProgress(
    string Job, long Total, long Pending, long Claimed, long Done, long Rejected, long PagesDone, bool Enumerated)
{
    /// <summary>Items with an outcome.</summary>
    public long Finished => Done + Rejected;
}

/// <summary>What a bulk window did so far.</summary>
/// <param name="Files">Files that got their outcome in the window.</param>
/// <param name="Pages">Their pages.</param>
/// <param name="LastCompletedAt">When the last of them got its outcome, or null.</param>
public sealed record BulkWindowTotals(long Files, long Pages, DateTimeOffset? LastCompletedAt);

/// <summary>
/// One opening of a bulk job's time window (e.g. 20:00 to 06:00). Opened once across the cluster by the scheduled
/// firing; every node works on the job's backlog while a window is open.
/// </summary>
public sealed record BulkWindow(string Id, string Job, DateTimeOffset OpensAt, DateTimeOffset ClosesAt)
{
    /// <summary>True when <paramref name="now"/> is inside the window.</summary>
    public bool IsOpenAt(DateTimeOffset now) => now >= OpensAt && now < ClosesAt;
}

/// <summary>
/// The shared backlog of bulk jobs (legacy archives digitised at night), with claims that several nodes can take at
/// once without taking the same file: SQLite for one node, PostgreSQL (<c>FOR UPDATE SKIP LOCKED</c>) for a cluster.
/// Leases are measured on the store's clock (the database server's for PostgreSQL) so that node clocks do not matter.
/// </summary>
public interface IBacklogStore
{
    /// <summary>Adds files to a job's backlog; files already in it (same relative path) are left as they are. Returns how many were new.</summary>
    Task<int> AddBacklogFilesAsync(string job, IReadOnlyList<BacklogFile> files, CancellationToken ct = default);

    /// <summary>Records that the job's source tree has been listed completely (progress can then estimate an end date).</summary>
    Task MarkBacklogEnumeratedAsync(string job, CancellationToken ct = default);

    /// <summary>
    /// Claims up to <paramref name="count"/> items of <paramref name="job"/> in backlog order for <paramref name="node"/>:
    /// pending ones, and claimed ones whose lease has expired (a dead node's). Rows another node is claiming at the same
    /// moment are skipped, never waited for. Each claim increments <see cref="BacklogItem.Attempts"/>; an item already
    /// claimed <paramref name="maxAttempts"/> times is not claimed again but set <see cref="BacklogItemState.Rejected"/>
    /// with reason <c>bulk_attempts_exhausted</c> (a file that kills every node that reads it).
    /// </summary>
    Task<IReadOnlyList<BacklogItem>> ClaimBacklogItemsAsync(string job, string node, int count, TimeSpan lease, string windowId,
        int maxAttempts = 3, CancellationToken ct = default);

    /// <summary>Extends the leases of <paramref name="node"/>'s claimed items; returns the ids it still holds (others were taken over).</summary>
    Task<IReadOnlyList<long>> RenewBacklogLeasesAsync(string node, IReadOnlyList<long> items, TimeSpan lease, CancellationToken ct = default);

    /// <summary>
    /// Records an item's outcome (<see cref="BacklogItemState.Done"/> or <see cref="BacklogItemState.Rejected"/>) if
    /// <paramref name="node"/> still holds it; false when its lease was taken over (the other node records it).
    /// </summary>
    Task<bool> CompleteBacklogItemAsync(long item, string node, BacklogItemState outcome, int pages, string? reason,
        CancellationToken ct = default);

    /// <summary>Gives items back as pending (window closed, node stopping) without counting the attempt; returns how many.</summary>
    Task<int> ReleaseBacklogItemsAsync(string node, IReadOnlyList<long> items, CancellationToken ct = default);

    /// <summary>Counts of a job's backlog.</summary>
    Task<BacklogProgress> GetBacklogProgressAsync(string job, CancellationToken ct = default);

    /// <summary>Items of a job in backlog order, optionally only those in a state (paged by id).</summary>
    Task<IReadOnlyList<BacklogItem>> ListBacklogItemsAsync(string job, BacklogItemState? state = null, long afterId = 0, int limit = 1000,
        CancellationToken ct = default);

    /// <summary>
    /// Items that got their outcome in a window, in completion order (the window report): at most
    /// <paramref name="limit"/>, those after <paramref name="after"/> (the last item of the previous page) only.
    /// </summary>
    Task<IReadOnlyList<BacklogItem>> ListBacklogItemsCompletedInAsync(string windowId, BacklogItem? after = null, int limit = 1000, CancellationToken ct = default);

    /// <summary>Files, pages and last outcome of a window, counted in SQL (the rate of <c>bulk status</c>, read every few seconds).</summary>
    Task<BulkWindowTotals> GetBulkWindowTotalsAsync(string windowId, CancellationToken ct = default);

    /// <summary>Opens the job's window starting at <paramref name="opensAt"/>, or returns it when a node already opened it (idempotent).</summary>
    Task<BulkWindow> OpenBulkWindowAsync(string job, DateTimeOffset opensAt, DateTimeOffset closesAt, CancellationToken ct = default);

    /// <summary>Windows open at <paramref name="now"/>, of every job.</summary>
    Task<IReadOnlyList<BulkWindow>> ListOpenBulkWindowsAsync(DateTimeOffset now, CancellationToken ct = default);

    /// <summary>A job's windows, oldest first.</summary>
    Task<IReadOnlyList<BulkWindow>> ListBulkWindowsAsync(string job, CancellationToken ct = default);

    /// <summary>Records that a window's report was written (so that exactly one node writes it); false when another did.</summary>
    Task<bool> MarkBulkWindowReportedAsync(string windowId, CancellationToken ct = default);
}
