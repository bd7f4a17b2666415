using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Xunit.Abstractions;
using CaptureChain.Classifier.Matching;
using CaptureChain.Corpus.Documents;
using CaptureChain.Corpus.Population;
using CaptureChain.Corpus.Scanning;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using CaptureChain.Ocr.Imaging;
using CaptureChain.Pipeline.Legacy;
using CaptureChain.Pipeline.Outcomes;
using CaptureChain.Pipeline.Records;

namespace CaptureChain.Pipeline.Tests.Legacy;

/// <summary>
/// Legacy archive quirks through the whole chain (real Tesseract, SQLite, qpdf, the shipped model): the same paper
/// scanned twice is filed once, another year's notice of the same person is filed too, and folder names feed matching.
/// </summary>
public sealed class LegacyArchiveTests(ITestOutputHelper output) : IDisposable
{
    // An office scanner: grey 300 dpi, a little skew, grain and specks (each scan draws its own skew and noise).
    private static readonly ScanProfile Office = new(Dpi: 300, Mode: ScanColourMode.Grey, MaxSkewDegrees: 1.0, PaperLevel: 245, InkLevel: 25,
        Unevenness: 0.03, Grain: 2, Speckles: 40);

    private readonly ScratchFolder _scratch = new();

    // People whose names are one word each, so that "CASE LAST First" folder names read back unambiguously.
    private readonly List<Person> _people = new PopulationGenerator(71).Generate(16, 0, 0).Registry
        .Where(p => !p.LastName.Contains(' ') && !p.FirstName.Contains(' ') && p.CaseNumber is not null).ToList();

    private string Registry()
    {
        var path = _scratch.File("registry.csv");
        if (!File.Exists(path)) RegistryCsv.Write(path, _people);
        return path;
    }

    public void Dispose() => _scratch.Dispose();

    private static string ShippedModel([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "models", "doctype.zip"));

    private Task<CaptureRun> OpenAsync() =>
        CaptureRun.OpenAsync(new CaptureOptions(_scratch.File("archive"), Registry(), ShippedModel(), OcrWorkers: 2,
            Policy: FilingPolicy.Default with { QualitySampleShare = 0 }));

    /// <summary>Renders <paramref name="spec"/> clean, then scans it with the office profile and <paramref name="noiseSeed"/>.</summary>
    private static void Scan(DocumentSpec spec, int noiseSeed, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var clean = DocumentRenderer.Render(spec with { Scan = null, Dpi = 300 });
        var rng = new Random(noiseSeed);
        var scanned = new List<PageImage>();
        try
        {
            foreach (var page in clean) scanned.Add(ScanNoise.Apply(page, Office, rng));
            PageImage.SaveMultipageTiff(path, scanned, ImageFileFormat.TiffLzw);
        }
        finally
        {
            foreach (var page in clean.Concat(scanned)) page.Dispose();
        }
    }

    private static JsonElement RescanCheck(DocumentRecord record) =>
        JsonDocument.Parse(record.EvidenceJson!).RootElement.GetProperty("rescan_check");

