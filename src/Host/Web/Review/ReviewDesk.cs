using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaptureChain.Capture.Intake;
using CaptureChain.Classifier.Identifiers;
using CaptureChain.Classifier.Matching;
using CaptureChain.Classifier.Registry;
using CaptureChain.Classifier.Typing;
using CaptureChain.Filing;
using CaptureChain.Filing.Archive;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Plan;
using CaptureChain.Filing.Store;
using CaptureChain.Pipeline.Outcomes;
using Microsoft.Extensions.Logging;

namespace CaptureChain.Host.Web.Review;

/// <summary>How a review action ended: done (with the review items it left open, and where a filed document went) or refused.</summary>
public sealed record ReviewOutcome(bool Done, int Status, string? Code, string? Message, IReadOnlyList<string> OpenedItems, string? Path)
{
    internal static ReviewOutcome Ok(IReadOnlyList<string>? opened = null, string? path = null, string? message = null) =>
        new(true, 200, null, message, opened ?? [], path);

    internal static ReviewOutcome NotFound(string message) => new(false, 404, "item_not_found", message, [], null);

    internal static ReviewOutcome Conflict(string code, string message) => new(false, 409, code, message, [], null);

    internal static ReviewOutcome Invalid(string code, string message) => new(false, 400, code, message, [], null);
}

/// <summary>A code with its French label.</summary>
public sealed record CodeLabel(string Code, string Label);

/// <summary>A registry row as the review page shows it (a candidate or a search result), with why it was proposed.</summary>
public sealed record CandidateView(
    string BeneficiaryId, string CaseNumber, string Prestation, string LastName, string FirstName, string? BirthDate, string? Nir,
    string? CafNumber, string Address, IReadOnlyList<CodeLabel> MatchedBy, bool Suggested);

/// <summary>A reviewer's decision for an item: the document type and the registry row (beneficiary and case).</summary>
public sealed record ConfirmRequest(string? DocumentType, string? BeneficiaryId, string? CaseNumber);

/// <summary>
/// The review desk: what a reviewer can do to a document waiting for a person. Confirming files it at once into its
/// case folder through the <see cref="FilingClerk"/> (intent journaled, never twice) and the filing plan; splitting,
/// merging and rotating make new review PDFs (the old ones are never changed in place); rejecting keeps the PDF in
/// quarantine. Every action is journaled with who, when, before and after, and a confirmed type becomes a training
/// example. Actions on one item are serialised within the process.
/// </summary>
public sealed class ReviewDesk
{
    private static readonly SemaphoreSlim[] ItemLocks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    private readonly CaptureWebOptions _options;
    private readonly ICaptureStore _store;
    private readonly CaseFolderArchive _archive;
    private readonly PageImageCache _images;
    private readonly FilingClerk _clerk;
    private readonly ILogger<ReviewDesk> _log;
    private readonly PopplerTools _poppler = new(TimeSpan.FromSeconds(60));
    private readonly ConcurrentDictionary<string, int> _pageCounts = new(StringComparer.Ordinal);
    private readonly string _work;

    /// <summary>Wires the desk to the store, archive and plan of <paramref name="options"/>.</summary>
    public ReviewDesk(CaptureWebOptions options, CaseFolderArchive archive, PageImageCache images, ILogger<ReviewDesk> log)
    {
        _options = options;
        _store = options.Store;
        _archive = archive;
        _images = images;
        _log = log;
        _clerk = new FilingClerk(_store, archive);
        _work = Path.Combine(options.StateFolder, "work");
        Directory.CreateDirectory(_work);
        // Work files of actions a crash interrupted (never those of a live action: they are minutes old at most).
        foreach (var stale in Directory.EnumerateFiles(_work, "review-*.pdf"))
            if (File.GetLastWriteTimeUtc(stale) < DateTime.UtcNow.AddHours(-1)) TryDelete(stale);
    }

    // ---------------------------------------------------------------- reading

