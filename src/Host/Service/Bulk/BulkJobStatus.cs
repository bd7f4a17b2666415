using CaptureChain.Filing.Store;

namespace CaptureChain.Host.Service.Bulk;

/// <summary>
/// Where a bulk job stands: its backlog counts, the pages per minute of its recent windows (all nodes together), and
/// the estimated end of the whole backlog from that rate and the windows to come. Shared by <c>bulk status</c> and
/// <c>GET /api/bulk</c>.
/// </summary>
/// <param name="Job">Job name.</param>
/// <param name="Progress">Backlog counts.</param>
/// <param name="Windows">Windows opened so far.</param>
/// <param name="OpenWindow">The window open now, or null.</param>
/// <param name="PagesPerMinute">Pages per minute over the recent windows (time from each window's opening to its last outcome), or 0 before any.</param>
/// <param name="RemainingPages">Estimated pages left (pending files times the mean pages per finished file), or null before any file is finished.</param>
/// <param name="EstimatedEnd">When the backlog should be finished at that rate in the windows to come, or null when it cannot be estimated.</param>
public sealed record BulkJobStatus(string Job, BacklogProgress Progress, int Windows, BulkWindow? OpenWindow, double PagesPerMinute,
    long? RemainingPages, DateTimeOffset? EstimatedEnd)
{
    /// <summary>Windows whose rate is averaged.</summary>
    public const int RecentWindows = 5;

    /// <summary>Share of the backlog finished, 0 to 1.</summary>
    public double Fraction => Progress.Total == 0 ? 0 : (double)Progress.Finished / Progress.Total;

    /// <summary>Computes the status of <paramref name="job"/>; <paramref name="schedule"/> (null when unknown) gives the windows to come.</summary>
    public static async Task<BulkJobStatus> ComputeAsync(IBacklogStore store, string job, BulkWindowSchedule? schedule, DateTimeOffset now, CancellationToken ct)
    {
        var progress = await store.GetBacklogProgressAsync(job, ct).ConfigureAwait(false);
        var windows = await store.ListBulkWindowsAsync(job, ct).ConfigureAwait(false);
        double pages = 0, minutes = 0;
        foreach (var window in windows.Where(w => w.OpensAt <= now).OrderByDescending(w => w.OpensAt).Take(RecentWindows))
        {
            var totals = await store.GetBulkWindowTotalsAsync(window.Id, ct).ConfigureAwait(false);
            if (totals is not { Files: > 0, LastCompletedAt: { } last } || last <= window.OpensAt) continue;
            pages += totals.Pages;
            minutes += (last - window.OpensAt).TotalMinutes;
        }
        var rate = minutes > 0 ? pages / minutes : 0;
        var open = windows.LastOrDefault(w => w.IsOpenAt(now));
        long? remaining = progress.Finished > 0
            ? (long)Math.Ceiling((double)progress.PagesDone / progress.Finished * (progress.Pending + progress.Claimed))
            : null;
        DateTimeOffset? end = progress.Enumerated && progress.Pending + progress.Claimed == 0 ? now
            : remaining is { } left && rate > 0 && progress.Enumerated ? EndOf(left / rate, open, schedule, now)
            : null;
        return new BulkJobStatus(job, progress, windows.Count, open, rate, remaining, end);
    }

    // Walks the windows to come, spending the minutes of work left in each.
    private static DateTimeOffset? EndOf(double minutesLeft, BulkWindow? open, BulkWindowSchedule? schedule, DateTimeOffset now)
    {
        var left = TimeSpan.FromMinutes(minutesLeft);
        var cursor = now;
        if (open is not null)
        {
            var inOpen = open.ClosesAt - now;
            if (left <= inOpen) return now + left;
            left -= inOpen;
            cursor = open.ClosesAt;
        }
        if (schedule is null) return null;
        for (var i = 0; i < 10_000; i++)
        {
            if (schedule.NextStart(cursor) is not { } start) return null;
            if (left <= schedule.Duration) return start + left;
            left -= schedule.Duration;
            cursor = start + schedule.Duration;
        }
        return null;
    }
}
