using CaptureChain.Classifier.Matching;
using CaptureChain.Classifier.Registry;
using CaptureChain.Classifier.Typing;
using CaptureChain.Filing.Manifest;
using CaptureChain.Pipeline.Outcomes;
using CaptureChain.Pipeline.Records;

namespace CaptureChain.Pipeline.Tests;

public sealed class FilingDecisionTests
{
    private static readonly Beneficiary Person = new("B100130", null, "1234567", "DUPONT", "Marie", new DateOnly(1948, 3, 12),
        "APA-2017-85786", "APA", "3 rue des Lilas", "33000", "Bordeaux");

    private static TypePrediction Type(bool meetsThreshold) =>
        new("rib", meetsThreshold ? 0.97f : 0.41f, [new("rib", meetsThreshold ? 0.97f : 0.41f), new("courrier", 0.02f)], 0.8f, meetsThreshold);

    private static BeneficiaryMatch Matched() =>
        new(MatchOutcome.Matched, Person, [], [], [MatchEvidence.Nir], [new MatchCandidate(Person, [MatchEvidence.Nir])]);

    private static BeneficiaryMatch NotMatched(MatchOutcome outcome, params string[] reasons) =>
        new(outcome, null, reasons, [], [], []);

    /// <summary>A document that meets every condition: two read pages, a confident type, one matched beneficiary.</summary>
    private static CapturedDocument Good(params string?[] pageProblems)
    {
        var source = Build.Source();
        var problems = pageProblems.Length == 0 ? new string?[] { null, null } : pageProblems;
        var pages = problems.Select((problem, i) => Build.Content(source, i + 1, problem: problem)).ToList();
        return new CapturedDocument(source, 1, pages.Count, pages, null) { Type = Type(true), Match = Matched() };
    }

    private static CapturedDocument WithText(string text)
    {
        var source = Build.Source();
        return new CapturedDocument(source, 1, 1, [Build.Content(source, 1, text)], null) { Type = Type(true), Match = Matched() };
    }

    private static FilingVerdict Decide(CapturedDocument document) => FilingDecision.Decide(document, FilingPolicy.Default);

    [Fact]
    public void A_document_meeting_every_condition_is_filed_without_reasons()
    {
        var verdict = Decide(Good());

        verdict.Status.Should().Be(DocumentStatus.Filed);
        verdict.Reasons.Should().BeEmpty();
    }

    [Theory]
    [InlineData("type below threshold", ReasonCodes.TypeLowConfidence)]
    [InlineData("no type", ReasonCodes.ProcessingFault)]
    [InlineData("no match", ReasonCodes.ProcessingFault)]
    [InlineData("not found", ReasonCodes.BeneficiaryNotFound)]
    [InlineData("ambiguous", ReasonCodes.BeneficiaryAmbiguous)]
    [InlineData("conflict", ReasonCodes.IdentifiersConflict)]
    [InlineData("name only", ReasonCodes.NameOnly)]
    [InlineData("no identifier", ReasonCodes.NoIdentifier)]
    [InlineData("cover case unknown", ReasonCodes.CoverCaseUnknown)]
    [InlineData("short text", ReasonCodes.NoText)]
    [InlineData("no text", ReasonCodes.NoText)]
    [InlineData("ocr deadline on one page", ReasonCodes.OcrDeadline)]
    [InlineData("ocr fault on one page", ReasonCodes.OcrFault)]
    [InlineData("stage fault", ReasonCodes.ProcessingFault)]
    public void Each_failing_condition_sends_the_document_to_review_with_its_own_reason(string condition, string reason)
    {
        var document = condition switch
        {
            "type below threshold" => Good() with { Type = Type(false) },
            "no type" => Good() with { Type = null },
            "no match" => Good() with { Match = null },
            "not found" => Good() with { Match = NotMatched(MatchOutcome.NotFound) },
            "ambiguous" => Good() with { Match = NotMatched(MatchOutcome.Ambiguous) },
            "conflict" => Good() with { Match = NotMatched(MatchOutcome.Conflict) },
            "name only" => Good() with { Match = NotMatched(MatchOutcome.Ambiguous, MatchReasons.NameOnly) },
            "no identifier" => Good() with { Match = NotMatched(MatchOutcome.NotFound, MatchReasons.NoIdentifier) },
            "cover case unknown" => Good() with { Match = NotMatched(MatchOutcome.NotFound, MatchReasons.CoverCaseUnknown) },
            "short text" => WithText("Vu le 12/03, n° 4512 - 33."),
            "no text" => WithText(""),
            "ocr deadline on one page" => Good(null, ReasonCodes.OcrDeadline),
            "ocr fault on one page" => Good(ReasonCodes.OcrFault, null),
            "stage fault" => Good() with { Faults = ["classify: model file unreadable"] },
            _ => throw new ArgumentOutOfRangeException(nameof(condition)),
        };

        var verdict = Decide(document);

        verdict.Status.Should().Be(DocumentStatus.Review);
        verdict.Reasons.Should().Equal(reason);
        ReasonCodes.All.Should().Contain(verdict.Reasons);
    }

