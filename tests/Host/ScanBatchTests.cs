using CaptureChain.Capture.Rendering;
using CaptureChain.Capture.Scanners;
using CaptureChain.Capture.Scanners.Worker;
using CaptureChain.Capture.Sheets;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using CaptureChain.Ocr.Imaging;
using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Scanning;

namespace CaptureChain.Host.Tests;

/// <summary>
/// Scans through the pipeline with pages we control: a recorded worker stream (rendered letters, a separator sheet, a
/// blank back, a cover sheet) replayed by a stand-in worker (<c>sh -c cat</c>), real OCR, zbar, SQLite and filing.
/// </summary>
public sealed class ScanBatchTests : IAsyncLifetime
{
    private const int Dpi = 200;
    private readonly string _root = Directory.CreateTempSubdirectory("cc-scan-batch-").FullName;
    private CaptureRun _run = null!;

    private string Archive => Path.Combine(_root, "archive");

    public async Task InitializeAsync()
    {
        var registry = Path.Combine(_root, "registry.csv");
        await File.WriteAllTextAsync(registry, "beneficiary_id;nir;caf_number;last_name;first_name;birth_date;case_number;prestation;address;postcode;city\n"
            + "B100001;295109912611193;1234567;DUPONT;Marie;1950-01-02;APA-2024-00001;APA;1 rue des Lilas;86000;Poitiers\n");
        _run = await CaptureRun.OpenAsync(new CaptureOptions(Archive, registry, ProcessedBatch.ShippedModel, OcrWorkers: 2));
    }