    [Fact]
    public async Task A_paper_scanned_twice_is_filed_once_and_the_notice_of_another_year_is_filed_too()
    {
        var person = _people[0];
        var inbox = Directory.CreateDirectory(_scratch.File("inbox")).FullName;
        var notice2023 = new DocumentSpec(DocumentTypes.AvisImposition, person, 501, Variant: 0, PageCount: 1, IssueDate: new DateOnly(2023, 8, 1));
        // The next year's notice: same person, same form, same reference income; other year, other references.
        var notice2024 = notice2023 with { Seed = 502, IssueDate = new DateOnly(2024, 8, 1) };
        Scan(notice2023, noiseSeed: 1, Path.Combine(inbox, "boite1", "avis.tif"));
        Scan(notice2023, noiseSeed: 2, Path.Combine(inbox, "boite2", "avis-bis.tif"));
        Scan(notice2024, noiseSeed: 3, Path.Combine(inbox, "boite2", "avis-2024.tif"));

        await using var run = await OpenAsync();
        // The boxes were scanned for this dossier: its case acts like a cover sheet, so the test is about re-scans, not matching.
        var report = await run.ProcessInboxAsync(inbox, new CaptureDefaults(CaseNumber: person.CaseNumber), null, CancellationToken.None);

        var records = report.Outcomes.Select(o => o.Record).ToDictionary(r => r.Key.SourceName);
        records.Should().HaveCount(3);
        records["boite2/avis-2024.tif"].Status.Should().Be(DocumentStatus.Filed, string.Join(",", records["boite2/avis-2024.tif"].Reasons));
        var scans = new[] { records["boite1/avis.tif"], records["boite2/avis-bis.tif"] };
        var original = scans.Should().ContainSingle(r => r.Status == DocumentStatus.Filed, string.Join(" / ", scans.Select(s => $"{s.Status} {string.Join(",", s.Reasons)} {RescanCheck(s)}"))).Subject;
        var duplicate = scans.Single(r => r != original);
        duplicate.Status.Should().Be(DocumentStatus.Duplicate);
        duplicate.Reasons.Should().Equal(ReasonCodes.DuplicateRescan);
        duplicate.Path.Should().Be(original.Path, "a re-scan points to the document already filed");
        duplicate.BeneficiaryId.Should().Be(person.BeneficiaryId);

        // Explainable: the distance to the original, within the threshold, dates agreeing.
        var check = RescanCheck(duplicate);
        output.WriteLine($"re-scan: {check}");
        output.WriteLine($"other year: {RescanCheck(records["boite2/avis-2024.tif"])}");
        check.GetProperty("is_rescan").GetBoolean().Should().BeTrue();
        check.GetProperty("distance").GetInt32().Should().BeLessThanOrEqualTo(check.GetProperty("max_distance").GetInt32());
        check.GetProperty("nearest_document").GetProperty("source").GetString().Should().Be(original.Key.SourceName);
        // The other year's notice was compared and told apart.
        var other = RescanCheck(records["boite2/avis-2024.tif"]);
        if (other.GetProperty("compared").GetInt32() > 0)
            (other.GetProperty("dates_agree").GetBoolean() && other.GetProperty("distance").GetInt32() <= other.GetProperty("max_distance").GetInt32())
                .Should().BeFalse();

        // Fingerprints are stored so that a later run finds the filed ones; one PDF per paper in the case folder.
        (await run.Store.ListFiledFingerprintsAsync(person.BeneficiaryId!, DocumentTypes.AvisImposition)).Should().HaveCount(2);
        Directory.EnumerateFiles(_scratch.File("archive"), "*.pdf", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/.")).Should().HaveCount(2);
    }

    [Fact]
    public async Task In_a_legacy_tree_the_folder_case_files_a_document_and_a_sheet_in_another_persons_folder_goes_to_review()
    {
        var (marie, paul) = (_people[1], _people[2]);
        var inbox = Directory.CreateDirectory(_scratch.File("legacy")).FullName;
        string Folder(Person p) => $"APA/{p.CaseNumber} {p.LastName.ToUpperInvariant()} {p.FirstName}";
        var own = $"{Folder(marie)}/2013/scan0001.tif";
        var misplaced = $"{Folder(paul)}/2012/scan0007.tif"; // a notice of Marie's filed in Paul's folder long ago
        Scan(new DocumentSpec(DocumentTypes.AvisImposition, marie, 601, PageCount: 1, IssueDate: new DateOnly(2013, 8, 1)), 4, Path.Combine(inbox, own));
        Scan(new DocumentSpec(DocumentTypes.AvisImposition, marie, 602, PageCount: 1, IssueDate: new DateOnly(2012, 8, 1)), 5, Path.Combine(inbox, misplaced));
        var pattern = FolderNamePattern.Parse(@"^APA/(?<case>[A-Z]{3}-\d{4}-\d{5}) (?<last>[^ /]+) (?<first>[^/]+)/");

        await using var run = await OpenAsync();
        var records = new Dictionary<string, DocumentRecord>();
        foreach (var relative in new[] { own, misplaced })
        {
            // What a bulk job does per file: the defaults with the folder's hint.
            var defaults = pattern.Apply(CaptureDefaults.None, relative);
            defaults.Hint!.CaseNumber.Should().NotBeNull();
            var report = await run.ProcessFilesAsync(inbox, [Path.Combine(inbox, relative)], defaults, "bulk", null, CancellationToken.None);
            records[relative] = report.Outcomes.Should().ContainSingle().Subject.Record;
        }

        var filed = records[own];
        filed.Status.Should().Be(DocumentStatus.Filed, string.Join(",", filed.Reasons));
        filed.BeneficiaryId.Should().Be(marie.BeneficiaryId);
        filed.CaseNumber.Should().Be(marie.CaseNumber);
        var match = JsonDocument.Parse(filed.EvidenceJson!).RootElement.GetProperty("match");
        match.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()).Should().Contain([MatchEvidence.FolderCaseNumber, MatchEvidence.FolderName]);

        var review = records[misplaced];
        review.Status.Should().Be(DocumentStatus.Review);
        review.Reasons.Should().Contain(ReasonCodes.FolderHintConflict);
        review.BeneficiaryId.Should().BeNull("nobody is chosen when the folder and the page disagree");
    }

