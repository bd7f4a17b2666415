using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using CaptureChain.Classifier.Typing;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CaptureChain.Classifier.Tests.Typing;

/// <summary>The 12-type model trained once on synthetic OCR-like texts, shared by the tests that only read it.</summary>
public sealed class DefaultModelFixture : IDisposable
{
    public DefaultModelFixture()
    {
        Samples = new SyntheticDocuments(seed: 11).DefaultTaxonomy(perType: 45, noise: 0.05);
        Result = DocumentTypeTrainer.Train(Samples);
    }

    public List<LabelledText> Samples { get; }

    public TrainingResult Result { get; }

    public DocumentTypeModel Model => Result.Model;

    public void Dispose() => Result.Model.Dispose();
}

public sealed class DocumentTypeModelTests(DefaultModelFixture fixture) : IClassFixture<DefaultModelFixture>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cc-model-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Held_out_accuracy_and_report_are_consistent()
    {
        var report = fixture.Result.Report;

        report.Accuracy.Should().BeGreaterThanOrEqualTo(0.9);
        report.TrainingSampleCount.Should().Be(12 * 36);
        report.ValidationSampleCount.Should().Be(12 * 9);
        report.PerType.Select(m => m.DocumentType).Should().BeEquivalentTo(DocumentTaxonomy.Default.Types);
        report.PerType.Should().OnlyContain(m => m.ValidationSamples == 9 && m.TrainingSamples == 36);

        // The confusion matrix holds every held-out document once, and its diagonal is the accuracy.
        var counts = report.Confusion.Counts;
        counts.Sum(row => row.Sum()).Should().Be(report.ValidationSampleCount);
        var diagonal = Enumerable.Range(0, counts.Count).Sum(i => counts[i][i]);
        ((double)diagonal / report.ValidationSampleCount).Should().BeApproximately(report.Accuracy, 1e-9);
        for (var i = 0; i < counts.Count; i++)
        {
            var type = report.Confusion.Types[i];
            var metrics = report.PerType.Single(m => m.DocumentType == type);
            metrics.Recall.Should().BeApproximately((double)counts[i][i] / counts[i].Sum(), 1e-9);
            var predictedAs = counts.Sum(row => row[i]);
            metrics.Precision.Should().BeApproximately(predictedAs == 0 ? 0 : (double)counts[i][i] / predictedAs, 1e-9);
        }
    }

    [Fact]
    public void Thresholds_and_calibration_come_from_out_of_fold_predictions_and_the_report_says_so()
    {
        var report = fixture.Result.Report;

        // 36 training documents per type, each with an out-of-fold prediction from a model that did not see it.
        report.CrossValidationFolds.Should().Be(5);
        report.PerType.Should().OnlyContain(m => m.ThresholdDocuments == 36 && m.ThresholdSource != ThresholdSource.DefaultFewSamples);
        report.Calibration.Temperature.Should().BeInRange(0.05, 20);
        report.Reliability!.Count.Should().Be(report.ValidationSampleCount);
        report.Reliability.Bins.Sum(b => b.Count).Should().Be(report.ValidationSampleCount);
        report.Warnings.Should().Contain(w => w.Contains("rough estimates", StringComparison.Ordinal));
        report.ToText().Should().Contain("Held-out accuracy").And.Contain("Confusion matrix").And.Contain("Reliability").And.Contain("Verdict: ");
        fixture.Model.ThresholdFor("rib").Should().Be(report.PerType.Single(m => m.DocumentType == "rib").Threshold);
    }

    [Fact]
    public void Too_few_documents_of_a_type_give_the_strict_default_threshold_and_say_so()
    {
        var samples = new SyntheticDocuments(seed: 13).DefaultTaxonomy(perType: 15, noise: 0.05)
            .Where(s => s.DocumentType is "rib" or "courrier" or "avis_imposition").ToList();

        using var model = DocumentTypeTrainer.Train(samples).Model;
        var report = model.Metadata.Report;

        report.PerType.Should().OnlyContain(m => m.ThresholdSource == ThresholdSource.DefaultFewSamples && m.Threshold == 0.95f && m.ThresholdDocuments == 12);
        report.Warnings.Should().Contain(w => w.StartsWith("rib: only 12 training documents with out-of-fold predictions", StringComparison.Ordinal));
        report.Verdict.Should().Contain("too few to establish");
    }

    [Fact]
    public void Classifies_new_documents_it_never_saw()
    {
        var fresh = new SyntheticDocuments(seed: 12345).DefaultTaxonomy(perType: 10, noise: 0.06);

        var correct = fresh.Count(s => fixture.Model.Predict(s.Text).DocumentType == s.DocumentType);

        ((double)correct / fresh.Count).Should().BeGreaterThanOrEqualTo(0.9);
    }

    [Fact]
    public void Probabilities_sum_to_one_and_top3_is_ordered()
    {
        var texts = new SyntheticDocuments(seed: 3).DefaultTaxonomy(perType: 1).Select(s => s.Text).Append("").Append("bonjour");

        foreach (var text in texts)
        {
            var all = fixture.Model.Probabilities(text);
            all.Sum(p => p.Probability).Should().BeApproximately(1f, 1e-3f);
            all.Select(p => p.DocumentType).Should().BeEquivalentTo(DocumentTaxonomy.Default.Types);

            var prediction = fixture.Model.Predict(text);
            prediction.Top3.Should().HaveCount(3).And.BeInDescendingOrder(p => p.Probability);
            prediction.Top3[0].DocumentType.Should().Be(prediction.DocumentType);
            prediction.Confidence.Should().Be(prediction.Top3[0].Probability).And.Be(all[0].Probability);
            prediction.Threshold.Should().Be(fixture.Model.ThresholdFor(prediction.DocumentType));
            prediction.MeetsThreshold.Should().Be(prediction.Confidence >= prediction.Threshold &&
                                                  prediction.VocabularyCoverage >= fixture.Model.Metadata.MinimumVocabularyCoverage);
        }
    }

    [Fact]
    public void Garbage_is_never_accepted()
    {
        var generator = new SyntheticDocuments(seed: 4);
        var garbage = Enumerable.Range(0, 20).Select(_ => generator.Garbage()).Append("").Append("   \n\n  ").Append("0123 4567 89");

        // Calibration is fitted on documents of the taxonomy, so a confidence says nothing about text that is no
        // document at all: the vocabulary guard is what keeps it from being accepted.
        foreach (var text in garbage)
        {
            var prediction = fixture.Model.Predict(text);
            prediction.MeetsThreshold.Should().BeFalse();
            prediction.VocabularyCoverage.Should().BeLessThan(0.1);
        }
    }

    [Theory]
    [InlineData("The quick brown fox jumps over the lazy dog. This is an English letter about our annual meeting and the budget for next year.")]
    [InlineData("Recette de la tarte aux pommes : éplucher les pommes, préparer la pâte brisée, cuire trente minutes au four à thermostat six.")]
    public void Off_topic_text_is_never_accepted_whatever_the_confidence(string text)
    {
        var prediction = fixture.Model.Predict(text);

        prediction.VocabularyCoverage.Should().BeLessThan(fixture.Model.Metadata.MinimumVocabularyCoverage);
        prediction.MeetsThreshold.Should().BeFalse();
    }

    [Fact]
    public void Real_documents_with_heavy_ocr_noise_keep_enough_known_words()
    {
        var noisy = new SyntheticDocuments(seed: 77).DefaultTaxonomy(perType: 5, noise: 0.15);

        noisy.Select(s => fixture.Model.Predict(s.Text).VocabularyCoverage)
            .Should().OnlyContain(c => c >= fixture.Model.Metadata.MinimumVocabularyCoverage);
        fixture.Result.Report.HeldOutBelowCoverageShare.Should().Be(0);
    }

    [Fact]
    public void Saves_one_small_file_that_loads_back_with_the_same_predictions_and_metadata()
    {
        var path = Path.Combine(_directory, "document-types.zip");
        fixture.Model.Save(path);

        new FileInfo(path).Length.Should().BeLessThan(2 * 1024 * 1024);
        Directory.GetFiles(_directory).Should().Equal(path); // no sidecar, no temporary left behind
        using (var zip = ZipFile.OpenRead(path))
        {
            zip.GetEntry(DocumentTypeModel.MetadataEntryName).Should().NotBeNull();
            zip.GetEntry(DocumentTypeModel.VocabularyEntryName).Should().NotBeNull();
        }

        using var loaded = DocumentTypeModel.Load(path);
        loaded.Metadata.Taxonomy.Should().Equal(fixture.Model.Metadata.Taxonomy);
        loaded.Metadata.Thresholds.Should().BeEquivalentTo(fixture.Model.Metadata.Thresholds);
        loaded.Metadata.MinimumVocabularyCoverage.Should().Be(fixture.Model.Metadata.MinimumVocabularyCoverage);
        loaded.Metadata.ModelVersion.Should().Be(fixture.Model.Metadata.ModelVersion);
        loaded.Metadata.CreatedUtc.Should().Be(fixture.Model.Metadata.CreatedUtc);
        loaded.Metadata.TrainingSampleCount.Should().Be(fixture.Result.Report.TrainingSampleCount);
        loaded.Metadata.Report.Accuracy.Should().Be(fixture.Result.Report.Accuracy);
        loaded.Metadata.Report.Confusion.Counts.Should().BeEquivalentTo(fixture.Result.Report.Confusion.Counts);
        loaded.Metadata.Report.ModelSizeBytes.Should().BeGreaterThan(0);

        foreach (var sample in fixture.Samples.Take(24))
        {
            var before = fixture.Model.Probabilities(sample.Text);
            var after = loaded.Probabilities(sample.Text);
            after.Select(p => p.DocumentType).Should().Equal(before.Select(p => p.DocumentType));
            after.Zip(before).Should().OnlyContain(pair => Math.Abs(pair.First.Probability - pair.Second.Probability) < 1e-6);
            loaded.Predict(sample.Text).Should().BeEquivalentTo(fixture.Model.Predict(sample.Text));
        }
    }

    [Fact]
    public void Ml_net_itself_still_loads_the_file_with_our_extra_entry()
    {
        var path = Path.Combine(_directory, "plain.zip");
        fixture.Model.Save(path);

        var ml = new MLContext();
        var transformer = ml.Model.Load(path, out var schema);

        schema.Select(c => c.Name).Should().Contain("Text");
        var scored = transformer.Transform(ml.Data.LoadFromEnumerable([new TextRow { Text = "releve d identite bancaire iban bic", DocumentType = "" }]));
        scored.GetColumn<float[]>("Score").Single().Should().HaveCount(12);
    }

    [Fact]
    public void The_model_file_holds_no_personal_data_of_its_training_texts()
    {
        var path = Path.Combine(_directory, "privacy.zip");
        fixture.Model.Save(path);

        using var zip = ZipFile.OpenRead(path);
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open(), Encoding.Latin1);
            var content = reader.ReadToEnd();
            foreach (var personal in new[] { "DUPONT", "dupont", "ROUSSEAU", "rousseau", "Marie-Th", "marie the" })
                content.Should().NotContain(personal, $"entry {entry.FullName} must not carry names");
        }
    }

    [Fact]
    public void Parallel_callers_get_the_same_answers_as_a_single_caller()
    {
        var texts = new SyntheticDocuments(seed: 21).DefaultTaxonomy(perType: 8, noise: 0.05).Select(s => s.Text).ToList();
        var sequential = texts.Select(t => fixture.Model.Predict(t)).ToList();

        var parallel = new TypePrediction[texts.Count];
        Parallel.For(0, texts.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = fixture.Model.Predict(texts[i]));

        for (var i = 0; i < texts.Count; i++)
        {
            parallel[i].DocumentType.Should().Be(sequential[i].DocumentType);
            parallel[i].Confidence.Should().Be(sequential[i].Confidence);
        }
    }

    [Fact]
    public void Refuses_a_file_that_is_not_a_model()
    {
        var notZip = Path.Combine(_directory, "not-a-model.zip");
        File.WriteAllText(notZip, "hello");
        var plainZip = Path.Combine(_directory, "plain-zip.zip");
        using (var zip = ZipFile.Open(plainZip, ZipArchiveMode.Create)) zip.CreateEntry("readme.txt");

        ((Action)(() => DocumentTypeModel.Load(notZip))).Should().Throw<InvalidDataException>();
        ((Action)(() => DocumentTypeModel.Load(plainZip))).Should().Throw<InvalidDataException>().WithMessage("*not a CaptureChain document-type model*");
    }

    [Fact]
    public void Refuses_a_model_trained_with_another_text_normaliser()
    {
        var path = Path.Combine(_directory, "old.zip");
        fixture.Model.Save(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry(DocumentTypeModel.MetadataEntryName)!;
            JsonNode json;
            using (var stream = entry.Open()) json = JsonNode.Parse(stream)!;
            json["normaliser_version"] = "0";
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(DocumentTypeModel.MetadataEntryName).Open());
            writer.Write(json.ToJsonString());
        }

        ((Action)(() => DocumentTypeModel.Load(path))).Should().Throw<InvalidDataException>().WithMessage("*retrain*");
    }

    [Fact]
    public void Normaliser_folds_accents_and_collapses_every_number()
    {
        var normalised = DocumentTextNormaliser.Normalise("N° SS : 2 95 10 99 126 111 93, née le 03/05/1942 à Périgueux — 1 234,56 €");

        normalised.Should().Be("n ss 0 nee le 0 0 0 a perigueux 0 eur");
    }

    public sealed class TextRow
    {
        public string Text { get; set; } = "";

        public string DocumentType { get; set; } = "";
    }
}

