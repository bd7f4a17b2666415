using CaptureChain.Host.Service.Bulk;
using CaptureChain.Host.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CaptureChain.Host.Web.Batches;

/// <summary>
/// <c>GET /api/bulk</c> (operators): where each bulk job stands — backlog counts, pages per minute of its recent
/// windows, pages left and the estimated end of the whole backlog — and what this node is doing in an open window.
/// The dashboard draws it; <c>bulk status</c> prints the same figures.
/// </summary>
internal static class BulkEndpoints
{
    public static void Map(WebApplication app) =>
        app.MapGet("/api/bulk", async (HttpContext http, CaptureWebOptions options, CancellationToken ct) =>
        {
            // The service's bulk worker registers what it is doing; a web host without one reports no local work.
            var activity = http.RequestServices.GetService<BulkActivity>();
            var now = options.Time.GetUtcNow();
            var jobs = new List<object>();
            var cache = http.RequestServices.GetRequiredService<BulkStatusCache>();
            foreach (var job in options.BulkJobs)
            {
                var status = await cache.GetAsync(job, now, ct);
                jobs.Add(new
                {
                    job = job.Name,
                    total = status.Progress.Total,
                    pending = status.Progress.Pending,
                    claimed = status.Progress.Claimed,
                    done = status.Progress.Done,
                    rejected = status.Progress.Rejected,
                    pages_done = status.Progress.PagesDone,
                    enumerated = status.Progress.Enumerated,
                    fraction = Math.Round(status.Fraction, 4),
                    windows = status.Windows,
                    open_window = status.OpenWindow is { } w ? new { id = w.Id, opens_at = w.OpensAt, closes_at = w.ClosesAt } : null,
                    pages_per_minute = Math.Round(status.PagesPerMinute, 1),
                    remaining_pages = status.RemainingPages,
                    estimated_end = status.EstimatedEnd,
                    next_window = job.Window.NextStart(now),
                    on_this_node = (activity?.Running ?? []).Where(r => r.Job == job.Name).Select(r => new
                    {
                        window = r.Window.Id, claimed = r.Counters.Claimed, done = r.Counters.Done, rejected = r.Counters.Rejected, pages = r.Counters.Pages,
                    }),
                });
            }
            return WebJson.Ok(new { node = options.Node, jobs, now });
        }).RequireAuthorization(WebRoles.OperatorPolicy);
}

/// <summary>
/// The bulk jobs' status, computed at most once per <see cref="CaptureWebOptions.BulkStatusFreshness"/> however many
/// dashboards are open: the backlog counts are a scan of the job's rows (0.2 s on PostgreSQL for a million files,
/// <c>bench/backlog-bench.sh</c>), and a night's progress needs no fresher figures than every few seconds.
/// </summary>
public sealed class BulkStatusCache(CaptureWebOptions options)
{
    private readonly Dictionary<string, (DateTimeOffset At, BulkJobStatus Status)> _computed = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The status of <paramref name="job"/> as of <paramref name="now"/>, or as computed less than the freshness ago.</summary>
    public async Task<BulkJobStatus> GetAsync(BulkJobDefinition job, DateTimeOffset now, CancellationToken ct)
    {
        // One computation at a time: dashboards refreshing together wait for it instead of each scanning the backlog.
        await _gate.WaitAsync(ct);
        try
        {
            if (_computed.TryGetValue(job.Name, out var known) && now - known.At < options.BulkStatusFreshness) return known.Status;
            var status = await BulkJobStatus.ComputeAsync(options.Store, job.Name, job.Window, now, ct);
            _computed[job.Name] = (now, status);
            return status;
        }
        finally { _gate.Release(); }
    }
}
