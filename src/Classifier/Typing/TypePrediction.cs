namespace CaptureChain.Classifier.Typing;

/// <summary>One type and its probability.</summary>
public sealed record TypeProbability(string DocumentType, float Probability);

/// <summary>
/// The model's answer for one text: the most probable type, its probability, the three most probable types, and
/// whether the probability reaches that type's threshold (below it the document goes to review). A text whose words
/// training mostly never saw (<see cref="VocabularyCoverage"/> below the model's minimum) never meets the threshold.
/// </summary>
public sealed record TypePrediction(
    string DocumentType,
    float Confidence,
    IReadOnlyList<TypeProbability> Top3,
    float Threshold,
    bool MeetsThreshold)
{
    /// <summary>Share of the text's words (3 letters or more) that were frequent in the training documents.</summary>
    public double VocabularyCoverage { get; init; }
}
