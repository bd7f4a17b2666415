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
            var firstPages = line.Get("pages") switch
            {
                null or "all" => false,
                "first" => true,
                var other => throw new UsageException($"--pages takes all (whole documents) or first (first pages only), not '{other}'"),
            };
            line.RejectUnknown();
            var counts = CorpusGenerator.GenerateTrainingSamples(output, perType, seed, ct, firstPages);
            AnsiConsole.MarkupLine($"Wrote {counts.Values.Sum()} samples of {counts.Count} types to [blue]{Markup.Escape(output)}[/]");
            return Task.FromResult(0);
        }
        var documents = line.GetInt("documents", 1, 1_000_000) ?? 150;
        var unseparated = line.Get("unseparated") is { } share
            ? double.TryParse(share, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var u) && u is >= 0 and <= 1 ? u
                : throw new UsageException("--unseparated takes a share of input files between 0 and 1")
            : 0;
        line.RejectUnknown();
        var result = CorpusGenerator.Generate(new CorpusOptions(output, seed, documents, UnseparatedShare: unseparated), ct);
        AnsiConsole.MarkupLine($"Wrote {result.Documents.Count} documents in {result.FileCount} files ({result.PageCount} pages) to "
            + $"[blue]{Markup.Escape(result.InboxDirectory)}[/] in {result.Elapsed.TotalSeconds:F1} s; registry {Markup.Escape(result.RegistryPath)}, truth {Markup.Escape(result.TruthPath)}");
        return Task.FromResult(0);
    }
}