/// <summary>Trainings with their own data: thresholds from data, unreachable targets, a new small taxonomy.</summary>
public class DocumentTypeTrainerTests
{
    [Fact]
    public void Thresholds_chosen_out_of_fold_reach_the_precision_target_on_held_out_documents()
    {
        var samples = new SyntheticDocuments(seed: 31).DefaultTaxonomy(perType: 60, noise: 0.08)
            .Where(s => s.DocumentType is "demande_apa" or "demande_mdph" or "notification_decision" or "plan_aide" or "rib" or "courrier").ToList();
        var options = new TrainingOptions { MinimumValidationSamplesPerType = 5, PrecisionTarget = 0.995, MinimumThreshold = 0.3f };

        using var model = DocumentTypeTrainer.Train(samples, options).Model;
        var report = model.Metadata.Report;

        report.PerType.Should().OnlyContain(m => m.ThresholdSource != ThresholdSource.DefaultFewSamples);
        report.PerType.Should().Contain(m => m.ThresholdSource == ThresholdSource.Measured);
        foreach (var m in report.PerType.Where(m => m.ThresholdSource == ThresholdSource.Measured))
        {
            // Chosen on out-of-fold predictions; the held-out documents played no part in the choice.
            m.OutOfFoldPrecisionAtThreshold.Should().BeGreaterThanOrEqualTo(options.PrecisionTarget);
            m.PrecisionAtThreshold.Should().BeGreaterThanOrEqualTo(options.PrecisionTarget);
            m.Threshold.Should().BeGreaterThanOrEqualTo(options.MinimumThreshold).And.BeLessThanOrEqualTo(1f);
            m.RecallAtThreshold.Should().BeLessThanOrEqualTo(m.Recall);
            m.PrecisionLowerBound95.Should().BeLessThan(m.PrecisionAtThreshold + 1e-9);
        }
        report.AutomaticPrecision.Should().BeGreaterThanOrEqualTo(options.PrecisionTarget);
        report.AutomaticShare.Should().BeGreaterThan(0);
        // 12 held-out documents per type cannot establish 99.5 %: the report says the bound is loose.
        report.Warnings.Should().Contain(w => w.Contains("lower bound", StringComparison.Ordinal));
    }

