using CaptureChain.Classifier.Matching;
using CaptureChain.Pipeline.Records;

namespace CaptureChain.Pipeline.Stages;

/// <summary>
/// Finds who the document is about in the beneficiary registry, or says why nobody can be chosen. The cover sheet's
/// case and what the source's folder names say (<see cref="CaptureDefaults.Hint"/>) are weighed with the page's own identifiers.
/// </summary>
public sealed class MatchStage(BeneficiaryMatcher matcher) : DocumentStage
{
    public override string Name => "match";

    protected override CapturedDocument Handle(CapturedDocument document) =>
        document with
        {
            Match = matcher.Match(document.Identifiers ?? throw new InvalidOperationException("match before extract"),
                document.CoverCaseNumber, document.Source.Defaults.Hint),
        };
}
