using CaptureChain.Classifier.Tests.Typing;
using CaptureChain.Classifier.Typing;
using CaptureChain.Classifier.Versions;

namespace CaptureChain.Classifier.Tests.Versions;

/// <summary>Model versions: registration with report and data manifest, promotion only when not worse, rollback.</summary>
public sealed class ModelRegistryTests : IDisposable
{
    private static readonly string[] Types = ["rib", "avis_imposition", "courrier", "certificat_medical"];
    private readonly string _root = Directory.CreateTempSubdirectory("cc-registry-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static List<LabelledText> Samples(int seed, int perType) =>
        new SyntheticDocuments(seed).DefaultTaxonomy(perType, noise: 0.05)
            .Where(s => Types.Contains(s.DocumentType))
            .Select((s, i) => s with { SampleId = $"{seed}-{i:0000}", SourceName = $"{s.DocumentType}/{i:0000}.txt" })
            .ToList();

    private static TrainingResult Train(List<LabelledText> samples, string version) =>
        DocumentTypeTrainer.Train(samples, new TrainingOptions { ModelVersion = version, MinimumValidationSamplesPerType = 10, TrainSeparation = false });

    [Fact]
    public void A_worse_model_is_registered_but_not_promoted_and_rollback_goes_back_one_version()
    {
        var registry = new ModelRegistry(_root);
        var good = Train(Samples(101, 40), "v1");
        registry.Register(good);
        registry.PromoteIfBetter(good).Promoted.Should().BeTrue();
        registry.ActiveVersion.Should().Be("v1");

        // Wrong corrections (every type labelled as the next one), weighted up and always trained on: the model they
        // give is worse on the new samples' held-out documents, which are correctly labelled.
        var wrong = Samples(203, 20).Select(s => s with
        {
            DocumentType = Types[(Array.IndexOf(Types, s.DocumentType) + 1) % Types.Length],
            IsCorrection = true,
        });
        var worse = Train([.. Samples(202, 40), .. wrong], "v2");
        registry.Register(worse);
        var decision = registry.PromoteIfBetter(worse);

        decision.Promoted.Should().BeFalse(decision.Reason);
        decision.Comparison!.Candidate.Utility.Should().BeLessThan(decision.Comparison.Active.Utility);
        decision.Reason.Should().Contain("stays active");
        registry.ActiveVersion.Should().Be("v1");

        var better = Train(Samples(303, 40), "v3");
        registry.Register(better);
        var third = registry.PromoteIfBetter(better);
        third.Promoted.Should().BeTrue(third.Reason);
        registry.ActiveVersion.Should().Be("v3");
        registry.ActiveModelPath.Should().Be(Path.Combine(_root, "v3", ModelRegistry.ModelFile));

        registry.Rollback().Should().Be("v1");
        registry.ActiveVersion.Should().Be("v1");
        ((Action)(() => registry.Rollback())).Should().Throw<InvalidOperationException>().WithMessage("*no earlier active version*");
        registry.Promote("v2", "by hand");
        registry.ActiveVersion.Should().Be("v2");
        registry.Rollback().Should().Be("v1");
        registry.History().Select(h => (h.Action, h.Version)).Should().Equal(
            ("promote", "v1"), ("promote", "v3"), ("rollback", "v1"), ("promote", "v2"), ("rollback", "v1"));

        registry.List().Select(v => v.Version).Should().BeEquivalentTo(["v1", "v2", "v3"]);
        registry.List().Single(v => v.IsActive).Version.Should().Be("v1");
        foreach (var result in new[] { good, worse, better }) result.Model.Dispose();
    }

    [Fact]
    public void Each_version_keeps_its_model_report_and_the_hashes_of_the_data_it_saw()
    {
        var registry = new ModelRegistry(_root);
        var samples = Samples(404, 20);
        var result = Train(samples, "2026.12.1");

        var folder = registry.Register(result);

        File.Exists(Path.Combine(folder, ModelRegistry.ModelFile)).Should().BeTrue();
        File.ReadAllText(Path.Combine(folder, ModelRegistry.ReportMarkdownFile)).Should().Contain("# Document-type model 2026.12.1").And.Contain("Reliability");
        File.ReadAllText(Path.Combine(folder, ModelRegistry.ReportJsonFile)).Should().Contain("\"accuracy\"");
        var data = registry.DataOf("2026.12.1")!;
        data.Samples.Should().HaveCount(samples.Count);
        data.Samples.Select(s => s.SampleId).Should().BeEquivalentTo(samples.Select(s => s.SampleId));
        data.Samples.Count(s => s.Split == "held_out").Should().Be(result.Report.ValidationSampleCount);
        // The manifest names samples, it never copies their text.
        File.ReadAllText(Path.Combine(folder, ModelRegistry.DataFile)).Should().NotContain(samples[0].Text[..Math.Min(40, samples[0].Text.Length)]);
        ((Action)(() => registry.Register(result))).Should().Throw<InvalidOperationException>().WithMessage("*already registered*");
        result.Model.Dispose();
    }

    [Fact]
    public void Promotion_compares_only_on_documents_the_active_model_never_trained_on()
    {
        var registry = new ModelRegistry(_root);
        var samples = Samples(505, 30);
        var first = Train(samples, "a");
        registry.Register(first);
        registry.PromoteIfBetter(first);

        // Same samples, same split: every held-out document of the new model was held out for the old one too,
        // so the comparison uses them; a model trained on all of them would have nothing to be compared on.
        var again = Train(samples, "b");
        registry.Register(again);
        var decision = registry.PromoteIfBetter(again);
        decision.Comparison!.Documents.Should().Be(again.HeldOut.Count);

        var trainedOnEverything = DocumentTypeTrainer.Train(samples.Concat(Samples(606, 8)).ToList(),
            new TrainingOptions { ModelVersion = "c", ValidationFraction = 0.1, TrainSeparation = false, Seed = 77 });
        registry.Register(trainedOnEverything);
        var seen = registry.DataOf(registry.ActiveVersion!)!.TrainedIds();
        var comparable = trainedOnEverything.HeldOut.Count(h => !seen.Contains(h.SampleId!));
        var third = registry.PromoteIfBetter(trainedOnEverything);
        (third.Comparison?.Documents ?? 0).Should().Be(comparable);
        foreach (var r in new[] { first, again, trainedOnEverything }) r.Model.Dispose();
    }
}
