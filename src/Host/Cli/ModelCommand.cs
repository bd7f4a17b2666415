using System.Globalization;
using CaptureChain.Classifier.Versions;
using Spectre.Console;

namespace CaptureChain.Host.Cli;

/// <summary>
/// <c>model list | promote VERSION | rollback [--registry DIR]</c>: the registered document-type model versions, which
/// one is active, making one active by hand, and going back to the previously active one.
/// </summary>
public static class ModelCommand
{
    public static Task<int> RunAsync(CommandLine line, CancellationToken ct)
    {
        var registry = new ModelRegistry(line.Get("registry") ?? DataFolder.ModelRegistry);
        var verb = line.Positional.FirstOrDefault() ?? throw new UsageException("model takes list, promote VERSION or rollback");
        line.RejectUnknown();
        ct.ThrowIfCancellationRequested();
        switch (verb)
        {
            case "list":
                var versions = registry.List();
                if (versions.Count == 0)
                {
                    AnsiConsole.MarkupLine($"No registered model in {Markup.Escape(registry.Root)}; the shipped model is used ({Markup.Escape(DataFolder.ShippedModel)}).");
                    return Task.FromResult(0);
                }
                var inv = CultureInfo.InvariantCulture;
                Console.WriteLine("  version                   created (UTC)         types  train  held out  accuracy  automatic  precision  separation");
                foreach (var v in versions)
                    Console.WriteLine(string.Create(inv,
                        $"{(v.IsActive ? "*" : " ")} {v.Version,-25} {v.CreatedUtc:yyyy-MM-dd HH:mm}  {v.Types,6}  {v.TrainingSamples,5}  {v.HeldOutSamples,8}  {v.HeldOutAccuracy,8:P1}  {v.AutomaticShare,9:P1}  {v.AutomaticPrecision,9:P2}  {(v.HasSeparation ? "yes" : "no"),10}"));
                AnsiConsole.MarkupLine(registry.ActiveVersion is { } active ? $"Active: [green]{Markup.Escape(active)}[/] (* above)" : "No active model: the shipped model is used.");
                return Task.FromResult(0);
            case "promote":
                var version = line.Positional.ElementAtOrDefault(1) ?? throw new UsageException("model promote takes a VERSION (see model list)");
                try { registry.Promote(version, "promoted by hand"); }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException) { throw new RunCannotProceedException(e.Message, e); }
                AnsiConsole.MarkupLine($"Active model is now [green]{Markup.Escape(version)}[/].");
                return Task.FromResult(0);
            case "rollback":
                try
                {
                    var now = registry.Rollback("rolled back by hand");
                    AnsiConsole.MarkupLine($"Rolled back: active model is now [green]{Markup.Escape(now)}[/].");
                }
                catch (InvalidOperationException e) { throw new RunCannotProceedException(e.Message, e); }
                return Task.FromResult(0);
            default:
                throw new UsageException($"unknown model command '{verb}' (list, promote VERSION, rollback)");
        }
    }
}
