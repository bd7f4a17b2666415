using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace CaptureChain.Classifier.Separation;

/// <summary>
/// The decision for one page of a file without separator sheets: does it start a new document, with what
/// probability, and is that probability beyond the thresholds measured in training (otherwise a person checks the cut).
/// </summary>
/// <param name="PageIndex">Index of the page in the sequence given (0-based); the first page always starts.</param>
public sealed record PageBoundary(int PageIndex, float StartProbability, bool StartsDocument, bool Certain);

/// <summary>Held-out measures of the page-boundary model: how often it is right, and how often it is sure and wrong.</summary>
public sealed record SeparationReport(
    int TrainingDocuments,
    int TrainingPairs,
    int TrainingStartPairs,
    int HeldOutPairs,
    int HeldOutStartPairs,
    double HeldOutAccuracy,
    double HeldOutCertainShare,
    int HeldOutCertainErrors,
    int HeldOutUncertain,
    double PrecisionTarget,
    float StartThreshold,
    float ContinueThreshold,
    IReadOnlyList<IReadOnlyList<int>> Confusion,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Text lines for the training report.</summary>
    public IEnumerable<string> ToLines()
    {
        var inv = CultureInfo.InvariantCulture;
        yield return string.Create(inv, $"Automatic separation (first page or continuation): trained on {TrainingPairs} page pairs ({TrainingStartPairs} document starts) from {TrainingDocuments} documents");
        yield return string.Create(inv, $"  cut when P(start) >= 0.5; sure when P >= {StartThreshold:F3} or P <= {ContinueThreshold:F3}, otherwise the cut goes to review (target {PrecisionTarget:P1})");
        yield return string.Create(inv, $"  held out: {HeldOutPairs} pairs ({HeldOutStartPairs} starts), accuracy {HeldOutAccuracy:P2}, sure for {HeldOutCertainShare:P1}, sure and wrong {HeldOutCertainErrors}, sent to review {HeldOutUncertain}");
        if (Confusion.Count == 2)
            yield return string.Create(inv, $"  actual continuation: {Confusion[0][0]} kept, {Confusion[0][1]} cut; actual start: {Confusion[1][0]} missed, {Confusion[1][1]} cut");
        foreach (var w in Warnings) yield return "  Warning: " + w;
    }
}

/// <summary>
/// Decides, page by page, where a file without separator sheets changes document: a small ML.NET logistic regression
/// over the words at the top of the page, all its words, the end of the previous page, printed page numbers and how
/// the type the page looks like differs from the document so far. Thread-safe (engines are pooled).
/// </summary>
public sealed class PageBoundaryModel : IDisposable
{
    /// <summary>Fewer letters than this and a page takes no part in the decision (it stays with the document before it).</summary>
    public const int MinimumLetters = 20;

    private readonly MLContext _ml;
    private readonly ITransformer _transformer;
    private readonly DataViewSchema _schema;
    private readonly ConcurrentBag<PredictionEngine<BoundaryInput, BoundaryOutput>> _engines = [];
    private bool _disposed;

    internal PageBoundaryModel(MLContext ml, ITransformer transformer, DataViewSchema schema, SeparationReport report)
    {
        _ml = ml;
        _transformer = transformer;
        _schema = schema;
        Report = report;
    }

    /// <summary>Thresholds and held-out measures.</summary>
    public SeparationReport Report { get; }

    /// <summary>
    /// The decision for every page of <paramref name="pages"/> (texts in order); <paramref name="pageTypes"/> gives
    /// the raw type probabilities of one page's text (the document-type model's).
    /// </summary>
    public IReadOnlyList<PageBoundary> Decide(IReadOnlyList<string> pages, Func<string, float[]> pageTypes)
    {
        ArgumentNullException.ThrowIfNull(pages);
        ArgumentNullException.ThrowIfNull(pageTypes);
        var decisions = new List<PageBoundary>(pages.Count);
        if (pages.Count == 0) return decisions;
        var types = pages.Select(pageTypes).ToList();
        decisions.Add(new PageBoundary(0, 1, StartsDocument: true, Certain: true));
        var current = new List<float[]> { types[0] };
        var previous = 0; // the last page with text: a page without text says nothing about where documents change
        for (var i = 1; i < pages.Count; i++)
        {
            if (pages[i].Count(char.IsLetter) < MinimumLetters)
            {
                // A page without text (an undetected blank back, a photo) stays with the document it is in.
                decisions.Add(new PageBoundary(i, 0, StartsDocument: false, Certain: true));
                continue;
            }
            var p = StartProbability(BoundaryFeatures.Build(pages[previous], pages[i], BoundaryFeatures.Mean(current), types[i]));
            var starts = p >= 0.5f;
            var certain = p >= Report.StartThreshold || p <= Report.ContinueThreshold;
            decisions.Add(new PageBoundary(i, p, starts, certain));
            if (starts) current.Clear();
            current.Add(types[i]);
            previous = i;
        }
        return decisions;
    }