    [Fact]
    public void Types_that_cannot_be_told_apart_are_never_accepted_automatically()
    {
        var generator = new SyntheticDocuments(seed: 41);
        var letters = Enumerable.Range(0, 60).Select(_ => generator.Document("courrier", 0.02)).ToList();
        // Two labels on the same kind of text: the model cannot reach 99.5 % precision on either.
        var samples = letters.Select((t, i) => new LabelledText(t, i % 2 == 0 ? "courrier_usager" : "courrier_famille"))
            .Concat(Enumerable.Range(0, 30).Select(_ => new LabelledText(generator.Document("rib", 0.02), "rib"))).ToList();
        var options = new TrainingOptions { MinimumValidationSamplesPerType = 5 };

        using var model = DocumentTypeTrainer.Train(samples, options).Model;
        var report = model.Metadata.Report;

        report.PerType.Where(m => m.DocumentType.StartsWith("courrier", StringComparison.Ordinal))
            .Should().OnlyContain(m => m.ThresholdSource == ThresholdSource.TargetUnreachable && m.Threshold == DocumentTypeModel.NeverAccepted);
        report.Warnings.Should().Contain(w => w.StartsWith("courrier_usager: no confidence level gave", StringComparison.Ordinal));
        var prediction = model.Predict(generator.Document("courrier", 0.02));
        prediction.DocumentType.Should().StartWith("courrier");
        prediction.MeetsThreshold.Should().BeFalse();
    }

