using CaptureChain.Filing.Manifest;
using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Outcomes;
using Spectre.Console;

namespace CaptureChain.Host.Cli;

/// <summary>What the operator sees in the terminal: live progress while a batch runs, then its report.</summary>
public static class BatchConsole
{
    /// <summary>Runs a batch with a live progress line (a plain line every few seconds when not on a terminal).</summary>
    public static async Task<T> RunWithProgressAsync<T>(Func<IProgress<BatchProgress>, Task<T>> run, CancellationToken ct)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
        {
            var last = DateTime.MinValue;
            return await run(new Progress<BatchProgress>(p =>
            {
                if (DateTime.UtcNow - last < TimeSpan.FromSeconds(5)) return;
                last = DateTime.UtcNow;
                Console.WriteLine(Line(p));
            }));
        }
        T? report = default;
        await AnsiConsole.Status().Spinner(Spinner.Known.Dots).StartAsync("Starting...", async ctx =>
        {
            report = await run(new Progress<BatchProgress>(p => ctx.Status(Markup.Escape(Line(p)))));
        });
        return report!;
    }

    private static string Line(BatchProgress p)
    {
        var ppm = p.Elapsed.TotalMinutes > 0 ? p.PagesRead / p.Elapsed.TotalMinutes : 0;
        var queues = string.Join(" ", p.Stages.Select(s => $"{s.Name}:{s.QueueDepth}"));
        return $"{p.Elapsed:mm\\:ss} pages {p.PagesRead} ({ppm:F0}/min) | filed {p.Filed} review {p.Review} rejected {p.Rejected} duplicate {p.Duplicate} | queues {queues}";
    }

    /// <summary>The batch report: counts, speed, and every document that needs a person, with its reasons.</summary>
    public static void PrintReport(BatchReport report, IReadOnlyList<ManifestEntry> manifest, string archive, string manifestPath)
    {
        var s = report.Summary.Counts;
        var table = new Table().Border(TableBorder.Rounded).Title($"Batch {report.Summary.Id}");
        table.AddColumn("").AddColumn(new TableColumn("this run").RightAligned()).AddColumn(new TableColumn("inbox total").RightAligned());
        int Count(DocumentStatus status) => manifest.Count(e => e.Status == status);
        table.AddRow("files", s.Sources.ToString(), manifest.Select(e => e.Source).Distinct().Count().ToString());
        table.AddRow("[green]filed[/]", s.Filed.ToString(), Count(DocumentStatus.Filed).ToString());
        table.AddRow("[yellow]review[/]", s.Review.ToString(), Count(DocumentStatus.Review).ToString());
        table.AddRow("[red]rejected[/]", s.Rejected.ToString(), Count(DocumentStatus.Rejected).ToString());
        table.AddRow("duplicate", s.Duplicate.ToString(), Count(DocumentStatus.Duplicate).ToString());
        table.AddRow("pages read", report.PagesRead.ToString(), "");
        table.AddRow("time", $"{report.Elapsed.TotalSeconds:F1} s", "");
        table.AddRow("pages / minute", $"{report.PagesPerMinute:F0}", "");
        AnsiConsole.Write(table);

        var attention = manifest.Where(e => e.Status is DocumentStatus.Review or DocumentStatus.Rejected).ToList();
        if (attention.Count > 0)
        {
            var todo = new Table().Border(TableBorder.Simple).Title("Needs a person");
            todo.AddColumn("source").AddColumn("pages").AddColumn("status").AddColumn("why");
            foreach (var e in attention.Take(50))
                todo.AddRow(Markup.Escape(e.Source), $"{e.FirstPage}-{e.LastPage}", e.Status.ToString().ToLowerInvariant(),
                    Markup.Escape(string.Join("; ", e.Reasons.Select(ReasonCodes.Explain))));
            if (attention.Count > 50) todo.AddRow($"... {attention.Count - 50} more", "", "", "");
            AnsiConsole.Write(todo);
        }
        AnsiConsole.MarkupLine($"Archive: [blue]{Markup.Escape(archive)}[/]   Manifest: [blue]{Markup.Escape(manifestPath)}[/]");
        AnsiConsole.MarkupLine($"Review queue: [blue]{Markup.Escape(Path.Combine(archive, "_review"))}[/]   Quarantine: [blue]{Markup.Escape(Path.Combine(archive, "_quarantine"))}[/]");
    }
}
