namespace CaptureChain.Classifier.Typing;

/// <summary>The multiclass learner that turns text features into type probabilities.</summary>
public enum TypeTrainerAlgorithm
{
    /// <summary>Stochastic dual coordinate ascent, maximum entropy (softmax) loss: fast, sparse weights.</summary>
    SdcaMaximumEntropy,

    /// <summary>L-BFGS multinomial logistic regression.</summary>
    LbfgsMaximumEntropy,
}

/// <summary>How text becomes features.</summary>
public enum TextFeatureMode
{
    /// <summary>
    /// Word uni/bigrams and character 4-grams hashed into fixed-size vectors: no vocabulary stored, so the model
    /// file stays small whatever the corpus and its OCR noise (the default).
    /// </summary>
    Hashed,

    /// <summary>ML.NET FeaturizeText: word and character n-gram dictionaries built from the corpus (grows with it).</summary>
    Dictionary,
}

/// <summary>Training settings; the defaults are the shipped model's.</summary>
public sealed record TrainingOptions
{
    /// <summary>Share of each type held out for measuring (never used to train or to choose thresholds when cross-fitting).</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Seed of the split and of the learner: the same samples and options give the same model.</summary>
    public int Seed { get; init; } = 20_240_501;

    /// <summary>Precision each type's threshold must reach on held-out documents.</summary>
    public double PrecisionTarget { get; init; } = 0.995;

    /// <summary>Threshold used for a type with too few held-out documents to measure one.</summary>
    public float StrictDefaultThreshold { get; init; } = 0.95f;

    /// <summary>
    /// Documents of a type with an out-of-fold prediction (held-out documents without cross-fitting) needed before
    /// its threshold is taken from data.
    /// </summary>
    public int MinimumValidationSamplesPerType { get; init; } = 30;

    /// <summary>
    /// Held-out documents a threshold must let through to count as measured: a cut that keeps one or two lucky
    /// predictions says nothing about precision.
    /// </summary>
    public int MinimumAcceptedForThreshold { get; init; } = 10;

    /// <summary>No measured threshold goes below this, however good validation looked.</summary>
    public float MinimumThreshold { get; init; } = 0.5f;

    /// <summary>The learner.</summary>
    public TypeTrainerAlgorithm Algorithm { get; init; } = TypeTrainerAlgorithm.SdcaMaximumEntropy;

    /// <summary>
    /// Share of a text's words that training must have seen for its prediction to be accepted without review:
    /// garbage and off-topic pages fall well below it whatever confidence the model gives them.
    /// </summary>
    public float MinimumVocabularyCoverage { get; init; } = 0.2f;

    /// <summary>
    /// L2 regularisation of the learner; null for the tuned default (1e-4 for SDCA, which kept fresh-data precision at
    /// the thresholds at 99.7–100 % where ML.NET's own default gave 98.4–99.7 % on hard synthetic sets; 1 for L-BFGS).
    /// </summary>
    public float? L2Regularization { get; init; }

    /// <summary>The featurisation.</summary>
    public TextFeatureMode Features { get; init; } = TextFeatureMode.Hashed;

    /// <summary>
    /// Hash bits of word uni/bigrams (Hashed mode). 14 + 14 bits bound the weights of 12 types to 1.5 MiB even if
    /// every weight were non-zero, so the committed model stays under 2 MiB; measured accuracy equalled 16 + 16 bits.
    /// </summary>
    public int WordHashBits { get; init; } = 14;

    /// <summary>Hash bits of character 4-grams (Hashed mode).</summary>
    public int CharHashBits { get; init; } = 14;

    /// <summary>
    /// Folds of the cross-fitting that gives every training document an out-of-fold prediction, on which the
    /// calibration and thresholds are chosen (the held-out documents then measure them honestly). Fewer than 2, or
    /// fewer than twice as many training documents, chooses them on the held-out documents instead.
    /// </summary>
    public int CrossValidationFolds { get; init; } = 5;

    /// <summary>Fit a temperature so that confidences match observed accuracy (see <see cref="TypeCalibration"/>).</summary>
    public bool Calibrate { get; init; } = true;

    /// <summary>Weight of a sample labelled on the review page, against 1 for an ordinary sample.</summary>
    public float CorrectionWeight { get; init; } = 3f;

    /// <summary>Also train the automatic-separation model when the samples hold multi-page documents.</summary>
    public bool TrainSeparation { get; init; } = true;

    /// <summary>
    /// Probability a cut (or a join) between two pages needs, at least, to be taken without review, whatever the
    /// out-of-fold threshold: those rest on few errors, so they get a margin.
    /// </summary>
    public float SeparationMinimumSureProbability { get; init; } = 0.9f;

    /// <summary>Version label saved in the model; default: the creation time.</summary>
    public string? ModelVersion { get; init; }
}
