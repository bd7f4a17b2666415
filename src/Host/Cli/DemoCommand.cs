using CaptureChain.Corpus;
using CaptureChain.Host.Evaluation;
using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Records;
using Spectre.Console;

namespace CaptureChain.Host.Cli;

/// <summary>
/// <c>demo</c>: on the embedded defaults (SQLite, local folders), generates a small batch of scanned social-aid
/// documents with their registry, runs it end to end and prints the batch report and where everything went.
/// </summary>
public static class DemoCommand
{
    public static async Task<int> RunAsync(CommandLine line, CancellationToken ct)
    {
        var root = Path.GetFullPath(line.Get("out") ?? "demo");
        var documents = line.GetInt("documents", 1, 10_000) ?? 24;
        var seed = line.GetInt("seed", 0, int.MaxValue) ?? 2026;
        line.RejectUnknown();

        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        AnsiConsole.MarkupLine($"[bold]CaptureChain demo[/] in {Markup.Escape(root)}");
        var corpus = CorpusGenerator.Generate(new CorpusOptions(Path.Combine(root, "corpus"), seed, documents), ct);
        AnsiConsole.MarkupLine($"Generated {corpus.Documents.Count} documents in {corpus.FileCount} scanned files ({corpus.PageCount} pages, "
            + "with cover and separator sheets, blank duplex backs, homonyms and people missing from the registry).");

        var archive = Path.Combine(root, "archive");
        var manifest = Path.Combine(archive, "manifest.jsonl");
        var options = new CaptureOptions(archive, corpus.RegistryPath, DataFolder.ShippedModel);
        await using var run = await ProcessCommand.Open(options, ct);
        var report = await BatchConsole.RunWithProgressAsync(p => run.ProcessInboxAsync(corpus.InboxDirectory, CaptureDefaults.None, p, ct), ct);
        var entries = await run.WriteManifestAsync(corpus.InboxDirectory, manifest, ct);
        BatchConsole.PrintReport(report, entries, archive, manifest);

        AnsiConsole.MarkupLine("[bold]Measured against the corpus's ground truth:[/]");
        EvaluateCommand.Print(await CorpusEvaluation.EvaluateAsync(corpus.TruthPath, manifest, corpus.InboxDirectory, ct), details: false);
        AnsiConsole.MarkupLine("Case folders are under the archive; documents waiting for a person are in [blue]archive/_review[/] "
            + "(the review web page comes with [bold]./capturechain serve[/]).");
        return 0;
    }
}
