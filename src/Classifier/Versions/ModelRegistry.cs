using System.Globalization;
using System.Text;
using System.Text.Json;
using CaptureChain.Classifier.Typing;

namespace CaptureChain.Classifier.Versions;

/// <summary>One registered model version.</summary>
public sealed record ModelVersionInfo(
    string Version,
    DateTimeOffset CreatedUtc,
    string ModelPath,
    bool IsActive,
    int Types,
    int TrainingSamples,
    int HeldOutSamples,
    double HeldOutAccuracy,
    double AutomaticShare,
    double AutomaticPrecision,
    bool HasSeparation);

/// <summary>How one model did on the documents of a comparison.</summary>
/// <param name="Utility">Automatic right answers minus the cost of automatic wrong ones (see <see cref="ModelComparison"/>).</param>
public sealed record ComparedModel(string Version, int Correct, int Automatic, int AutomaticWrong, double Utility);

/// <summary>
/// Two models on the same held-out documents (none of which either trained on). A wrong automatic decision costs
/// target / (1 − target) right ones (199 at 99.5 %), so a model that types more documents automatically at the target
/// precision scores higher, and one that buys volume with errors scores lower.
/// </summary>
public sealed record ModelComparison(int Documents, double PrecisionTarget, ComparedModel Candidate, ComparedModel Active)
{
    /// <summary>The candidate is at least as good as the active model.</summary>
    public bool CandidateAtLeastAsGood => Candidate.Utility >= Active.Utility;

    /// <summary>For the CLI and the history.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"on {Documents} held-out documents: candidate {Candidate.Version} {Candidate.Correct} right, {Candidate.Automatic} automatic ({Candidate.AutomaticWrong} wrong), utility {Candidate.Utility:F0}; " +
        $"active {Active.Version} {Active.Correct} right, {Active.Automatic} automatic ({Active.AutomaticWrong} wrong), utility {Active.Utility:F0}");
}

/// <summary>Whether a new model was made active, and why.</summary>
public sealed record PromotionDecision(bool Promoted, string Reason, ModelComparison? Comparison);

/// <summary>One line of the registry's history (<c>history.jsonl</c>).</summary>
public sealed record ModelHistoryEntry(DateTimeOffset At, string Action, string Version, string? Previous, string Reason);

/// <summary>
/// The model versions of a deployment, in a folder: <c>&lt;root&gt;/&lt;version&gt;/</c> holds <c>model.zip</c>, the
/// training report (<c>report.json</c>, <c>report.md</c>) and the manifest of the data the model saw
/// (<c>data.json</c>: sample hashes, types, splits); <c>&lt;root&gt;/active</c> names the version in force and
/// <c>history.jsonl</c> records every activation, so a rollback is one step back. Writes are atomic (temporary file,
/// then rename).
/// </summary>
public sealed class ModelRegistry
{
    /// <summary>File names inside a version folder and at the root.</summary>
    public const string ModelFile = "model.zip", ReportJsonFile = "report.json", ReportMarkdownFile = "report.md", DataFile = "data.json",
        ActiveFile = "active", HistoryFile = "history.jsonl";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static readonly JsonSerializerOptions JsonLine = new(Json) { WriteIndented = false };