    [Fact]
    public void Twenty_examples_per_type_of_a_new_taxonomy_train_and_the_report_says_how_thin_it_is()
    {
        var generator = new SyntheticDocuments(seed: 51);
        var templates = new Dictionary<string, string[][]>
        {
            ["bon_de_transport"] =
            [
                ["Bon de transport sanitaire", "Transport assis professionnalisé (VSL / taxi conventionné)", "Patient : {name}", "Trajet domicile - centre de dialyse", "Prescription médicale de transport du {date}"],
                ["Prescription médicale de transport", "Ambulance / VSL / taxi", "Assuré : {name}", "Aller-retour le {date}", "Kilomètres parcourus {number}"],
            ],
            ["attestation_assurance"] =
            [
                ["Attestation d'assurance habitation", "Contrat multirisque n° {number}", "Assuré : {name}", "Garanties : incendie, dégât des eaux, responsabilité civile", "Valable du {date}"],
                ["Attestation responsabilité civile", "L'assureur certifie que {name} est titulaire d'un contrat", "Période de garantie du {date}", "Cotisation annuelle {amount} €"],
            ],
            ["releve_pension"] =
            [
                ["Relevé de pension de retraite", "Caisse nationale d'assurance vieillesse (CNAV)", "Retraité : {name}", "Montant brut mensuel {amount} €", "Prélèvements sociaux CSG CRDS", "Net versé le {date}"],
                ["Attestation de paiement de retraite complémentaire", "Agirc-Arrco", "Allocataire : {name}", "Montant annuel {amount} €", "Points acquis {number}"],
            ],
            ["devis_travaux"] =
            [
                ["DEVIS n° {number}", "Aménagement de salle de bain pour personne à mobilité réduite", "Client : {name}", "Remplacement baignoire par douche de plain-pied", "Barres d'appui, siège de douche", "Total TTC {amount} €", "Bon pour accord, date et signature"],
                ["Devis travaux d'adaptation du logement", "Pose d'un monte-escalier", "Main d'œuvre et fournitures", "Montant HT {amount} € TVA 5,5 %", "Validité du devis 3 mois à compter du {date}"],
            ],
        };
        var samples = templates.SelectMany(t => Enumerable.Range(0, 20).Select(_ => new LabelledText(generator.FromTemplates(t.Value, 0.04), t.Key))).ToList();

        var result = DocumentTypeTrainer.Train(samples, new TrainingOptions { ModelVersion = "deployment-test-1" });
        using var model = result.Model;

        model.Taxonomy.Should().BeEquivalentTo(templates.Keys);
        model.Metadata.ModelVersion.Should().Be("deployment-test-1");
        result.Report.TrainingSampleCount.Should().Be(64);
        result.Report.ValidationSampleCount.Should().Be(16);
        result.Report.Accuracy.Should().BeInRange(0, 1);
        result.Report.PerType.Should().OnlyContain(m => m.ThresholdSource == ThresholdSource.DefaultFewSamples && m.ValidationSamples == 4);
        result.Report.Warnings.Should().Contain(w => w.Contains("only 16 training documents with out-of-fold predictions", StringComparison.Ordinal))
            .And.Contain(w => w.Contains("Only 16 held-out documents for 4 types", StringComparison.Ordinal))
            .And.Contain(w => w.Contains("lower bound of precision is only", StringComparison.Ordinal));
        // The report says plainly that so few documents cannot establish the target, and how many would.
        result.Report.AutomaticPrecisionLowerBound95.Should().BeLessThan(0.995);
        result.Report.Verdict.Should().Contain("too few to establish")
            .And.Contain(result.Report.DocumentsNeededForTarget.ToString(System.Globalization.CultureInfo.InvariantCulture));
        result.Report.SeparationNotTrainedBecause.Should().Contain("continuation pages");
        model.Separation.Should().BeNull();
        model.Predict(generator.FromTemplates(templates["devis_travaux"], 0.02)).DocumentType.Should().Be("devis_travaux");
    }

