using System.Globalization;
using CaptureChain.Classifier.Typing;
using CaptureChain.Classifier.Versions;
using CaptureChain.Ocr;
using CaptureChain.Pipeline.Training;
using Spectre.Console;

namespace CaptureChain.Host.Cli;

/// <summary>
/// <c>train --samples DIR --model FILE</c>: trains the document-type model (and, from multi-page samples, the
/// automatic-separation model) on <c>DIR/&lt;document_type&gt;/*</c>, prints the held-out report, writes the model with
/// its report (<c>.report.json</c>, <c>.report.md</c>) and data manifest (<c>.data.json</c>) next to it, registers the
/// version in the model registry and makes it active only when it is at least as good as the active one.
/// </summary>
public static class TrainCommand
{
    public static async Task<int> RunAsync(CommandLine line, CancellationToken ct)
    {
        var samples = line.Require("samples");
        var modelPath = line.Get("model");
        var workers = line.GetInt("workers", 1, 256) ?? Environment.ProcessorCount;
        var version = line.Get("version");
        var holdout = Share(line, "holdout", 0.05, 0.95) ?? 0.2;
        var precision = Share(line, "precision", 0.5, 1) ?? 0.995;
        var folds = line.GetInt("folds", 0, 20) ?? 5;
        var registryRoot = line.Get("registry") ?? DataFolder.ModelRegistry;
        var noRegistry = line.Has("no-registry");
        var algorithm = line.Get("algorithm") switch
        {
            null or "sdca" => TypeTrainerAlgorithm.SdcaMaximumEntropy,
            "lbfgs" => TypeTrainerAlgorithm.LbfgsMaximumEntropy,
            var other => throw new UsageException($"--algorithm takes sdca or lbfgs, not '{other}'"),
        };
        line.RejectUnknown();
        if (modelPath is null && noRegistry) throw new UsageException("--model FILE is required with --no-registry");
        if (version is not null && !ModelRegistry.IsValidVersion(version))
            throw new UsageException("--version takes letters, digits, '.', '-' and '_'");
        if (!Directory.Exists(samples)) throw new RunCannotProceedException($"Samples folder '{samples}' does not exist.");

        using var engines = new OcrEnginePool(new OcrOptions(), workers);
        var total = SampleTexts.Files(samples).Count;
        AnsiConsole.MarkupLine($"Reading {total} samples with {workers} OCR engines (text of unchanged samples comes from the OCR cache)...");
        var options = new TrainingOptions
        {
            ModelVersion = version ?? DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture),
            ValidationFraction = holdout,
            PrecisionTarget = precision,
            CrossValidationFolds = folds,
            Algorithm = algorithm,
        };
        TrainingRun run;
        try
        {
            run = await ModelTraining.TrainAsync(samples, modelPath, noRegistry ? null : new ModelRegistry(registryRoot), options, engines,
                new Progress<int>(n => { if (n % 50 == 0) AnsiConsole.MarkupLine($"  {n}/{total}"); }), ct);
        }
        catch (ArgumentException e)
        {
            throw new RunCannotProceedException(e.Message, e);
        }
        foreach (var u in run.Unreadable) AnsiConsole.MarkupLine($"[yellow]skipped[/] {Markup.Escape(u.Path)}: {u.Reason}");
        var model = run.Result.Model;
        // Plain console output: the report's tables must not be wrapped at 80 columns when the output is redirected.
        Console.WriteLine(run.Result.Report.ToText());
        if (run.ModelPath is { } path)
            Console.WriteLine($"Model {model.Metadata.ModelVersion} saved to {path} ({new FileInfo(path).Length / 1024} KiB), report and data manifest beside it");
        if (run.RegisteredFolder is { } folder)
            Console.WriteLine($"Registered in {folder}");
        if (run.Promotion is { } promotion)
            Console.WriteLine(promotion.Promoted
                ? $"Active model is now {model.Metadata.ModelVersion}: {promotion.Reason}"
                : $"Not promoted: {promotion.Reason}");
        model.Dispose();
        return 0;
    }

    private static double? Share(CommandLine line, string name, double min, double max) =>
        line.Get(name) is { } text
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v
                : throw new UsageException($"--{name} takes a number between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}")
            : null;
}
