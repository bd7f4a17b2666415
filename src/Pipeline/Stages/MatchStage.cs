using CaptureChain.Classifier.Matching;
using CaptureChain.Pipeline.Records;

namespace CaptureChain.Pipeline.Stages;

/// <summary>Finds who the document is about in the beneficiary registry, or says why nobody can be chosen.</summary>
public sealed class MatchStage(BeneficiaryMatcher matcher) : DocumentStage
{
    public override string Name => "match";

    protected override CapturedDocument Handle(CapturedDocument document) =>
        document with { Match = matcher.Match(document.Identifiers ?? throw new InvalidOperationException("match before extract"), document.CoverCaseNumber) };
}
