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
    /// <summary>
    /// Share of filed documents in the right case folder with the right type and exactly the right pages: a filing
    /// whose pages are not one expected document (a wrong automatic cut) counts against it.
    /// </summary>
    public double FiledPrecision => Filed + FiledWrongPages == 0 ? 1 : Ratio(FiledCorrectly, Filed + FiledWrongPages);

    /// <summary>Filed manifest lines whose pages are not exactly one expected document (still the right person's: otherwise a misfile).</summary>
    public int FiledWrongPages { get; init; }
    /// <summary>Share of expected documents cut at exactly the right pages.</summary>
    public double SeparationAccuracy => Ratio(FoundDocuments, ExpectedDocuments);

    /// <summary>Expected documents that a careful pipeline can file (subject in the registry and singled out on the paper).</summary>
    public int FileableDocuments { get; init; }

    /// <summary>Of those, how many were filed without a person.</summary>
    public int FiledOfFileable { get; init; }

    /// <summary>Share of fileable documents filed without a person (documents that must go to a person are left out).</summary>
    public double FileableStraightThroughRate => Ratio(FiledOfFileable, FileableDocuments);

    /// <summary>Input files holding several documents and no separator or cover sheet (automatic separation's work).</summary>
    public int UnseparatedFiles { get; init; }

    /// <summary>Of those, files whose every document was cut at exactly the right pages, with nothing else cut out of them.</summary>
    public int UnseparatedFilesSplitCorrectly { get; init; }

    /// <summary>Share of <see cref="UnseparatedFiles"/> split correctly.</summary>
    public double UnseparatedSplitRate => Ratio(UnseparatedFilesSplitCorrectly, UnseparatedFiles);

    /// <summary>Documents sent to review because automatic separation was unsure where they start or end.</summary>
    public int SeparationReviews { get; init; }

    private static double Ratio(int a, int b) => b == 0 ? 0 : (double)a / b;

    /// <summary>Compares <paramref name="manifestPath"/> with <paramref name="truthPath"/>; <paramref name="inbox"/> lists the inputs.</summary>
    public static async Task<CorpusEvaluation> EvaluateAsync(string truthPath, string manifestPath, string inbox, CancellationToken ct = default)
    {
        var truth = File.ReadLines(truthPath)
            .Where(l => l.Contains("\"record\":\"document\"", StringComparison.Ordinal))
            .Select(l => JsonSerializer.Deserialize<TruthDocument>(l, TruthJson.Options)!)
            .ToList();
        var sheets = File.ReadLines(truthPath)
            .Where(l => l.Contains("\"record\":\"page\"", StringComparison.Ordinal))
            .Select(l => JsonSerializer.Deserialize<TruthSheetPage>(l, TruthJson.Options)!)
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

        // Filed lines that match no expected document: cut at the wrong pages. Their pages belong to expected documents;
        // if any of those is someone else's, that is a misfile.
        var expectedRanges = truth.Select(t => (t.Source, t.FirstPage, t.LastPage)).ToHashSet();
        var filedWrongPages = 0;
        foreach (var e in manifest.Where(m => m.Status == DocumentStatus.Filed && !expectedRanges.Contains((m.Source, m.FirstPage, m.LastPage))))
        {
            var overlapping = truth.Where(t => t.Source == e.Source && t.FirstPage <= e.LastPage && e.FirstPage <= t.LastPage).ToList();
            if (overlapping.Any(t => t.BeneficiaryId is null || t.BeneficiaryId != e.BeneficiaryId))
            {
                misfiles++;
                issues.Add(new EvaluationIssue("misfile", e.Source, e.FirstPage, e.LastPage,
                    $"filed under {e.BeneficiaryId} with pages of {string.Join(", ", overlapping.Select(t => t.BeneficiaryId ?? "someone not in the registry"))}"));
            }
            else
            {
                filedWrongPages++;
                issues.Add(new EvaluationIssue("filed_wrong_pages", e.Source, e.FirstPage, e.LastPage,
                    $"filed, but the expected documents are [{string.Join(", ", overlapping.Select(t => $"{t.FirstPage}-{t.LastPage}"))}]"));
            }
        }

        var inputs = Directory.EnumerateFiles(inbox, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(inbox, f).Replace(Path.DirectorySeparatorChar, '/')).ToList();
        var sources = manifest.Select(e => e.Source).ToHashSet(StringComparer.Ordinal);
        foreach (var missing in inputs.Where(i => !sources.Contains(i)))
            issues.Add(new EvaluationIssue("missing_input", missing, 0, 0, "input file not in the manifest"));
        // Files of several documents without a sheet: right only when every cut is where the truth has it.
        var withSheets = sheets.Where(p => p.Kind is PageKinds.Separator or PageKinds.Cover).Select(p => p.Source).ToHashSet(StringComparer.Ordinal);
        var unseparated = truth.GroupBy(t => t.Source, StringComparer.Ordinal).Where(g => g.Count() > 1 && !withSheets.Contains(g.Key)).ToList();
        var splitCorrectly = unseparated.Count(g =>
        {
            var expected = g.Select(t => (t.FirstPage, t.LastPage)).ToHashSet();
            var got = manifest.Where(m => m.Source == g.Key).Select(m => (m.FirstPage, m.LastPage)).ToHashSet();
            return expected.SetEquals(got);
        });
        var fileable = truth.Where(t => t.ExpectedStatus == ExpectedOutcome.Filed).ToList();
        var filedOfFileable = fileable.Count(t => byRange.TryGetValue((t.Source, t.FirstPage, t.LastPage), out var e) && e.Status == DocumentStatus.Filed);
        return new CorpusEvaluation(truth.Count, found, typeCorrect, filed, filedCorrectly, misfiles, review, rejected,
            inputs.Count, inputs.Count(sources.Contains), issues)
        {
            FileableDocuments = fileable.Count,
            FiledWrongPages = filedWrongPages,
            FiledOfFileable = filedOfFileable,
            UnseparatedFiles = unseparated.Count,
            UnseparatedFilesSplitCorrectly = splitCorrectly,
            SeparationReviews = manifest.Count(m => m.Reasons.Contains("separation_uncertain")),
        };
    }

    /// <summary>The figures, one per line, for the terminal and the closing notes.</summary>
    public string ToText() => string.Join(Environment.NewLine,
        $"expected documents        {ExpectedDocuments}",
        $"separated exactly         {FoundDocuments} ({SeparationAccuracy:P1})",
        $"type accuracy             {TypeCorrect}/{ExpectedDocuments} ({TypeAccuracy:P1})",
        $"filed (straight-through)  {Filed} ({StraightThroughRate:P1}; {FiledOfFileable}/{FileableDocuments} = {FileableStraightThroughRate:P1} of the documents that can be filed without a person)",
        $"filed correctly           {FiledCorrectly}/{Filed + FiledWrongPages} ({FiledPrecision:P2}; filed with wrong pages {FiledWrongPages})",
        $"misfiles                  {Misfiles}",
        $"review                    {Review}",
        $"rejected                  {Rejected}",
        $"input files in manifest   {InputFilesInManifest}/{InputFiles}",
        $"unseparated multi-document files split correctly  {UnseparatedFilesSplitCorrectly}/{UnseparatedFiles} ({UnseparatedSplitRate:P1}); documents in review for an uncertain cut {SeparationReviews}");
}
