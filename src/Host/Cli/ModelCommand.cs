using System.Globalization;
using CaptureChain.Classifier.Versions;
using Spectre.Console;

namespace CaptureChain.Host.Cli;

/// <summary>
/// <c>model list | promote VERSION | rollback | retrain [--registry DIR]</c>: the registered document-type model
/// versions, which one is active, making one active by hand, going back to the previously active one, and learning from
/// the review desk's decisions now (what the scheduled retraining job does).
/// </summary>
public static class ModelCommand
{
    public static Task<int> RunAsync(CommandLine line, CancellationToken ct)
    {
        var registry = new ModelRegistry(line.Get("registry") ?? DataFolder.ModelRegistry);
        var verb = line.Positional.FirstOrDefault() ?? throw new UsageException("model takes list, promote VERSION, rollback or retrain");
        if (verb == "retrain") return RetrainAsync(line, registry, ct);
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
                throw new UsageException($"unknown model command '{verb}' (list, promote VERSION, rollback, retrain)");
        }
    }

    /// <summary>
    /// <c>model retrain --samples DIR (--archive DIR | --store S) [--force] [--precision P] [--workers N]</c>: exports the
    /// review desk's labelled decisions into the samples folder, trains, registers, promotes when at least as good.
    /// </summary>
    private static async Task<int> RetrainAsync(CommandLine line, ModelRegistry registry, CancellationToken ct)
    {
        var samples = line.Require("samples");
        var archive = line.Get("archive");
        var storeSpec = line.Get("store") ?? (archive is null ? null : Path.Combine(archive, ".capturechain", "capture.db"));
        var force = line.Has("force");
        var workers = line.GetInt("workers", 1, 256) ?? Environment.ProcessorCount;
        var precision = line.Get("precision") is { } p
            ? double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0.5 and <= 1 ? v
                : throw new UsageException("--precision takes a number between 0.5 and 1")
            : 0.995;
        line.RejectUnknown();
        if (storeSpec is null) throw new UsageException("model retrain needs --archive DIR or --store S (where the review decisions are)");

        await using var store = await Filing.Store.CaptureStores.OpenAsync(storeSpec, TimeProvider.System, ct);
        using var engines = new Ocr.OcrEnginePool(new Ocr.OcrOptions(), workers);
        var options = new Classifier.Typing.TrainingOptions
        {
            ModelVersion = "retrained-" + DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture),
            PrecisionTarget = precision,
        };
        Pipeline.Training.RetrainingOutcome outcome;
        try { outcome = await Pipeline.Training.ModelRetraining.RunAsync(store, samples, registry, options, engines, force, null, ct); }
        catch (Exception e) when (e is ArgumentException or DirectoryNotFoundException) { throw new RunCannotProceedException(e.Message, e); }
        using (outcome.Run?.Result.Model)
        {
            if (!outcome.Trained)
            {
                Console.WriteLine($"Not retrained: {outcome.Reason} ({outcome.Examples} decisions in all; --force trains anyway).");
                return 0;
            }
            Console.WriteLine(outcome.Run!.Result.Report.ToText());
            Console.WriteLine($"Trained {outcome.Run.Result.Model.Metadata.ModelVersion} with {outcome.Examples} review decisions ({outcome.NewExamples} new).");
            Console.WriteLine(outcome.Promoted ? $"Active model is now {outcome.Run.Result.Model.Metadata.ModelVersion}: {outcome.Reason}" : $"Not promoted: {outcome.Reason}");
        }
        return 0;
    }
}
