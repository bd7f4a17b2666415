using CaptureChain.Host.Evaluation;
using Spectre.Console;

namespace CaptureChain.Host.Cli;

/// <summary><c>evaluate --truth FILE --manifest FILE --inbox DIR</c>: measures a run on a generated corpus.</summary>
public static class EvaluateCommand
{
    public static async Task<int> RunAsync(CommandLine line, CancellationToken ct)
    {
        var truth = line.Require("truth");
        var manifest = line.Require("manifest");
        var inbox = line.Get("inbox") ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(truth))!, "inbox");
        var details = line.Has("details");
        line.RejectUnknown();
        var evaluation = await CorpusEvaluation.EvaluateAsync(truth, manifest, inbox, ct);
        Print(evaluation, details);
        return 0;
    }

    /// <summary>Prints the figures and, with <paramref name="details"/>, every issue.</summary>
    public static void Print(CorpusEvaluation evaluation, bool details)
    {
        Console.WriteLine(evaluation.ToText()); // plain: long lines must not be wrapped when redirected
        var shown = details ? evaluation.Issues : evaluation.Issues.Where(i => i.Kind is "misfile" or "filed_wrong_pages" or "separation" or "missing_input").ToList();
        foreach (var issue in shown.Take(details ? int.MaxValue : 20))
            AnsiConsole.MarkupLine($"  [yellow]{issue.Kind}[/] {Markup.Escape(issue.Source)} {issue.FirstPage}-{issue.LastPage}: {Markup.Escape(issue.Detail)}");
    }
}
