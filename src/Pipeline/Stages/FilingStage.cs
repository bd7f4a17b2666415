using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CaptureChain.Classifier.Duplicates;
using CaptureChain.Classifier.Matching;
using CaptureChain.Filing;
using CaptureChain.Filing.Archive;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Pdf;
using CaptureChain.Filing.Plan;
using CaptureChain.Filing.Store;
using CaptureChain.Pipeline.Outcomes;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Runner;

namespace CaptureChain.Pipeline.Stages;

/// <summary>
/// The last stage: decides, assembles the document's searchable PDF from its pages, files it into its case folder
/// (or the review queue), quarantines unreadable sources, and journals every outcome. Idempotent by document key, so
/// a restarted batch never files a document twice; a re-scan of a paper already filed for the same beneficiary and
/// type (close text fingerprint, same dates) is recorded as a duplicate of it and not filed again.
/// </summary>
public sealed class FilingStage(
    ICaptureStore store,
    CaseFolderArchive archive,
    FilingPlan plan,
    PdfAssembler assembler,
    FilingPolicy policy,
    string workFolder,
    string modelVersion,
    TimeProvider time) : IStage<DocumentMessage, DocumentOutcome>
{
    private readonly FilingClerk _clerk = new(store, archive);
    private readonly ConcurrentDictionary<string, int> _recordedPerSource = new(StringComparer.Ordinal);
    // One filing at a time per beneficiary and type, so that two copies or two scans of one paper never both pass the
    // duplicate checks: a gate per stripe in this process, and the store's lock of that stripe across the nodes sharing
    // the store. Striped (a fixed set shared by a stable hash, the same on every node) so that a night over a million
    // documents does not grow a lock per person.
    private const int FilingStripes = 64;
    private readonly SemaphoreSlim[] _filingGates = Enumerable.Range(0, FilingStripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public string Name => "file";

    public async IAsyncEnumerable<DocumentOutcome> ProcessAsync(DocumentMessage item, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return item switch
        {
            CapturedDocument document => await FileAndCleanUpAsync(document, ct).ConfigureAwait(false),
            RejectedSource rejected => await QuarantineAsync(rejected, ct).ConfigureAwait(false),
            _ => throw new InvalidOperationException($"Unexpected message {item.GetType().Name}"),
        };
    }

    public IEnumerable<DocumentOutcome> OnFault(DocumentMessage item, Exception fault)
    {
        // Filing itself failed (disk full, qpdf crash): keep the whole source in quarantine so no page is lost.
        var rejected = new RejectedSource(item.Source, item is CapturedDocument d ? d.LastPage : 0,
            new Capture.Intake.SourceRejection(ReasonCodes.ProcessingFault, fault.Message));
        return [QuarantineAsync(rejected, CancellationToken.None).GetAwaiter().GetResult()];
    }

    // The pages' own PDFs (from OCR) are work files whatever became of the document: filed, for review, already done, duplicate.
    private async Task<DocumentOutcome> FileAndCleanUpAsync(CapturedDocument document, CancellationToken ct)
    {
        try
        {
            return await FileAsync(document, ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var page in document.Pages)
                if (!page.TextFromSource && page.Pdf is { } own) File.Delete(own.PdfPath);
        }
    }

    private async Task<DocumentOutcome> FileAsync(CapturedDocument document, CancellationToken ct)
    {
        var key = document.Key;
        if (await store.FindDocumentAsync(key, ct).ConfigureAwait(false) is { } done)
            return await Recorded(document, done, resumed: true, ct).ConfigureAwait(false);

        var contentHash = ContentHash(document);
        async Task<DocumentOutcome> DuplicateOfAsync(DocumentRecord original)
        {
            var duplicate = Record(document, DocumentStatus.Duplicate, [ReasonCodes.DuplicateContent], original.Path, original.PdfSha256, contentHash);
            await store.RecordDocumentAsync(duplicate, ct).ConfigureAwait(false);
            return await Recorded(document, duplicate, resumed: false, ct).ConfigureAwait(false);
        }
        if (await store.FindFiledByContentAsync(contentHash, ct).ConfigureAwait(false) is { } original)
            return await DuplicateOfAsync(original).ConfigureAwait(false);

        var verdict = FilingDecision.Decide(document, policy);
        var status = verdict.Status;
        var reasons = verdict.Reasons.ToList();
        FilingTarget? target = null;
        if (status == DocumentStatus.Filed)
        {
            var beneficiary = document.Match!.Beneficiary!;
            var placed = plan.Render(new FilingContext(beneficiary.BeneficiaryId, beneficiary.CaseNumber, beneficiary.Prestation,
                beneficiary.LastName, beneficiary.FirstName, document.Type!.DocumentType, DateOnly.FromDateTime(time.GetLocalNow().Date)));
            if (placed.Target is null)
            {
                status = DocumentStatus.Review;
                reasons.Add(placed.ReasonCode ?? "filing_plan_no_place");
            }
            target = placed.Target;
        }

        var fingerprint = TextFingerprint.Compute(document.Text);
        SemaphoreSlim? gate = null;
        IAsyncDisposable? stripeLock = null;
        var pdf = Path.Combine(workFolder, $"doc-{Guid.NewGuid():N}.pdf");
        try
        {
            RescanCheck? rescan = null;
            if (status == DocumentStatus.Filed)
            {
                var beneficiaryId = document.Match!.Beneficiary!.BeneficiaryId;
                var type = document.Type!.DocumentType;
                var stripe = FilingStripe(beneficiaryId, type);
                await _filingGates[stripe].WaitAsync(ct).ConfigureAwait(false);
                gate = _filingGates[stripe];
                stripeLock = await store.AcquireLockAsync($"filing-stripe-{stripe}", ct).ConfigureAwait(false);
                // Checked again under the lock: another node may have filed a copy of this file since the look above.
                if (await store.FindFiledByContentAsync(contentHash, ct).ConfigureAwait(false) is { } copy)
                    return await DuplicateOfAsync(copy).ConfigureAwait(false);
                rescan = fingerprint is null ? null : await CheckRescanAsync(fingerprint, beneficiaryId, type, ct).ConfigureAwait(false);
                if (rescan is { Original: { } rescanned, IsRescan: true })
                {
                    var duplicate = Record(document, DocumentStatus.Duplicate, [ReasonCodes.DuplicateRescan], rescanned.Path, rescanned.PdfSha256, contentHash,
                        rescan: rescan) with { TextFingerprint = fingerprint!.ToHex() }; // a re-scan was found by its fingerprint
                    await store.RecordDocumentAsync(duplicate, ct).ConfigureAwait(false);
                    return await Recorded(document, duplicate, resumed: false, ct).ConfigureAwait(false);
                }
            }

            await assembler.AssembleAsync(document.Pages.Select(p => p.Pdf ?? throw new InvalidOperationException(
                $"page {p.PageNumber} has no PDF")).ToList(), pdf, ct).ConfigureAwait(false);
            FiledFile placedFile;
            var qualitySample = false;
            if (status == DocumentStatus.Filed)
            {
                placedFile = await _clerk.FileOnceAsync(key, target!, pdf, ct).ConfigureAwait(false);
                // Quality control: a share of what was filed without a person also goes to the review queue, where a
                // confirmation or a correction measures the precision of automatic filing. The document stays filed.
                if (policy.IsQualitySample(key))
                {
                    qualitySample = true;
                    await store.OpenReviewItemAsync(key, [ReasonCodes.QualitySample], JsonSerializer.Serialize(Candidates(document.Match)), ct).ConfigureAwait(false);
                }
            }
            else
            {
                placedFile = await archive.PlaceForReviewAsync(pdf, ReviewId(key), ct).ConfigureAwait(false);
                await store.OpenReviewItemAsync(key, reasons, JsonSerializer.Serialize(Candidates(document.Match)), ct).ConfigureAwait(false);
            }
            // The fingerprint is kept on every document, so a re-scan finds this one once it is filed (here or after review).
            var record = Record(document, status, reasons, placedFile.RelativePath, placedFile.Sha256, contentHash, qualitySample, rescan)
                with { TextFingerprint = fingerprint?.ToHex() };
            await store.RecordDocumentAsync(record, ct).ConfigureAwait(false);
            return await Recorded(document, record, resumed: false, ct).ConfigureAwait(false);
        }
        finally
        {
            if (stripeLock is not null) await stripeLock.DisposeAsync().ConfigureAwait(false);
            gate?.Release();
            File.Delete(pdf);
        }
    }

    /// <summary>The stripe of a beneficiary and type: a stable hash, so that every node puts them in the same one.</summary>
    private static int FilingStripe(string beneficiaryId, string documentType) =>
        (int)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(beneficiaryId + "\n" + documentType)), 0) % FilingStripes);

    private async Task<DocumentOutcome> QuarantineAsync(RejectedSource rejected, CancellationToken ct)
    {
        var source = rejected.Source;
        var key = new DocumentKey(source.RelativeName, source.Sha256, 1, Math.Max(1, rejected.PageCount));
        if (await store.FindDocumentAsync(key, ct).ConfigureAwait(false) is { } done)
            return new DocumentOutcome(source, done, 0, Resumed: true);
        var kept = source.ReadError is null
            ? await archive.QuarantineAsync(source.FullPath, source.RelativeName, rejected.Rejection.Code, rejected.Rejection.Message, ct: ct).ConfigureAwait(false)
            : await archive.QuarantineUnreadableAsync(source.FullPath, source.RelativeName, rejected.Rejection.Code, rejected.Rejection.Message, ct).ConfigureAwait(false);
        var record = new DocumentRecord(key, source.Batch, source.Inbox, DocumentStatus.Rejected, null, null, null, modelVersion, null, null,
            kept.RelativePath, kept.Sha256 is { Length: > 0 } copied ? copied : null, null, [rejected.Rejection.Code],
            JsonSerializer.Serialize(new { rejection = rejected.Rejection.Code, message = rejected.Rejection.Message, reason_file = kept.ReasonRelativePath }));
        await store.RecordDocumentAsync(record, ct).ConfigureAwait(false);
        await store.MarkSourceAsync(new SourceRecord(source.Batch, source.Inbox, source.RelativeName, source.Sha256, source.Size,
            rejected.PageCount, SourceStatus.Rejected, rejected.Rejection.Code), ct).ConfigureAwait(false);
        return new DocumentOutcome(source, record, 0, Resumed: false);
    }

    // Counts recorded documents per source; the last one marks the source done so a restart skips it whole.
    private async Task<DocumentOutcome> Recorded(CapturedDocument document, DocumentRecord record, bool resumed, CancellationToken ct)
    {
        var source = document.Source;
        var key = source.RelativeName + "\n" + source.Sha256;
        if (_recordedPerSource.AddOrUpdate(key, 1, (_, n) => n + 1) == document.DocumentsInSource)
        {
            _recordedPerSource.TryRemove(key, out _);
            await store.MarkSourceAsync(new SourceRecord(source.Batch, source.Inbox, source.RelativeName, source.Sha256, source.Size,
                document.PagesInSource, SourceStatus.Done, null), ct).ConfigureAwait(false);
        }
        return new DocumentOutcome(source, record, document.Pages.Count, resumed);
    }

    /// <summary>The filed document of this beneficiary and type whose fingerprint is nearest, and whether it is the same paper.</summary>
    private sealed record RescanCheck(int Compared, DocumentRecord? Original, int? Distance, bool? DatesAgree, bool IsRescan);

    private async Task<RescanCheck> CheckRescanAsync(TextFingerprint fingerprint, string beneficiaryId, string documentType, CancellationToken ct)
    {
        var filed = await store.ListFiledFingerprintsAsync(beneficiaryId, documentType, ct).ConfigureAwait(false);
        (DocumentRecord Record, FingerprintComparison Comparison)? best = null;
        var compared = 0;
        foreach (var record in filed)
        {
            if (!TextFingerprint.TryParse(record.TextFingerprint, out var other)) continue;
            compared++;
            var comparison = RescanDetection.Compare(fingerprint, other!);
            // The nearest re-scan wins; failing that, the nearest document, to explain why it was not one.
            if (best is null || (comparison.IsRescan, -comparison.Distance).CompareTo((best.Value.Comparison.IsRescan, -best.Value.Comparison.Distance)) > 0)
                best = (record, comparison);
        }
        return best is { } b
            ? new RescanCheck(compared, b.Record, b.Comparison.Distance, b.Comparison.DatesAgree, b.Comparison.IsRescan)
            : new RescanCheck(compared, null, null, null, false);
    }

    private DocumentRecord Record(CapturedDocument document, DocumentStatus status, IReadOnlyList<string> reasons, string? path, string? pdfSha, string contentHash,
        bool qualitySample = false, RescanCheck? rescan = null)
    {
        var match = document.Match;
        var beneficiary = match is { IsMatched: true } ? match.Beneficiary : null;
        return new DocumentRecord(document.Key, document.Source.Batch, document.Source.Inbox, status,
            document.Type?.DocumentType, document.Type?.Confidence is { } c ? Math.Round(c, 4) : null,
            document.Type?.Threshold is { } t ? Math.Round(t, 4) : null, modelVersion,
            beneficiary?.BeneficiaryId, beneficiary?.CaseNumber, path, pdfSha, contentHash, reasons,
            Evidence(document, withText: status == DocumentStatus.Review || qualitySample, qualitySample, rescan));
    }

    /// <summary>
    /// Why the document went where it went: kept with the record, shown on the review page. A document under review also
    /// keeps its OCR text (pages joined by form feeds): the review page highlights identifiers in it, split and merge
    /// re-read it, and a reviewer's decision turns it into a labelled training example.
    /// </summary>
    private string Evidence(CapturedDocument document, bool withText, bool qualitySample = false, RescanCheck? rescan = null)
    {
        var ids = document.Identifiers;
        return JsonSerializer.Serialize(new
        {
            model_version = modelVersion,
            type = document.Type is { } t ? new { t.DocumentType, t.Confidence, t.Threshold, t.MeetsThreshold, top3 = t.Top3 } : null,
            match = document.Match is { } m ? new
            {
                outcome = m.Outcome.ToString(),
                beneficiary_id = m.Beneficiary?.BeneficiaryId,
                evidence = m.Evidence,
                details = m.Details,
                candidates = Candidates(m),
            } : null,
            cover_case_number = document.CoverCaseNumber,
            folder_hint = document.Source.Defaults.Hint is { } hint ? new
            {
                case_number = hint.CaseNumber,
                nir = hint.Nir?.Masked,
                name = hint.Name is not null,
                birth_date = hint.BirthDate is not null,
                beneficiary_id = hint.BeneficiaryId,
            } : null,
            // The re-scan check: how near the nearest filed document of this beneficiary and type is (bits of 128).
            rescan_check = rescan is null ? null : new
            {
                compared = rescan.Compared,
                nearest_document = rescan.Original is { } o ? new { source = o.Key.SourceName, first_page = o.Key.FirstPage, last_page = o.Key.LastPage, path = o.Path } : null,
                distance = rescan.Distance,
                dates_agree = rescan.DatesAgree,
                max_distance = RescanDetection.MaxDistance,
                is_rescan = rescan.IsRescan,
            },
            quality_sample = qualitySample,
            separation = document.StartProbability is { } start ? new { start_probability = Math.Round(start, 4), uncertain = document.SeparationUncertain } : null,
            identifiers = ids is null ? null : new
            {
                nirs = ids.Nirs.Select(n => n.Nir.Masked),
                caf_numbers = ids.CafNumbers.Count,
                case_numbers = ids.CaseNumbers.Select(c => c.Value),
                names = ids.Names.Count,
                birth_dates = ids.BirthDates.Count,
            },
            pages = document.Pages.Select(p => new
            {
                page = p.PageNumber,
                confidence = Math.Round(p.Confidence, 1),
                rotation = p.Cleanup.RotationDegrees,
                skew = Math.Round(p.Cleanup.SkewDegrees, 2),
                text_from_source = p.TextFromSource,
                problem = p.Problem,
            }),
            faults = document.Faults,
            text = withText ? document.Text : null,
        });
    }

    private static object Candidates(BeneficiaryMatch? match) =>
        match?.Candidates.Select(c => new { beneficiary_id = c.Beneficiary.BeneficiaryId, case_number = c.Beneficiary.CaseNumber, matched_by = c.MatchedBy })
        ?? Enumerable.Empty<object>();

    // Same file content and same page range: the same document, whatever the file is called.
    private static string ContentHash(CapturedDocument document) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{document.Source.Sha256}:{document.FirstPage}-{document.LastPage}")));

    private static string ReviewId(DocumentKey key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.SourceName + "\n" + key.SourceSha256 + "\n" + key.FirstPage + "-" + key.LastPage)))[..20];
}
