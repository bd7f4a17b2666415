using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using CaptureChain.Capture.Intake;
using CaptureChain.Capture.Scanners;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Pdf;
using CaptureChain.Filing.Store;
using CaptureChain.Pipeline.Outcomes;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Runner;
using CaptureChain.Pipeline.Scanning;
using CaptureChain.Pipeline.Stages;

namespace CaptureChain.Pipeline;

// Scans: a scanner's pages streamed into the chain as one batch (see ProcessScanAsync).
public sealed partial class CaptureRun
{
    /// <summary>Batch kind of scans in the store.</summary>
    public const string ScanBatchKind = "scan";

    private const string SpoolFolder = ".spool";

    /// <summary>Default folder of scan source files: <c>&lt;archive&gt;/.capturechain/scans</c>.</summary>
    public string ScansInbox => Path.Combine(Path.GetFullPath(_options.Archive), ".capturechain", "scans");

    /// <summary>
    /// Runs one scan as one batch. Every page is spooled durably the moment it arrives
    /// (<c>&lt;inbox&gt;/.spool/&lt;batch&gt;/</c>) and recognised while the scanner goes on; when the scan ends — normally,
    /// on a jam, busy device, dead worker or cancellation of <paramref name="session"/> — the spooled pages are
    /// assembled into the scan's source file <c>scan_&lt;yyyyMMdd-HHmmss&gt;_&lt;station&gt;.tif</c> in the inbox, which from
    /// then on is a source like any multi-page file: its SHA-256 identifies it, separator and cover sheets cut it into
    /// documents, quarantine and review keep its bytes. The pages scanned before an abnormal end are processed and
    /// kept; the report says why the scan ended and where every page went.
    /// <paramref name="ct"/> aborts the whole batch (the spool stays for <see cref="RecoverScansAsync"/>); to stop
    /// scanning but process what was read, cancel the token the session was created with.
    /// </summary>
    public async Task<ScanReport> ProcessScanAsync(ScanSession session, ScanDescription scan, CaptureDefaults defaults,
        IProgress<BatchProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var inbox = Path.GetFullPath(scan.Inbox ?? ScansInbox);
        Directory.CreateDirectory(inbox);
        defaults = defaults with { Station = string.IsNullOrWhiteSpace(defaults.Station) ? Environment.MachineName : defaults.Station.Trim() };
        var batch = await _store.StartBatchAsync(new BatchStart(ScanBatchKind, inbox, defaults.Operator, defaults.Station), ct).ConfigureAwait(false);
        ScanSpool spool;
        try
        {
            var name = ReserveSourceName(inbox, _time.GetLocalNow(), defaults.Station!);
            spool = ScanSpool.Create(Path.Combine(inbox, SpoolFolder, batch.ToString()), new ScanSpoolHeader(name, batch.ToString(),
                scan.DeviceId, scan.Settings, defaults.Operator, defaults.Station, defaults.CaseNumber, _time.GetUtcNow()));
        }
        catch
        {
            await _store.FinishBatchAsync(batch, BatchStatus.Failed, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        using (spool)
        {
            return await RunScanBatchAsync(batch, inbox, spool, defaults, async onPage =>
            {
                await using var pages = session.GetAsyncEnumerator(ct);
                while (true)
                {
                    try
                    {
                        if (!await pages.MoveNextAsync().ConfigureAwait(false)) break;
                    }
                    catch (Exception e) when (e is not OperationCanceledException && session.End is not null)
                    {
                        break; // a driver fault: the session has ended device_error with the pages so far
                    }
                    using (pages.Current.Image)
                        spool.Add(pages.Current.Image);
                    onPage(spool.PageCount);
                }
                var end = session.End ?? new ScanEnd(ScanEndReason.Cancelled, "scan cancelled", spool.PageCount);
                spool.RecordEnd(end);
                return end;
            }, progress, clock, ct).ConfigureAwait(false);
        }
    }

    /// <summary>True when <paramref name="inbox"/> (null: the default scans inbox) holds the spool of a scan not finished.</summary>
    public bool HasInterruptedScans(string? inbox) => ScanSpool.Folders(Path.Combine(Path.GetFullPath(inbox ?? ScansInbox), SpoolFolder)).Count > 0;

    /// <summary>
    /// Finishes the scans that a crash, a kill or an aborted batch left in <paramref name="inbox"/>'s spool (null: the
    /// default scans inbox), each as a new scan batch over its spooled pages; documents recorded before the
    /// interruption are recognised by their key and not filed twice. Spools of scans still running are left alone.
    /// </summary>
    public async Task<IReadOnlyList<ScanReport>> RecoverScansAsync(string? inbox, IProgress<BatchProgress>? progress, CancellationToken ct)
    {
        inbox = Path.GetFullPath(inbox ?? ScansInbox);
        var reports = new List<ScanReport>();
        foreach (var folder in ScanSpool.Folders(Path.Combine(inbox, SpoolFolder)))
        {
            using var spool = ScanSpool.TryOpenLeftover(folder);
            if (spool is null) continue;
            var header = spool.Header;
            if (Guid.TryParse(header.Batch, out var old) && await _store.GetBatchAsync(new BatchId(old), ct).ConfigureAwait(false) is { Status: BatchStatus.Running })
                await _store.FinishBatchAsync(new BatchId(old), BatchStatus.Interrupted, ct).ConfigureAwait(false);
            if (spool.PageCount == 0)
            {
                spool.Delete();
                continue;
            }
            var clock = Stopwatch.StartNew();
            var defaults = new CaptureDefaults(header.CaseNumber, header.Operator, header.Station);
            var batch = await _store.StartBatchAsync(new BatchStart(ScanBatchKind, inbox, header.Operator, header.Station), ct).ConfigureAwait(false);
            reports.Add(await RunScanBatchAsync(batch, inbox, spool, defaults, onPage =>
            {
                for (var n = 1; n <= spool.PageCount; n++) onPage(n);
                // The scan's own end when it was recorded before the interruption, else: stopped by the interruption.
                var finished = $"batch {header.Batch} interrupted, finished from its {spool.PageCount} spooled page(s)";
                return Task.FromResult(spool.End is { } end
                    ? end with { Message = $"{end.Message} ({finished})", PagesDelivered = spool.PageCount }
                    : new ScanEnd(ScanEndReason.Cancelled, $"scan interrupted: {finished}", spool.PageCount));
            }, progress, clock, ct).ConfigureAwait(false));
        }
        return reports;
    }

    /// <summary>
    /// Writes the manifest lines of every scan recorded for <paramref name="inbox"/> (null: the default scans inbox)
    /// into <paramref name="manifestPath"/>, keeping the lines of other sources already there (a <c>process</c> run
    /// into the same archive). Returns the scans' lines.
    /// </summary>
    public async Task<IReadOnlyList<ManifestEntry>> WriteScansManifestAsync(string? inbox, string manifestPath, CancellationToken ct)
    {
        inbox = Path.GetFullPath(inbox ?? ScansInbox);
        var scans = (await _store.ListDocumentsAsync(inbox, ct).ConfigureAwait(false)).Select(d => d.ToManifestEntry()).ToList();
        var ours = scans.Select(e => e.Source).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<ManifestEntry> existing = [];
        if (File.Exists(manifestPath))
        {
            try { existing = await ManifestWriter.ReadAsync(manifestPath, ct).ConfigureAwait(false); }
            catch (Exception e) when (e is JsonException or FormatException) { /* unreadable: rewritten from the store */ }
        }
        var entries = existing.Where(e => !ours.Contains(e.Source)).Concat(scans)
            .OrderBy(e => e.Source, StringComparer.Ordinal).ThenBy(e => e.FirstPage).ToList();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(manifestPath))!);
        await ManifestWriter.WriteAsync(manifestPath, entries, ct).ConfigureAwait(false);
        return scans.OrderBy(e => e.Source, StringComparer.Ordinal).ThenBy(e => e.FirstPage).ToList();
    }

