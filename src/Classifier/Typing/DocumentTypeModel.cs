using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Data;
using CaptureChain.Classifier.Separation;

namespace CaptureChain.Classifier.Typing;

/// <summary>What is saved with a model besides ML.NET's own content, as JSON inside the same zip file.</summary>
public sealed record DocumentTypeModelMetadata(
    string Format,
    string ModelVersion,
    DateTimeOffset CreatedUtc,
    string NormaliserVersion,
    IReadOnlyList<string> Taxonomy,
    IReadOnlyDictionary<string, float> Thresholds,
    float MinimumVocabularyCoverage,
    int TrainingSampleCount,
    TrainingReport Report,
    TypeCalibration? Calibration = null);

/// <summary>
/// A trained document-type model: ML.NET pipeline plus taxonomy, per-type thresholds and training metrics, saved as
/// ONE zip file (ML.NET's model with an extra <c>capturechain/metadata.json</c> entry, which ML.NET ignores when
/// loading). <see cref="Predict"/> is thread-safe: prediction engines, which are not, come from a pool.
/// </summary>
public sealed class DocumentTypeModel : IDisposable
{
    /// <summary>Format tag of the metadata entry; a file with another tag is refused.</summary>
    public const string FormatTag = "capturechain-document-type/1";

    /// <summary>Name of the metadata entry inside the model zip.</summary>
    public const string MetadataEntryName = "capturechain/metadata.json";

    /// <summary>Name of the training-vocabulary filter entry inside the model zip.</summary>
    public const string VocabularyEntryName = "capturechain/vocabulary.bin";

    /// <summary>Name of the page-boundary (automatic separation) model entry inside the model zip, when trained.</summary>
    public const string SeparationEntryName = "capturechain/separation.zip";

    /// <summary>Threshold of a type that is never accepted automatically (its confidence can reach at most 1).</summary>
    public const float NeverAccepted = 1.01f;

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly MLContext _ml;
    private readonly ITransformer _transformer;
    private readonly DataViewSchema _inputSchema;
    private readonly TrainingVocabulary _vocabulary;
    private readonly ConcurrentBag<PredictionEngine<TypeInput, TypeScores>> _engines = [];
    private bool _disposed;

    internal DocumentTypeModel(MLContext ml, ITransformer transformer, DataViewSchema inputSchema, TrainingVocabulary vocabulary,
        DocumentTypeModelMetadata metadata, PageBoundaryModel? separation = null)
    {
        _ml = ml;
        _transformer = transformer;
        _inputSchema = inputSchema;
        _vocabulary = vocabulary;
        Metadata = metadata;
        Separation = separation;
        _calibration = metadata.Calibration ?? TypeCalibration.Identity;
    }

    private readonly TypeCalibration _calibration;

    /// <summary>
    /// The automatic-separation model trained with this one (first page versus continuation), or null when the
    /// training samples held no multi-page documents: files are then cut at separator sheets only.
    /// </summary>
    public PageBoundaryModel? Separation { get; }

    /// <summary>
    /// Where the pages of one file without separator sheets start new documents, or null without a separation model.
    /// </summary>
    public IReadOnlyList<PageBoundary>? DecideBoundaries(IReadOnlyList<string> pageTexts) =>
        Separation?.Decide(pageTexts, RawProbabilities);

    /// <summary>The model's uncalibrated probabilities for a text, in <see cref="Taxonomy"/> order (features of the separation model).</summary>
    public float[] RawProbabilities(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Scores(DocumentTextNormaliser.Normalise(text));
    }

    /// <summary>Version, creation date, taxonomy, thresholds and training report.</summary>
    public DocumentTypeModelMetadata Metadata { get; }

    /// <summary>The types this model predicts, in score order.</summary>
    public IReadOnlyList<string> Taxonomy => Metadata.Taxonomy;

    /// <summary>The confidence a prediction of <paramref name="documentType"/> needs to be accepted without review.</summary>
    public float ThresholdFor(string documentType) =>
        Metadata.Thresholds.TryGetValue(documentType, out var t) ? t : NeverAccepted;

    /// <summary>Predicts the type of an OCR text.</summary>
    public TypePrediction Predict(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalised = DocumentTextNormaliser.Normalise(text);
        return FromScores(_calibration.Apply(Scores(normalised)), _vocabulary.Coverage(normalised));
    }

