using System.Text.Json;
using CaptureChain.Classifier.Typing;
using CaptureChain.Classifier.Versions;
using CaptureChain.Filing.Store;
using CaptureChain.Ocr;

namespace CaptureChain.Pipeline.Training;

/// <summary>What one retraining did: whether it trained, why (or why not), and the training run with its promotion decision.</summary>
/// <param name="Examples">Review decisions exported as labelled samples (all of them, so a later decision wins).</param>
/// <param name="NewExamples">Decisions made since the previous retraining.</param>
public sealed record RetrainingOutcome(bool Trained, string Reason, int Examples, int NewExamples, TrainingRun? Run)
{
    /// <summary>True when the new model became the active one.</summary>
    public bool Promoted => Run?.Promotion?.Promoted == true;
}

/// <summary>
/// Learning from the review desk, as the scheduled retraining job (and <c>model retrain</c>) runs it: every labelled
/// example the reviewers produced is written into the deployment's samples folder (weighted up by the trainer), a new
/// model is trained and registered, and it becomes the active one only when it is at least as good on held-out
/// documents. Nothing is trained when no decision was made since the last retraining.
/// </summary>
public static class ModelRetraining
{
    /// <summary>The registry file remembering the last review decision a retraining saw.</summary>
    public const string StateFile = "retraining.json";

    private sealed record State(long LastExampleId, DateTimeOffset At, string? Version);

    /// <summary>Runs one retraining; <paramref name="force"/> trains even without new decisions.</summary>
    public static async Task<RetrainingOutcome> RunAsync(ICaptureStore store, string samplesDirectory, ModelRegistry registry, TrainingOptions options,
        OcrEnginePool engines, bool force, IProgress<int>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(registry);
        if (!Directory.Exists(samplesDirectory))
            throw new DirectoryNotFoundException($"Samples folder '{samplesDirectory}' does not exist (the deployment's training samples, DIR/<document_type>/*).");
        var examples = await store.ListTrainingExamplesAsync(0, ct).ConfigureAwait(false);
        var last = ReadState(registry);
        var fresh = examples.Count(e => e.Id > (last?.LastExampleId ?? 0));
        if (fresh == 0 && !force)
            return new RetrainingOutcome(false, "no review decision since the last retraining", examples.Count, 0, null);

        // The review item id names the sample: a document decided twice (a quality sample corrected later) keeps one label.
        ModelTraining.ExportCorrections(examples.Select(e => new CorrectionExample(e.ReviewItemId, e.DocumentType, e.Text)), samplesDirectory);
        var run = await ModelTraining.TrainAsync(samplesDirectory, null, registry, options, engines, progress, ct).ConfigureAwait(false);
        WriteState(registry, new State(examples.Count == 0 ? last?.LastExampleId ?? 0 : examples.Max(e => e.Id), DateTimeOffset.UtcNow,
            run.Result.Model.Metadata.ModelVersion));
        var reason = run.Promotion?.Reason ?? "registered";
        return new RetrainingOutcome(true, reason, examples.Count, fresh, run);
    }

    private static State? ReadState(ModelRegistry registry)
    {
        var path = Path.Combine(registry.Root, StateFile);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<State>(File.ReadAllText(path)); }
        catch (JsonException) { return null; } // a damaged marker only costs one retraining
    }

    private static void WriteState(ModelRegistry registry, State state)
    {
        Directory.CreateDirectory(registry.Root);
        var path = Path.Combine(registry.Root, StateFile);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(state));
        File.Move(temporary, path, overwrite: true);
    }
}
