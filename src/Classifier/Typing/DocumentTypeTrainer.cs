using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Text;
using CaptureChain.Classifier.Separation;

namespace CaptureChain.Classifier.Typing;

/// <summary>
/// Trains the document-type model on labelled OCR texts (whole documents, pages separated by form feeds, as the
/// pipeline classifies them). A stratified share of each type is held out (fixed seed) and used for nothing but
/// measuring. On the rest, k-fold cross-fitting gives an out-of-fold prediction for every training document: the
/// calibration (temperature) and each type's threshold — the lowest confidence at which out-of-fold precision
/// reaches the target — are chosen on those. The final model is trained on all training documents and measured on
/// the held-out ones (accuracy, per-type precision and recall, confusion matrix, precision at the thresholds,
/// reliability table). When the samples hold multi-page documents, the automatic-separation model is trained too.
/// </summary>
public static class DocumentTypeTrainer
{
    /// <summary>Trains and measures a model. Throws <see cref="ArgumentException"/> when the samples cannot make a model.</summary>
    public static TrainingResult Train(IReadOnlyList<LabelledText> samples, TrainingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        options ??= new TrainingOptions();
        Validate(samples, options);
        var clock = Stopwatch.StartNew();
        var ct = cancellationToken;

        var (training, validation) = StratifiedSplit(samples, options);
        var taxonomy = samples.Select(s => s.DocumentType).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var actualTraining = training.Select(t => taxonomy.IndexOf(t.DocumentType)).ToList();
        ct.ThrowIfCancellationRequested();

        // Out-of-fold predictions of every training document (and of each of its pages, for the separation model).
        var folds = options.CrossValidationFolds >= 2 && training.Count >= 2 * options.CrossValidationFolds ? options.CrossValidationFolds : 0;
        var oofScores = new float[training.Count][];
        var oofPageScores = new List<float[]>[training.Count];
        if (folds > 0)
        {
            var fold = FoldOf(training, folds);
            for (var f = 0; f < folds; f++)
            {
                ct.ThrowIfCancellationRequested();
                var fit = Enumerable.Range(0, training.Count).Where(i => fold[i] != f).Select(i => training[i]).ToList();
                var score = Enumerable.Range(0, training.Count).Where(i => fold[i] == f).ToList();
                var (foldMl, foldTransformer, _) = Fit(fit, taxonomy, options);
                var scored = ScoreTexts(foldMl, foldTransformer, score.Select(i => training[i].Text).ToList(), taxonomy);
                for (var k = 0; k < score.Count; k++) oofScores[score[k]] = scored[k];
                if (options.TrainSeparation)
                {
                    var pages = score.SelectMany(i => training[i].Pages.Select(p => (Doc: i, Text: p))).ToList();
                    var pageScores = ScoreTexts(foldMl, foldTransformer, pages.Select(p => p.Text).ToList(), taxonomy);
                    for (var k = 0; k < pages.Count; k++) (oofPageScores[pages[k].Doc] ??= []).Add(pageScores[k]);
                }
            }
        }
        ct.ThrowIfCancellationRequested();

        var (ml, transformer, trainingSchema) = Fit(training, taxonomy, options);
        var trainingInputs = training.Select(t => ToInput(t, options)).ToList();
        // Words common to at least 1 % of the training documents (and 3 of them): the corpus vocabulary, not anyone's name.
        var vocabulary = TrainingVocabulary.Build(trainingInputs.Select(i => i.Text),
            Math.Max(3, (int)Math.Ceiling(trainingInputs.Count * 0.01)));
        ct.ThrowIfCancellationRequested();

        var heldOutRaw = ScoreTexts(ml, transformer, validation.Select(v => v.Text).ToList(), taxonomy);
        var actual = validation.Select(v => taxonomy.IndexOf(v.DocumentType)).ToList();
        var coverage = validation.Select(v => vocabulary.Coverage(DocumentTextNormaliser.Normalise(v.Text))).ToList();

        // Without cross-fitting (very few samples) calibration and thresholds can only come from the held-out documents.
        IReadOnlyList<float[]> choiceScores = folds > 0 ? oofScores : heldOutRaw;
        IReadOnlyList<int> choiceActual = folds > 0 ? actualTraining : actual;
        var calibration = options.Calibrate ? TypeCalibration.Fit(choiceScores, choiceActual) : TypeCalibration.Identity;
        var choiceCalibrated = choiceScores.Select(calibration.Apply).ToList();
        var choicePredicted = choiceCalibrated.Select(ArgMax).ToList();
        // Thresholds are chosen only on documents they will apply to: a text the vocabulary guard sends to review
        // (an identity card read upside down, noise) is never accepted, and its low but right predictions would
        // otherwise pull its type's threshold down for every document of that type.
        var choiceCoverage = folds > 0
            ? trainingInputs.Select(i => vocabulary.Coverage(i.Text)).ToList()
            : coverage;
        var choiceGuarded = choiceCoverage.Select(c => c >= options.MinimumVocabularyCoverage).ToList();

        var heldOut = heldOutRaw.Select(calibration.Apply).ToList();
        var predicted = heldOut.Select(ArgMax).ToList();
        var confidence = heldOut.Select((s, i) => s[predicted[i]]).ToList();

        var warnings = new List<string>();
        var perType = new List<TypeMetrics>();
        var thresholds = new Dictionary<string, float>(StringComparer.Ordinal);
        for (var t = 0; t < taxonomy.Count; t++)
        {
            var type = taxonomy[t];
            var trainCount = training.Count(s => s.DocumentType == type);
            var validCount = actual.Count(a => a == t);
            var predictedAs = Enumerable.Range(0, predicted.Count).Where(i => predicted[i] == t).ToList();
            var truePositives = predictedAs.Count(i => actual[i] == t);
            var precision = predictedAs.Count == 0 ? 0 : (double)truePositives / predictedAs.Count;
            var recall = validCount == 0 ? 0 : (double)truePositives / validCount;

            var choiceOfType = Enumerable.Range(0, choicePredicted.Count).Where(i => choicePredicted[i] == t && choiceGuarded[i])
                .Select(i => (choiceCalibrated[i][t], choiceActual[i] == t)).ToList();
            var typeDocuments = Enumerable.Range(0, choiceActual.Count).Count(i => choiceActual[i] == t && choiceGuarded[i]);
            var (threshold, source) = ChooseThreshold(choiceOfType, typeDocuments, options);
            thresholds[type] = threshold;
            var choiceAccepted = choiceOfType.Where(c => c.Item1 >= threshold).ToList();
            var oofPrecision = choiceAccepted.Count == 0 ? 0 : (double)choiceAccepted.Count(c => c.Item2) / choiceAccepted.Count;

            var accepted = predictedAs.Where(i => confidence[i] >= threshold).ToList();
            var acceptedCorrect = accepted.Count(i => actual[i] == t);
            var precisionAt = accepted.Count == 0 ? 0 : (double)acceptedCorrect / accepted.Count;
            var recallAt = validCount == 0 ? 0 : (double)acceptedCorrect / validCount;
            perType.Add(new TypeMetrics(type, trainCount, validCount, precision, recall, threshold, source, precisionAt, recallAt,
                Wilson.Lower(acceptedCorrect, accepted.Count), typeDocuments, oofPrecision));

            var basis = folds > 0 ? "training documents with out-of-fold predictions" : "held-out documents";
            if (source == ThresholdSource.DefaultFewSamples)
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{type}: only {typeDocuments} {basis} (need {options.MinimumValidationSamplesPerType} to measure a threshold); strict default {threshold:F2} used, its precision is not established."));
            else if (source == ThresholdSource.TargetUnreachable)
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{type}: no confidence level gave {options.PrecisionTarget:P1} precision over at least {options.MinimumAcceptedForThreshold} {basis}; documents of this type always go to review."));
        }

        var total = predicted.Count;
        var correct = Enumerable.Range(0, total).Count(i => predicted[i] == actual[i]);
        var automatic = Enumerable.Range(0, total)
            .Where(i => confidence[i] >= thresholds[taxonomy[predicted[i]]] && coverage[i] >= options.MinimumVocabularyCoverage).ToList();
        var belowCoverage = coverage.Count(c => c < options.MinimumVocabularyCoverage);
        if (belowCoverage > 0)
            warnings.Add($"{belowCoverage} held-out document(s) had under {options.MinimumVocabularyCoverage:P0} of their words known to training and would go to review: check their OCR text.");
        var automaticCorrect = automatic.Count(i => predicted[i] == actual[i]);
        var automaticPrecision = automatic.Count == 0 ? 0 : (double)automaticCorrect / automatic.Count;
        var automaticLower = Wilson.Lower(automaticCorrect, automatic.Count);
        var needed = Wilson.NeededForLowerBound(options.PrecisionTarget);
        var confusion = new List<IReadOnlyList<int>>();
        for (var a = 0; a < taxonomy.Count; a++)
        {
            var row = new int[taxonomy.Count];
            for (var i = 0; i < total; i++) if (actual[i] == a) row[predicted[i]]++;
            confusion.Add(row);
        }
        if (total < 10 * taxonomy.Count)
            warnings.Add($"Only {total} held-out documents for {taxonomy.Count} types: accuracy and precision figures are rough estimates.");
        if (automatic.Count > 0 && automaticPrecision < options.PrecisionTarget)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"Held-out precision at the thresholds is {automaticPrecision:P2}, below the {options.PrecisionTarget:P1} target ({automatic.Count - automaticCorrect} wrong of {automatic.Count}): more samples, or a stricter target, are needed."));
        if (automatic.Count > 0 && automaticLower < options.PrecisionTarget)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"With {automatic.Count} held-out documents typed automatically, the 95% lower bound of precision is only {automaticLower:P1}; about {needed} all-correct held-out documents are needed to establish {options.PrecisionTarget:P1}."));
        if (folds == 0)
            warnings.Add($"Too few samples for {options.CrossValidationFolds}-fold cross-fitting: thresholds and calibration were chosen on the held-out documents, so their held-out figures are optimistic.");

        var reliability = ReliabilityTable.Build(confidence.Select(c => (double)c).ToList(), Enumerable.Range(0, total).Select(i => predicted[i] == actual[i]).ToList());
        var rawReliability = ReliabilityTable.Build(Enumerable.Range(0, total).Select(i => (double)heldOutRaw[i][predicted[i]]).ToList(),
            Enumerable.Range(0, total).Select(i => predicted[i] == actual[i]).ToList());

        // Automatic separation: first page versus continuation, from the same samples.
        PageBoundaryModel? separation = null;
        string? separationSkipped = null;
        if (options.TrainSeparation)
        {
            var trainingPages = Enumerable.Range(0, training.Count)
                .Select(i => new PagedDocument(training[i].Pages, oofPageScores[i] is { } oofPages && oofPages.Count == training[i].Pages.Count
                    ? oofPages
                    : ScoreTexts(ml, transformer, training[i].Pages, taxonomy)))
                .ToList();
            var heldOutPages = validation.Select(v => new PagedDocument(v.Pages, ScoreTexts(ml, transformer, v.Pages, taxonomy))).ToList();
            (separation, separationSkipped) = PageBoundaryTrainer.Train(trainingPages, heldOutPages, options.PrecisionTarget,
                options.SeparationMinimumSureProbability, options.Seed, ct);
            if (separation?.Report.Warnings is { Count: > 0 } separationWarnings)
                warnings.AddRange(separationWarnings.Select(w => "Separation: " + w));
        }
        else separationSkipped = "not requested";

        var corrections = training.Count(t => t.IsCorrection);
        var report = new TrainingReport(
            Algorithm: string.Create(CultureInfo.InvariantCulture,
                $"{options.Algorithm} (L2 {options.L2Regularization ?? (options.Algorithm == TypeTrainerAlgorithm.SdcaMaximumEntropy ? 1e-4f : 1f)})"),
            Features: options.Features.ToString(),
            TrainingSampleCount: training.Count,
            ValidationSampleCount: total,
            Accuracy: total == 0 ? 0 : (double)correct / total,
            MacroPrecision: perType.Count == 0 ? 0 : perType.Average(m => m.Precision),
            MacroRecall: perType.Count == 0 ? 0 : perType.Average(m => m.Recall),
            AutomaticShare: total == 0 ? 0 : (double)automatic.Count / total,
            AutomaticPrecision: automaticPrecision,
            PrecisionTarget: options.PrecisionTarget,
            MinimumVocabularyCoverage: options.MinimumVocabularyCoverage,
            HeldOutBelowCoverageShare: total == 0 ? 0 : (double)belowCoverage / total,
            PerType: perType,
            Confusion: new ConfusionMatrix(taxonomy, confusion),
            Warnings: warnings,
            ModelSizeBytes: 0,
            TrainingSeconds: clock.Elapsed.TotalSeconds)
        {
            CrossValidationFolds = folds,
            CorrectionCount = corrections,
            Calibration = calibration,
            HeldOutCalibrationErrorBefore = rawReliability.ExpectedCalibrationError,
            Reliability = reliability,
            AutomaticPrecisionLowerBound95 = automaticLower,
            AutomaticErrors = automatic.Count - automaticCorrect,
            DocumentsNeededForTarget = needed,
            Separation = separation?.Report,
            SeparationNotTrainedBecause = separationSkipped,
        };

        var created = DateTimeOffset.UtcNow;
        var version = options.ModelVersion ?? created.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var metadata = new DocumentTypeModelMetadata(
            DocumentTypeModel.FormatTag,
            version,
            created,
            DocumentTextNormaliser.Version,
            taxonomy,
            thresholds,
            options.MinimumVocabularyCoverage,
            training.Count,
            report,
            calibration);
        // The size is known only once serialised; the saved report carries the size measured here.
        var size = new DocumentTypeModel(ml, transformer, trainingSchema, vocabulary, metadata, separation).ToBytes().LongLength;
        var sized = metadata with { Report = report with { ModelSizeBytes = size, TrainingSeconds = clock.Elapsed.TotalSeconds } };
        var final = new DocumentTypeModel(ml, transformer, trainingSchema, vocabulary, sized, separation);
        var manifest = new TrainingDataManifest(version,
            training.Select(t => Entry(t, "train")).Concat(validation.Select(v => Entry(v, "held_out"))).ToList());
        return new TrainingResult(final, sized.Report) { Data = manifest, HeldOut = validation };
    }

    private static TrainingDataEntry Entry(LabelledText sample, string split) =>
        new(sample.SampleId, sample.SourceName, sample.DocumentType, split, sample.IsCorrection, sample.Pages.Count);

    /// <summary>Fold of each training document: per type, in the (shuffled) order they come, round robin.</summary>
    private static int[] FoldOf(IReadOnlyList<LabelledText> training, int folds)
    {
        var fold = new int[training.Count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < training.Count; i++)
        {
            var n = seen.GetValueOrDefault(training[i].DocumentType);
            fold[i] = n % folds;
            seen[training[i].DocumentType] = n + 1;
        }
        return fold;
    }

    private static (MLContext Ml, ITransformer Transformer, DataViewSchema Schema) Fit(IReadOnlyList<LabelledText> samples, IReadOnlyList<string> taxonomy, TrainingOptions options)
    {
        var ml = new MLContext(options.Seed);
        var data = ml.Data.LoadFromEnumerable(samples.Select(s => ToInput(s, options)).ToList());
        var keys = ml.Data.LoadFromEnumerable(taxonomy.Select(t => new KeyRow { DocumentType = t }));
        var transformer = Pipeline(ml, options, keys).Fit(data);
        return (ml, transformer, data.Schema);
    }

    /// <summary>Raw scores of texts, in <paramref name="taxonomy"/> order whatever order the transformer's keys have.</summary>
    private static List<float[]> ScoreTexts(MLContext ml, ITransformer transformer, IReadOnlyList<string> texts, IReadOnlyList<string> taxonomy)
    {
        if (texts.Count == 0) return [];
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new DocumentTypeModel.TypeInput { Text = DocumentTextNormaliser.Normalise(t) }).ToList());
        var scored = transformer.Transform(data);
        var keyValues = default(VBuffer<ReadOnlyMemory<char>>);
        scored.Schema["Label"].GetKeyValues(ref keyValues);
        var slots = keyValues.DenseValues().Select(v => v.ToString()).ToList();
        var map = slots.Count == taxonomy.Count ? slots.Select(s => IndexIn(taxonomy, s)).ToArray() : null;
        return scored.GetColumn<float[]>("Score").Select(score =>
        {
            if (map is null || map.Any(m => m < 0)) return score;
            var ordered = new float[taxonomy.Count];
            for (var i = 0; i < score.Length; i++) ordered[map[i]] = score[i];
            return ordered;
        }).ToList();
    }

    private static int IndexIn(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }

    private sealed class KeyRow
    {
        public string DocumentType { get; set; } = "";
    }

    private static void Validate(IReadOnlyList<LabelledText> samples, TrainingOptions options)
    {
        var bad = samples.Select(s => s.DocumentType).Distinct(StringComparer.Ordinal).Where(t => !DocumentTaxonomy.IsValidSlug(t)).ToList();
        if (bad.Count > 0)
            throw new ArgumentException($"Invalid document type name(s): {string.Join(", ", bad.Select(b => $"'{b}'"))} (lower-case letters, digits, underscores).", nameof(samples));
        var types = samples.Select(s => s.DocumentType).Distinct(StringComparer.Ordinal).Count();
        if (types < 2) throw new ArgumentException("Training needs samples of at least two document types.", nameof(samples));
        if (options.ValidationFraction is <= 0 or >= 1) throw new ArgumentException("ValidationFraction must be between 0 and 1.", nameof(options));
        if (options.PrecisionTarget is <= 0 or > 1) throw new ArgumentException("PrecisionTarget must be in (0, 1].", nameof(options));
        if (options.MinimumVocabularyCoverage is < 0 or > 1) throw new ArgumentException("MinimumVocabularyCoverage must be in [0, 1].", nameof(options));
    }

    /// <summary>Per type: shuffle with the seed, hold out the fraction (at least one when the type has two or more); corrections are never held out.</summary>
    private static (List<LabelledText> Training, List<LabelledText> Validation) StratifiedSplit(IReadOnlyList<LabelledText> samples, TrainingOptions options)
    {
        var random = new Random(options.Seed);
        var training = new List<LabelledText>();
        var validation = new List<LabelledText>();
        // Corrections from the review page are always trained on: the next model must follow them.
        training.AddRange(samples.Where(s => s.IsCorrection));
        foreach (var group in samples.Where(s => !s.IsCorrection).GroupBy(s => s.DocumentType, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var items = group.ToArray();
            random.Shuffle(items);
            var held = items.Length < 2 ? 0 : Math.Clamp((int)Math.Round(items.Length * options.ValidationFraction), 1, items.Length - 1);
            validation.AddRange(items.Take(held));
            training.AddRange(items.Skip(held));
        }
        // Interleave types so the learner does not see one type after another.
        var order = new Random(options.Seed + 1);
        var shuffled = training.ToArray();
        order.Shuffle(shuffled);
        return (shuffled.ToList(), validation);
    }

    /// <summary>
    /// The lowest confidence c such that, among held-out documents predicted as the type with confidence ≥ c,
    /// precision reaches the target and at least <see cref="TrainingOptions.MinimumAcceptedForThreshold"/> documents
    /// are accepted; never below <see cref="TrainingOptions.MinimumThreshold"/>.
    /// </summary>
    private static (float Threshold, ThresholdSource Source) ChooseThreshold(List<(float Confidence, bool Correct)> predictions, int validationCount, TrainingOptions options)
    {
        if (validationCount < options.MinimumValidationSamplesPerType) return (options.StrictDefaultThreshold, ThresholdSource.DefaultFewSamples);
        var sorted = predictions.OrderByDescending(p => p.Confidence).ToList();
        float? best = null;
        var correct = 0;
        for (var k = 0; k < sorted.Count; k++)
        {
            if (sorted[k].Correct) correct++;
            // Ties: a cut can only fall between different confidences.
            if (k + 1 < sorted.Count && sorted[k + 1].Confidence == sorted[k].Confidence) continue;
            if (k + 1 >= options.MinimumAcceptedForThreshold && (double)correct / (k + 1) >= options.PrecisionTarget) best = sorted[k].Confidence;
        }
        return best is { } b
            ? (Math.Max(b, options.MinimumThreshold), ThresholdSource.Measured)
            : (DocumentTypeModel.NeverAccepted, ThresholdSource.TargetUnreachable);
    }

    /// <summary>95% Wilson score lower bound of a proportion: how low precision may really be given the counts.</summary>
    private static double WilsonLowerBound(int successes, int n)
    {
        if (n == 0) return 0;
        const double z = 1.959964;
        var p = (double)successes / n;
        var denominator = 1 + z * z / n;
        var centre = p + z * z / (2 * n);
        var margin = z * Math.Sqrt(p * (1 - p) / n + z * z / (4.0 * n * n));
        return (centre - margin) / denominator;
    }

    private static int ArgMax(float[] scores)
    {
        var best = 0;
        for (var i = 1; i < scores.Length; i++) if (scores[i] > scores[best]) best = i;
        return best;
    }

    private static DocumentTypeModel.TypeInput ToInput(LabelledText sample, TrainingOptions options) =>
        new()
        {
            Text = DocumentTextNormaliser.Normalise(sample.Text),
            DocumentType = sample.DocumentType,
            Weight = sample.IsCorrection ? options.CorrectionWeight : 1f,
        };

    private static IEstimator<ITransformer> Pipeline(MLContext ml, TrainingOptions options, IDataView keys)
    {
        // The keys come from the whole taxonomy, so every fold's model scores the same types in the same order.
        IEstimator<ITransformer> label = ml.Transforms.Conversion.MapValueToKey(
            "Label", nameof(DocumentTypeModel.TypeInput.DocumentType), keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue, keyData: keys);
        const string text = nameof(DocumentTypeModel.TypeInput.Text);
        IEstimator<ITransformer> features = options.Features switch
        {
            // Hashing keeps no vocabulary: the file size depends on the hash sizes, not on the corpus and its OCR noise.
            TextFeatureMode.Hashed => ml.Transforms.Text.ProduceHashedWordBags("WordGrams", text, numberOfBits: options.WordHashBits,
                    ngramLength: 2, useAllLengths: true, maximumNumberOfInverts: 0)
                .Append(ml.Transforms.Text.TokenizeIntoCharactersAsKeys("Chars", text, useMarkerCharacters: true))
                .Append(ml.Transforms.Text.ProduceHashedNgrams("CharGrams", "Chars", numberOfBits: options.CharHashBits,
                    ngramLength: 4, useAllLengths: false, maximumNumberOfInverts: 0))
                .Append(ml.Transforms.Concatenate("RawFeatures", "WordGrams", "CharGrams"))
                .Append(ml.Transforms.NormalizeLpNorm("Features", "RawFeatures"))
                // The learner saves the schema it was trained on; the character keys' 65 536 names would dominate the file.
                .Append(ml.Transforms.DropColumns("Chars", "WordGrams", "CharGrams", "RawFeatures")),
            _ => ml.Transforms.Text.FeaturizeText("Features", new TextFeaturizingEstimator.Options
            {
                CaseMode = TextNormalizingEstimator.CaseMode.None,
                KeepDiacritics = true,
                KeepNumbers = true,
                KeepPunctuations = false,
                WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
                CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 4, UseAllLengths = false },
                Norm = TextFeaturizingEstimator.NormFunction.L2,
            }, text),
        };
        IEstimator<ITransformer> trainer = options.Algorithm switch
        {
            TypeTrainerAlgorithm.LbfgsMaximumEntropy => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(
                new LbfgsMaximumEntropyMulticlassTrainer.Options
                {
                    LabelColumnName = "Label", FeatureColumnName = "Features", NumberOfThreads = 1,
                    ExampleWeightColumnName = nameof(DocumentTypeModel.TypeInput.Weight),
                    L2Regularization = options.L2Regularization ?? 1f,
                }),
            _ => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                new SdcaMaximumEntropyMulticlassTrainer.Options
                {
                    LabelColumnName = "Label", FeatureColumnName = "Features", NumberOfThreads = 1,
                    ExampleWeightColumnName = nameof(DocumentTypeModel.TypeInput.Weight),
                    L2Regularization = options.L2Regularization ?? 1e-4f,
                }),
        };
        return label.Append(features).AppendCacheCheckpoint(ml).Append(trainer);
    }
}