    [Fact]
    public void Texts_the_vocabulary_guard_rejects_take_no_part_in_choosing_thresholds()
    {
        // A quarter of the identity cards were read upside down (garbage text): they are labelled right and the model
        // learns that garbage means "piece_identite" with low confidence, but they never pass the vocabulary guard, so
        // they must not pull that type's threshold down to where a misread bank form would pass.
        var generator = new SyntheticDocuments(seed: 81);
        var samples = new SyntheticDocuments(seed: 82).DefaultTaxonomy(perType: 48, noise: 0.05)
            .Where(s => s.DocumentType is "rib" or "courrier" or "avis_imposition" or "piece_identite").ToList();
        var cards = samples.Where(s => s.DocumentType == "piece_identite").Take(12).ToList();
        samples = samples.Except(cards).Concat(cards.Select(_ => new LabelledText(generator.Garbage(400), "piece_identite"))).ToList();

        using var model = DocumentTypeTrainer.Train(samples, new TrainingOptions { MinimumValidationSamplesPerType = 20 }).Model;
        var card = model.Metadata.Report.PerType.Single(m => m.DocumentType == "piece_identite");

        card.ThresholdDocuments.Should().BeLessThan(card.TrainingSamples);
        card.ThresholdDocuments.Should().BeGreaterThanOrEqualTo(card.TrainingSamples - 12);
        model.Predict(generator.Garbage(400)).MeetsThreshold.Should().BeFalse();
    }