    [Fact]
    public void The_matcher_reasons_are_passed_on_instead_of_a_generic_one()
    {
        var document = Good() with { Match = NotMatched(MatchOutcome.Conflict, MatchReasons.IdentifiersConflict, MatchReasons.CoverCaseUnknown) };

        Decide(document).Reasons.Should().BeEquivalentTo(ReasonCodes.IdentifiersConflict, ReasonCodes.CoverCaseUnknown);
    }

    [Fact]
    public void A_match_outcome_without_a_beneficiary_is_never_filed()
    {
        var document = Good() with { Match = new BeneficiaryMatch(MatchOutcome.Matched, null, [], [], [], []) };

        var verdict = Decide(document);

        verdict.Status.Should().Be(DocumentStatus.Review);
        verdict.Reasons.Should().NotBeEmpty();
    }

    [Fact]
    public void Several_failures_give_each_reason_once()
    {
        var document = Good(ReasonCodes.OcrDeadline, ReasonCodes.OcrDeadline, ReasonCodes.OcrFault) with
        {
            Type = Type(false),
            Match = NotMatched(MatchOutcome.Ambiguous, MatchReasons.BeneficiaryAmbiguous),
        };

        var verdict = Decide(document);

        verdict.Status.Should().Be(DocumentStatus.Review);
        verdict.Reasons.Should().OnlyHaveUniqueItems();
        verdict.Reasons.Should().BeEquivalentTo(
            ReasonCodes.OcrDeadline, ReasonCodes.OcrFault, ReasonCodes.TypeLowConfidence, ReasonCodes.BeneficiaryAmbiguous);
    }

    [Fact]
    public void Faults_a_missing_type_and_a_missing_match_give_processing_fault_once()
    {
        var document = Good() with { Type = null, Match = null, Faults = ["classify: boom", "match: registry locked"] };

        Decide(document).Reasons.Should().Equal(ReasonCodes.ProcessingFault);
    }

    [Theory]
    [InlineData("abcde", true)]
    [InlineData("àbçdé", true)]
    [InlineData("abcd", false)]
    [InlineData("abcd 1234567890 ---", false)]
    public void The_text_condition_counts_letters_against_the_policy(string text, bool enough)
    {
        var verdict = FilingDecision.Decide(WithText(text), new FilingPolicy(MinTextLetters: 5));

        if (enough) verdict.Status.Should().Be(DocumentStatus.Filed);
        else verdict.Reasons.Should().Equal(ReasonCodes.NoText);
    }

    [Fact]
    public void The_text_of_every_page_counts_towards_the_threshold()
    {
        var source = Build.Source();
        // Ten letters per page: neither page alone reaches the default twenty, together they do.
        var pages = new[] { Build.Content(source, 1, "Lettre Jean"), Build.Content(source, 2, "Accords APA") };
        var document = new CapturedDocument(source, 1, 2, pages, null) { Type = Type(true), Match = Matched() };

        Decide(document).Status.Should().Be(DocumentStatus.Filed);
        FilingDecision.Decide(document, new FilingPolicy(MinTextLetters: 21)).Reasons.Should().Equal(ReasonCodes.NoText);
    }
}