    [Fact]
    public async Task A_copy_of_a_filed_file_is_a_duplicate_and_leaves_no_page_pdf_in_the_work_folder_of_a_long_bulk_batch()
    {
        var person = _people[3];
        var inbox = Directory.CreateDirectory(_scratch.File("copies")).FullName;
        Scan(new DocumentSpec(DocumentTypes.AvisImposition, person, 701, PageCount: 1, IssueDate: new DateOnly(2019, 8, 1)), 6, Path.Combine(inbox, "boite1", "avis.tif"));
        Directory.CreateDirectory(Path.Combine(inbox, "boite9"));
        File.Copy(Path.Combine(inbox, "boite1", "avis.tif"), Path.Combine(inbox, "boite9", "avis-copie.tif"));

        await using var run = await OpenAsync();
        var work = CaptureStores.WorkFolder(Path.Combine(_scratch.File("archive"), ".capturechain", "capture.db"));
        var files = Channel.CreateUnbounded<BulkSourceFile>();
        var outcomes = new List<(BulkSourceOutcome Outcome, string[] PdfsInWork)>();
        var settled = new SemaphoreSlim(0);
        var defaults = new CaptureDefaults(CaseNumber: person.CaseNumber);
        var batch = run.ProcessStreamAsync(inbox, files.Reader, CaptureDefaults.None, (outcome, _) =>
        {
            // The batch is still running (a bulk window's batch lasts the night): whatever a settled file left is left for hours.
            outcomes.Add((outcome, Directory.EnumerateFiles(work, "*.pdf", SearchOption.AllDirectories).ToArray()));
            settled.Release();
            return ValueTask.CompletedTask;
        }, null, CancellationToken.None);

        foreach (var relative in new[] { "boite1/avis.tif", "boite9/avis-copie.tif" })
        {
            await files.Writer.WriteAsync(new BulkSourceFile(relative, defaults));
            (await settled.WaitAsync(TimeSpan.FromMinutes(2))).Should().BeTrue($"{relative} settles");
        }
        files.Writer.Complete();
        await batch;

        outcomes.Select(o => o.Outcome.Documents.Single().Status).Should().Equal(DocumentStatus.Filed, DocumentStatus.Duplicate);
        outcomes[1].Outcome.Documents.Single().Reasons.Should().Equal(ReasonCodes.DuplicateContent);
        outcomes.Should().OnlyContain(o => o.PdfsInWork.Length == 0, "each document's page PDFs are deleted once it is recorded, whatever its outcome");
    }