    [Fact]
    public void The_same_samples_and_seed_give_the_same_model()
    {
        var samples = new SyntheticDocuments(seed: 61).DefaultTaxonomy(perType: 12, noise: 0.05)
            .Where(s => s.DocumentType is "rib" or "avis_imposition" or "courrier").ToList();
        var probe = new SyntheticDocuments(seed: 62).Document("rib");

        using var first = DocumentTypeTrainer.Train(samples).Model;
        using var second = DocumentTypeTrainer.Train(samples).Model;

        second.Metadata.Report.Confusion.Counts.Should().BeEquivalentTo(first.Metadata.Report.Confusion.Counts);
        second.Probabilities(probe).Should().BeEquivalentTo(first.Probabilities(probe));
    }

    [Fact]
    public void Refuses_samples_that_cannot_make_a_model()
    {
        var one = new[] { new LabelledText("a", "rib"), new LabelledText("b", "rib") };
        var badName = new[] { new LabelledText("a", "rib"), new LabelledText("b", "Demande APA") };

        ((Action)(() => DocumentTypeTrainer.Train(one))).Should().Throw<ArgumentException>().WithMessage("*at least two document types*");
        ((Action)(() => DocumentTypeTrainer.Train(badName))).Should().Throw<ArgumentException>().WithMessage("*'Demande APA'*");
    }
}

/// <summary>Learning from the review page: a person's label changes what the next model says about that document.</summary>
public class CorrectionTests
{
    [Fact]
    public void A_correction_is_always_trained_on_and_the_next_model_follows_it()
    {
        var generator = new SyntheticDocuments(seed: 71);
        var samples = new SyntheticDocuments(seed: 72).DefaultTaxonomy(perType: 30, noise: 0.05)
            .Where(s => s.DocumentType is "rib" or "courrier" or "plan_aide" or "notification_decision").ToList();
        // A letter that reads like a letter, but a reviewer filed it as a care plan (the département's own convention).
        var letter = generator.Document("courrier", 0.03) + "\nObjet : proposition de plan d'aide personnalisé, suite à la visite à domicile";
        var options = new TrainingOptions { TrainSeparation = false, MinimumValidationSamplesPerType = 10 };
        using var before = DocumentTypeTrainer.Train(samples, options).Model;
        var predictedBefore = before.Predict(letter).DocumentType;
        var corrected = predictedBefore == "plan_aide" ? "notification_decision" : "plan_aide";

        var result = DocumentTypeTrainer.Train([.. samples, new LabelledText(letter, corrected) { IsCorrection = true, SampleId = "review-1" }], options);
        using var after = result.Model;

        after.Predict(letter).DocumentType.Should().Be(corrected);
        result.Report.CorrectionCount.Should().Be(1);
        result.HeldOut.Should().NotContain(h => h.IsCorrection);
        result.Data!.Samples.Should().ContainSingle(s => s.Correction && s.Split == "train");
    }
}