    /// <summary>
    /// The scan batch proper. <paramref name="receive"/> spools the pages and calls its argument with each new page
    /// number; meanwhile spooled pages are fed to OCR (read back from the spool: memory stays flat however fast the
    /// feeder, and what is recognised is exactly what is kept). When it returns, the source is assembled and its end
    /// marker sent under the final identity.
    /// </summary>
    private async Task<ScanReport> RunScanBatchAsync(BatchId batch, string inbox, ScanSpool spool, CaptureDefaults defaults,
        Func<Action<int>, Task<ScanEnd>> receive, IProgress<BatchProgress>? progress, Stopwatch clock, CancellationToken ct)
    {
        var header = spool.Header;
        var work = Path.Combine(CaptureStores.WorkFolder(_options.EffectiveStorePath), batch.ToString());
        Directory.CreateDirectory(work);
        // Provisional identity while pages are recognised: the real SHA-256 exists only once the source is assembled.
        var provisional = new SourceFile(batch, inbox, header.SourceName, Path.Combine(inbox, header.SourceName),
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("scan in progress\n" + batch))), 0, defaults);
        var outcomes = new List<DocumentOutcome>();
        var status = BatchStatus.Failed;
        StageChain<PageMessage>.Segment<DocumentOutcome>? tail = null;
        try
        {
            var ocr = new OcrStage(_engines, work);
            var stamp = new ScanSourceStamp();
            var workers = _options.EffectiveOcrWorkers;
            var chain = StageChain<PageMessage>.Start(capacity: workers + 1, ct);
            tail = chain.Head
                .Then(ocr, parallelism: workers, capacity: 64)
                .Then(stamp, parallelism: 1, capacity: 16)
                .Then(new SeparationStage(), parallelism: 1, capacity: 16)
                .Then(new ClassifyStage(_model), parallelism: 1, capacity: 16)
                .Then(new ExtractStage(), parallelism: 1, capacity: 16)
                .Then(new MatchStage(_matcher), parallelism: 1, capacity: 16)
                .Then(new FilingStage(_store, _archive, _plan, new PdfAssembler(), _options.Policy ?? FilingPolicy.Default, work,
                    _model.Metadata.ModelVersion, _time), parallelism: 2, capacity: 16);

            var spooled = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            var receiving = Task.Run(async () =>
            {
                try { return await receive(n => spooled.Writer.TryWrite(n)).ConfigureAwait(false); }
                finally { spooled.Writer.TryComplete(); }
            }, CancellationToken.None);
            AssembledScan? assembled = null;
            var feeding = Task.Run(async () =>
            {
                try
                {
                    await foreach (var n in spooled.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                    {
                        var page = new DecodedPage(n, 0, spool.Load(n), null);
                        try { await chain.Input.WriteAsync(new PageToRecognise(provisional, page), ct).ConfigureAwait(false); }
                        catch { page.Dispose(); throw; }
                    }
                    await receiving.ConfigureAwait(false);
                    if (spool.PageCount > 0)
                    {
                        assembled = await spool.AssembleAsync(provisional.FullPath, ct).ConfigureAwait(false);
                        var final = provisional with { Sha256 = assembled.Sha256, Size = assembled.Size };
                        await _store.MarkSourceAsync(new SourceRecord(batch, inbox, final.RelativeName, final.Sha256, final.Size, spool.PageCount,
                            SourceStatus.Pending, null), ct).ConfigureAwait(false);
                        await chain.Input.WriteAsync(new SourceRead(final, spool.PageCount, null), ct).ConfigureAwait(false);
                    }
                    chain.Input.Complete();
                }
                catch (Exception e)
                {
                    chain.Input.TryComplete(e);
                    throw;
                }
            }, ct);

            var counts = new int[4];
            var lastReport = TimeSpan.Zero;
            var lastPagesSaved = TimeSpan.Zero;
            await foreach (var outcome in tail.Tail.ReadAllAsync(ct).ConfigureAwait(false))
            {
                outcomes.Add(outcome);
                counts[(int)outcome.Record.Status]++;
                if (progress is not null && clock.Elapsed - lastReport > TimeSpan.FromMilliseconds(250))
                {
                    lastReport = clock.Elapsed;
                    progress.Report(Snapshot(1, ocr, counts, clock.Elapsed, chain.Metrics));
                }
                if (clock.Elapsed - lastPagesSaved > TimeSpan.FromSeconds(5))
                {
                    lastPagesSaved = clock.Elapsed;
                    await _store.SetBatchPagesReadAsync(batch, ocr.PagesRead, ct).ConfigureAwait(false);
                }
            }
            await tail.Completion.ConfigureAwait(false);
            await feeding.ConfigureAwait(false);
            var end = await receiving.ConfigureAwait(false);

            var account = Account(spool.PageCount, stamp, outcomes);
            await _store.SetBatchPagesReadAsync(batch, spool.PageCount, CancellationToken.None).ConfigureAwait(false);
            await _store.RecordStepAsync(new JournalStep(batch, header.SourceName, "scan", end.Code, JsonSerializer.Serialize(new
            {
                device = header.DeviceId,
                message = end.Message,
                pages_scanned = account.Scanned,
                in_documents = account.InDocuments,
                sheets = account.Sheets,
                blank = account.Blank,
                rejected = account.Rejected,
                source_sha256 = assembled?.Sha256,
            })), CancellationToken.None).ConfigureAwait(false);
            progress?.Report(Snapshot(1, ocr, counts, clock.Elapsed, chain.Metrics));
            status = BatchStatus.Completed;
            var summary = await _store.FinishBatchAsync(batch, status, CancellationToken.None).ConfigureAwait(false);
            // The assembled file now holds every page: the spool goes once the store has the whole source.
            if (assembled is null || await _store.IsSourceDoneAsync(header.SourceName, assembled.Sha256, CancellationToken.None).ConfigureAwait(false))
                spool.Delete();
            return new ScanReport(new BatchReport(summary, outcomes, ocr.PagesRead, clock.Elapsed), header.DeviceId, end, inbox,
                assembled is null ? null : header.SourceName, assembled?.Path, account);
        }
        finally
        {
            if (status != BatchStatus.Completed)
            {
                // Aborted: return once the stages have stopped, so no filing of this scan goes on behind a recovery.
                if (ct.IsCancellationRequested && tail is not null)
                {
                    try { await tail.Completion.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false); }
                    catch (Exception) { } // the batch ends interrupted whatever the stages ended with
                }
                await _store.FinishBatchAsync(batch, ct.IsCancellationRequested ? BatchStatus.Interrupted : BatchStatus.Failed, CancellationToken.None)
                    .ConfigureAwait(false);
            }
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } // leftovers are swept at the next start
        }
    }

    /// <summary>Where the pages went: documents' kept pages, sheets and blanks as recognised, or the whole scan in quarantine.</summary>
    private static ScanPageAccount Account(int scanned, ScanSourceStamp stamp, IReadOnlyList<DocumentOutcome> outcomes)
    {
        // A rejected source (unreadable page, filing fault) is quarantined whole: every page is in quarantine.
        if (outcomes.Any(o => o.KeptPages == 0 && o.Record.Status == DocumentStatus.Rejected))
            return new ScanPageAccount(scanned, 0, 0, 0, scanned);
        var inDocuments = outcomes.Where(o => o.Record.Status != DocumentStatus.Rejected).Sum(o => o.KeptPages);
        var rejected = outcomes.Where(o => o.Record.Status == DocumentStatus.Rejected).Sum(o => o.KeptPages);
        return new ScanPageAccount(scanned, inDocuments, stamp.Sheets, stamp.Blank, rejected);
    }

    /// <summary>
    /// <c>scan_&lt;yyyyMMdd-HHmmss&gt;_&lt;station&gt;.tif</c>, with <c>_2</c>, <c>_3</c>... when that name is taken by a file or
    /// by a scan still in the spool.
    /// </summary>
    private static string ReserveSourceName(string inbox, DateTimeOffset now, string station)
    {
        var stem = $"scan_{now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}_{Slug(station)}";
        var spooled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in ScanSpool.Folders(Path.Combine(inbox, SpoolFolder)))
        {
            try
            {
                using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "scan.json")));
                if (json.RootElement.TryGetProperty("sourceName", out var name) && name.GetString() is { } taken) spooled.Add(taken);
            }
            catch (Exception e) when (e is IOException or JsonException) { /* not a spool */ }
        }
        for (var n = 1; ; n++)
        {
            var candidate = n == 1 ? stem + ".tif" : $"{stem}_{n}.tif";
            if (!File.Exists(Path.Combine(inbox, candidate)) && !spooled.Contains(candidate)) return candidate;
        }
    }

    /// <summary>A station name made safe for a file name: ASCII letters, digits, '-' and '_'.</summary>
    private static string Slug(string station)
    {
        var decomposed = station.Normalize(NormalizationForm.FormD);
        var slug = new StringBuilder();
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            slug.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-');
        }
        var text = slug.ToString().Trim('-');
        return text.Length == 0 ? "station" : text.Length > 40 ? text[..40] : text;
    }
}
