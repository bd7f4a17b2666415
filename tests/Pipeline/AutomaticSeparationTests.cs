using CaptureChain.Capture.Intake;
using CaptureChain.Classifier.Typing;
using CaptureChain.Corpus.Documents;
using CaptureChain.Corpus.Population;
using CaptureChain.Pipeline.Outcomes;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Stages;

namespace CaptureChain.Pipeline.Tests;

/// <summary>
/// Generated documents of the 12 types (the corpus's templates, as born-digital PDFs read through the production
/// decoder, so no OCR is needed): a model trained on whole documents, then files holding several documents without
/// any separator sheet, cut by the separation stage.
/// </summary>
public sealed class GeneratedDocumentsFixture : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public GeneratedDocumentsFixture()
    {
        var people = new PopulationGenerator(17).Generate(60, 0.1, 5).Registry;
        var decoder = new SourceDecoder();
        var n = 0;
        List<string> PageTexts(DocumentSpec spec)
        {
            var path = _scratch.File($"doc{n++}.pdf");
            DocumentRenderer.RenderPdf(spec, path);
            var texts = new List<string>();
            foreach (var page in decoder.ReadPagesAsync(path, CancellationToken.None).ToBlockingEnumerable())
                using (page) texts.Add(page.TextLayer ?? "");
            return texts;
        }

        var rng = new Random(23);
        var samples = new List<LabelledText>();
        foreach (var type in DocumentTypes.All)
            for (var i = 0; i < 9; i++)
                samples.Add(new LabelledText(DocumentPages.Join(PageTexts(new DocumentSpec(type, people[rng.Next(people.Count)], rng.Next(), Variant: i))), type));
        Result = DocumentTypeTrainer.Train(samples, new TrainingOptions { MinimumValidationSamplesPerType = 5 });

        // Stacks: 2-4 documents of one person, of different types, in a row.
        for (var s = 0; s < 12; s++)
        {
            var person = people[rng.Next(people.Count)];
            var documents = DocumentTypes.All.OrderBy(_ => rng.Next()).Take(rng.Next(2, 5))
                .Select(t => PageTexts(new DocumentSpec(t, person, rng.Next()))).ToList();
            Stacks.Add(documents);
        }
        // Single multi-page documents: nothing to cut.
        foreach (var type in new[] { DocumentTypes.DemandeApa, DocumentTypes.DemandeMdph, DocumentTypes.JugementProtection, DocumentTypes.AvisImposition })
            for (var i = 0; i < 3; i++)
                Singles.Add(PageTexts(new DocumentSpec(type, people[rng.Next(people.Count)], rng.Next(), PageCount: 3)));
    }

    public TrainingResult Result { get; }

    public DocumentTypeModel Model => Result.Model;

    /// <summary>Each stack: its documents, each a list of page texts.</summary>
    public List<List<List<string>>> Stacks { get; } = [];

    public List<List<string>> Singles { get; } = [];

    public void Dispose()
    {
        Result.Model.Dispose();
        _scratch.Dispose();
    }
}

public sealed class AutomaticSeparationTests(GeneratedDocumentsFixture generated) : IClassFixture<GeneratedDocumentsFixture>
{
    private static List<RecognisedPage> Pages(SourceFile source, IEnumerable<string> texts) =>
        texts.Select((t, i) => Build.Content(source, i + 1, t)).ToList();

    private static List<(int First, int Last)> Expected(List<List<string>> stack)
    {
        var ranges = new List<(int, int)>();
        var page = 1;
        foreach (var document in stack)
        {
            ranges.Add((page, page + document.Count - 1));
            page += document.Count;
        }
        return ranges;
    }

    [Fact]
    public void The_model_learns_where_documents_start_from_multi_page_samples()
    {
        var separation = generated.Model.Separation;

        separation.Should().NotBeNull(generated.Result.Report.SeparationNotTrainedBecause);
        var report = separation!.Report;
        report.TrainingPairs.Should().BeGreaterThan(report.TrainingStartPairs);
        report.HeldOutAccuracy.Should().BeGreaterThan(0.9);
        report.StartThreshold.Should().BeGreaterThanOrEqualTo(0.5f);
        report.ContinueThreshold.Should().BeLessThan(0.5f);
        generated.Result.Report.ToText().Should().Contain("Automatic separation");
    }

