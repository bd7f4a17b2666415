using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using CaptureChain.Host.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CaptureChain.Host.Web.Batches;

/// <summary>
/// The operators' API: batches with live counts and pages per minute, one batch, and its report (every document's
/// outcome, the errors with their reasons). Documents are described without beneficiaries or case-folder paths:
/// operators run the scan room, they do not need the personal data.
/// </summary>
internal static class BatchEndpoints
{
    public static void Map(WebApplication app)
    {
        var api = app.MapGroup("/api/batches").RequireAuthorization(WebRoles.OperatorPolicy).AddEndpointFilter(CaptureWeb.RequireAntiforgeryAsync);

        api.MapGet("", async (string? status, int? limit, CaptureWebOptions options, CancellationToken ct) =>
        {
            BatchStatus? wanted = null;
            if (!string.IsNullOrEmpty(status))
            {
                if (!Enum.TryParse<BatchStatus>(status, ignoreCase: true, out var parsed))
                    return WebJson.Error(StatusCodes.Status400BadRequest, "invalid_status", "Statut de lot inconnu.");
                wanted = parsed;
            }
            var batches = await options.Store.ListBatchesAsync(wanted, ct);
            var now = options.Time.GetUtcNow();
            return WebJson.Ok(new { batches = batches.Take(Math.Clamp(limit ?? 100, 1, 1000)).Select(b => Describe(b, now)), now });
        });

        // Declared before "/{id}": a literal segment wins over a parameter, but say it where it is read.
        api.MapGet("/quality", async (CaptureWebOptions options, CancellationToken ct) => WebJson.Ok(await AutomaticFilingQuality.MeasureAsync(options.Store, ct)));

        api.MapGet("/{id}", async (string id, CaptureWebOptions options, CancellationToken ct) =>
            TryParse(id) is { } batch && await options.Store.GetBatchAsync(batch, ct) is { } summary
                ? WebJson.Ok(Describe(summary, options.Time.GetUtcNow()))
                : NotFound());

        api.MapGet("/{id}/report", async (string id, CaptureWebOptions options, CancellationToken ct) =>
        {
            if (TryParse(id) is not { } batch || await options.Store.GetBatchAsync(batch, ct) is not { } summary) return NotFound();
            var documents = await options.Store.ListDocumentsAsync(batch, ct);
            var openReview = await options.Store.ListReviewQueueAsync(new ReviewQueueFilter(Batch: batch, Limit: 100_000), ct);
            var errors = documents.Where(d => d.Status == DocumentStatus.Rejected).ToList();
            return WebJson.Ok(new
            {
                batch = Describe(summary, options.Time.GetUtcNow()),
                review_open_now = openReview.Count,
                by_status = Enum.GetValues<DocumentStatus>().Select(s => new
                {
                    status = s.ToName(), label = FrenchLabels.Status(s), count = documents.Count(d => d.Status == s),
                }),
                reasons = documents.Where(d => d.Status != DocumentStatus.Filed).SelectMany(d => d.Reasons).GroupBy(r => r)
                    .OrderByDescending(g => g.Count()).Select(g => new { code = g.Key, explanation = FrenchLabels.Reason(g.Key), count = g.Count() }),
                errors = errors.Select(d => new
                {
                    source = d.Key.SourceName,
                    first_page = d.Key.FirstPage,
                    last_page = d.Key.LastPage,
                    reasons = d.Reasons.Select(code => new { code, explanation = FrenchLabels.Reason(code) }),
                    quarantine_path = d.Path,
                }),
                documents = documents.Select(d => new
                {
                    source = d.Key.SourceName,
                    first_page = d.Key.FirstPage,
                    last_page = d.Key.LastPage,
                    status = d.Status.ToName(),
                    status_label = FrenchLabels.Status(d.Status),
                    document_type = d.DocumentType,
                    type_label = FrenchLabels.Type(d.DocumentType),
                    type_confidence = d.TypeConfidence,
                    reasons = d.Reasons.Select(code => new { code, explanation = FrenchLabels.Reason(code) }),
                }),
            });
        });
    }

    private static object Describe(BatchSummary b, DateTimeOffset now) => new
    {
        id = b.Id.ToString(),
        kind = b.Kind,
        inbox = b.Inbox,
        @operator = b.Operator,
        station = b.Station,
        started_at = b.StartedAt,
        ended_at = b.EndedAt,
        status = b.Status,
        elapsed_seconds = Math.Round(((b.EndedAt ?? now) - b.StartedAt).TotalSeconds, 1),
        pages_read = b.PagesRead,
        pages_per_minute = Math.Round(b.PagesPerMinute(now), 1),
        counts = new
        {
            sources = b.Counts.Sources,
            sources_rejected = b.Counts.SourcesRejected,
            documents = b.Counts.Documents,
            filed = b.Counts.Filed,
            review = b.Counts.Review,
            rejected = b.Counts.Rejected,
            duplicate = b.Counts.Duplicate,
        },
    };

    private static BatchId? TryParse(string id) => Guid.TryParseExact(id, "D", out var g) ? new BatchId(g) : null;

    private static IResult NotFound() => WebJson.Error(StatusCodes.Status404NotFound, "batch_not_found", "Lot introuvable.");
}