    [Fact]
    public async Task Two_nodes_filing_two_scans_of_one_paper_at_the_same_moment_file_it_once()
    {
        // Two capture runs on one store and one archive stand for two nodes of a cluster (each with its own filing
        // stage, so only the store's lock keeps their duplicate checks from interleaving). Three rounds, each with
        // another paper scanned twice, each scan given to one node at the same moment.
        var inbox = Directory.CreateDirectory(_scratch.File("nodes")).FullName;
        await using var one = await OpenAsync();
        await using var two = await OpenAsync();
        for (var round = 0; round < 3; round++)
        {
            var person = _people[4 + round];
            var paper = new DocumentSpec(DocumentTypes.AvisImposition, person, 800 + round, PageCount: 1, IssueDate: new DateOnly(2020 + round, 8, 1));
            var first = Path.Combine(inbox, $"r{round}", "scan-a.tif");
            var second = Path.Combine(inbox, $"r{round}", "scan-b.tif");
            Scan(paper, 10 + round, first);
            Scan(paper, 20 + round, second);
            var defaults = new CaptureDefaults(CaseNumber: person.CaseNumber);

            var reports = await Task.WhenAll(
                one.ProcessFilesAsync(inbox, [first], defaults, "bulk", null, CancellationToken.None),
                two.ProcessFilesAsync(inbox, [second], defaults, "bulk", null, CancellationToken.None));

            var records = reports.SelectMany(r => r.Outcomes).Select(o => o.Record).ToList();
            records.Should().HaveCount(2);
            records.Select(r => r.Status).Should().BeEquivalentTo([DocumentStatus.Filed, DocumentStatus.Duplicate],
                $"round {round}: one scan is filed, the other recorded as its re-scan ({string.Join(" / ", records.Select(r => $"{r.Status} {string.Join(",", r.Reasons)}"))})");
            records.Single(r => r.Status == DocumentStatus.Duplicate).Reasons.Should().Equal(ReasonCodes.DuplicateRescan);
        }
        Directory.EnumerateFiles(_scratch.File("archive"), "*.pdf", SearchOption.AllDirectories).Where(f => !f.Contains("/.") && !f.Contains("_review"))
            .Should().HaveCount(3, "one PDF per paper in the case folders");
    }

    [Fact]
    public async Task A_file_that_cannot_be_read_is_rejected_with_its_reason_in_the_manifest_until_it_can_be_read()
    {
        // A file listed from a share, then gone (the share dropped, somebody moved it) when the chain opens it.
        var person = _people[0];
        var inbox = Directory.CreateDirectory(_scratch.File("share")).FullName;
        var gone = Path.Combine(inbox, "boite3", "avis.tif");
        var manifestPath = _scratch.File("share-manifest.jsonl");
        var defaults = new CaptureDefaults(CaseNumber: person.CaseNumber);
        await using var run = await OpenAsync();

        var first = await run.ProcessFilesAsync(inbox, [gone], defaults, "bulk", null, CancellationToken.None);
        var rejected = first.Outcomes.Should().ContainSingle().Subject.Record;
        rejected.Status.Should().Be(DocumentStatus.Rejected);
        rejected.Reasons.Should().Equal(ReasonCodes.FileUnreadable);
        rejected.Path.Should().StartWith("_quarantine/").And.EndWith("boite3/avis.tif.reason.json");
        var reason = JsonDocument.Parse(File.ReadAllText(Path.Combine(_scratch.File("archive"), rejected.Path!))).RootElement;
        reason.GetProperty("reason").GetString().Should().Be(ReasonCodes.FileUnreadable);
        reason.GetProperty("message").GetString().Should().Contain(gone, "the reason says where the input was left");
        var manifest = await run.WriteManifestAsync(inbox, manifestPath, CancellationToken.None);
        manifest.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Source = "boite3/avis.tif", Status = DocumentStatus.Rejected, Path = rejected.Path });

        // Still unreadable at the next run: the same record, nothing twice.
        var second = await run.ProcessFilesAsync(inbox, [gone], defaults, "bulk", null, CancellationToken.None);
        second.Outcomes.Should().ContainSingle().Which.Resumed.Should().BeTrue();

        // Back and readable: read, filed, and the manifest says what became of it now (the journal keeps both).
        Scan(new DocumentSpec(DocumentTypes.AvisImposition, person, 901, PageCount: 1, IssueDate: new DateOnly(2018, 8, 1)), 9, gone);
        var third = await run.ProcessFilesAsync(inbox, [gone], defaults, "bulk", null, CancellationToken.None);
        third.Outcomes.Should().ContainSingle().Which.Record.Status.Should().Be(DocumentStatus.Filed);
        manifest = await run.WriteManifestAsync(inbox, manifestPath, CancellationToken.None);
        manifest.Should().ContainSingle().Which.Status.Should().Be(DocumentStatus.Filed);
        (await run.Store.FindDocumentAsync(rejected.Key)).Should().NotBeNull("the journal keeps that it was once unreadable");
    }
}
