using CaptureChain.Host.Service.Bulk;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CaptureChain.Host.Service.Scheduling;

/// <summary>A recurring job of the service (Quartz): its name, cron expression and job type.</summary>
public sealed record RecurringJob(string Name, string Cron, Type JobType);

/// <summary>
/// Scheduled work in the service: one Quartz scheduler (in memory on a SQLite store; clustered on the PostgreSQL store
/// so that a firing happens once across the nodes) firing each bulk job's windows and a bulk worker on every node (the
/// dashboard reads what it does through <see cref="BulkActivity"/>). Other parts add recurring jobs with
/// <see cref="Recurring{TJob}"/> before the host is built; a job reaches the host's services with <see cref="ScheduledJobs.Services"/>.
/// </summary>
public sealed class ScheduleModule : IServiceModule
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

    public void Map(WebApplication app) { } // the bulk jobs' progress is served by the web UI (GET /api/bulk)
}

/// <summary>What a Quartz job of the service can reach.</summary>
public static class ScheduledJobs
{
    /// <summary>Key of the host's service provider in the scheduler context.</summary>
    public const string ServicesKey = "capturechain.services";

    /// <summary>The host's services (configuration, capture run, store, logging).</summary>
    public static IServiceProvider Services(IJobExecutionContext context) => (IServiceProvider)context.Scheduler.Context[ServicesKey]!;
}