    /// <summary>The probability of every type of the taxonomy for an OCR text (they sum to 1), most probable first.</summary>
    public IReadOnlyList<TypeProbability> Probabilities(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scores = _calibration.Apply(Scores(DocumentTextNormaliser.Normalise(text)));
        return Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i])
            .Select(i => new TypeProbability(Taxonomy[i], scores[i])).ToList();
    }

    /// <summary>Share of the words of a normalised text that training knew.</summary>
    internal double Coverage(string normalised) => _vocabulary.Coverage(normalised);

    private float[] Scores(string normalised)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // A PredictionEngine is not thread-safe: each caller borrows one from the pool (or creates one) and returns it.
        if (!_engines.TryTake(out var engine))
            engine = _ml.Model.CreatePredictionEngine<TypeInput, TypeScores>(_transformer, _inputSchema);
        try
        {
            return engine.Predict(new TypeInput { Text = normalised }).Score;
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    internal TypePrediction FromScores(float[] scores, double coverage)
    {
        if (scores.Length != Taxonomy.Count)
            throw new InvalidOperationException($"The model gave {scores.Length} scores for {Taxonomy.Count} types.");
        var ranked = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).ToList();
        var best = ranked[0];
        var type = Taxonomy[best];
        var threshold = ThresholdFor(type);
        var top3 = ranked.Take(3).Select(i => new TypeProbability(Taxonomy[i], scores[i])).ToList();
        var accepted = scores[best] >= threshold && coverage >= Metadata.MinimumVocabularyCoverage;
        return new TypePrediction(type, scores[best], top3, threshold, accepted) { VocabularyCoverage = coverage };
    }

    /// <summary>Saves the model and its metadata to one zip file (written to a temporary file, then moved into place).</summary>
    public void Save(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var bytes = ToBytes();
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>The model file's content: ML.NET's zip plus the metadata entry.</summary>
    internal byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        _ml.Model.Save(_transformer, _inputSchema, buffer);
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            using (var writer = zip.CreateEntry(MetadataEntryName, CompressionLevel.Optimal).Open())
                JsonSerializer.Serialize(writer, Metadata, Json);
            using (var writer = zip.CreateEntry(VocabularyEntryName, CompressionLevel.Optimal).Open())
                writer.Write(_vocabulary.ToBytes());
            if (Separation is not null)
                using (var writer = zip.CreateEntry(SeparationEntryName, CompressionLevel.Optimal).Open())
                    writer.Write(Separation.ToBytes());
        }
        return buffer.ToArray();
    }

    /// <summary>Loads a model saved by <see cref="Save"/>. Throws <see cref="InvalidDataException"/> for a file that is not one.</summary>
    public static DocumentTypeModel Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        DocumentTypeModelMetadata metadata;
        TrainingVocabulary vocabulary;
        byte[]? separation = null;
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
            var entry = zip.GetEntry(MetadataEntryName)
                ?? throw new InvalidDataException($"'{Path.GetFileName(path)}' has no {MetadataEntryName}: not a CaptureChain document-type model.");
            using (var stream = entry.Open())
                metadata = JsonSerializer.Deserialize<DocumentTypeModelMetadata>(stream, Json)
                    ?? throw new InvalidDataException($"'{Path.GetFileName(path)}': empty metadata.");
            var vocabularyEntry = zip.GetEntry(VocabularyEntryName)
                ?? throw new InvalidDataException($"'{Path.GetFileName(path)}' has no {VocabularyEntryName}.");
            using var vocabularyStream = vocabularyEntry.Open();
            using var vocabularyBytes = new MemoryStream();
            vocabularyStream.CopyTo(vocabularyBytes);
            vocabulary = TrainingVocabulary.FromBytes(vocabularyBytes.ToArray());
            if (zip.GetEntry(SeparationEntryName) is { } separationEntry)
            {
                using var separationStream = separationEntry.Open();
                using var separationBytes = new MemoryStream();
                separationStream.CopyTo(separationBytes);
                separation = separationBytes.ToArray();
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{Path.GetFileName(path)}' is not a readable model file: {e.Message}", e);
        }
        if (metadata.Format != FormatTag)
            throw new InvalidDataException($"'{Path.GetFileName(path)}' has model format '{metadata.Format}', this version reads '{FormatTag}'.");
        if (metadata.NormaliserVersion != DocumentTextNormaliser.Version)
            throw new InvalidDataException(
                $"'{Path.GetFileName(path)}' was trained with text normaliser {metadata.NormaliserVersion}, this version uses {DocumentTextNormaliser.Version}: retrain the model.");
        var ml = new MLContext(seed: 0);
        var transformer = ml.Model.Load(new MemoryStream(bytes), out var inputSchema);
        var boundaries = separation is not null && metadata.Report.Separation is { } separationReport
            ? PageBoundaryModel.FromBytes(separation, separationReport)
            : null;
        return new DocumentTypeModel(ml, transformer, inputSchema, vocabulary, metadata, boundaries);
    }

    /// <summary>Releases the pooled prediction engines.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        while (_engines.TryTake(out var engine)) engine.Dispose();
        Separation?.Dispose();
    }

    internal sealed class TypeInput
    {
        public string Text { get; set; } = "";

        public string DocumentType { get; set; } = "";

        public float Weight { get; set; } = 1;
    }

    internal sealed class TypeScores
    {
        [ColumnName("Score")]
        public float[] Score { get; set; } = [];
    }
}
