using CaptureChain.Classifier.Matching;
using CaptureChain.Filing.Manifest;
using CaptureChain.Pipeline.Records;

namespace CaptureChain.Pipeline.Outcomes;

/// <summary>Settings of the filing decision.</summary>
/// <param name="MinTextLetters">Fewer letters than this on the whole document means nothing could be read.</param>
public sealed record FilingPolicy(int MinTextLetters = 20)
{
    /// <summary>The defaults.</summary>
    public static FilingPolicy Default { get; } = new();
}

/// <summary>The decision for one document: filed, or review with the reasons.</summary>
public sealed record FilingVerdict(DocumentStatus Status, IReadOnlyList<string> Reasons);

/// <summary>
/// Decides whether a document may go to its case folder without a person. Anything uncertain goes to review: a
/// misfiled page is a personal-data breach, a page in review is only a delay.
/// </summary>
public static class FilingDecision
{
    /// <summary>The verdict for a classified, identified and matched document.</summary>
    public static FilingVerdict Decide(CapturedDocument document, FilingPolicy policy)
    {
        var reasons = new List<string>();
        if (document.Faults.Count > 0) reasons.Add(ReasonCodes.ProcessingFault);
        reasons.AddRange(document.PageProblems);
        if (document.Text.Count(char.IsLetter) < policy.MinTextLetters) reasons.Add(ReasonCodes.NoText);

        if (document.Type is not { } type) reasons.Add(ReasonCodes.ProcessingFault);
        else if (!type.MeetsThreshold) reasons.Add(ReasonCodes.TypeLowConfidence);

        switch (document.Match)
        {
            case null:
                reasons.Add(ReasonCodes.ProcessingFault);
                break;
            case { IsMatched: true }:
                break;
            case { Reasons.Count: > 0 } match:
                reasons.AddRange(match.Reasons);
                break;
            case { Outcome: var outcome }:
                reasons.Add(outcome switch
                {
                    MatchOutcome.Ambiguous => ReasonCodes.BeneficiaryAmbiguous,
                    MatchOutcome.Conflict => ReasonCodes.IdentifiersConflict,
                    _ => ReasonCodes.BeneficiaryNotFound,
                });
                break;
        }

        var distinct = reasons.Distinct(StringComparer.Ordinal).ToList();
        return new FilingVerdict(distinct.Count == 0 ? DocumentStatus.Filed : DocumentStatus.Review, distinct);
    }
}
