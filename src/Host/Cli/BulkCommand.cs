using System.Globalization;
using CaptureChain.Filing.Store;
using CaptureChain.Host.Service;
using CaptureChain.Host.Service.Bulk;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CaptureChain.Host.Cli;

/// <summary>
/// <c>bulk status [--config FILE | --store S] [--job NAME] [--watch]</c>: progress of the bulk jobs (bar, pages per
/// minute, estimated end of the whole backlog); <c>bulk run --job NAME [--config FILE] [--until HH:MM[:SS]]</c>: one
/// window by hand, in the foreground, from now until the given time (or for the job's window duration).
/// </summary>
public static class BulkCommand
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(5);

    public static Task<int> RunAsync(string[] args, CancellationToken ct) => args.FirstOrDefault() switch
    {
        "status" => StatusAsync(CommandLine.Parse(args.Skip(1), "watch"), ct),
        "run" => RunWindowAsync(CommandLine.Parse(args.Skip(1)), ct),
        _ => throw new UsageException("bulk takes status or run"),
    };

    private static ServiceConfiguration Configuration(string? configPath)
    {
        try { return ServiceConfigurationFile.Resolve(configPath, new ServiceOverrides(), new ServiceFallbacks(DataFolder.Path, DataFolder.ImportedRegistry, DataFolder.ActiveModel)); }
        catch (ServiceConfigurationException e) { throw new RunCannotProceedException(e.Message, e); }
    }

    private static async Task<int> RunWindowAsync(CommandLine line, CancellationToken ct)
    {
        var configPath = line.Get("config");
        var name = line.Require("job");
        var until = line.Get("until");
        line.RejectUnknown();
        var configuration = Configuration(configPath);
        var job = configuration.BulkJobs.FirstOrDefault(j => j.Name == name)
            ?? throw new RunCannotProceedException($"No bulk job '{name}' in the configuration (\"bulkJobs\").");
        var now = DateTimeOffset.Now;
        var closes = until is null ? now + job.Window.Duration : Until(until, now);
        var options = configuration.ToCaptureOptions() with { Archive = job.Archive ?? configuration.Archive, PlanPath = job.PlanPath ?? configuration.PlanPath };
        await using var run = await ProcessCommand.Open(options, ct);
        using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }));
        var log = logging.CreateLogger("bulk");

        var (window, added) = await BulkWindowOpening.OpenAndListAsync(run.Store, job, now.ToUniversalTime(), closes.ToUniversalTime(), log, ct);
        AnsiConsole.MarkupLine($"Bulk job [blue]{Markup.Escape(job.Name)}[/]: window until {closes:HH:mm:ss}, {added} new file(s) listed, node {Markup.Escape(configuration.Node)}");
        var windowRun = new BulkWindowRun(job, window, run, configuration.Node, TimeProvider.System, log, BulkFolderHints.For(job));
        using var printing = new CancellationTokenSource();
        var printer = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(WatchInterval, printing.Token);
                    var c = windowRun.Counters;
                    Console.WriteLine($"{DateTime.Now:HH:mm:ss} claimed {c.Claimed}, done {c.Done}, rejected {c.Rejected}, pages {c.Pages}");
                }
            }
            catch (OperationCanceledException) { }
        }, CancellationToken.None);
        // Ctrl-C behaves like the window's close: nothing more is claimed, files in flight get the grace, the rest is parked.
        var result = await windowRun.RunAsync(ct, CancellationToken.None);
        await printing.CancelAsync();
        await printer;
        var report = await BulkWindowReport.TryWriteAsync(run, job, window, options.Archive, result.BacklogFinished, TimeProvider.System, log, CancellationToken.None);
        var ppm = result.Elapsed.TotalMinutes > 0 ? result.Pages / result.Elapsed.TotalMinutes : 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bulk run: window {window.Id}: claimed {result.Claimed}, done {result.Done}, rejected {result.Rejected}, parked {result.Released}, taken over {result.Lost}, pages {result.Pages} in {result.Elapsed.TotalSeconds:F1} s ({ppm:F1} pages/min){(result.BacklogFinished ? ", backlog finished" : "")}"));
        AnsiConsole.MarkupLine($"Manifest: [blue]{Markup.Escape(job.ManifestPath(options.Archive))}[/]{(report is null ? "" : $"   Report: [blue]{Markup.Escape(report)}[/]")}");
        return 0;
    }

    // HH:MM or HH:MM:SS local time, today or, when already past, tomorrow.
    private static DateTimeOffset Until(string text, DateTimeOffset now)
    {
        if (!TimeOnly.TryParseExact(text, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            throw new UsageException("--until takes a local time HH:MM or HH:MM:SS");
        var local = now.ToLocalTime();
        var candidate = new DateTimeOffset(local.Date + at.ToTimeSpan(), local.Offset);
        return candidate > now ? candidate : candidate.AddDays(1);
    }

    private static async Task<int> StatusAsync(CommandLine line, CancellationToken ct)
    {
        var configPath = line.Get("config");
        var storeOption = line.Get("store");
        var only = line.Get("job");
        var watch = line.Has("watch");
        line.RejectUnknown();
        if (configPath is not null && storeOption is not null) throw new UsageException("give --config or --store, not both");

        List<(string Name, BulkWindowSchedule? Schedule)> jobs;
        string store;
        if (storeOption is not null)
        {
            if (only is null) throw new UsageException("--store needs --job NAME (the job names are in the configuration)");
            jobs = [(only, null)];
            store = BulkConfiguration.IsPostgres(storeOption) ? storeOption : Path.GetFullPath(storeOption);
        }
        else
        {
            var configuration = Configuration(configPath);
            jobs = configuration.BulkJobs.Where(j => only is null || j.Name == only).Select(j => (j.Name, (BulkWindowSchedule?)j.Window)).ToList();
            if (jobs.Count == 0) throw new RunCannotProceedException(only is null ? "The configuration has no bulk job (\"bulkJobs\")." : $"No bulk job '{only}' in the configuration.");
            store = configuration.StorePath ?? configuration.ToCaptureOptions().EffectiveStorePath;
        }

        await using var backlog = await OpenStoreAsync(store, ct);
        if (!watch)
        {
            AnsiConsole.Write(await RenderAsync(backlog, jobs, ct));
            return 0;
        }
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
        {
            while (!ct.IsCancellationRequested)
            {
                AnsiConsole.Write(await RenderAsync(backlog, jobs, ct));
                await Task.Delay(WatchInterval, ct);
            }
            return 0;
        }
        await AnsiConsole.Live(await RenderAsync(backlog, jobs, ct)).StartAsync(async live =>
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(WatchInterval, ct);
                live.UpdateTarget(await RenderAsync(backlog, jobs, ct));
            }
        });
        return 0;
    }

    private static async Task<ICaptureStore> OpenStoreAsync(string store, CancellationToken ct)
    {
        if (!BulkConfiguration.IsPostgres(store) && !File.Exists(store))
            throw new RunCannotProceedException($"Store '{store}' does not exist.");
        return await CaptureStores.OpenAsync(store, TimeProvider.System, ct);
    }

    private static async Task<IRenderable> RenderAsync(IBacklogStore store, IReadOnlyList<(string Name, BulkWindowSchedule? Schedule)> jobs, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var rows = new List<IRenderable>();
        foreach (var (name, schedule) in jobs)
        {
            var s = await BulkJobStatus.ComputeAsync(store, name, schedule, now, ct);
            var p = s.Progress;
            var chart = new BreakdownChart().Width(60).HideTags()
                .AddItem("done", p.Done, Color.Green).AddItem("rejected", p.Rejected, Color.Red)
                .AddItem("in flight", p.Claimed, Color.Yellow).AddItem("pending", Math.Max(p.Pending, p.Total == 0 ? 1 : 0), Color.Grey);
            var end = s.EstimatedEnd is { } e ? e.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
                : p.Enumerated ? "unknown (no rate yet)" : "unknown (source not fully listed)";
            var window = s.OpenWindow is { } w ? $"open until {w.ClosesAt.ToLocalTime():yyyy-MM-dd HH:mm}"
                : schedule?.NextStart(now) is { } next ? $"next {next.ToLocalTime():yyyy-MM-dd HH:mm}" : "closed";
            rows.Add(new Rows(
                new Markup($"[bold]{Markup.Escape(name)}[/]  {p.Finished}/{p.Total} file(s) ({s.Fraction:P1}), {p.PagesDone} page(s); window {window}"),
                chart,
                new Markup(string.Create(CultureInfo.InvariantCulture,
                    $"{s.PagesPerMinute:F1} pages/min over the last {Math.Min(s.Windows, BulkJobStatus.RecentWindows)} window(s); {(s.RemainingPages is { } r ? $"about {r} page(s) left" : "pages left unknown")}; estimated end {Markup.Escape(end)}")),
                new Text("")));
        }
        return new Rows(rows);
    }
}
