using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Text;

namespace CaptureChain.Classifier.Typing;

/// <summary>
/// Trains the document-type model on labelled OCR texts. A stratified share of each type is held out (fixed seed);
/// the model is trained on the rest, measured on the held-out texts (accuracy, per-type precision and recall,
/// confusion matrix), and each type gets the lowest confidence threshold at which held-out precision reaches the
/// target, or a strict default when the type has too few held-out texts to measure one.
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

        var (training, validation) = StratifiedSplit(samples, options);
        cancellationToken.ThrowIfCancellationRequested();

        var ml = new MLContext(options.Seed);
        var trainingInputs = training.Select(ToInput).ToList();
        var trainingData = ml.Data.LoadFromEnumerable(trainingInputs);
        // Words common to at least 1 % of the training documents (and 3 of them): the corpus vocabulary, not anyone's name.
        var vocabulary = TrainingVocabulary.Build(trainingInputs.Select(i => i.Text),
            Math.Max(3, (int)Math.Ceiling(trainingInputs.Count * 0.01)));
        var pipeline = Pipeline(ml, options);
        var transformer = pipeline.Fit(trainingData);
        cancellationToken.ThrowIfCancellationRequested();

        // Slot i of the score vector is key i+1 of the label column: that is the taxonomy order.
        var labelColumn = transformer.GetOutputSchema(trainingData.Schema)["Label"];
        var keyValues = default(VBuffer<ReadOnlyMemory<char>>);
        labelColumn.GetKeyValues(ref keyValues);
        var taxonomy = keyValues.DenseValues().Select(v => v.ToString()).ToList();

        var validationInputs = validation.Select(ToInput).ToList();
        var validationScores = validation.Count == 0
            ? []
            : transformer.Transform(ml.Data.LoadFromEnumerable(validationInputs)).GetColumn<float[]>("Score").ToList();
        var coverage = validationInputs.Select(i => vocabulary.Coverage(i.Text)).ToList();
        cancellationToken.ThrowIfCancellationRequested();

        var actual = validation.Select(v => taxonomy.IndexOf(v.DocumentType)).ToList();
        var predicted = validationScores.Select(ArgMax).ToList();
        var confidence = validationScores.Select((s, i) => s[predicted[i]]).ToList();

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

            var (threshold, source) = ChooseThreshold(predictedAs.Select(i => (confidence[i], actual[i] == t)).ToList(), validCount, options);
            thresholds[type] = threshold;
            var accepted = predictedAs.Where(i => confidence[i] >= threshold).ToList();
            var acceptedCorrect = accepted.Count(i => actual[i] == t);
            var precisionAt = accepted.Count == 0 ? 0 : (double)acceptedCorrect / accepted.Count;
            var recallAt = validCount == 0 ? 0 : (double)acceptedCorrect / validCount;
            perType.Add(new TypeMetrics(type, trainCount, validCount, precision, recall, threshold, source, precisionAt, recallAt,
                WilsonLowerBound(acceptedCorrect, accepted.Count)));

            if (source == ThresholdSource.DefaultFewSamples)
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{type}: only {validCount} held-out documents (need {options.MinimumValidationSamplesPerType} to measure a threshold); strict default {threshold:F2} used, its precision is not established."));
            else if (source == ThresholdSource.TargetUnreachable)
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{type}: no confidence level gave {options.PrecisionTarget:P1} held-out precision over at least {options.MinimumAcceptedForThreshold} documents; documents of this type always go to review."));
        }

        var total = predicted.Count;
        var correct = Enumerable.Range(0, total).Count(i => predicted[i] == actual[i]);
        var automatic = Enumerable.Range(0, total)
            .Where(i => confidence[i] >= thresholds[taxonomy[predicted[i]]] && coverage[i] >= options.MinimumVocabularyCoverage).ToList();
        var belowCoverage = coverage.Count(c => c < options.MinimumVocabularyCoverage);
        if (belowCoverage > 0)
            warnings.Add($"{belowCoverage} held-out document(s) had under {options.MinimumVocabularyCoverage:P0} of their words known to training and would go to review: check their OCR text.");
        var automaticCorrect = automatic.Count(i => predicted[i] == actual[i]);
        var confusion = new List<IReadOnlyList<int>>();
        for (var a = 0; a < taxonomy.Count; a++)
        {
            var row = new int[taxonomy.Count];
            for (var i = 0; i < total; i++) if (actual[i] == a) row[predicted[i]]++;
            confusion.Add(row);
        }
        if (total < 10 * taxonomy.Count)
            warnings.Add($"Only {total} held-out documents for {taxonomy.Count} types: accuracy and precision figures are rough estimates.");
        var worstLowerBound = perType.Where(m => m.ThresholdSource == ThresholdSource.Measured).Select(m => m.PrecisionLowerBound95).DefaultIfEmpty(1).Min();
        if (perType.Any(m => m.ThresholdSource == ThresholdSource.Measured) && worstLowerBound < options.PrecisionTarget)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"Thresholds reach the {options.PrecisionTarget:P1} target on the held-out documents, but with so few of them the 95% lower bound of precision is only {worstLowerBound:P1} for the weakest type; more samples would tighten it."));

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
            AutomaticPrecision: automatic.Count == 0 ? 0 : (double)automaticCorrect / automatic.Count,
            PrecisionTarget: options.PrecisionTarget,
            MinimumVocabularyCoverage: options.MinimumVocabularyCoverage,
            HeldOutBelowCoverageShare: total == 0 ? 0 : (double)belowCoverage / total,
            PerType: perType,
            Confusion: new ConfusionMatrix(taxonomy, confusion),
            Warnings: warnings,
            ModelSizeBytes: 0,
            TrainingSeconds: clock.Elapsed.TotalSeconds);

        var created = DateTimeOffset.UtcNow;
        var metadata = new DocumentTypeModelMetadata(
            DocumentTypeModel.FormatTag,
            options.ModelVersion ?? created.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture),
            created,
            DocumentTextNormaliser.Version,
            taxonomy,
            thresholds,
            options.MinimumVocabularyCoverage,
            training.Count,
            report);
        var model = new DocumentTypeModel(ml, transformer, trainingData.Schema, vocabulary, metadata);
        // The size is known only once serialised; the saved report carries the size measured here.
        var size = model.ToBytes().LongLength;
        var sized = metadata with { Report = report with { ModelSizeBytes = size, TrainingSeconds = clock.Elapsed.TotalSeconds } };
        model.Dispose();
        var final = new DocumentTypeModel(ml, transformer, trainingData.Schema, vocabulary, sized);
        return new TrainingResult(final, sized.Report);
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

    /// <summary>Per type: shuffle with the seed, hold out the fraction (at least one when the type has two or more).</summary>
    private static (List<LabelledText> Training, List<LabelledText> Validation) StratifiedSplit(IReadOnlyList<LabelledText> samples, TrainingOptions options)
    {
        var random = new Random(options.Seed);
        var training = new List<LabelledText>();
        var validation = new List<LabelledText>();
        foreach (var group in samples.GroupBy(s => s.DocumentType, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
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

    private static DocumentTypeModel.TypeInput ToInput(LabelledText sample) =>
        new() { Text = DocumentTextNormaliser.Normalise(sample.Text), DocumentType = sample.DocumentType };

    private static IEstimator<ITransformer> Pipeline(MLContext ml, TrainingOptions options)
    {
        IEstimator<ITransformer> label = ml.Transforms.Conversion.MapValueToKey(
            "Label", nameof(DocumentTypeModel.TypeInput.DocumentType), keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue);
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
                    L2Regularization = options.L2Regularization ?? 1f,
                }),
            _ => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                new SdcaMaximumEntropyMulticlassTrainer.Options
                {
                    LabelColumnName = "Label", FeatureColumnName = "Features", NumberOfThreads = 1,
                    L2Regularization = options.L2Regularization ?? 1e-4f,
                }),
        };
        return label.Append(features).AppendCacheCheckpoint(ml).Append(trainer);
    }
}
