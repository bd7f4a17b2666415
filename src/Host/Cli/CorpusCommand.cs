using CaptureChain.Corpus;
using Spectre.Console;

namespace CaptureChain.Host.Cli;

/// <summary><c>corpus</c>: generates a labelled corpus (inbox, registry, truth) or training samples.</summary>
public static class CorpusCommand
{
    public static Task<int> RunAsync(CommandLine line, CancellationToken ct)
    {
        var output = line.Require("out");
        var seed = line.GetInt("seed", 0, int.MaxValue) ?? 1;
        if (line.Has("samples"))
        {
            var perType = line.GetInt("per-type", 1, 10_000) ?? 40;
            line.RejectUnknown();
            var counts = CorpusGenerator.GenerateTrainingSamples(output, perType, seed, ct);
            AnsiConsole.MarkupLine($"Wrote {counts.Values.Sum()} samples of {counts.Count} types to [blue]{Markup.Escape(output)}[/]");
            return Task.FromResult(0);
        }
        var documents = line.GetInt("documents", 1, 1_000_000) ?? 150;
        line.RejectUnknown();
        var result = CorpusGenerator.Generate(new CorpusOptions(output, seed, documents), ct);
        AnsiConsole.MarkupLine($"Wrote {result.Documents.Count} documents in {result.FileCount} files ({result.PageCount} pages) to "
            + $"[blue]{Markup.Escape(result.InboxDirectory)}[/] in {result.Elapsed.TotalSeconds:F1} s; registry {Markup.Escape(result.RegistryPath)}, truth {Markup.Escape(result.TruthPath)}");
        return Task.FromResult(0);
    }
}
