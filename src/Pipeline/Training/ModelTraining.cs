using System.Text;
using CaptureChain.Classifier.Typing;
using CaptureChain.Classifier.Versions;
using CaptureChain.Ocr;

namespace CaptureChain.Pipeline.Training;

/// <summary>What one training run produced.</summary>
/// <param name="ModelPath">Where the model file was written (null when only registered).</param>
/// <param name="RegisteredFolder">The version folder in the registry (null without a registry).</param>
/// <param name="Promotion">Whether the new model became the active one, and why (null without a registry).</param>
public sealed record TrainingRun(
    TrainingResult Result, string? ModelPath, string? RegisteredFolder, PromotionDecision? Promotion, IReadOnlyList<UnreadableSample> Unreadable);

/// <summary>A labelled example from the review page, as the retraining job hands it over.</summary>
/// <param name="ExampleId">Stable id (the store's example or review-item id): the file name of the sample.</param>
/// <param name="Text">The document's OCR text, pages separated by form feeds.</param>
public sealed record CorrectionExample(string ExampleId, string DocumentType, string Text);

/// <summary>
/// The training workflow shared by <c>train</c> and the scheduled retraining job: read the samples folder (OCR with
/// its cache; <c>.txt</c> samples as they are), train and measure, write the model with its report and data manifest,
/// register the version and make it active only when it is at least as good as the active one on held-out documents.
/// </summary>
public static class ModelTraining
{
    /// <summary>Runs the workflow. <paramref name="modelPath"/> or <paramref name="registry"/> (or both) say where the model goes.</summary>
    public static async Task<TrainingRun> TrainAsync(string samplesDirectory, string? modelPath, ModelRegistry? registry, TrainingOptions options,
        OcrEnginePool engines, IProgress<int>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (modelPath is null && registry is null) throw new ArgumentException("Give a model path, a registry, or both.");
        var (texts, unreadable) = await SampleTexts.ReadAsync(samplesDirectory, engines, progress, ct).ConfigureAwait(false);
        if (texts.Select(t => t.DocumentType).Distinct(StringComparer.Ordinal).Count() < 2)
            throw new ArgumentException("Training needs samples of at least two document types (DIR/<document_type>/*).");
        if (registry is not null && options.ModelVersion is { } wanted && Directory.Exists(Path.Combine(registry.Root, wanted)))
            throw new ArgumentException($"Model version '{wanted}' is already registered: choose another --version.");

        var result = await Task.Run(() => DocumentTypeTrainer.Train(texts, options, ct), ct).ConfigureAwait(false);
        if (modelPath is not null)
        {
            result.Model.Save(modelPath);
            var folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
            ModelRegistry.WriteSidecars(folder, result, Path.GetFileNameWithoutExtension(modelPath) + ".");
        }
        string? registered = null;
        PromotionDecision? promotion = null;
        if (registry is not null)
        {
            registered = registry.Register(result);
            promotion = registry.PromoteIfBetter(result);
        }
        return new TrainingRun(result, modelPath, registered, promotion, unreadable);
    }

    /// <summary>
    /// Writes review-page examples into a samples folder as <c>&lt;type&gt;/review-&lt;id&gt;.txt</c> (OCR text, no new
    /// OCR needed), where the next training always trains on them and weighs them up. An example already written is
    /// overwritten (a later decision on the same document wins). Returns how many were written.
    /// </summary>
    public static int ExportCorrections(IEnumerable<CorrectionExample> examples, string samplesDirectory)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var written = 0;
        foreach (var example in examples)
        {
            if (!DocumentTaxonomy.IsValidSlug(example.DocumentType))
                throw new ArgumentException($"'{example.DocumentType}' is not a document type slug.", nameof(examples));
            var id = new string(example.ExampleId.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').ToArray());
            if (id.Length == 0) throw new ArgumentException("An example needs an id.", nameof(examples));
            // A corrected document may have been exported under its previous type: only the latest label stays.
            foreach (var stale in Directory.Exists(samplesDirectory)
                         ? SampleTexts.TypeFolders(samplesDirectory).Select(d => Path.Combine(d, $"{SampleTexts.CorrectionPrefix}{id}.txt")).Where(File.Exists).ToList()
                         : [])
                File.Delete(stale);
            var folder = Path.Combine(samplesDirectory, example.DocumentType);
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, $"{SampleTexts.CorrectionPrefix}{id}.txt");
            var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.tmp"); // hidden: never read as a sample
            File.WriteAllText(temporary, example.Text, new UTF8Encoding(false));
            File.Move(temporary, path, overwrite: true);
            written++;
        }
        return written;
    }
}
