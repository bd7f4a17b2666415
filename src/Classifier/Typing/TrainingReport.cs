using System.Globalization;
using System.Text;
using CaptureChain.Classifier.Separation;

namespace CaptureChain.Classifier.Typing;

/// <summary>How a threshold was chosen.</summary>
public enum ThresholdSource
{
    /// <summary>Lowest confidence at which out-of-fold precision reached the target.</summary>
    Measured,

    /// <summary>Too few documents of the type to measure a threshold: the strict default.</summary>
    DefaultFewSamples,

    /// <summary>Even the most confident predictions missed the target: nothing of this type is accepted automatically.</summary>
    TargetUnreachable,
}

/// <summary>Results of one type. Precision and recall are measured on held-out documents the model never saw.</summary>
/// <param name="ThresholdDocuments">Out-of-fold predictions of the type the threshold was chosen on.</param>
/// <param name="PrecisionAtThreshold">Held-out precision of the predictions of this type at or above the threshold.</param>
/// <param name="RecallAtThreshold">Held-out share of the type's documents typed automatically (right type, above threshold).</param>
/// <param name="PrecisionLowerBound95">95 % Wilson lower bound of <paramref name="PrecisionAtThreshold"/>.</param>
/// <param name="OutOfFoldPrecisionAtThreshold">Precision at the threshold on the out-of-fold predictions it was chosen on.</param>
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
    double PrecisionLowerBound95,
    int ThresholdDocuments = 0,
    double OutOfFoldPrecisionAtThreshold = 0);

/// <summary>Counts of held-out documents by actual type (rows) and predicted type (columns), both in <see cref="Types"/> order.</summary>
public sealed record ConfusionMatrix(IReadOnlyList<string> Types, IReadOnlyList<IReadOnlyList<int>> Counts);

