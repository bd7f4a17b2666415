using CaptureChain.Host.Service;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace CaptureChain.Host.Cli;

/// <summary>
/// <c>serve [--config FILE] [--archive DIR] [--registry FILE] [--model FILE] [--port N] ...</c>: the long-running
/// service (watched folders, <c>GET /health</c>); stops gracefully on SIGTERM or Ctrl-C and exits 0.
/// </summary>
public static class ServeCommand
{
    public static async Task<int> RunAsync(CommandLine line, CancellationToken ct)
    {
        var configPath = line.Get("config");
        var overrides = new ServiceOverrides(
            Archive: line.Get("archive"), Registry: line.Get("registry"), Model: line.Get("model"), Plan: line.Get("plan"),
            Store: line.Get("store"), OcrWorkers: line.GetInt("workers", 1, 256), Bind: line.Get("bind"),
            Port: line.GetInt("port", 0, 65535), Inbox: line.Get("inbox"));
        line.RejectUnknown();

        ServiceConfiguration configuration;
        try { configuration = ServiceConfigurationFile.Resolve(configPath, overrides, new ServiceFallbacks(DataFolder.Path, DataFolder.ImportedRegistry, DataFolder.ActiveModel)); }
        catch (ServiceConfigurationException e) { throw new RunCannotProceedException(e.Message, e); }

        await using var run = await ProcessCommand.Open(configuration.ToCaptureOptions(), ct);
        var schedule = new Service.Scheduling.ScheduleModule();
        if (configuration.RetrainingCron is { } retrainingCron)
            schedule.Recurring<Service.Scheduling.ModelRetrainingJob>("model-retraining", retrainingCron);
        await using var app = ServiceHost.Build(configuration, run, [new ReviewWebModule(configuration, run), schedule]);
        try { await app.StartAsync(ct); }
        catch (IOException e) when (!ct.IsCancellationRequested)
        {
            throw new RunCannotProceedException($"The web endpoint cannot listen on {configuration.Web.Bind}:{configuration.Web.Port}: {e.Message}", e);
        }
        var urls = ServiceHost.Addresses(app);
        AnsiConsole.MarkupLine($"CaptureChain service: {configuration.Inboxes.Count} watched folder(s), archive [blue]{Markup.Escape(configuration.Archive)}[/]");
        foreach (var url in urls)
        {
            AnsiConsole.MarkupLine($"Health: [blue]{Markup.Escape(url)}/health[/]");
            AnsiConsole.MarkupLine($"Review and dashboard: [blue]{Markup.Escape(url)}/[/]");
        }
        await app.WaitForShutdownAsync(ct);
        return 0;
    }
}