    internal float StartProbability(BoundaryInput input)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_engines.TryTake(out var engine))
            engine = _ml.Model.CreatePredictionEngine<BoundaryInput, BoundaryOutput>(_transformer, _schema);
        try
        {
            return engine.Predict(input).Probability;
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    /// <summary>The same fitted model with another report (the final report is known only after measuring it).</summary>
    internal PageBoundaryModel WithReport(SeparationReport report) => new(_ml, _transformer, _schema, report);

    internal byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        _ml.Model.Save(_transformer, _schema, buffer);
        return buffer.ToArray();
    }

    internal static PageBoundaryModel FromBytes(byte[] bytes, SeparationReport report)
    {
        var ml = new MLContext(seed: 0);
        var transformer = ml.Model.Load(new MemoryStream(bytes), out var schema);
        return new PageBoundaryModel(ml, transformer, schema, report);
    }

    /// <summary>Releases the pooled prediction engines.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        while (_engines.TryTake(out var engine)) engine.Dispose();
    }
}

/// <summary>One labelled document as the boundary trainer sees it: its page texts and each page's raw type probabilities.</summary>
internal sealed record PagedDocument(IReadOnlyList<string> Pages, IReadOnlyList<float[]> PageTypes);

/// <summary>
/// Trains the page-boundary model from labelled documents: every page after the first of a document is a
/// continuation; the first page of a document after the last page of another (drawn at random) is a start. The
/// probability thresholds of sure decisions are chosen on out-of-fold predictions (folds by document) to reach the
/// precision target; held-out documents measure the result.
/// </summary>
internal static class PageBoundaryTrainer
{
    /// <summary>Fewer continuation pairs than this and no separation model is trained.</summary>
    public const int MinimumContinuations = 20;

    private const int Folds = 3;
    private const float ContinuationWeight = 2f;
    private const int MinimumSure = 10;

    public static (PageBoundaryModel? Model, string? NotTrainedBecause) Train(
        IReadOnlyList<PagedDocument> training, IReadOnlyList<PagedDocument> heldOut, double precisionTarget, float minimumSure, int seed, CancellationToken ct)
    {
        var rng = new Random(seed);
        var (pairs, groups) = Pairs(training, rng);
        var continuations = pairs.Count(p => !p.Label);
        if (continuations < MinimumContinuations)
            return (null, $"the samples hold {continuations} continuation pages (pages after the first of a multi-page document); at least {MinimumContinuations} are needed to learn where documents change");
        if (training.Count < 2 * MinimumSure)
            return (null, $"only {training.Count} training documents");

        // Out-of-fold probabilities, folds by document, to choose the thresholds of sure decisions.
        var oof = new float[pairs.Count];
        for (var fold = 0; fold < Folds; fold++)
        {
            ct.ThrowIfCancellationRequested();
            var fit = Enumerable.Range(0, pairs.Count).Where(i => groups[i] % Folds != fold).Select(i => pairs[i]).ToList();
            var score = Enumerable.Range(0, pairs.Count).Where(i => groups[i] % Folds == fold).ToList();
            if (score.Count == 0 || fit.Select(p => p.Label).Distinct().Count() < 2) continue;
            using var foldModel = Fit(fit, seed, EmptyReport);
            foreach (var i in score) oof[i] = foldModel.StartProbability(pairs[i]);
        }
        var labels = pairs.Select(p => p.Label).ToList();
        // A few dozen out-of-fold errors cannot place a threshold precisely: a sure decision also needs a margin.
        var startAt = Math.Max(ChooseStartThreshold(oof, labels, precisionTarget), minimumSure);
        var continueAt = Math.Min(ChooseContinueThreshold(oof, labels, precisionTarget), 1 - minimumSure);
        ct.ThrowIfCancellationRequested();

        using var scratch = Fit(pairs, seed, EmptyReport);
        var (heldPairs, _) = Pairs(heldOut, new Random(seed + 7));
        var confusion = new[] { new int[2], new int[2] };
        int certain = 0, certainErrors = 0, uncertain = 0, correct = 0;
        foreach (var pair in heldPairs)
        {
            var p = scratch.StartProbability(pair);
            var cut = p >= 0.5f;
            confusion[pair.Label ? 1 : 0][cut ? 1 : 0]++;
            if (cut == pair.Label) correct++;
            if (p >= startAt || p <= continueAt)
            {
                certain++;
                if (cut != pair.Label) certainErrors++;
            }
            else uncertain++;
        }
        var warnings = new List<string>();
        if (startAt > 1) warnings.Add("no probability gave sure starts at the precision target: every automatic cut goes to review");
        if (continueAt < 0) warnings.Add("no probability gave sure continuations at the precision target: every multi-page file goes to review");
        if (heldPairs.Count < 100) warnings.Add($"only {heldPairs.Count} held-out page pairs: the separation figures are rough");
        if (certainErrors > 0) warnings.Add($"{certainErrors} held-out page pair(s) were cut or joined wrongly with a sure probability");
        var report = new SeparationReport(training.Count, pairs.Count, pairs.Count(p => p.Label), heldPairs.Count, heldPairs.Count(p => p.Label),
            heldPairs.Count == 0 ? 0 : (double)correct / heldPairs.Count, heldPairs.Count == 0 ? 0 : (double)certain / heldPairs.Count,
            certainErrors, uncertain, precisionTarget, startAt, continueAt, confusion, warnings);
        return (scratch.WithReport(report), null);
    }