    public async Task DisposeAsync()
    {
        await _run.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static PageImage Letter(string title)
    {
        using var canvas = PageCanvas.Raster(Dpi);
        canvas.Text(20, 30, title, 16, bold: true);
        canvas.Text(20, 45, "Madame, Monsieur, veuillez trouver ci-joint les pièces demandées pour mon dossier.", 11);
        canvas.Text(20, 52, "Je vous prie d'agréer mes salutations distinguées.", 11);
        return canvas.ToPageImage();
    }

    private static PageImage Sheet(BatchSheet sheet)
    {
        using var canvas = PageCanvas.Raster(Dpi);
        SheetPainter.Paint(canvas, sheet);
        return canvas.ToPageImage();
    }

    private static PageImage Blank()
    {
        using var canvas = PageCanvas.Raster(Dpi);
        return canvas.ToPageImage();
    }

    /// <summary>letter (2 pages) | separator | letter | blank back | cover of APA-2024-00001 | letter.</summary>
    private static List<PageImage> Pile() =>
    [
        Letter("Courrier de Madame DUPONT - page 1"), Letter("Courrier de Madame DUPONT - page 2"), Sheet(new SeparatorSheet()),
        Letter("Demande de renseignements"), Blank(), Sheet(new CoverSheet("APA-2024-00001")), Letter("Justificatif pour le dossier"),
    ];

    /// <summary>Writes what a worker would send for <paramref name="pages"/>; <paramref name="cutInPage"/> stops mid-record there.</summary>
    private string RecordWorker(IReadOnlyList<PageImage> pages, ScanEnd? end, int? cutInPage = null)
    {
        var path = Path.Combine(_root, $"worker-{Guid.NewGuid():N}.bin");
        using (var stream = File.Create(path))
        {
            ScannerWorkerProtocol.WriteMagicAsync(stream, CancellationToken.None).GetAwaiter().GetResult();
            var device = new ScannerDevice("recorded:0", "CaptureChain", "recorded pile", "test");
            var capabilities = new ScannerCapabilities([ScanSource.Adf], false, [ColourMode.Grey], ResolutionSupport.Of(Dpi));
            ScannerWorkerProtocol.WriteAsync(stream, new WorkerOpened(device, capabilities), CancellationToken.None).GetAwaiter().GetResult();
            for (var i = 0; i < pages.Count; i++)
            {
                using var buffer = new MemoryStream();
                ScannerWorkerProtocol.WriteAsync(buffer, ScannerWorkerProtocol.PageRecord(new ScannedPage(i + 1, pages[i])), CancellationToken.None)
                    .GetAwaiter().GetResult();
                var bytes = buffer.ToArray();
                if (cutInPage == i + 1)
                {
                    stream.Write(bytes, 0, bytes.Length / 2); // the worker died while writing this page
                    return path;
                }
                stream.Write(bytes);
            }
            if (end is not null) ScannerWorkerProtocol.WriteAsync(stream, new WorkerEnd(end), CancellationToken.None).GetAwaiter().GetResult();
        }
        return path;
    }

    /// <summary>A scanner whose worker replays <paramref name="recording"/>.</summary>
    private static WorkerProcessScanner Replaying(string recording) =>
        new(new WorkerProcessOptions(new ScannerWorkerLaunch("/bin/sh", ["-c", "cat \"$0\"", recording])),
            new ScannerDevice("recorded:0", "CaptureChain", "recorded pile", "test"));

    private async Task<ScanReport> ScanAsync(IScanner scanner, string station = "poste-accueil")
    {
        var settings = new ScanSettings(ScanSource.Adf, false, Dpi, ColourMode.Grey);
        var session = scanner.Scan(settings);
        return await _run.ProcessScanAsync(session, new ScanDescription("recorded:0", settings), new CaptureDefaults(Operator: "bob", Station: station),
            null, CancellationToken.None);
    }

    /// <summary>PDFs in case folders and the review queue.</summary>
    private int PlacedFiles() => Directory.EnumerateFiles(Archive, "*.pdf", SearchOption.AllDirectories).Count();

    private async Task<IReadOnlyList<DocumentRecord>> Documents(ScanReport report) => await _run.Store.ListDocumentsAsync(report.Batch.Summary.Id);

    [Fact]
    public async Task Sheets_and_blank_backs_cut_a_scan_into_documents_across_its_pages_and_every_page_is_accounted_for()
    {
        var pile = Pile();
        var recording = RecordWorker(pile, new ScanEnd(ScanEndReason.Completed, "feeder empty after 7 page(s)", 7));
        pile.ForEach(p => p.Dispose());

        var report = await ScanAsync(Replaying(recording));

        report.End.Should().Be(new ScanEnd(ScanEndReason.Completed, "feeder empty after 7 page(s)", 7));
        report.SourceName.Should().MatchRegex(@"^scan_\d{8}-\d{6}_poste-accueil\.tif$");
        report.Pages.Should().Be(new ScanPageAccount(Scanned: 7, InDocuments: 4, Sheets: 2, Blank: 1, Rejected: 0));
        report.Pages.Unaccounted.Should().Be(0);
        var documents = await Documents(report);
        documents.Select(d => (d.Key.FirstPage, d.Key.LastPage)).Should().Equal((1, 2), (4, 4), (7, 7));
        documents.Should().OnlyContain(d => d.Key.SourceName == report.SourceName && d.Status != DocumentStatus.Rejected);
        TiffDirectory.CountPages(report.SourcePath!).Should().Be(7);
        report.Batch.Summary.Kind.Should().Be("scan");
        report.Batch.Summary.Status.Should().Be(BatchStatus.Completed);
        (await _run.Store.GetBatchAsync(report.Batch.Summary.Id))!.PagesRead.Should().Be(7);

        // The cover sheet put the last document in its case, as it would in a multi-page file.
        using var evidence = System.Text.Json.JsonDocument.Parse(documents[2].EvidenceJson!);
        evidence.RootElement.GetProperty("cover_case_number").GetString().Should().Be("APA-2024-00001");

        var manifestPath = Path.Combine(Archive, "manifest.jsonl");
        await ManifestWriter.WriteAsync(manifestPath, [new ManifestEntry("courrier.pdf", 1, 1, DocumentStatus.Review, null, null, null, null, "_review/x.pdf", null, [])]);
        var lines = await _run.WriteScansManifestAsync(null, manifestPath, CancellationToken.None);
        lines.Should().HaveCount(3);
        var manifest = await ManifestWriter.ReadAsync(manifestPath);
        manifest.Select(e => e.Source).Should().Contain("courrier.pdf", "lines of another inbox are kept").And.Contain(report.SourceName);
    }

    [Fact]
    public async Task A_worker_that_dies_mid_page_ends_the_scan_device_gone_and_the_pages_before_it_are_processed()
    {
        var pile = Pile();
        var recording = RecordWorker(pile, end: null, cutInPage: 4);
        pile.ForEach(p => p.Dispose());

        var report = await ScanAsync(Replaying(recording));

        report.End.Reason.Should().Be(ScanEndReason.DeviceGone);
        report.End.PagesDelivered.Should().Be(3);
        report.End.Message.Should().Contain("without a final report after page 3");
        report.Pages.Should().Be(new ScanPageAccount(Scanned: 3, InDocuments: 2, Sheets: 1, Blank: 0, Rejected: 0));
        (await Documents(report)).Select(d => (d.Key.FirstPage, d.Key.LastPage)).Should().Equal((1, 2));
        report.Batch.Summary.Status.Should().Be(BatchStatus.Completed, "the batch ran: the scan ended early");
        var step = (await _run.Store.ListStepsAsync(report.Batch.Summary.Id)).Single(s => s.Stage == "scan");
        step.Outcome.Should().Be("device_gone");
    }

    [Fact]
    public async Task A_scan_interrupted_with_pages_in_its_spool_is_finished_by_recovery_once_and_never_filed_twice()
    {
        var spoolRoot = Path.Combine(_run.ScansInbox, ".spool");
        ScanSpool Spool(string name, string batch) => ScanSpool.Create(Path.Combine(spoolRoot, batch),
            new ScanSpoolHeader(name, batch, "test:0", ScanSettings.Default, "carol", "poste-2", null, DateTimeOffset.UtcNow));
        var crashedBatch = Guid.NewGuid().ToString();
        var pile = Pile();
        using (var crashed = Spool("scan_20260105-101500_poste-2.tif", crashedBatch))
            foreach (var page in pile.Take(4)) crashed.Add(page); // the process died after page 4: the lock goes with it
        using var live = Spool("scan_20260105-101600_poste-3.tif", Guid.NewGuid().ToString());
        live.Add(pile[0]);

        var reports = await _run.RecoverScansAsync(null, null, CancellationToken.None);

        var report = reports.Should().ContainSingle("a scan still running is not taken").Subject;
        report.SourceName.Should().Be("scan_20260105-101500_poste-2.tif");
        report.End.Reason.Should().Be(ScanEndReason.Cancelled);
        report.End.Message.Should().Contain("interrupted").And.Contain(crashedBatch);
        report.Pages.Should().Be(new ScanPageAccount(4, 3, 1, 0, 0));
        var documents = await Documents(report);
        documents.Select(d => (d.Key.FirstPage, d.Key.LastPage)).Should().Equal((1, 2), (4, 4));
        report.Batch.Summary.Operator.Should().Be("carol");
        Directory.Exists(Path.Combine(spoolRoot, crashedBatch)).Should().BeFalse();
        Directory.Exists(live.Folder).Should().BeTrue();

        // A crash after filing but before the spool was removed: the same pages come back, the same source file is
        // kept, and every document is recognised by its key instead of being filed again.
        var placedFiles = PlacedFiles();
        using (var again = Spool("scan_20260105-101500_poste-2.tif", crashedBatch))
        {
            foreach (var page in pile.Take(4)) again.Add(page);
            again.RecordEnd(new ScanEnd(ScanEndReason.Jammed, "read page 5: Document feeder jammed", 4));
        }
        var second = (await _run.RecoverScansAsync(null, null, CancellationToken.None)).Should().ContainSingle().Subject;
        second.End.Reason.Should().Be(ScanEndReason.Jammed, "the scan's own end was spooled before the interruption");
        second.Batch.Outcomes.Should().OnlyContain(o => o.Resumed);
        second.Batch.Outcomes.Should().HaveCount(2);
        PlacedFiles().Should().Be(placedFiles, "nothing is filed or queued twice");
        pile.ForEach(p => p.Dispose());
    }
}
