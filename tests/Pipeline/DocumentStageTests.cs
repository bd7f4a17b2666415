using CaptureChain.Capture.Intake;
using CaptureChain.Classifier.Matching;
using CaptureChain.Classifier.Registry;
using CaptureChain.Classifier.Typing;
using CaptureChain.Filing.Manifest;
using CaptureChain.Pipeline.Outcomes;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Runner;
using CaptureChain.Pipeline.Stages;

namespace CaptureChain.Pipeline.Tests;

public sealed class DocumentStageTests
{
    /// <summary>A document stage whose finding is given by the test.</summary>
    private sealed class Finding(string name, Func<CapturedDocument, CapturedDocument> handle) : DocumentStage
    {
        public override string Name => name;
        protected override CapturedDocument Handle(CapturedDocument document) => handle(document);
    }

    private static readonly Beneficiary Person = new("B100130", null, null, "MARTIN", "Paul", new DateOnly(1950, 1, 2),
        "PCH-2020-00001", "PCH", "1 place de la Mairie", "33100", "Bordeaux");

    private static CapturedDocument Document(int first)
    {
        var source = Build.Source();
        return new CapturedDocument(source, first, first, [Build.Content(source, first)], null);
    }

    [Fact]
    public async Task Documents_get_the_finding_and_rejected_sources_pass_untouched()
    {
        var stage = new Finding("classify", d => d with { Type = new TypePrediction("rib", 0.9f, [], 0.5f, true) });
        var rejected = new RejectedSource(Build.Source(), 3, new SourceRejection(SourceRejectionCodes.EmptyFile, "Fichier vide."));

        var fromDocument = await Build.ToListAsync(stage.ProcessAsync(Document(1), CancellationToken.None));
        var fromRejected = await Build.ToListAsync(stage.ProcessAsync(rejected, CancellationToken.None));

        fromDocument.Should().ContainSingle().Which.Should().BeOfType<CapturedDocument>().Which.Type!.DocumentType.Should().Be("rib");
        fromRejected.Should().ContainSingle().Which.Should().BeSameAs(rejected);
    }

    [Fact]
    public void A_fault_leaves_the_document_without_the_finding_and_records_which_stage_failed()
    {
        var stage = new Finding("extract", d => d);
        var document = Document(2) with { Faults = ["classify: earlier fault"] };

        var replacement = stage.OnFault(document, new InvalidOperationException("regex timeout")).Should().ContainSingle()
            .Which.Should().BeOfType<CapturedDocument>().Subject;

        replacement.Faults.Should().Equal("classify: earlier fault", "extract: regex timeout");
        replacement.Pages.Should().BeSameAs(document.Pages);
        (replacement.FirstPage, replacement.LastPage).Should().Be((2, 2));
        var rejected = new RejectedSource(Build.Source(), 0, new SourceRejection(ReasonCodes.ProcessingFault, "x"));
        stage.OnFault(rejected, new InvalidOperationException("boom")).Should().ContainSingle().Which.Should().BeSameAs(rejected);
    }

    [Fact]
    public async Task In_the_chain_a_failing_finding_sends_only_that_document_to_review()
    {
        var chain = StageChain<DocumentMessage>.Start(capacity: 4, CancellationToken.None);
        var tail = chain.Head
            .Then(new Finding("classify", d => d with { Type = new TypePrediction("rib", 0.95f, [], 0.5f, true) }), 1, 4)
            .Then(new Finding("match", d => d.FirstPage == 2
                ? throw new InvalidOperationException("registry unavailable")
                : d with { Match = new BeneficiaryMatch(MatchOutcome.Matched, Person, [], [], [MatchEvidence.CoverSheet], []) }), 1, 4);

        foreach (var first in new[] { 1, 2, 3 }) await chain.Input.WriteAsync(Document(first));
        chain.Input.Complete();
        var outputs = (await Build.ToListAsync(tail.Tail.ReadAllAsync())).Cast<CapturedDocument>().ToList();
        await tail.Completion.WaitAsync(Build.Patience);

        var verdicts = outputs.Select(d => (d.FirstPage, FilingDecision.Decide(d, FilingPolicy.Default))).ToList();
        verdicts.Select(v => (v.FirstPage, v.Item2.Status)).Should().Equal(
            (1, DocumentStatus.Filed), (2, DocumentStatus.Review), (3, DocumentStatus.Filed));
        verdicts[1].Item2.Reasons.Should().Equal(ReasonCodes.ProcessingFault);
        outputs[1].Faults.Should().Equal("match: registry unavailable");
        chain.Metrics[1].Faulted.Should().Be(1);
    }
}