    private static readonly SeparationReport EmptyReport = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, -1, [], []);

    private static PageBoundaryModel Fit(IReadOnlyList<BoundaryInput> pairs, int seed, SeparationReport report)
    {
        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(pairs);
        var pipeline = ml.Transforms.Text.ProduceHashedWordBags("HeadBag", nameof(BoundaryInput.Head), numberOfBits: 12, ngramLength: 2,
                useAllLengths: true, maximumNumberOfInverts: 0)
            .Append(ml.Transforms.Text.ProduceHashedWordBags("BodyBag", nameof(BoundaryInput.Body), numberOfBits: 13, ngramLength: 1,
                useAllLengths: true, maximumNumberOfInverts: 0))
            .Append(ml.Transforms.Text.ProduceHashedWordBags("TailBag", nameof(BoundaryInput.PreviousTail), numberOfBits: 12, ngramLength: 2,
                useAllLengths: true, maximumNumberOfInverts: 0))
            .Append(ml.Transforms.NormalizeLpNorm("HeadNorm", "HeadBag"))
            .Append(ml.Transforms.NormalizeLpNorm("BodyNorm", "BodyBag"))
            .Append(ml.Transforms.NormalizeLpNorm("TailNorm", "TailBag"))
            .Append(ml.Transforms.Concatenate("Features", "HeadNorm", "BodyNorm", "TailNorm", nameof(BoundaryInput.Signals)))
            .Append(ml.Transforms.DropColumns("HeadBag", "BodyBag", "TailBag", "HeadNorm", "BodyNorm", "TailNorm"))
            .AppendCacheCheckpoint(ml)
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = nameof(BoundaryInput.Label),
                FeatureColumnName = "Features",
                ExampleWeightColumnName = nameof(BoundaryInput.Weight),
                L2Regularization = 0.05f,
                NumberOfThreads = 1,
            }));
        var transformer = pipeline.Fit(data);
        return new PageBoundaryModel(ml, transformer, data.Schema, report);
    }

    /// <summary>Continuation pairs of every multi-page document and one start pair per document; the group of a pair is its document.</summary>
    internal static (List<BoundaryInput> Pairs, List<int> Groups) Pairs(IReadOnlyList<PagedDocument> documents, Random rng)
    {
        var pairs = new List<BoundaryInput>();
        var groups = new List<int>();
        for (var d = 0; d < documents.Count; d++)
        {
            var document = documents[d];
            for (var i = 1; i < document.Pages.Count; i++)
            {
                // Continuations weigh double: most files hold one multi-page document, where a wrong cut is the costly mistake.
                pairs.Add(BoundaryFeatures.Build(document.Pages[i - 1], document.Pages[i], BoundaryFeatures.Mean(document.PageTypes.Take(i).ToList()),
                    document.PageTypes[i], label: false, weight: ContinuationWeight));
                groups.Add(d);
            }
            if (documents.Count < 2) continue;
            var before = rng.Next(documents.Count - 1);
            if (before >= d) before++;
            var previous = documents[before];
            pairs.Add(BoundaryFeatures.Build(previous.Pages[^1], document.Pages[0], BoundaryFeatures.Mean(previous.PageTypes), document.PageTypes[0], label: true));
            groups.Add(d);
        }
        return (pairs, groups);
    }

    /// <summary>Lowest p such that pairs with P ≥ p are starts at the target rate (at least 10 of them); 2 when none.</summary>
    private static float ChooseStartThreshold(float[] p, List<bool> starts, double target)
    {
        var order = Enumerable.Range(0, p.Length).OrderByDescending(i => p[i]).ToList();
        float best = 2;
        var right = 0;
        for (var k = 0; k < order.Count; k++)
        {
            if (starts[order[k]]) right++;
            if (k + 1 < order.Count && p[order[k + 1]] == p[order[k]]) continue;
            if (p[order[k]] < 0.5f) break;
            if (k + 1 >= MinimumSure && (double)right / (k + 1) >= target) best = p[order[k]];
        }
        return best;
    }

    /// <summary>Highest p such that pairs with P ≤ p are continuations at the target rate (at least 10 of them); -1 when none.</summary>
    private static float ChooseContinueThreshold(float[] p, List<bool> starts, double target)
    {
        var order = Enumerable.Range(0, p.Length).OrderBy(i => p[i]).ToList();
        float best = -1;
        var right = 0;
        for (var k = 0; k < order.Count; k++)
        {
            if (!starts[order[k]]) right++;
            if (k + 1 < order.Count && p[order[k + 1]] == p[order[k]]) continue;
            if (p[order[k]] >= 0.5f) break;
            if (k + 1 >= MinimumSure && (double)right / (k + 1) >= target) best = p[order[k]];
        }
        return best;
    }
}
