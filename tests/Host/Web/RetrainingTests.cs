using System.Net;
using System.Text.Json.Nodes;
using CaptureChain.Classifier.Tests.Typing;
using CaptureChain.Classifier.Typing;
using CaptureChain.Classifier.Versions;
using CaptureChain.Ocr;
using CaptureChain.Pipeline.Training;

namespace CaptureChain.Host.Tests.Web;

/// <summary>
/// Learning from the review desk end to end: a reviewer relabels a document through the API behind the review page,
/// the decision is kept as a training example, and the retraining workflow (the scheduled job's body) trains a model
/// that says what the reviewer said about that document, where the model trained on the same samples without the
/// decision did not.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class RetrainingTests(ReviewSite site) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cc-retrain-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_reviewers_correction_changes_what_the_next_model_says_about_that_document()
    {
        var entry = (await site.OpenItemsAsync(ReviewSite.DurandRent)).Single();
        var text = JsonNode.Parse(entry.Document!.EvidenceJson!)!["text"]!.GetValue<string>();
        text.Should().Contain("loyer");

        // The deployment's samples (text samples: no OCR needed) and a baseline model trained on them alone.
        var samples = Path.Combine(_root, "samples");
        foreach (var sample in new SyntheticDocuments(seed: 4242).DefaultTaxonomy(perType: 24, noise: 0.03).Select((s, i) => (s, i)))
        {
            Directory.CreateDirectory(Path.Combine(samples, sample.s.DocumentType));
            await File.WriteAllTextAsync(Path.Combine(samples, sample.s.DocumentType, $"sample-{sample.i:0000}.txt"), sample.s.Text);
        }
        var options = new TrainingOptions { MinimumValidationSamplesPerType = 4 };
        var registry = new ModelRegistry(Path.Combine(_root, "models"));
        using var engines = new OcrEnginePool(new OcrOptions(), 1);
        var baselineRun = await ModelTraining.TrainAsync(samples, null, registry, options with { ModelVersion = "baseline" }, engines, null, CancellationToken.None);
        using var baseline = baselineRun.Result.Model;
        var before = baseline.Predict(text).DocumentType;
        // The département files a tenant's rent receipt as proof of address; whatever the baseline says, the reviewer says otherwise.
        var label = before == "justificatif_domicile" ? "courrier" : "justificatif_domicile";

        var session = await site.SessionAsync("reviewer");
        var answer = await session.SendAsync(HttpMethod.Post, $"/api/review/items/{entry.Item.Id}/confirm",
            new { document_type = label, beneficiary_id = ReviewSite.PaulDurand.Id, case_number = ReviewSite.PaulDurand.CaseNumber });
        answer.StatusCode.Should().Be(HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
        var example = (await site.Store.ListTrainingExamplesAsync()).Single(e => e.ReviewItemId == entry.Item.Id);
        example.DocumentType.Should().Be(label);
        example.Corrected.Should().BeTrue();

        var outcome = await ModelRetraining.RunAsync(site.Store, samples, registry, options with { ModelVersion = "retrained" }, engines,
            force: false, null, CancellationToken.None);
        using var retrained = outcome.Run?.Result.Model;

        outcome.Trained.Should().BeTrue(outcome.Reason);
        outcome.NewExamples.Should().BeGreaterThanOrEqualTo(1);
        retrained!.Predict(example.Text).DocumentType.Should().Be(label);
        baseline.Predict(example.Text).DocumentType.Should().Be(before).And.NotBe(label);
        File.Exists(Path.Combine(samples, label, $"{SampleTexts.CorrectionPrefix}{entry.Item.Id}.txt")).Should().BeTrue();
        registry.List().Select(v => v.Version).Should().Contain(["baseline", "retrained"]);

        // Nothing new since: the next scheduled run does not train again.
        var idle = await ModelRetraining.RunAsync(site.Store, samples, registry, options with { ModelVersion = "idle" }, engines,
            force: false, null, CancellationToken.None);
        idle.Trained.Should().BeFalse();
        registry.List().Select(v => v.Version).Should().NotContain("idle");
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
