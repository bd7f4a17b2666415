using CaptureChain.Classifier.Typing;
using CaptureChain.Ocr;
using CaptureChain.Pipeline.Training;
using Spectre.Console;

namespace CaptureChain.Host.Cli;

/// <summary><c>train --samples DIR --model FILE</c>: trains the document-type model and reports held-out metrics.</summary>
public static class TrainCommand
{
    public static async Task<int> RunAsync(CommandLine line, CancellationToken ct)
    {
        var samples = line.Require("samples");
        var modelPath = line.Require("model");
        var workers = line.GetInt("workers", 1, 256) ?? Environment.ProcessorCount;
        var version = line.Get("version");
        var holdout = line.Get("holdout") is { } h
            ? double.TryParse(h, System.Globalization.CultureInfo.InvariantCulture, out var v) && v is > 0.05 and < 0.95 ? v
                : throw new UsageException("--holdout takes a share between 0.05 and 0.95")
            : 0.2;
        var algorithm = line.Get("algorithm") switch
        {
            null or "sdca" => TypeTrainerAlgorithm.SdcaMaximumEntropy,
            "lbfgs" => TypeTrainerAlgorithm.LbfgsMaximumEntropy,
            var other => throw new UsageException($"--algorithm takes sdca or lbfgs, not '{other}'"),
        };
        line.RejectUnknown();
        if (!Directory.Exists(samples)) throw new RunCannotProceedException($"Samples folder '{samples}' does not exist.");

        using var engines = new OcrEnginePool(new OcrOptions(), workers);
        var total = SampleTexts.TypeFolders(samples).Sum(d => Directory.EnumerateFiles(d).Count());
        AnsiConsole.MarkupLine($"Reading {total} samples with {workers} OCR engines...");
        var (texts, unreadable) = await SampleTexts.ReadAsync(samples, engines, new Progress<int>(n =>
        {
            if (n % 50 == 0) AnsiConsole.MarkupLine($"  {n}/{total}");
        }), ct);
        foreach (var u in unreadable) AnsiConsole.MarkupLine($"[yellow]skipped[/] {Markup.Escape(u.Path)}: {u.Reason}");
        if (texts.Select(t => t.DocumentType).Distinct().Count() < 2)
            throw new RunCannotProceedException("Training needs samples of at least two document types (DIR/<document_type>/*).");

        var result = DocumentTypeTrainer.Train(texts, new TrainingOptions { ModelVersion = version, ValidationFraction = holdout, Algorithm = algorithm }, ct);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(modelPath))!);
        result.Model.Save(modelPath);
        result.Model.Dispose();
        AnsiConsole.WriteLine(result.Report.ToText());
        AnsiConsole.MarkupLine($"Model [green]{Markup.Escape(result.Model.Metadata.ModelVersion)}[/] saved to {Markup.Escape(modelPath)} ({new FileInfo(modelPath).Length / 1024} KiB)");
        return 0;
    }
}