/// <summary>
/// What training measured: thresholds and calibration were chosen on out-of-fold predictions of the training
/// documents (cross-fitting); every figure called held-out comes from documents kept out of all of that, so it is an
/// honest estimate of what the model does on new documents. Warnings say plainly when the data is too thin.
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
    /// <summary>Folds of the cross-fitting that chose thresholds and calibration (0: chosen on the held-out documents).</summary>
    public int CrossValidationFolds { get; init; }

    /// <summary>Samples labelled on the review page (always trained on, weighted up).</summary>
    public int CorrectionCount { get; init; }

    /// <summary>The calibration of the confidences.</summary>
    public TypeCalibration Calibration { get; init; } = TypeCalibration.Identity;

    /// <summary>Expected calibration error on held-out documents before calibration.</summary>
    public double HeldOutCalibrationErrorBefore { get; init; }

    /// <summary>Confidence against accuracy on held-out documents, after calibration.</summary>
    public ReliabilityTable? Reliability { get; init; }

    /// <summary>95 % Wilson lower bound of <see cref="AutomaticPrecision"/>.</summary>
    public double AutomaticPrecisionLowerBound95 { get; init; }

    /// <summary>Held-out documents typed automatically with the wrong type.</summary>
    public int AutomaticErrors { get; init; }

    /// <summary>All-correct held-out predictions needed before the 95 % lower bound of precision can reach the target.</summary>
    public int DocumentsNeededForTarget { get; init; }

    /// <summary>The automatic-separation model's report; null when none was trained (see <see cref="SeparationNotTrainedBecause"/>).</summary>
    public SeparationReport? Separation { get; init; }

    /// <summary>Why no separation model was trained.</summary>
    public string? SeparationNotTrainedBecause { get; init; }

    /// <summary>A one-sentence honest verdict: how much of the figures can be trusted.</summary>
    public string Verdict
    {
        get
        {
            var inv = CultureInfo.InvariantCulture;
            if (ValidationSampleCount == 0) return "No held-out documents: nothing was measured; do not rely on this model.";
            var automatic = (int)Math.Round(AutomaticShare * ValidationSampleCount);
            if (AutomaticPrecisionLowerBound95 >= PrecisionTarget)
                return string.Create(inv, $"On {ValidationSampleCount} held-out documents, {AutomaticShare:P1} were typed automatically with precision {AutomaticPrecision:P2}; the 95% lower bound {AutomaticPrecisionLowerBound95:P2} meets the {PrecisionTarget:P1} target.");
            return string.Create(inv, $"On {ValidationSampleCount} held-out documents, {AutomaticShare:P1} were typed automatically ({automatic}) with precision {AutomaticPrecision:P2}, but that is too few to establish the {PrecisionTarget:P1} target: the 95% lower bound is {AutomaticPrecisionLowerBound95:P1} (about {DocumentsNeededForTarget} correct held-out documents would be needed). Treat the thresholds as provisional and check automatic filings (quality sampling).");
        }
    }

    /// <summary>A plain-text summary for the CLI and logs (no personal data: only counts and type names).</summary>
    public string ToText()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"Model: {Algorithm}, {Features} features, {ModelSizeBytes / 1024.0:F0} KiB, trained in {TrainingSeconds:F1} s");
        sb.AppendLine(inv, $"Samples: {TrainingSampleCount} for training ({CorrectionCount} from review corrections), {ValidationSampleCount} held out for validation");
        sb.AppendLine(CrossValidationFolds > 0
            ? string.Create(inv, $"Thresholds and calibration chosen on {CrossValidationFolds}-fold out-of-fold predictions of the training samples; held-out figures are from documents never used for any choice")
            : "Thresholds and calibration chosen on the held-out documents (too few samples for cross-fitting): held-out figures at the thresholds are optimistic");
        sb.AppendLine(inv, $"Held-out accuracy {Accuracy:P1}; macro precision {MacroPrecision:P1}, macro recall {MacroRecall:P1}");
        sb.AppendLine(inv, $"At the thresholds: {AutomaticShare:P1} of held-out documents typed automatically, precision {AutomaticPrecision:P2} ({AutomaticErrors} wrong; 95% lower bound {AutomaticPrecisionLowerBound95:P1}; target {PrecisionTarget:P1})");
        sb.AppendLine(inv, $"Calibration: {Calibration}; held-out expected calibration error {HeldOutCalibrationErrorBefore:P2} before, {Reliability?.ExpectedCalibrationError ?? 0:P2} after");
        sb.AppendLine(inv, $"Vocabulary guard: texts with under {MinimumVocabularyCoverage:P0} known words go to review ({HeldOutBelowCoverageShare:P1} of held-out documents did)");
        sb.AppendLine("type                      train  valid  precision  recall  threshold  source             oof docs  oof prec  prec@thr  recall@thr  prec.lower95");
        foreach (var m in PerType)
            sb.AppendLine(inv, $"{m.DocumentType,-25} {m.TrainingSamples,5}  {m.ValidationSamples,5}  {m.Precision,9:P1}  {m.Recall,6:P1}  {m.Threshold,9:F3}  {m.ThresholdSource,-17}  {m.ThresholdDocuments,8}  {m.OutOfFoldPrecisionAtThreshold,8:P1}  {m.PrecisionAtThreshold,8:P1}  {m.RecallAtThreshold,10:P1}  {m.PrecisionLowerBound95,12:P1}");
        sb.AppendLine("Confusion matrix (held out; rows: actual, columns: predicted):");
        var width = Math.Max(4, Confusion.Types.Select(t => t.Length).DefaultIfEmpty(4).Max() + 1);
        for (var i = 0; i < Confusion.Types.Count; i++)
            sb.AppendLine(inv, $"{Confusion.Types[i].PadRight(width)} {string.Join(' ', Confusion.Counts[i].Select(c => c.ToString(inv).PadLeft(4)))}");
        if (Reliability is { } reliability)
        {
            sb.AppendLine("Reliability (held out, calibrated confidence of the predicted type):");
            foreach (var line in reliability.ToLines()) sb.AppendLine("  " + line);
        }
        if (Separation is { } separation)
            foreach (var line in separation.ToLines()) sb.AppendLine(line);
        else if (SeparationNotTrainedBecause is { } why)
            sb.AppendLine("Automatic separation not trained: " + why + ". Files are cut at separator sheets only.");
        foreach (var w in Warnings) sb.AppendLine("Warning: " + w);
        sb.AppendLine("Verdict: " + Verdict);
        return sb.ToString();
    }

    /// <summary>The same report as Markdown, saved next to the model.</summary>
    public string ToMarkdown(string modelVersion)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# Document-type model {modelVersion}");
        sb.AppendLine();
        sb.AppendLine("**Verdict.** " + Verdict);
        sb.AppendLine();
        sb.AppendLine(inv, $"- Learner: {Algorithm}, {Features} features, {ModelSizeBytes / 1024.0:F0} KiB, trained in {TrainingSeconds:F1} s");
        sb.AppendLine(inv, $"- Samples: {TrainingSampleCount} for training ({CorrectionCount} review corrections), {ValidationSampleCount} held out");
        sb.AppendLine(inv, $"- Thresholds and calibration: {(CrossValidationFolds > 0 ? $"{CrossValidationFolds}-fold out-of-fold predictions of the training samples" : "held-out documents")}; precision target {PrecisionTarget:P1}");
        sb.AppendLine(inv, $"- Held-out accuracy {Accuracy:P2}; macro precision {MacroPrecision:P2}; macro recall {MacroRecall:P2}");
        sb.AppendLine(inv, $"- At the thresholds: {AutomaticShare:P1} typed automatically, precision {AutomaticPrecision:P2} ({AutomaticErrors} wrong), 95% lower bound {AutomaticPrecisionLowerBound95:P2}");
        sb.AppendLine(inv, $"- Calibration: {Calibration}; expected calibration error {HeldOutCalibrationErrorBefore:P2} before, {Reliability?.ExpectedCalibrationError ?? 0:P2} after");
        sb.AppendLine();
        sb.AppendLine("## Per type (held out)");
        sb.AppendLine();
        sb.AppendLine("| type | train | held out | precision | recall | threshold | source | out-of-fold docs | precision at threshold | recall at threshold | 95% lower bound |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |");
        foreach (var m in PerType)
            sb.AppendLine(inv, $"| {m.DocumentType} | {m.TrainingSamples} | {m.ValidationSamples} | {m.Precision:P1} | {m.Recall:P1} | {m.Threshold:F3} | {m.ThresholdSource} | {m.ThresholdDocuments} | {m.PrecisionAtThreshold:P1} | {m.RecallAtThreshold:P1} | {m.PrecisionLowerBound95:P1} |");
        sb.AppendLine();
        sb.AppendLine("## Confusion matrix (held out; rows actual, columns predicted)");
        sb.AppendLine();
        sb.AppendLine("| actual \\ predicted | " + string.Join(" | ", Confusion.Types) + " |");
        sb.AppendLine("| --- |" + string.Concat(Enumerable.Repeat(" ---: |", Confusion.Types.Count)));
        for (var i = 0; i < Confusion.Types.Count; i++)
            sb.AppendLine($"| {Confusion.Types[i]} | " + string.Join(" | ", Confusion.Counts[i].Select(c => c.ToString(inv))) + " |");
        if (Reliability is { } reliability)
        {
            sb.AppendLine();
            sb.AppendLine("## Reliability (held out, calibrated)");
            sb.AppendLine();
            sb.AppendLine("| confidence | documents | mean confidence | accuracy | 95% interval |");
            sb.AppendLine("| --- | ---: | ---: | ---: | --- |");
            foreach (var b in reliability.Bins)
                sb.AppendLine(inv, $"| [{b.Lower:0.000}, {b.Upper:0.000}) | {b.Count} | {b.MeanConfidence:P1} | {b.Accuracy:P1} | {b.AccuracyLower95:P1} – {b.AccuracyUpper95:P1} |");
            sb.AppendLine();
            sb.AppendLine(inv, $"Expected calibration error: {reliability.ExpectedCalibrationError:P2}.");
        }
        sb.AppendLine();
        sb.AppendLine("## Automatic separation");
        sb.AppendLine();
        if (Separation is { } separation)
            foreach (var line in separation.ToLines()) sb.AppendLine("- " + line.Trim());
        else
            sb.AppendLine("Not trained: " + (SeparationNotTrainedBecause ?? "not requested") + ". Files are cut at separator sheets only.");
        if (Warnings.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Warnings");
            sb.AppendLine();
            foreach (var w in Warnings) sb.AppendLine("- " + w);
        }
        return sb.ToString();
    }
}

/// <summary>A trained model and the report of its training.</summary>
public sealed record TrainingResult(DocumentTypeModel Model, TrainingReport Report)
{
    /// <summary>What the model was trained and measured on (sample identities, types and splits).</summary>
    public TrainingDataManifest? Data { get; init; }

    /// <summary>The held-out samples, to compare this model with another on documents neither trained on.</summary>
    public IReadOnlyList<LabelledText> HeldOut { get; init; } = [];
}

/// <summary>One sample the model saw or was measured on.</summary>
/// <param name="Split"><c>train</c> or <c>held_out</c>.</param>
public sealed record TrainingDataEntry(string? SampleId, string? SourceName, string DocumentType, string Split, bool Correction, int Pages);

/// <summary>The data a model version saw: one entry per sample, with the file's SHA-256 (never its text).</summary>
public sealed record TrainingDataManifest(string ModelVersion, IReadOnlyList<TrainingDataEntry> Samples)
{
    /// <summary>Sample identities used for training (to find documents another model never trained on).</summary>
    public IReadOnlySet<string> TrainedIds() =>
        Samples.Where(s => s.Split == "train" && s.SampleId is not null).Select(s => s.SampleId!).ToHashSet(StringComparer.Ordinal);
}