    /// <summary>Opens (and creates) the registry at <paramref name="root"/>.</summary>
    public ModelRegistry(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    /// <summary>The registry folder.</summary>
    public string Root { get; }

    /// <summary>The active version, or null when none was ever promoted.</summary>
    public string? ActiveVersion
    {
        get
        {
            var path = Path.Combine(Root, ActiveFile);
            if (!File.Exists(path)) return null;
            var version = File.ReadAllText(path).Trim();
            return version.Length == 0 ? null : version;
        }
    }

    /// <summary>The active model file, or null.</summary>
    public string? ActiveModelPath => ActiveVersion is { } v && File.Exists(ModelPath(v)) ? ModelPath(v) : null;

    /// <summary>The model file of a version.</summary>
    public string ModelPath(string version) => Path.Combine(VersionFolder(version), ModelFile);

    /// <summary>The folder of a version.</summary>
    public string VersionFolder(string version)
    {
        if (!IsValidVersion(version)) throw new ArgumentException($"'{version}' is not a valid model version (letters, digits, '.', '-', '_').", nameof(version));
        return Path.Combine(Root, version);
    }

    /// <summary>True for version labels usable as folder names.</summary>
    public static bool IsValidVersion(string version) =>
        version.Length is > 0 and <= 64 && version[0] != '.' && version.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    /// <summary>Every registered version, newest first.</summary>
    public IReadOnlyList<ModelVersionInfo> List()
    {
        var active = ActiveVersion;
        var versions = new List<ModelVersionInfo>();
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            var version = Path.GetFileName(dir);
            if (!IsValidVersion(version) || !File.Exists(Path.Combine(dir, ModelFile)) || !File.Exists(Path.Combine(dir, ReportJsonFile))) continue;
            var summary = JsonSerializer.Deserialize<RegisteredSummary>(File.ReadAllText(Path.Combine(dir, ReportJsonFile)), Json);
            if (summary?.Report is not { } report) continue;
            versions.Add(new ModelVersionInfo(version, summary.CreatedUtc, Path.Combine(dir, ModelFile), version == active,
                report.PerType.Count, report.TrainingSampleCount, report.ValidationSampleCount, report.Accuracy, report.AutomaticShare,
                report.AutomaticPrecision, report.Separation is not null));
        }
        return versions.OrderByDescending(v => v.CreatedUtc).ThenByDescending(v => v.Version, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Stores a trained model with its report and data manifest under its version. Refuses a version that already
    /// exists (a version names one model forever).
    /// </summary>
    public string Register(TrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var version = result.Model.Metadata.ModelVersion;
        var folder = VersionFolder(version);
        if (Directory.Exists(folder)) throw new InvalidOperationException($"Model version '{version}' is already registered in {Root}.");
        var staging = Path.Combine(Root, $".{version}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(staging);
        try
        {
            result.Model.Save(Path.Combine(staging, ModelFile));
            WriteSidecars(staging, result);
            Directory.Move(staging, folder);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
        return folder;
    }

    /// <summary>Writes <c>report.json</c>, <c>report.md</c> and <c>data.json</c> of a training result into a folder.</summary>
    public static void WriteSidecars(string folder, TrainingResult result, string prefix = "")
    {
        var metadata = result.Model.Metadata;
        WriteAtomic(Path.Combine(folder, prefix + ReportJsonFile),
            JsonSerializer.Serialize(new RegisteredSummary(metadata.ModelVersion, metadata.CreatedUtc, metadata.Taxonomy, metadata.Thresholds, result.Report), Json));
        WriteAtomic(Path.Combine(folder, prefix + ReportMarkdownFile), result.Report.ToMarkdown(metadata.ModelVersion));
        WriteAtomic(Path.Combine(folder, prefix + DataFile),
            JsonSerializer.Serialize(result.Data ?? new TrainingDataManifest(metadata.ModelVersion, []), JsonLine)); // one entry per sample: compact
    }

    /// <summary>The data manifest of a registered version, or null.</summary>
    public TrainingDataManifest? DataOf(string version)
    {
        var path = Path.Combine(VersionFolder(version), DataFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<TrainingDataManifest>(File.ReadAllText(path), Json) : null;
    }

    /// <summary>
    /// Compares a freshly trained model with the active one on the new model's held-out documents that the active
    /// model did not train on, and promotes it when it is at least as good (or when no model is active).
    /// </summary>
    public PromotionDecision PromoteIfBetter(TrainingResult candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var version = candidate.Model.Metadata.ModelVersion;
        if (ActiveModelPath is not { } activePath)
        {
            Promote(version, "first model of the registry");
            return new PromotionDecision(true, "no active model: the new model is now active", null);
        }
        var activeVersion = ActiveVersion!;
        var seen = DataOf(activeVersion)?.TrainedIds() ?? new HashSet<string>(StringComparer.Ordinal);
        var documents = candidate.HeldOut.Where(h => h.SampleId is null || !seen.Contains(h.SampleId)).ToList();
        if (documents.Count == 0)
            return new PromotionDecision(false, $"no held-out document that the active model {activeVersion} did not train on: nothing to compare on, {activeVersion} stays active (promote by hand with 'model promote {version}')", null);
        using var active = DocumentTypeModel.Load(activePath);
        var comparison = Compare(candidate.Model, active, documents, candidate.Report.PrecisionTarget);
        if (comparison.CandidateAtLeastAsGood)
        {
            Promote(version, "at least as good as " + activeVersion + " " + comparison.Describe());
            return new PromotionDecision(true, $"at least as good as {activeVersion}: {comparison.Describe()}", comparison);
        }
        return new PromotionDecision(false, $"worse than the active model {activeVersion}, which stays active: {comparison.Describe()}", comparison);
    }

    /// <summary>Both models on the same documents (see <see cref="ModelComparison"/>).</summary>
    public static ModelComparison Compare(DocumentTypeModel candidate, DocumentTypeModel active, IReadOnlyList<LabelledText> documents, double precisionTarget)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var cost = precisionTarget >= 1 ? 1e6 : precisionTarget / (1 - precisionTarget);
        ComparedModel Measure(DocumentTypeModel model)
        {
            int correct = 0, automatic = 0, wrong = 0;
            foreach (var d in documents)
            {
                var prediction = model.Predict(d.Text);
                var right = prediction.DocumentType == d.DocumentType;
                if (right) correct++;
                if (!prediction.MeetsThreshold) continue;
                automatic++;
                if (!right) wrong++;
            }
            return new ComparedModel(model.Metadata.ModelVersion, correct, automatic, wrong, automatic - wrong - cost * wrong);
        }
        return new ModelComparison(documents.Count, precisionTarget, Measure(candidate), Measure(active));
    }

    /// <summary>Makes <paramref name="version"/> the active model (it must be registered).</summary>
    public void Promote(string version, string reason)
    {
        if (!File.Exists(ModelPath(version))) throw new InvalidOperationException($"Model version '{version}' is not registered in {Root}.");
        var previous = ActiveVersion;
        if (previous == version) return;
        WriteAtomic(Path.Combine(Root, ActiveFile), version + "\n");
        AppendHistory(new ModelHistoryEntry(DateTimeOffset.UtcNow, "promote", version, previous, reason));
    }

    /// <summary>
    /// Goes back to the model that was active before the current one; returns the version now active. Throws when
    /// there is nothing to go back to.
    /// </summary>
    public string Rollback(string reason = "rollback")
    {
        var current = ActiveVersion ?? throw new InvalidOperationException("No model is active: nothing to roll back.");
        var activation = History().LastOrDefault(h => h.Action == "promote" && h.Version == current);
        var target = activation?.Previous;
        if (target is null || !File.Exists(ModelPath(target)))
            throw new InvalidOperationException($"Model {current} has no earlier active version to go back to.");
        WriteAtomic(Path.Combine(Root, ActiveFile), target + "\n");
        AppendHistory(new ModelHistoryEntry(DateTimeOffset.UtcNow, "rollback", target, current, reason));
        return target;
    }

    /// <summary>Every activation and rollback, oldest first.</summary>
    public IReadOnlyList<ModelHistoryEntry> History()
    {
        var path = Path.Combine(Root, HistoryFile);
        if (!File.Exists(path)) return [];
        return File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<ModelHistoryEntry>(l, JsonLine)!).ToList();
    }

    private void AppendHistory(ModelHistoryEntry entry)
    {
        var path = Path.Combine(Root, HistoryFile);
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, JsonLine) + "\n");
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private static void WriteAtomic(string path, string content)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(new UTF8Encoding(false).GetBytes(content));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>What <c>report.json</c> holds.</summary>
    private sealed record RegisteredSummary(
        string ModelVersion, DateTimeOffset CreatedUtc, IReadOnlyList<string> Taxonomy, IReadOnlyDictionary<string, float> Thresholds, TrainingReport Report);
}
