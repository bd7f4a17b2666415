using System.Text.Json;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using CaptureChain.Host.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CaptureChain.Host.Web.Review;

/// <summary>The review API: queue, item, page images, the actions, the item's journal, and registry search (reviewers and admins).</summary>
internal static class ReviewEndpoints
{
    private sealed record SplitRequest(int Page);

    private sealed record RotateRequest(int Page, int QuarterTurns = 1);

    private sealed record RejectRequest(string? Comment);

    public static void Map(WebApplication app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(WebRoles.ReviewerPolicy).AddEndpointFilter(CaptureWeb.RequireAntiforgeryAsync);

        api.MapGet("/review/items", async (ReviewDesk desk, string? state, string? batch, string? reason, string? type, string? sort, int? limit,
            CancellationToken ct) =>
        {
            if (Filter(state, batch, reason, type, limit) is not { } filter)
                return WebJson.Error(StatusCodes.Status400BadRequest, "invalid_filter", "Filtre invalide.");
            var entries = await desk.QueueAsync(filter, sort == "urgent", ct);
            return WebJson.Ok(new { items = entries.Select(Summary), count = entries.Count });
        });

        api.MapGet("/review/facets", async (ReviewDesk desk, CancellationToken ct) =>
        {
            var entries = await desk.QueueAsync(new ReviewQueueFilter(Limit: 10_000), false, ct);
            return WebJson.Ok(new
            {
                open = entries.Count,
                batches = entries.Where(e => e.Document is not null).GroupBy(e => e.Document!.Batch.ToString())
                    .Select(g => new { batch = g.Key, count = g.Count() }),
                reasons = entries.SelectMany(e => e.Item.ReasonCodes).GroupBy(c => c).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => new { code = g.Key, label = FrenchLabels.Reason(g.Key), count = g.Count() }),
                types = entries.Select(e => e.Document?.DocumentType).OfType<string>().GroupBy(t => t).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => new { slug = g.Key, label = FrenchLabels.Type(g.Key), count = g.Count() }),
            });
        });

        api.MapGet("/review/items/{id}", async (string id, ReviewDesk desk, HttpContext http, CancellationToken ct) =>
            await desk.ViewAsync(id, http.User.UserName(), ct) is { } view
                ? WebJson.Ok(view)
                : WebJson.Error(StatusCodes.Status404NotFound, "item_not_found", "Élément de revue introuvable."));

        api.MapGet("/review/items/{id}/pages/{page:int}", async (string id, int page, int? dpi, ReviewDesk desk, CancellationToken ct) =>
        {
            if (await desk.ReviewPdfAsync(id, ct) is not { } pdf || page < 1 || page > pdf.Pages)
                return WebJson.Error(StatusCodes.Status404NotFound, "page_not_found", "Page introuvable.");
            var png = await desk.Images.GetAsync(pdf.Path, pdf.Sha256, page, dpi ?? 110, ct);
            return Results.File(png, "image/png");
        });

        api.MapGet("/review/items/{id}/journal", async (string id, CaptureWebOptions options, CancellationToken ct) =>
            WebJson.Ok(new
            {
                entries = (await options.Store.ListReviewJournalAsync(id, ct)).Select(e => new
                {
                    at = e.At, action = e.Action, actor = e.Actor,
                    before = e.BeforeJson is null ? (JsonElement?)null : JsonDocument.Parse(e.BeforeJson).RootElement,
                    after = e.AfterJson is null ? (JsonElement?)null : JsonDocument.Parse(e.AfterJson).RootElement,
                }),
            }));

        api.MapPost("/review/items/{id}/confirm", async (string id, HttpContext http, ReviewDesk desk, CancellationToken ct) =>
            await ReadAsync<ConfirmRequest>(http) is { } body
                ? Answer(await desk.ConfirmAsync(id, body, http.User.UserName(), ct))
                : BadBody());

        api.MapPost("/review/items/{id}/split", async (string id, HttpContext http, ReviewDesk desk, CancellationToken ct) =>
            await ReadAsync<SplitRequest>(http) is { } body
                ? Answer(await desk.SplitAsync(id, body.Page, http.User.UserName(), ct))
                : BadBody());

        api.MapPost("/review/items/{id}/merge-previous", async (string id, HttpContext http, ReviewDesk desk, CancellationToken ct) =>
            Answer(await desk.MergePreviousAsync(id, http.User.UserName(), ct)));

        api.MapPost("/review/items/{id}/rotate", async (string id, HttpContext http, ReviewDesk desk, CancellationToken ct) =>
            await ReadAsync<RotateRequest>(http) is { } body
                ? Answer(await desk.RotateAsync(id, body.Page, body.QuarterTurns, http.User.UserName(), ct))
                : BadBody());

        api.MapPost("/review/items/{id}/reject", async (string id, HttpContext http, ReviewDesk desk, CancellationToken ct) =>
            await ReadAsync<RejectRequest>(http) is { } body
                ? Answer(await desk.RejectAsync(id, body.Comment, http.User.UserName(), ct))
                : BadBody());

        api.MapGet("/registry/search", (string? q, ReviewDesk desk) => WebJson.Ok(new { results = desk.Search(q) }));
    }

    private static ReviewQueueFilter? Filter(string? state, string? batch, string? reason, string? type, int? limit)
    {
        var s = state switch { null or "" or "open" => ReviewState.Open, "closed" => ReviewState.Closed, _ => (ReviewState?)null };
        if (s is null) return null;
        BatchId? batchId = null;
        if (!string.IsNullOrEmpty(batch))
        {
            if (!Guid.TryParseExact(batch, "D", out var g)) return null;
            batchId = new BatchId(g);
        }
        return new ReviewQueueFilter(s.Value, batchId, string.IsNullOrEmpty(reason) ? null : reason, string.IsNullOrEmpty(type) ? null : type,
            Math.Clamp(limit ?? 500, 1, 5000));
    }

    private static object Summary(ReviewQueueEntry e) => new
    {
        id = e.Item.Id,
        created_at = e.Item.CreatedAt,
        state = e.Item.State,
        closed_by = e.Item.ClosedBy,
        reasons = e.Item.ReasonCodes.Select(code => new { code, explanation = FrenchLabels.Reason(code) }),
        source = e.Item.Key.SourceName,
        first_page = e.Item.Key.FirstPage,
        last_page = e.Item.Key.LastPage,
        batch = e.Document?.Batch.ToString(),
        document_type = e.Document?.DocumentType,
        type_label = FrenchLabels.Type(e.Document?.DocumentType),
        type_confidence = e.Document?.TypeConfidence,
        status = e.Document?.Status.ToName(),
    };

    private static IResult Answer(ReviewOutcome outcome) => outcome.Done
        ? WebJson.Ok(new { done = true, opened_items = outcome.OpenedItems, path = outcome.Path, message = outcome.Message })
        : WebJson.Error(outcome.Status, outcome.Code ?? "refused", outcome.Message ?? "Action refusée.");

    private static IResult BadBody() => WebJson.Error(StatusCodes.Status400BadRequest, "invalid_body", "Requête JSON invalide.");

    private static async Task<T?> ReadAsync<T>(HttpContext http) where T : class
    {
        if (!http.Request.HasJsonContentType()) return null;
        try { return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, WebJson.Options, http.RequestAborted); }
        catch (JsonException) { return null; }
    }
}
