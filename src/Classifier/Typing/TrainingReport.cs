using System.Globalization;
using System.Text;

namespace CaptureChain.Classifier.Typing;

/// <summary>How a threshold was chosen.</summary>
public enum ThresholdSource
{
    /// <summary>Lowest confidence at which held-out precision reached the target.</summary>
    Measured,

    /// <summary>Too few held-out documents: the strict default.</summary>
    DefaultFewSamples,

    /// <summary>Even the most confident held-out predictions missed the target: nothing of this type is accepted automatically.</summary>
    TargetUnreachable,
}

/// <summary>Held-out results of one type.</summary>
public sealed record TypeMetrics(
    string DocumentType,
    int TrainingSamples,
    int ValidationSamples,
    double Precision,
    double Recall,
    float Threshold,
    ThresholdSource ThresholdSource,
    double PrecisionAtThreshold,
    double RecallAtThreshold,
    double PrecisionLowerBound95);

/// <summary>Counts of held-out documents by actual type (rows) and predicted type (columns), both in <see cref="Types"/> order.</summary>
public sealed record ConfusionMatrix(IReadOnlyList<string> Types, IReadOnlyList<IReadOnlyList<int>> Counts);

/// <summary>
/// What training measured on held-out documents: accuracy, per-type precision/recall and thresholds, confusion
/// matrix, and plain warnings when the data is too thin to trust the numbers.
/// </summary>
public sealed record TrainingReport(
    string Algorithm,
    string Features,
    int TrainingSampleCount,
    int ValidationSampleCount,
    double Accuracy,
    double MacroPrecision,
    double MacroRecall,
    double AutomaticShare,
    double AutomaticPrecision,
    double PrecisionTarget,
    double MinimumVocabularyCoverage,
    double HeldOutBelowCoverageShare,
    IReadOnlyList<TypeMetrics> PerType,
    ConfusionMatrix Confusion,
    IReadOnlyList<string> Warnings,
    long ModelSizeBytes,
    double TrainingSeconds)
{
    /// <summary>A plain-text summary for the CLI and logs (no personal data: only counts and type names).</summary>
    public string ToText()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"Model: {Algorithm}, {Features} features, {ModelSizeBytes / 1024.0:F0} KiB, trained in {TrainingSeconds:F1} s");
        sb.AppendLine(inv, $"Samples: {TrainingSampleCount} for training, {ValidationSampleCount} held out for validation");
        sb.AppendLine(inv, $"Held-out accuracy {Accuracy:P1}; macro precision {MacroPrecision:P1}, macro recall {MacroRecall:P1}");
        sb.AppendLine(inv, $"At the thresholds: {AutomaticShare:P1} of held-out documents typed automatically, precision {AutomaticPrecision:P2} (target {PrecisionTarget:P1})");
        sb.AppendLine(inv, $"Vocabulary guard: texts with under {MinimumVocabularyCoverage:P0} known words go to review ({HeldOutBelowCoverageShare:P1} of held-out documents did)");
        sb.AppendLine("type                      train  valid  precision  recall  threshold  source             prec@thr  recall@thr  prec.lower95");
        foreach (var m in PerType)
            sb.AppendLine(inv, $"{m.DocumentType,-25} {m.TrainingSamples,5}  {m.ValidationSamples,5}  {m.Precision,9:P1}  {m.Recall,6:P1}  {m.Threshold,9:F3}  {m.ThresholdSource,-17}  {m.PrecisionAtThreshold,8:P1}  {m.RecallAtThreshold,10:P1}  {m.PrecisionLowerBound95,12:P1}");
        sb.AppendLine("Confusion matrix (rows: actual, columns: predicted):");
        var width = Math.Max(4, Confusion.Types.Max(t => t.Length) + 1);
        for (var i = 0; i < Confusion.Types.Count; i++)
            sb.AppendLine(inv, $"{Confusion.Types[i].PadRight(width)} {string.Join(' ', Confusion.Counts[i].Select(c => c.ToString(inv).PadLeft(4)))}");
        foreach (var w in Warnings) sb.AppendLine("Warning: " + w);
        return sb.ToString();
    }
}

/// <summary>A trained model and the report of its training.</summary>
public sealed record TrainingResult(DocumentTypeModel Model, TrainingReport Report);
