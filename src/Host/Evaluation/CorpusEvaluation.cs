using System.Text.Json;
using CaptureChain.Corpus.Truth;
using CaptureChain.Filing.Manifest;

namespace CaptureChain.Host.Evaluation;

/// <summary>One expected document that did not come out as expected.</summary>
public sealed record EvaluationIssue(string Kind, string Source, int FirstPage, int LastPage, string Detail);

/// <summary>
/// A manifest measured against a generated corpus's ground truth: type accuracy, straight-through rate, precision of
/// what was filed, misfiles (filed under the wrong beneficiary, or for someone not in the registry), separation, and
/// whether every input file is accounted for.
/// </summary>
public sealed record CorpusEvaluation(
    int ExpectedDocuments,
    int FoundDocuments,
    int TypeCorrect,
    int Filed,
    int FiledCorrectly,
    int Misfiles,
    int Review,
    int Rejected,
    int InputFiles,
    int InputFilesInManifest,
    IReadOnlyList<EvaluationIssue> Issues)
{
    /// <summary>Share of expected documents whose predicted type is right.</summary>
    public double TypeAccuracy => Ratio(TypeCorrect, ExpectedDocuments);
    /// <summary>Share of expected documents filed without a person.</summary>
    public double StraightThroughRate => Ratio(Filed, ExpectedDocuments);
    /// <summary>Share of filed documents in the right case folder with the right type.</summary>
    public double FiledPrecision => Filed == 0 ? 1 : Ratio(FiledCorrectly, Filed);
    /// <summary>Share of expected documents cut at exactly the right pages.</summary>
    public double SeparationAccuracy => Ratio(FoundDocuments, ExpectedDocuments);

    private static double Ratio(int a, int b) => b == 0 ? 0 : (double)a / b;

    /// <summary>Compares <paramref name="manifestPath"/> with <paramref name="truthPath"/>; <paramref name="inbox"/> lists the inputs.</summary>
    public static async Task<CorpusEvaluation> EvaluateAsync(string truthPath, string manifestPath, string inbox, CancellationToken ct = default)
    {
        var truth = File.ReadLines(truthPath)
            .Where(l => l.Contains("\"record\":\"document\"", StringComparison.Ordinal))
            .Select(l => JsonSerializer.Deserialize<TruthDocument>(l, TruthJson.Options)!)
            .ToList();
        var manifest = await ManifestWriter.ReadAsync(manifestPath, ct);
        var byRange = manifest.GroupBy(e => (e.Source, e.FirstPage, e.LastPage)).ToDictionary(g => g.Key, g => g.First());
        var issues = new List<EvaluationIssue>();
        int found = 0, typeCorrect = 0, filed = 0, filedCorrectly = 0, misfiles = 0, review = 0, rejected = 0;

        foreach (var t in truth)
        {
            if (!byRange.TryGetValue((t.Source, t.FirstPage, t.LastPage), out var e))
            {
                var got = string.Join(", ", manifest.Where(m => m.Source == t.Source).Select(m => $"{m.FirstPage}-{m.LastPage}"));
                issues.Add(new EvaluationIssue("separation", t.Source, t.FirstPage, t.LastPage, $"expected pages {t.FirstPage}-{t.LastPage}, manifest has [{got}]"));
                continue;
            }
            found++;
            if (e.DocumentType == t.DocumentType) typeCorrect++;
            else issues.Add(new EvaluationIssue("type", t.Source, t.FirstPage, t.LastPage, $"expected {t.DocumentType}, got {e.DocumentType ?? "none"} ({e.TypeConfidence:F3})"));
            switch (e.Status)
            {
                case DocumentStatus.Filed:
                    filed++;
                    var rightPerson = t.BeneficiaryId is not null && e.BeneficiaryId == t.BeneficiaryId;
                    if (!rightPerson)
                    {
                        misfiles++;
                        issues.Add(new EvaluationIssue("misfile", t.Source, t.FirstPage, t.LastPage,
                            $"filed under {e.BeneficiaryId}, truth {t.BeneficiaryId ?? "not in registry"}"));
                    }
                    if (rightPerson && e.DocumentType == t.DocumentType) filedCorrectly++;
                    break;
                case DocumentStatus.Review:
                    review++;
                    if (t.ExpectedStatus == ExpectedOutcome.Filed)
                        issues.Add(new EvaluationIssue("review", t.Source, t.FirstPage, t.LastPage, string.Join(",", e.Reasons)));
                    break;
                case DocumentStatus.Rejected:
                    rejected++;
                    issues.Add(new EvaluationIssue("rejected", t.Source, t.FirstPage, t.LastPage, string.Join(",", e.Reasons)));
                    break;
            }
        }

        var inputs = Directory.EnumerateFiles(inbox, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(inbox, f).Replace(Path.DirectorySeparatorChar, '/')).ToList();
        var sources = manifest.Select(e => e.Source).ToHashSet(StringComparer.Ordinal);
        foreach (var missing in inputs.Where(i => !sources.Contains(i)))
            issues.Add(new EvaluationIssue("missing_input", missing, 0, 0, "input file not in the manifest"));
        return new CorpusEvaluation(truth.Count, found, typeCorrect, filed, filedCorrectly, misfiles, review, rejected,
            inputs.Count, inputs.Count(sources.Contains), issues);
    }

    /// <summary>The figures, one per line, for the terminal and the closing notes.</summary>
    public string ToText() => string.Join(Environment.NewLine,
        $"expected documents        {ExpectedDocuments}",
        $"separated exactly         {FoundDocuments} ({SeparationAccuracy:P1})",
        $"type accuracy             {TypeCorrect}/{ExpectedDocuments} ({TypeAccuracy:P1})",
        $"filed (straight-through)  {Filed} ({StraightThroughRate:P1})",
        $"filed correctly           {FiledCorrectly}/{Filed} ({FiledPrecision:P2})",
        $"misfiles                  {Misfiles}",
        $"review                    {Review}",
        $"rejected                  {Rejected}",
        $"input files in manifest   {InputFilesInManifest}/{InputFiles}");
}
