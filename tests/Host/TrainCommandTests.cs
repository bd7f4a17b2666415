using System.Text.Json;
using CaptureChain.Corpus;
using CaptureChain.Corpus.Documents;
using CaptureChain.Corpus.Population;
using CaptureChain.Corpus.Truth;

namespace CaptureChain.Host.Tests;

/// <summary>
/// <c>train</c> on a deployment's own taxonomy with 20 examples per type, the model registry (<c>model list</c>,
/// <c>promote</c>, <c>rollback</c>), and labelled text examples added to the samples. Samples are born-digital PDFs
/// (their text layer is read, no OCR) so the command runs in seconds.
/// </summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cc-train-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    // A département's own folders: other names, a subset of what it receives.
    private static readonly Dictionary<string, string> Taxonomy = new()
    {
        ["dossier_autonomie"] = DocumentTypes.DemandeApa,
        ["ressources_fiscales"] = DocumentTypes.AvisImposition,
        ["coordonnees_bancaires"] = DocumentTypes.Rib,
        ["decision_departement"] = DocumentTypes.NotificationDecision,
        ["avis_medical"] = DocumentTypes.CertificatMedical,
    };

    private string Samples(int perType, int seed)
    {
        var samples = Path.Combine(_dir, $"samples-{seed}");
        var people = new PopulationGenerator(seed).Generate(40, 0.1, 5).Registry;
        var rng = new Random(seed);
        foreach (var (folder, template) in Taxonomy)
        {
            Directory.CreateDirectory(Path.Combine(samples, folder));
            for (var i = 0; i < perType; i++)
                DocumentRenderer.RenderPdf(new DocumentSpec(template, people[rng.Next(people.Count)], rng.Next(), Variant: i),
                    Path.Combine(samples, folder, $"{i:000}.pdf"));
        }
        return samples;
    }

    private static Task<(int ExitCode, string Output)> Run(params string[] args) => CommandLineRunner.RunAsync(TimeSpan.FromMinutes(5), args);

    [Fact]
    public async Task Twenty_examples_per_type_of_a_new_taxonomy_train_through_the_command_and_the_report_says_how_thin_it_is()
    {
        var samples = Samples(perType: 20, seed: 31);
        var model = Path.Combine(_dir, "out", "deployment.zip");
        var registry = Path.Combine(_dir, "registry");

        var (exit, output) = await Run("train", "--samples", samples, "--model", model, "--registry", registry, "--version", "dep-1", "--workers", "1");

        exit.Should().Be(0, output);
        output.Should().Contain("Held-out accuracy").And.Contain("Confusion matrix").And.Contain("Reliability");
        foreach (var type in Taxonomy.Keys) output.Should().Contain(type);
        // 16 training and 4 held-out documents per type cannot establish a 99.5 % precision: the report says so.
        output.Should().Contain("only 16 training documents with out-of-fold predictions").And.Contain("too few to establish");
        output.Should().Contain("Active model is now dep-1");
        File.Exists(model).Should().BeTrue();
        var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "out", "deployment.report.json"))).RootElement.GetProperty("report");
        report.GetProperty("validation_sample_count").GetInt32().Should().Be(20);
        report.GetProperty("accuracy").GetDouble().Should().BeGreaterThanOrEqualTo(0.9);
        File.ReadAllText(Path.Combine(_dir, "out", "deployment.report.md")).Should().Contain("Verdict");
        var data = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "out", "deployment.data.json"))).RootElement.GetProperty("samples");
        data.GetArrayLength().Should().Be(100);
        data.EnumerateArray().Should().OnlyContain(s => s.GetProperty("sample_id").GetString()!.Length == 64);
        File.Exists(Path.Combine(registry, "dep-1", "model.zip")).Should().BeTrue();
        File.ReadAllText(Path.Combine(registry, "active")).Trim().Should().Be("dep-1");
    }

    [Fact]
    public async Task Model_list_promote_and_rollback_change_the_model_process_uses()
    {
        var samples = Samples(perType: 12, seed: 41);
        var registry = Path.Combine(_dir, "registry");
        (await Run("train", "--samples", samples, "--registry", registry, "--version", "v1", "--workers", "1")).ExitCode.Should().Be(0);
        // A labelled example from the review page, as OCR text: read as it is.
        var correction = Path.Combine(samples, "coordonnees_bancaires", "review-42.txt");
        await File.WriteAllTextAsync(correction, "RELEVÉ D'IDENTITÉ BANCAIRE\nTitulaire du compte\nIBAN FR76 3000 4000 0500 0012 3456 789\nBIC BNPAFRPPXXX\n\f\nDomiciliation agence");
        var (exit2, output2) = await Run("train", "--samples", samples, "--registry", registry, "--version", "v2", "--workers", "1");
        exit2.Should().Be(0, output2);
        output2.Should().Contain("(1 from review corrections)");

        var (promote, promoted) = await Run("model", "promote", "v2", "--registry", registry);
        promote.Should().Be(0, promoted);
        var (_, listed) = await Run("model", "list", "--registry", registry);
        listed.Should().Contain("* v2").And.Contain("v1");

        var (rollback, rolled) = await Run("model", "rollback", "--registry", registry);
        rollback.Should().Be(0, rolled);
        rolled.Should().Contain("active model is now v1");
        File.ReadAllText(Path.Combine(registry, "active")).Trim().Should().Be("v1");

        var (unknown, error) = await Run("model", "promote", "v9", "--registry", registry);
        unknown.Should().Be(1);
        error.Should().Contain("not registered");
    }
}
