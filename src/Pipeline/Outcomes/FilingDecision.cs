using CaptureChain.Classifier.Matching;
using CaptureChain.Filing.Manifest;
using CaptureChain.Pipeline.Records;

namespace CaptureChain.Pipeline.Outcomes;

/// <summary>Settings of the filing decision.</summary>
/// <param name="MinTextLetters">Fewer letters than this on the whole document means nothing could be read.</param>
/// <param name="QualitySampleShare">
/// Share of automatically filed documents that are also put in the review queue (reason <c>quality_sample</c>) so a
/// person confirms them: the measured precision of automatic filing. 0 turns quality sampling off.
/// </param>
public sealed record FilingPolicy(int MinTextLetters = 20, double QualitySampleShare = 0.02)
{
    /// <summary>
    /// Whether a filed document is sampled for a quality check: a stable function of the document's identity (the
    /// same document always gets the same answer, so a resumed batch samples the same ones) below the share.
    /// </summary>
    public bool IsQualitySample(Filing.Store.DocumentKey key)
    {
        if (QualitySampleShare <= 0) return false;
        if (QualitySampleShare >= 1) return true;
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            $"quality\n{key.SourceSha256}\n{key.FirstPage}-{key.LastPage}"));
        var value = BitConverter.ToUInt64(hash, 0) / (double)ulong.MaxValue;
        return value < QualitySampleShare;
    }

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

        if (document.SeparationUncertain) reasons.Add(ReasonCodes.SeparationUncertain);

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