    /// <summary>The queue, filtered; <paramref name="urgentFirst"/> puts documents with legal deadlines first, then oldest first.</summary>
    public async Task<IReadOnlyList<ReviewQueueEntry>> QueueAsync(ReviewQueueFilter filter, bool urgentFirst, CancellationToken ct)
    {
        var entries = await _store.ListReviewQueueAsync(filter, ct);
        if (!urgentFirst) return entries;
        var urgent = _options.UrgentDocumentTypes.ToList();
        return entries.OrderBy(e => e.Document?.DocumentType is { } t && urgent.Contains(t) ? urgent.IndexOf(t) : int.MaxValue)
            .ThenBy(e => e.Item.CreatedAt).ThenBy(e => e.Item.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Everything the review page shows for an item, or null when there is no such item. Journals the view.</summary>
    public async Task<object?> ViewAsync(string id, string viewer, CancellationToken ct)
    {
        var item = await _store.GetReviewItemAsync(id, ct);
        if (item is null) return null;
        var document = await _store.FindDocumentAsync(item.Key, ct);
        var evidence = ReviewEvidence.Parse(document?.EvidenceJson);
        var registry = _options.Registry();
        var sample = IsQualitySample(item, document);
        var open = item.State == ReviewState.Open && (document is { Status: DocumentStatus.Review } || sample);
        await _store.RecordReviewJournalAsync(new ReviewJournalEntry(item.Id, item.Key, "view", viewer, null, null), ct);

        string? text = null;
        var pageCount = 0;
        if (open && document!.Path is { } path && document.PdfSha256 is { } sha)
        {
            pageCount = await PageCountAsync(_archive.ResolvePath(path), sha, ct, mayBeGone: true);
            text = await TextOfAsync(document, evidence, pageCount, ct);
        }
        text ??= evidence.Text ?? "";

        var candidates = CandidatesOf(item, document, registry);
        var suggested = candidates.FirstOrDefault();
        var previous = open && !sample ? await _store.FindPreviousDocumentAsync(item.Key, ct) : null;
        var top3 = evidence.Top3;
        var pages = evidence.Pages;
        return new
        {
            id = item.Id,
            state = item.State,
            open,
            created_at = item.CreatedAt,
            closed_at = item.ClosedAt,
            closed_by = item.ClosedBy,
            reasons = item.ReasonCodes.Select(code => new { code, explanation = FrenchLabels.Reason(code) }),
            document = document is null ? null : new
            {
                source = document.Key.SourceName,
                first_page = document.Key.FirstPage,
                last_page = document.Key.LastPage,
                batch = document.Batch.ToString(),
                status = document.Status.ToName(),
                document_type = document.DocumentType,
                type_label = FrenchLabels.Type(document.DocumentType),
                type_confidence = document.TypeConfidence,
                type_threshold = document.TypeThreshold,
                model_version = document.ModelVersion,
                page_count = pageCount,
                path = document.Status == DocumentStatus.Filed ? document.Path : null,
            },
            prediction = new
            {
                document_type = document?.DocumentType,
                confidence = document?.TypeConfidence,
                threshold = evidence.Threshold ?? document?.TypeThreshold,
                top3 = top3.Select(t => new { document_type = t.DocumentType, label = FrenchLabels.Type(t.DocumentType), probability = Math.Round(t.Probability, 4) }),
            },
            suggestion = new
            {
                document_type = document?.DocumentType ?? top3.FirstOrDefault()?.DocumentType,
                beneficiary_id = suggested?.BeneficiaryId,
                case_number = suggested?.CaseNumber,
            },
            match = new
            {
                outcome = evidence.MatchOutcome,
                evidence = evidence.MatchEvidence.Select(c => new { code = c, label = FrenchLabels.MatchedBy(c) }),
                details = evidence.MatchDetails.Select(c => new { code = c, label = FrenchLabels.MatchedBy(c) }),
                cover_case_number = evidence.CoverCaseNumber,
            },
            candidates,
            text,
            highlights = Highlights(text, registry),
            pages = Enumerable.Range(1, pageCount).Select(n => new
            {
                number = n,
                source_page = n <= pages.Count ? pages[n - 1].SourcePage : (int?)null,
                ocr_confidence = n <= pages.Count ? pages[n - 1].OcrConfidence : null,
                problem = n <= pages.Count ? pages[n - 1].Problem : null,
            }),
            quality_sample = sample,
            can_edit = open && !sample,
            can_merge_previous = !sample && previous is { Status: DocumentStatus.Review },
            previous_status = previous?.Status.ToName(),
            document_types = _options.DocumentTypes.Select(t => new { slug = t, label = FrenchLabels.Type(t) }),
        };
    }

    /// <summary>The review PDF of an open item (absolute path and SHA-256), or null.</summary>
    public async Task<(string Path, string Sha256, int Pages)?> ReviewPdfAsync(string id, CancellationToken ct)
    {
        var item = await _store.GetReviewItemAsync(id, ct);
        if (item is not { State: ReviewState.Open }) return null;
        var document = await _store.FindDocumentAsync(item.Key, ct);
        if (document is not { Path: { } path, PdfSha256: { } sha } || !(document.Status == DocumentStatus.Review || IsQualitySample(item, document))) return null;
        var full = _archive.ResolvePath(path);
        if (!File.Exists(full)) return null;
        return (full, sha, await PageCountAsync(full, sha, ct));
    }

    /// <summary>The page images of a review PDF (rendered once, then from the cache).</summary>
    public PageImageCache Images => _images;

    /// <summary>Registry rows for the search box, with what a reviewer needs to tell homonyms apart.</summary>
    public IReadOnlyList<CandidateView> Search(string? query) =>
        RegistrySearch.Find(_options.Registry(), query).Select(b => Describe(b, [], false)).ToList();

    // ---------------------------------------------------------------- actions

    /// <summary>Files the document with the chosen type and beneficiary at once, closes the item, journals it and keeps the training example.</summary>
    public Task<ReviewOutcome> ConfirmAsync(string id, ConfirmRequest request, string actor, CancellationToken ct) =>
        WithItemAsync(id, ct, allowQualitySample: true, action: async (item, document, evidence) =>
        {
            var type = request.DocumentType?.Trim();
            if (string.IsNullOrEmpty(type) || !_options.DocumentTypes.Contains(type))
                return ReviewOutcome.Invalid("unknown_document_type", "Choisissez un type de document de la liste.");
            if (string.IsNullOrWhiteSpace(request.BeneficiaryId) || string.IsNullOrWhiteSpace(request.CaseNumber))
                return ReviewOutcome.Invalid("beneficiary_required", "Choisissez le bénéficiaire et son dossier.");
            var row = _options.Registry().ByCaseNumber(request.CaseNumber).FirstOrDefault(b => b.BeneficiaryId == request.BeneficiaryId);
            if (row is null)
                return ReviewOutcome.Invalid("beneficiary_unknown", "Ce bénéficiaire et ce dossier ne sont pas dans le référentiel chargé.");

            if (document.Status == DocumentStatus.Filed) return await CheckQualitySampleAsync(item, document, evidence, type, row, actor, ct);

            var placed = _options.Plan.Render(new FilingContext(row.BeneficiaryId, row.CaseNumber, row.Prestation, row.LastName, row.FirstName,
                type, DateOnly.FromDateTime(_options.Time.GetLocalNow().Date)));
            if (placed.Target is null)
                return ReviewOutcome.Conflict(placed.ReasonCode ?? "filing_plan_no_place",
                    $"Le plan de classement ne place pas ce document ({placed.ReasonCode} {placed.Detail}).");

            // A crash after the rename and before the record: the clerk finds the filed file and we finish the record.
            FiledFile filed;
            var reviewPdf = _archive.ResolvePath(document.Path!);
            if (await _clerk.FindFiledAsync(item.Key, ct) is { } already) filed = already;
            else
            {
                if (!File.Exists(reviewPdf)) return ReviewOutcome.Conflict("review_pdf_missing", "Le PDF en attente de revue a disparu de l'archive.");
                if (await _archive.CheckAsync(document.Path!, document.PdfSha256!, ct) != FiledFileState.Complete)
                    return ReviewOutcome.Conflict("review_pdf_changed", "Le PDF en attente de revue a été modifié hors de CaptureChain : rien n'a été classé.");
                filed = await _clerk.FileOnceAsync(item.Key, placed.Target, reviewPdf, ct);
            }

            var text = await TextOfAsync(document, evidence, await PageCountAsync(reviewPdf, document.PdfSha256!, ct, mayBeGone: true), ct) ?? "";
            // A confirmation takes what the page suggested (the pipeline's type and first candidate); anything else is a correction.
            var corrected = type != document.DocumentType;
            var suggested = CandidatesOf(item, document, _options.Registry()).FirstOrDefault();
            var beneficiaryChanged = suggested is null || row.BeneficiaryId != suggested.BeneficiaryId || row.CaseNumber != suggested.CaseNumber;
            var action = corrected || beneficiaryChanged ? "correct" : "confirm";
            var now = _options.Time.GetUtcNow();
            var probability = evidence.Top3.FirstOrDefault(t => t.DocumentType == type)?.Probability;
            var record = document with
            {
                Status = DocumentStatus.Filed,
                DocumentType = type,
                TypeConfidence = type == document.DocumentType ? document.TypeConfidence : probability is { } p ? Math.Round(p, 4) : null,
                BeneficiaryId = row.BeneficiaryId,
                CaseNumber = row.CaseNumber,
                Path = filed.RelativePath,
                PdfSha256 = filed.Sha256,
                Reasons = [],
                EvidenceJson = DecidedEvidence(evidence, action, actor, now, item.Id),
            };
            var before = Snapshot(document, suggested: suggested);
            var after = Snapshot(record);
            await _store.CompleteReviewAsync(new ReviewDecision(item.Id, record, actor,
                JsonSerializer.Serialize(new { action, document_type = type, beneficiary_id = row.BeneficiaryId, case_number = row.CaseNumber, path = filed.RelativePath }),
                new ReviewJournalEntry(item.Id, item.Key, action, actor, before, after),
                text.Length == 0 ? null : new TrainingExample(item.Id, item.Key, type, document.DocumentType, corrected, document.ModelVersion, text, actor)), ct);
            RemoveReviewFile(document);
            _options.Metrics.CountReviewDecision(action);
            _log.LogInformation("Review item {Item} filed by {Actor} ({Action}, type {Type}, case {Case})", item.Id, actor, action, type, row.CaseNumber);
            await DocumentsChangedAsync(document.Inbox);
            return ReviewOutcome.Ok(path: filed.RelativePath);
        });

    /// <summary>Keeps the document in quarantine with the reviewer's reason; nothing is filed.</summary>
    public Task<ReviewOutcome> RejectAsync(string id, string? comment, string actor, CancellationToken ct) =>
        WithItemAsync(id, ct, async (item, document, evidence) =>
        {
            var reviewPdf = _archive.ResolvePath(document.Path!);
            if (!File.Exists(reviewPdf)) return ReviewOutcome.Conflict("review_pdf_missing", "Le PDF en attente de revue a disparu de l'archive.");
            comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim()[..Math.Min(comment.Trim().Length, 500)];
            var key = item.Key;
            var folder = Path.GetDirectoryName(key.SourceName.Replace('\\', '/'))?.Replace('\\', '/');
            var name = $"{Path.GetFileNameWithoutExtension(key.SourceName)}_p{key.FirstPage}-{key.LastPage}.pdf";
            var kept = await _archive.QuarantineAsync(reviewPdf, string.IsNullOrEmpty(folder) ? name : folder + "/" + name,
                ReasonCodes.RejectedByReviewer, comment ?? $"Rejeté à la revue par {actor}.", QuarantineMode.Copy, ct);
            var now = _options.Time.GetUtcNow();
            var record = document with
            {
                Status = DocumentStatus.Rejected,
                Path = kept.RelativePath,
                PdfSha256 = kept.Sha256,
                Reasons = [ReasonCodes.RejectedByReviewer],
                EvidenceJson = DecidedEvidence(evidence, "reject", actor, now, item.Id, comment),
            };
            await _store.CompleteReviewAsync(new ReviewDecision(item.Id, record, actor,
                JsonSerializer.Serialize(new { action = "reject", comment, path = kept.RelativePath }),
                new ReviewJournalEntry(item.Id, key, "reject", actor, Snapshot(document), Snapshot(record, comment)), null), ct);
            RemoveReviewFile(document);
            _options.Metrics.CountReviewDecision("reject");
            await DocumentsChangedAsync(document.Inbox);
            _log.LogInformation("Review item {Item} rejected to quarantine by {Actor}", item.Id, actor);
            return ReviewOutcome.Ok(path: kept.RelativePath);
        });

    /// <summary>Cuts the document before page <paramref name="firstPageOfSecond"/> (1-based in the review PDF) into two documents under review.</summary>
    public Task<ReviewOutcome> SplitAsync(string id, int firstPageOfSecond, string actor, CancellationToken ct) =>
        WithItemAsync(id, ct, async (item, document, evidence) =>
        {
            var pdf = _archive.ResolvePath(document.Path!);
            var count = await PageCountAsync(pdf, document.PdfSha256!, ct);
            if (firstPageOfSecond < 2 || firstPageOfSecond > count)
                return ReviewOutcome.Invalid("invalid_page", $"On découpe avant une page de 2 à {count}.");
            var sourcePages = SourcePages(document, evidence, count);
            if (sourcePages is null)
                return ReviewOutcome.Conflict("pages_unknown", "Les numéros de page d'origine de ce document sont inconnus : découpage impossible.");
            var texts = await PageTextsAsync(document, evidence, count, ct);
            var key = item.Key;
            var cut = sourcePages[firstPageOfSecond - 1];
            var firstKey = key with { LastPage = cut - 1 };
            var secondKey = key with { FirstPage = cut };
            var pageEvidence = evidence.Pages;

            var parts = new List<ReviewReplacementPart>();
            var temps = new List<string>();
            try
            {
                foreach (var (partKey, from, to) in new[] { (firstKey, 1, firstPageOfSecond - 1), (secondKey, firstPageOfSecond, count) })
                {
                    var temp = TempPdf(temps);
                    await PdfTools.ExtractAsync([(pdf, $"{from}-{to}")], temp, to - from + 1, ct);
                    var placed = await _archive.PlaceForReviewAsync(temp, ReviewFileId(partKey), ct);
                    parts.Add(Part(document, evidence, partKey, string.Join("\n\f\n", texts[(from - 1)..to]),
                        pageEvidence.Count == count ? pageEvidence.Skip(from - 1).Take(to - from + 1).Select(p => p.Raw).ToList() : [],
                        placed, ReasonCodes.SplitByReviewer, actor));
                }
            }
            finally
            {
                foreach (var t in temps) TryDelete(t);
            }
            var before = Snapshot(document);
            var after = JsonSerializer.Serialize(new { parts = parts.Select(p => KeyJson(p.Document.Key)) });
            var opened = await ReplaceOrUndoAsync(new ReviewReplacement([key], parts, actor,
                JsonSerializer.Serialize(new { action = "split", at_page = firstPageOfSecond, parts = parts.Select(p => KeyJson(p.Document.Key)) }),
                [new ReviewJournalEntry(item.Id, key, "split", actor, before, after)]), ct);
            RemoveReviewFile(document);
            _options.Metrics.CountReviewDecision("split");
            await DocumentsChangedAsync(document.Inbox);
            return ReviewOutcome.Ok(opened.Select(o => o.Id).ToList());
        });

    /// <summary>Joins the document with the one just before it in the same source file, when that one is under review too.</summary>
    public Task<ReviewOutcome> MergePreviousAsync(string id, string actor, CancellationToken ct) =>
        WithItemAsync(id, ct, async (item, document, evidence) =>
        {
            var previous = await _store.FindPreviousDocumentAsync(item.Key, ct);
            if (previous is null) return ReviewOutcome.Conflict("no_previous_document", "Aucun document ne précède celui-ci dans le même fichier.");
            if (previous.Status != DocumentStatus.Review || previous.Path is null || previous.PdfSha256 is null)
                return ReviewOutcome.Conflict("previous_not_in_review",
                    $"Le document précédent est {FrenchLabels.Status(previous.Status)} : seuls deux documents en revue peuvent être fusionnés.");
            var previousItem = await _store.FindOpenReviewItemAsync(previous.Key, ct);
            if (previousItem is null) return ReviewOutcome.Conflict("previous_not_in_review", "Le document précédent n'a pas d'élément de revue ouvert.");

            var previousEvidence = ReviewEvidence.Parse(previous.EvidenceJson);
            var previousPdf = _archive.ResolvePath(previous.Path);
            var pdf = _archive.ResolvePath(document.Path!);
            var previousCount = await PageCountAsync(previousPdf, previous.PdfSha256, ct);
            var count = await PageCountAsync(pdf, document.PdfSha256!, ct);
            var texts = (await PageTextsAsync(previous, previousEvidence, previousCount, ct)).Concat(await PageTextsAsync(document, evidence, count, ct));
            var pages = previousEvidence.Pages.Count == previousCount && evidence.Pages.Count == count
                ? previousEvidence.Pages.Concat(evidence.Pages).Select(p => p.Raw).ToList() : [];
            var key = item.Key with { FirstPage = previous.Key.FirstPage };

            var temps = new List<string>();
            ReviewReplacementPart part;
            try
            {
                var temp = TempPdf(temps);
                await PdfTools.ExtractAsync([(previousPdf, $"1-{previousCount}"), (pdf, $"1-{count}")], temp, previousCount + count, ct);
                var placed = await _archive.PlaceForReviewAsync(temp, ReviewFileId(key), ct);
                part = Part(document, evidence, key, string.Join("\n\f\n", texts), pages, placed, ReasonCodes.MergedByReviewer, actor);
            }
            finally
            {
                foreach (var t in temps) TryDelete(t);
            }
            var after = JsonSerializer.Serialize(new { merged = KeyJson(key) });
            var opened = await ReplaceOrUndoAsync(new ReviewReplacement([previous.Key, item.Key], [part], actor,
                JsonSerializer.Serialize(new { action = "merge", merged = KeyJson(key) }),
                [
                    new ReviewJournalEntry(previousItem.Id, previous.Key, "merge", actor, Snapshot(previous), after),
                    new ReviewJournalEntry(item.Id, item.Key, "merge", actor, Snapshot(document), after),
                ]), ct);
            RemoveReviewFile(previous);
            RemoveReviewFile(document);
            _options.Metrics.CountReviewDecision("merge");
            await DocumentsChangedAsync(document.Inbox);
            return ReviewOutcome.Ok(opened.Select(o => o.Id).ToList());
        });

    /// <summary>Turns one page of the review PDF by quarter turns (clockwise); the document stays under review.</summary>
    public Task<ReviewOutcome> RotateAsync(string id, int page, int quarterTurns, string actor, CancellationToken ct) =>
        WithItemAsync(id, ct, async (item, document, evidence) =>
        {
            var pdf = _archive.ResolvePath(document.Path!);
            var count = await PageCountAsync(pdf, document.PdfSha256!, ct);
            if (page < 1 || page > count) return ReviewOutcome.Invalid("invalid_page", $"Page de 1 à {count}.");
            if (quarterTurns % 4 == 0) return ReviewOutcome.Invalid("invalid_rotation", "Rotation nulle.");
            var temps = new List<string>();
            FiledFile placed;
            try
            {
                var temp = TempPdf(temps);
                await PdfTools.RotateAsync(pdf, page, quarterTurns, temp, ct);
                placed = await _archive.PlaceForReviewAsync(temp, ReviewFileId(item.Key), ct);
            }
            finally
            {
                foreach (var t in temps) TryDelete(t);
            }
            var root = (JsonObject)evidence.Root.DeepClone();
            var degrees = ((quarterTurns % 4) + 4) % 4 * 90;
            if (root["pages"] is JsonArray pages && pages.Count == count && pages[page - 1] is JsonObject p)
                p["review_rotation"] = ((p["review_rotation"]?.GetValue<int>() ?? 0) + degrees) % 360;
            var updated = document with { Path = placed.RelativePath, PdfSha256 = placed.Sha256, EvidenceJson = root.ToJsonString() };
            try
            {
                await _store.UpdateReviewDocumentAsync(updated, new ReviewJournalEntry(item.Id, item.Key, "rotate", actor,
                    JsonSerializer.Serialize(new { path = document.Path, sha256 = document.PdfSha256, page }),
                    JsonSerializer.Serialize(new { path = placed.RelativePath, sha256 = placed.Sha256, page, degrees })), ct);
            }
            catch
            {
                TryDelete(_archive.ResolvePath(placed.RelativePath));
                throw;
            }
            RemoveReviewFile(document);
            _options.Metrics.CountReviewDecision("rotate");
            return ReviewOutcome.Ok([item.Id]);
        });

    // ---------------------------------------------------------------- helpers

    private delegate Task<ReviewOutcome> ItemAction(ReviewItem item, DocumentRecord document, ReviewEvidence evidence);

    /// <summary>Loads an open item and its document under review, holding the item's lock while <paramref name="action"/> runs.</summary>
    private async Task<ReviewOutcome> WithItemAsync(string id, CancellationToken ct, ItemAction action, bool allowQualitySample = false)
    {
        var gate = ItemLocks[(StringComparer.Ordinal.GetHashCode(id) & int.MaxValue) % ItemLocks.Length];
        await gate.WaitAsync(ct);
        try
        {
            var item = await _store.GetReviewItemAsync(id, ct);
            if (item is null) return ReviewOutcome.NotFound("Élément de revue introuvable.");
            if (item.State != ReviewState.Open) return ReviewOutcome.Conflict("item_closed", $"Cet élément a déjà été traité par {item.ClosedBy}.");
            var document = await _store.FindDocumentAsync(item.Key, ct);
            if (document is { Status: DocumentStatus.Filed } && IsQualitySample(item, document) && !allowQualitySample)
                return ReviewOutcome.Conflict("document_filed", "Ce document est déjà classé (contrôle qualité) : confirmez ou corrigez seulement.");
            if (document is not { Path: not null, PdfSha256: not null }
                || !(document.Status == DocumentStatus.Review || (allowQualitySample && IsQualitySample(item, document))))
                return ReviewOutcome.Conflict("document_not_in_review", "Le document de cet élément n'est plus en attente de revue.");
            try
            {
                return await action(item, document, ReviewEvidence.Parse(document.EvidenceJson));
            }
            catch (InvalidOperationException e)
            {
                // The store refused a change that another person's action made stale (item closed, document filed).
                _log.LogWarning("Review action on {Item} refused by the store: {Message}", id, e.Message);
                return ReviewOutcome.Conflict("state_changed", "Ce document vient d'être traité par quelqu'un d'autre : rechargez.");
            }
            catch (PdfEditException e)
            {
                _log.LogError(e, "PDF edit failed on review item {Item}", id);
                return ReviewOutcome.Conflict("pdf_edit_failed", "La modification du PDF a échoué ; le document est inchangé.");
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A filed document sampled for quality control (issue 6): its item is confirmed or corrected, never re-filed here.</summary>
    private static bool IsQualitySample(ReviewItem item, DocumentRecord? document) =>
        document is { Status: DocumentStatus.Filed } && item.ReasonCodes.Contains(ReasonCodes.QualitySample);

    /// <summary>
    /// Closes a quality-control item: the reviewer's type and beneficiary are compared with what was filed without a
    /// person. Agreement is a confirmation; disagreement is a misfile found, journaled and kept as a training example.
    /// The filed document stays where it is (a filed record never moves): moving it is an administrator's decision.
    /// </summary>
    private async Task<ReviewOutcome> CheckQualitySampleAsync(ReviewItem item, DocumentRecord document, ReviewEvidence evidence, string type,
        Beneficiary row, string actor, CancellationToken ct)
    {
        var agrees = type == document.DocumentType && row.BeneficiaryId == document.BeneficiaryId && row.CaseNumber == document.CaseNumber;
        var action = agrees ? "quality_confirmed" : "quality_corrected";
        var record = document with { EvidenceJson = DecidedEvidence(evidence, action, actor, _options.Time.GetUtcNow(), item.Id) };
        var pdf = _archive.ResolvePath(document.Path!);
        var text = await TextOfAsync(document, evidence, await PageCountAsync(pdf, document.PdfSha256!, ct, mayBeGone: true), ct) ?? "";
        await _store.CompleteReviewAsync(new ReviewDecision(item.Id, record, actor,
            JsonSerializer.Serialize(new { action, document_type = type, beneficiary_id = row.BeneficiaryId, case_number = row.CaseNumber, path = document.Path }),
            new ReviewJournalEntry(item.Id, item.Key, action, actor, Snapshot(document),
                JsonSerializer.Serialize(new { document_type = type, beneficiary_id = row.BeneficiaryId, case_number = row.CaseNumber, path = document.Path })),
            text.Length == 0 ? null : new TrainingExample(item.Id, item.Key, type, document.DocumentType, type != document.DocumentType, document.ModelVersion, text, actor)), ct);
        _options.Metrics.CountReviewDecision(action);
        if (agrees) return ReviewOutcome.Ok(path: document.Path, message: "Contrôle qualité : classement confirmé.");
        // No path in the log: case-folder names hold the beneficiary's name.
        _log.LogWarning("Quality sample {Item}: a reviewer found the automatic filing wrong (case {Case})", item.Id, document.CaseNumber);
        return ReviewOutcome.Ok(path: document.Path,
            message: "Contrôle qualité : erreur de classement enregistrée. Le document classé automatiquement doit être déplacé par un administrateur.");
    }

    /// <summary>A part of a split or merge: classified and matched again on its own text, waiting for review.</summary>
    private ReviewReplacementPart Part(DocumentRecord original, ReviewEvidence originalEvidence, DocumentKey key, string text,
        IReadOnlyList<JsonObject> pages, FiledFile placed, string reason, string actor)
    {
        var registry = _options.Registry();
        var prediction = _options.Classify?.Invoke(text);
        var ids = IdentifierExtractor.Extract(text, ExtractionOptions(registry));
        var match = new BeneficiaryMatcher(registry).Match(ids, originalEvidence.CoverCaseNumber);
        var reasons = new List<string> { reason };
        if (prediction is null || !prediction.MeetsThreshold) reasons.Add(ReasonCodes.TypeLowConfidence);
        if (!match.IsMatched)
            reasons.AddRange(match.Reasons.Count > 0 ? match.Reasons : [match.Outcome switch
            {
                MatchOutcome.Ambiguous => ReasonCodes.BeneficiaryAmbiguous,
                MatchOutcome.Conflict => ReasonCodes.IdentifiersConflict,
                _ => ReasonCodes.BeneficiaryNotFound,
            }]);
        var candidates = match.Candidates.Select(c => new { beneficiary_id = c.Beneficiary.BeneficiaryId, case_number = c.Beneficiary.CaseNumber, matched_by = c.MatchedBy });
        var candidatesJson = JsonSerializer.Serialize(candidates);
        var evidence = new JsonObject
        {
            ["model_version"] = _options.ModelVersion ?? original.ModelVersion,
            ["type"] = prediction is null ? null : JsonSerializer.SerializeToNode(new
            {
                prediction.DocumentType, prediction.Confidence, prediction.Threshold, prediction.MeetsThreshold, top3 = prediction.Top3,
            }),
            ["match"] = JsonSerializer.SerializeToNode(new
            {
                outcome = match.Outcome.ToString(),
                beneficiary_id = match.Beneficiary?.BeneficiaryId,
                evidence = match.Evidence,
                details = match.Details,
                candidates,
            }),
            ["cover_case_number"] = originalEvidence.CoverCaseNumber,
            ["pages"] = new JsonArray(pages.Select(p => (JsonNode)p.DeepClone()).ToArray()),
            ["text"] = text,
            ["origin"] = JsonSerializer.SerializeToNode(new { action = reason, by = actor, at = _options.Time.GetUtcNow(), from = KeyJson(original.Key) }),
        };
        var beneficiary = match.IsMatched ? match.Beneficiary : null;
        var record = new DocumentRecord(key, original.Batch, original.Inbox, DocumentStatus.Review,
            prediction?.DocumentType ?? original.DocumentType, prediction is null ? null : Math.Round(prediction.Confidence, 4),
            prediction is null ? original.TypeThreshold : Math.Round(prediction.Threshold, 4), _options.ModelVersion ?? original.ModelVersion,
            beneficiary?.BeneficiaryId, beneficiary?.CaseNumber, placed.RelativePath, placed.Sha256, ContentHash(key),
            reasons.Distinct(StringComparer.Ordinal).ToList(), evidence.ToJsonString());
        return new ReviewReplacementPart(record, record.Reasons, candidatesJson);
    }

    /// <summary>The rows a reviewer can pick: the pipeline's choice first (if any), then the matcher's candidates.</summary>
    private static List<CandidateView> CandidatesOf(ReviewItem item, DocumentRecord? document, BeneficiaryRegistry registry)
    {
        var refs = ReviewEvidence.ParseCandidates(item.CandidatesJson).ToList();
        if (document is { BeneficiaryId: { } chosen, CaseNumber: { } chosenCase })
        {
            var matchedBy = ReviewEvidence.Parse(document.EvidenceJson).MatchEvidence;
            refs.RemoveAll(r => r.BeneficiaryId == chosen && r.CaseNumber == chosenCase);
            refs.Insert(0, new CandidateRef(chosen, chosenCase, matchedBy));
        }
        var result = new List<CandidateView>();
        foreach (var r in refs)
        {
            var row = registry.ByCaseNumber(r.CaseNumber).FirstOrDefault(b => b.BeneficiaryId == r.BeneficiaryId);
            if (row is not null) result.Add(Describe(row, r.MatchedBy, result.Count == 0));
        }
        return result;
    }

    private static CandidateView Describe(Beneficiary b, IReadOnlyList<string> matchedBy, bool suggested) => new(
        b.BeneficiaryId, b.CaseNumber, b.Prestation, b.LastName, b.FirstName,
        b.BirthDate?.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture), b.Nir?.Value, b.CafNumber,
        string.Join(' ', new[] { b.Address, b.Postcode, b.City }.Where(s => !string.IsNullOrWhiteSpace(s))),
        matchedBy.Select(c => new CodeLabel(c, FrenchLabels.MatchedBy(c))).ToList(), suggested);

    /// <summary>Spans of identifiers in the OCR text, for highlighting; overlaps dropped, in text order.</summary>
    private static IReadOnlyList<object> Highlights(string text, BeneficiaryRegistry registry)
    {
        if (text.Length == 0) return [];
        var ids = IdentifierExtractor.Extract(text, ExtractionOptions(registry));
        var spans = ids.Nirs.Select(n => (n.Span, "nir", "NIR"))
            .Concat(ids.CafNumbers.Select(c => (c.Span, "caf_number", "n° CAF")))
            .Concat(ids.CaseNumbers.Select(c => (c.Span, "case_number", "n° de dossier")))
            .Concat(ids.Names.Select(n => (n.Span, "name", "nom")))
            .Concat(ids.BirthDates.Select(b => (b.Span, "birth_date", "date de naissance")))
            .Concat(ids.Ibans.Select(i => (i.Span, "iban", "IBAN")))
            .Concat(ids.Addresses.Select(a => (a.Span, "address", "adresse")))
            .Where(s => s.Span.Offset >= 0 && s.Span.Length > 0 && s.Span.End <= text.Length)
            .OrderBy(s => s.Span.Offset).ThenByDescending(s => s.Span.Length);
        var result = new List<object>();
        var end = 0;
        foreach (var (span, kind, label) in spans)
        {
            if (span.Offset < end) continue;
            result.Add(new { offset = span.Offset, length = span.Length, kind, label });
            end = span.End;
        }
        return result;
    }

    private static IdentifierExtractionOptions ExtractionOptions(BeneficiaryRegistry registry) => new()
    {
        CasePrefixes = IdentifierExtractionOptions.DefaultCasePrefixes.Concat(registry.CasePrefixes).Distinct(StringComparer.Ordinal).ToList(),
    };

    /// <summary>The source page numbers of the PDF's pages: from the evidence, or the plain range when it has exactly that many pages.</summary>
    private static IReadOnlyList<int>? SourcePages(DocumentRecord document, ReviewEvidence evidence, int count)
    {
        var pages = evidence.Pages.Select(p => p.SourcePage).ToList();
        if (pages.Count == count && pages.All(p => p >= document.Key.FirstPage && p <= document.Key.LastPage) && pages.SequenceEqual(pages.Order()))
            return pages;
        return document.Key.LastPage - document.Key.FirstPage + 1 == count
            ? Enumerable.Range(document.Key.FirstPage, count).ToList() : null;
    }

    /// <summary>The document's OCR text: kept in the evidence, else read from the review PDF's text layer.</summary>
    private async Task<string?> TextOfAsync(DocumentRecord document, ReviewEvidence evidence, int pageCount, CancellationToken ct)
    {
        if (evidence.Text is { } text) return text;
        if (pageCount == 0) return null;
        return string.Join("\n\f\n", await PageTextsAsync(document, evidence, pageCount, ct));
    }

    /// <summary>One text per PDF page (the pipeline joins pages with form feeds).</summary>
    private async Task<string[]> PageTextsAsync(DocumentRecord document, ReviewEvidence evidence, int count, CancellationToken ct)
    {
        if (evidence.Text is { } text)
        {
            var pages = text.Split('\f').Select(p => p.Trim('\n')).ToArray();
            if (pages.Length == count) return pages;
        }
        var pdf = _archive.ResolvePath(document.Path!);
        var result = new string[count];
        for (var i = 0; i < count; i++) result[i] = await _poppler.ExtractTextAsync(pdf, i + 1, ct) ?? "";
        return result;
    }

    private async Task<int> PageCountAsync(string pdf, string sha, CancellationToken ct, bool mayBeGone = false)
    {
        if (_pageCounts.TryGetValue(sha, out var known)) return known;
        if (mayBeGone && !File.Exists(pdf)) return 0;
        var count = await PdfTools.CountPagesAsync(pdf, ct);
        _pageCounts[sha] = count;
        return count;
    }

    /// <summary>Tells the host (manifest rewrite); its failure never undoes a decision already recorded.</summary>
    private async Task DocumentsChangedAsync(string inbox)
    {
        if (_options.DocumentsChanged is not { } changed) return;
        try { await changed(inbox, CancellationToken.None); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogError(e, "After a review decision, the host could not refresh what depends on inbox {Inbox}", inbox);
        }
    }

    /// <summary>Records a split or merge; when the store refuses it, the new review PDFs are removed again.</summary>
    private async Task<IReadOnlyList<ReviewItem>> ReplaceOrUndoAsync(ReviewReplacement replacement, CancellationToken ct)
    {
        try
        {
            return await _store.ReplaceReviewDocumentsAsync(replacement, ct);
        }
        catch
        {
            foreach (var part in replacement.Parts) TryDelete(_archive.ResolvePath(part.Document.Path!));
            throw;
        }
    }

    private string TempPdf(List<string> temps)
    {
        var temp = Path.Combine(_work, $"review-{Guid.NewGuid():N}.pdf");
        temps.Add(temp);
        return temp;
    }

    /// <summary>Deletes a document's review PDF (its content now lives in a case folder, in quarantine or in new review PDFs).</summary>
    private void RemoveReviewFile(DocumentRecord document)
    {
        _images.Remove(document.PdfSha256);
        if (document.PdfSha256 is { } sha) _pageCounts.TryRemove(sha, out _);
        if (document.Path is { } path && path.StartsWith(CaseFolderArchiveLayout.ReviewFolder + "/", StringComparison.Ordinal))
            TryDelete(_archive.ResolvePath(path));
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>A new review file name for a key: the pipeline's scheme plus a random suffix, since the content can change (rotation).</summary>
    private static string ReviewFileId(DocumentKey key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.SourceName + "\n" + key.SourceSha256 + "\n" + key.FirstPage + "-" + key.LastPage)))[..20]
        + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>FilingStage's content hash: the same pages of the same file are the same document.</summary>
    private static string ContentHash(DocumentKey key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{key.SourceSha256}:{key.FirstPage}-{key.LastPage}")));

    private static object KeyJson(DocumentKey key) => new { source = key.SourceName, first_page = key.FirstPage, last_page = key.LastPage };

    private static string Snapshot(DocumentRecord d, string? comment = null, CandidateView? suggested = null) => JsonSerializer.Serialize(new
    {
        status = d.Status.ToName(),
        suggested_beneficiary_id = suggested?.BeneficiaryId,
        suggested_case_number = suggested?.CaseNumber,
        document_type = d.DocumentType,
        beneficiary_id = d.BeneficiaryId,
        case_number = d.CaseNumber,
        path = d.Path,
        sha256 = d.PdfSha256,
        reasons = d.Reasons,
        comment,
    });

    /// <summary>The evidence of a decided document: the OCR text is dropped (the training example keeps it) and the decision added.</summary>
    private static string DecidedEvidence(ReviewEvidence evidence, string action, string actor, DateTimeOffset at, string itemId, string? comment = null)
    {
        var root = (JsonObject)evidence.Root.DeepClone();
        root.Remove("text");
        root["review"] = JsonSerializer.SerializeToNode(new { action, by = actor, at, item = itemId, comment });
        return root.ToJsonString();
    }
}
