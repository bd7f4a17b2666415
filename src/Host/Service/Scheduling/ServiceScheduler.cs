using CaptureChain.Host.Service.Bulk;
using CaptureChain.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace CaptureChain.Host.Service.Scheduling;

/// <summary>
/// The service's Quartz scheduler. On a SQLite store it keeps its schedule in memory (the definitions come from the
/// configuration at each start; the state of the work lives in our store). On a PostgreSQL store it is clustered on
/// the same database (Quartz's tables created when missing; instance id generated per node), so that each window's
/// firing happens once across the nodes. A firing missed while no node ran fires at once if its window is still open;
/// a window that opened while this node was down and is still open is opened at start (idempotent).
/// </summary>
public sealed class ServiceScheduler(
    ServiceConfiguration configuration, CaptureRun run, ScheduleModule module, IServiceProvider services, TimeProvider time, ILogger<ServiceScheduler> log)
    : IHostedService, IAsyncDisposable
{
    /// <summary>Quartz group of the bulk windows' jobs and triggers.</summary>
    public const string BulkGroup = "bulk";

    /// <summary>Quartz group of the other recurring jobs.</summary>
    public const string RecurringGroup = "recurring";

    /// <summary>Log wording of a window opened by the scheduler's firing (once across the cluster).</summary>
    public const string FiringOrigin = "scheduled firing";

    /// <summary>Log wording of a window found open at a node's start (opened again: idempotent).</summary>
    public const string CatchUpOrigin = "open at start";

    private readonly CancellationTokenSource _stopping = new();
    private IScheduler? _scheduler;
    private Task _catchUp = Task.CompletedTask;

    /// <summary>Stops listings in progress when the service stops.</summary>
    internal CancellationToken Stopping => _stopping.Token;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration.BulkJobs.Count == 0 && module.RecurringJobs.Count == 0) return;
        var clustered = BulkConfiguration.IsPostgres(configuration.StorePath);
        _scheduler = await QuartzSchedulerBuilder.Create(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = "CaptureChain";
                if (clustered) o.GenerateInstanceId = true;
            });
            q.UseDefaultThreadPool(2);
            if (clustered)
                q.UsePersistentStore(store =>
                {
                    store.UsePostgres(NpgsqlConnectionString(configuration.StorePath!));
                    store.UseClustering();
                    // Quartz's own DDL for its tables, guarded for nodes starting together (only ever creates).
                    store.ProvisionSchema();
                });
            else q.UseInMemoryStore();
        }).BuildScheduler(cancellationToken).ConfigureAwait(false);
        _scheduler.Context[ScheduledJobs.ServicesKey] = services;
        _scheduler.Context[nameof(ServiceScheduler)] = this;

        foreach (var job in configuration.BulkJobs)
            await ScheduleAsync(JobBuilder.Create<BulkWindowJob>().WithIdentity(job.Name, BulkGroup).UsingJobData(BulkWindowJob.JobNameKey, job.Name).Build(),
                job.Window.Cron, cancellationToken).ConfigureAwait(false);
        foreach (var recurring in module.RecurringJobs)
            await ScheduleAsync(JobBuilder.Create().OfType(recurring.JobType).WithIdentity(recurring.Name, RecurringGroup).Build(), recurring.Cron, cancellationToken)
                .ConfigureAwait(false);
        await _scheduler.Start(cancellationToken).ConfigureAwait(false);
        log.LogInformation("Scheduler started ({Store}): {Bulk} bulk job(s), {Recurring} other recurring job(s)",
            clustered ? "clustered on PostgreSQL" : "in memory", configuration.BulkJobs.Count, module.RecurringJobs.Count);

        // A window that opened while this node was down and is still open: opened now (idempotent across nodes).
        _catchUp = Task.Run(async () =>
        {
            foreach (var job in configuration.BulkJobs)
                if (job.Window.OpenWindowStart(time.GetUtcNow()) is { } opensAt)
                    await OpenWindowAsync(job, opensAt, CatchUpOrigin).ConfigureAwait(false);
        }, CancellationToken.None);
    }

    /// <summary>Opens the window of <paramref name="job"/> starting at <paramref name="opensAt"/> and lists its source.</summary>
    internal async Task OpenWindowAsync(BulkJobDefinition job, DateTimeOffset opensAt, string origin)
    {
        try
        {
            log.LogInformation("Bulk job {Job}: window opening at {Opens:u} ({Origin})", job.Name, opensAt, origin);
            await BulkWindowOpening.OpenAndListAsync(run.Store, job, opensAt, opensAt + job.Window.Duration, log, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested) { }
        catch (Exception e)
        {
            log.LogError("Bulk job {Job}: the window opening at {Opens:u} failed: {Problem}", job.Name, opensAt, e.Message);
        }
    }

    // Defines the job and its cron trigger unless another node already did with the same expression (clustered store).
    private async Task ScheduleAsync(IJobDetail detail, string cron, CancellationToken ct)
    {
        var scheduler = _scheduler!;
        var key = new TriggerKey(detail.Key.Name, detail.Key.Group);
        var trigger = TriggerBuilder.Create().WithIdentity(key).ForJob(detail)
            .WithCronSchedule(cron, c => c.InTimeZone(TimeZoneInfo.Local).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
            .Build();
        try
        {
            if (await scheduler.GetTrigger(key, ct).ConfigureAwait(false) is ICronTrigger existing)
            {
                if (existing.CronExpressionString != cron) await scheduler.RescheduleJob(key, trigger, ct).ConfigureAwait(false);
                return;
            }
            await scheduler.ScheduleJob(detail, trigger, new ScheduleJobOptions(), ct).ConfigureAwait(false);
        }
        catch (ObjectAlreadyExistsException) { } // another node defined it at the same moment
        catch (SchedulerException e)
        {
            // An expression that never fires again (a one-off date now past): nothing to schedule.
            log.LogWarning("Schedule {Job}: {Problem}", detail.Key, e.Message);
        }
    }

    // Npgsql takes key=value strings; a postgres:// URL is turned into one.
    private static string NpgsqlConnectionString(string store)
    {
        if (!store.Contains("://", StringComparison.Ordinal)) return store;
        var uri = new Uri(store);
        var user = uri.UserInfo.Split(':', 2);
        var parts = new List<string> { $"Host={uri.Host}", $"Port={(uri.Port > 0 ? uri.Port : 5432)}", $"Database={Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'))}" };
        if (user[0].Length > 0) parts.Add($"Username={Uri.UnescapeDataString(user[0])}");
        if (user.Length > 1) parts.Add($"Password={Uri.UnescapeDataString(user[1])}");
        return string.Join(';', parts);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_scheduler is not null) await _scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken).ConfigureAwait(false);
        await _catchUp.ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A bulk window's firing (once across the cluster): opens the window that starts at the latest firing of the job's
/// cron (so a misfire fired late still opens the right window, and one fired after its window closed does nothing) and
/// lists the job's source into its backlog.
/// </summary>
[DisallowConcurrentExecution]
public sealed class BulkWindowJob : IJob
{
    /// <summary>Job data key of the bulk job's name.</summary>
    public const string JobNameKey = "job";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = (ServiceScheduler)context.Scheduler.Context[nameof(ServiceScheduler)]!;
        var services = ScheduledJobs.Services(context);
        var configuration = (ServiceConfiguration)services.GetService(typeof(ServiceConfiguration))!;
        var time = (TimeProvider)services.GetService(typeof(TimeProvider))!;
        var name = context.MergedJobDataMap.GetString(JobNameKey);
        var job = configuration.BulkJobs.FirstOrDefault(j => j.Name == name);
        if (job?.Window.OpenWindowStart(time.GetUtcNow()) is not { } opensAt) return; // unknown job, or its window is over
        await scheduler.OpenWindowAsync(job, opensAt, ServiceScheduler.FiringOrigin).ConfigureAwait(false);
    }
}