    [Fact]
    public void Files_of_several_documents_without_sheets_are_cut_where_each_document_starts()
    {
        var exact = 0;
        var wrongButSure = 0;
        foreach (var stack in generated.Stacks)
        {
            var source = Build.Source($"stack_{exact + wrongButSure}.tif");
            var documents = SeparationStage.Cut(source, Pages(source, stack.SelectMany(d => d)), generated.Model);

            var cut = documents.Select(d => (d.FirstPage, d.LastPage)).ToList();
            if (cut.SequenceEqual(Expected(stack))) exact++;
            else if (documents.All(d => !d.SeparationUncertain)) wrongButSure++;
            documents.SelectMany(d => d.Pages).Select(p => p.PageNumber).Should().Equal(Enumerable.Range(1, stack.Sum(d => d.Count)), "no page is lost or repeated");
        }

        exact.Should().BeGreaterThanOrEqualTo(generated.Stacks.Count - 2);
        wrongButSure.Should().BeLessThanOrEqualTo(1);
    }

    [Fact]
    public void A_single_multi_page_document_stays_whole()
    {
        var whole = generated.Singles.Count(single =>
        {
            var source = Build.Source("single.tif");
            var documents = SeparationStage.Cut(source, Pages(source, single), generated.Model);
            return documents.Count == 1 && (documents[0].FirstPage, documents[0].LastPage) == (1, single.Count);
        });

        whole.Should().BeGreaterThanOrEqualTo(generated.Singles.Count - 1);
    }

    [Fact]
    public void A_page_without_text_stays_with_the_document_it_is_in()
    {
        // An undetected blank back between the pages of a document and after it: no cut, no review.
        var single = generated.Singles[0];
        var source = Build.Source("duplex.tif");
        var texts = new List<string> { single[0], "", single[1], " . ", single[2], "" };

        var documents = SeparationStage.Cut(source, Pages(source, texts), generated.Model);

        documents.Should().ContainSingle();
        (documents[0].FirstPage, documents[0].LastPage).Should().Be((1, 6));
        documents[0].SeparationUncertain.Should().BeFalse();
    }

    [Fact]
    public void Files_with_separator_sheets_are_cut_at_the_sheets_only()
    {
        var stack = generated.Stacks[0];
        var source = Build.Source("envelope.tif");
        var pages = new List<RecognisedPage>();
        foreach (var document in stack)
        {
            if (pages.Count > 0) pages.Add(Build.Separator(source, pages.Count + 1));
            pages.AddRange(document.Select(t => Build.Content(source, pages.Count + 1, t)));
        }
        var merged = Build.Source("stack.tif");
        var unseparated = Pages(merged, stack.SelectMany(d => d));

        SeparationStage.Cut(source, pages, generated.Model).Should().HaveCount(stack.Count).And.OnlyContain(d => !d.SeparationUncertain);
        // With automatic separation off, a file without sheets is one document.
        SeparationStage.Cut(merged, unseparated, generated.Model, AutomaticSeparation.Off).Should().ContainSingle();
        // Without a separation model, too.
        SeparationStage.Cut(merged, unseparated, null).Should().ContainSingle();
    }

    [Fact]
    public void An_uncertain_cut_sends_the_documents_around_it_to_review()
    {
        var source = Build.Source();
        var document = new CapturedDocument(source, 1, 2, Build.Pages(source, "c", "c"), null) { SeparationUncertain = true };
        var verdict = FilingDecision.Decide(document with
        {
            Type = new TypePrediction("rib", 0.99f, [], 0.5f, true),
            Match = null,
        }, FilingPolicy.Default);

        verdict.Reasons.Should().Contain(ReasonCodes.SeparationUncertain);
        ReasonCodes.Explain(ReasonCodes.SeparationUncertain).Should().Contain("split or merge");
    }
}

public sealed class QualitySamplingTests
{
    [Fact]
    public void The_configured_share_of_filed_documents_is_sampled_and_always_the_same_ones()
    {
        var policy = new FilingPolicy(QualitySampleShare: 0.05);
        var keys = Enumerable.Range(0, 4000).Select(i => new Filing.Store.DocumentKey($"scan_{i}.tif", $"{i:x64}", 1, 1 + i % 3)).ToList();

        var sampled = keys.Count(policy.IsQualitySample);

        sampled.Should().BeInRange(160, 240);
        keys.Where(policy.IsQualitySample).Should().Equal(keys.Where(new FilingPolicy(QualitySampleShare: 0.05).IsQualitySample));
        keys.Count(new FilingPolicy(QualitySampleShare: 0).IsQualitySample).Should().Be(0);
        keys.Count(new FilingPolicy(QualitySampleShare: 1).IsQualitySample).Should().Be(keys.Count);
    }
}
