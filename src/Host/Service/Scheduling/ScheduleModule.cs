using CaptureChain.Host.Service.Bulk;
using CaptureChain.Host.Web;
using CaptureChain.Host.Web.Security;
using CaptureChain.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CaptureChain.Host.Service.Scheduling;

/// <summary>A recurring job of the service (Quartz): its name, cron expression and job type.</summary>
public sealed record RecurringJob(string Name, string Cron, Type JobType);

/// <summary>
/// Scheduled work in the service: one Quartz scheduler (in memory on a SQLite store; clustered on the PostgreSQL store
/// so that a firing happens once across the nodes) firing each bulk job's windows, a bulk worker on every node, and
/// <c>GET /api/bulk</c>. Other parts add recurring jobs with <see cref="Recurring{TJob}"/> before the host is built;
/// a job reaches the host's services with <see cref="ScheduledJobs.Services"/>.
/// </summary>
public sealed class ScheduleModule(ServiceConfiguration configuration, CaptureRun run) : IServiceModule
{
    private readonly List<RecurringJob> _recurring = [];

    /// <summary>Recurring jobs added besides the bulk windows.</summary>
    public IReadOnlyList<RecurringJob> RecurringJobs => _recurring;

    /// <summary>Adds a recurring job fired at each <paramref name="cron"/> (Quartz cron, local time), once across the cluster.</summary>
    public ScheduleModule Recurring<TJob>(string name, string cron) where TJob : IJob
    {
        if (!CronExpression.TryParse(cron, out _)) throw new ArgumentException($"'{cron}' is not a Quartz cron expression.", nameof(cron));
        _recurring.Add(new RecurringJob(name, cron, typeof(TJob)));
        return this;
    }

    public void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(this);
        builder.Services.AddSingleton<BulkActivity>();
        builder.Services.AddHostedService<ServiceScheduler>();
        builder.Services.AddHostedService<BulkWorker>();
    }

    public void Map(WebApplication app) =>
        app.MapGet("/api/bulk", async (BulkActivity activity, TimeProvider time, CancellationToken ct) =>
        {
            var now = time.GetUtcNow();
            var jobs = new List<object>();
            foreach (var job in configuration.BulkJobs)
            {
                var status = await BulkJobStatus.ComputeAsync(run.Store, job.Name, job.Window, now, ct);
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
                    on_this_node = activity.Running.Where(r => r.Job == job.Name).Select(r => new
                    {
                        window = r.Window.Id, claimed = r.Counters.Claimed, done = r.Counters.Done, rejected = r.Counters.Rejected, pages = r.Counters.Pages,
                    }),
                });
            }
            return Results.Json(new { node = configuration.Node, jobs });
        }).RequireAuthorization(WebRoles.OperatorPolicy);
}

/// <summary>What a Quartz job of the service can reach.</summary>
public static class ScheduledJobs
{
    /// <summary>Key of the host's service provider in the scheduler context.</summary>
    public const string ServicesKey = "capturechain.services";

    /// <summary>The host's services (configuration, capture run, store, logging).</summary>
    public static IServiceProvider Services(IJobExecutionContext context) => (IServiceProvider)context.Scheduler.Context[ServicesKey]!;
}
