using System.Text.Json;
using CaptureChain.Filing.Store;
using CaptureChain.Host.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CaptureChain.Host.Web.Admin;

/// <summary>The admins' API: users (add, change role, reset password, disable, delete), the configuration in force, the review journal and the training examples.</summary>
internal static class AdminEndpoints
{
    private sealed record NewUser(string? Name, string? Role, string? Password);

    private sealed record UserUpdate(string? Role, bool? Disabled, string? Password);

    public static void Map(WebApplication app)
    {
        var api = app.MapGroup("/api/admin").RequireAuthorization(WebRoles.AdminPolicy).AddEndpointFilter(CaptureWeb.RequireAntiforgeryAsync);

        api.MapGet("/users", async (CaptureWebOptions options, CancellationToken ct) =>
            WebJson.Ok(new
            {
                users = (await options.Store.ListUsersAsync(ct)).Select(u => new
                {
                    name = u.Name, role = u.Role.ToName(), disabled = u.Disabled, created_at = u.CreatedAt, updated_at = u.UpdatedAt,
                }),
            }));

        api.MapPost("/users", async (HttpContext http, UserDirectory users, CancellationToken ct) =>
        {
            var body = await ReadAsync<NewUser>(http);
            if (body is null || !UserRoleNames.TryParse(body.Role, out var role)) return Invalid("Rôle inconnu (operator, reviewer ou admin).");
            var change = await users.AddAsync((body.Name ?? "").Trim().ToLowerInvariant(), role.Value, body.Password ?? "", ct);
            return Answer(change, StatusCodes.Status201Created);
        });

        api.MapPost("/users/{name}", async (string name, HttpContext http, UserDirectory users, CancellationToken ct) =>
        {
            var body = await ReadAsync<UserUpdate>(http);
            if (body is null) return Invalid("Requête JSON invalide.");
            UserRole? role = null;
            if (body.Role is not null)
            {
                if (!UserRoleNames.TryParse(body.Role, out var parsed)) return Invalid("Rôle inconnu (operator, reviewer ou admin).");
                role = parsed;
            }
            if (body.Password is not null && await users.SetPasswordAsync(name, body.Password, ct) is { Done: false } refused) return Answer(refused);
            return Answer(await users.UpdateAsync(name, role, body.Disabled, ct));
        });

        api.MapDelete("/users/{name}", async (string name, UserDirectory users, CancellationToken ct) => Answer(await users.RemoveAsync(name, ct)));

        api.MapGet("/configuration", (CaptureWebOptions options) => WebJson.Ok(new
        {
            settings = options.Configuration,
            archive = options.ArchiveRoot,
            plan = options.Plan.Source,
            registry_rows = options.Registry().Count,
            model_version = options.ModelVersion,
            document_types = options.DocumentTypes,
            session_idle_minutes = options.SessionIdleTimeout.TotalMinutes,
            session_max_hours = options.SessionMaxLifetime.TotalHours,
            metrics_token_configured = options.MetricsBearerToken is not null,
            urgent_document_types = options.UrgentDocumentTypes,
        }));

        api.MapGet("/journal", async (string? item, int? limit, CaptureWebOptions options, CancellationToken ct) =>
        {
            var entries = await options.Store.ListReviewJournalAsync(string.IsNullOrEmpty(item) ? null : item, ct);
            return WebJson.Ok(new
            {
                entries = entries.TakeLast(Math.Clamp(limit ?? 500, 1, 10_000)).Reverse().Select(e => new
                {
                    at = e.At, item = e.ReviewItemId, source = e.Key.SourceName, first_page = e.Key.FirstPage, last_page = e.Key.LastPage,
                    action = e.Action, actor = e.Actor,
                    before = e.BeforeJson is null ? (JsonElement?)null : JsonDocument.Parse(e.BeforeJson).RootElement,
                    after = e.AfterJson is null ? (JsonElement?)null : JsonDocument.Parse(e.AfterJson).RootElement,
                }),
            });
        });

        api.MapGet("/training-examples", async (long? after, bool? withText, CaptureWebOptions options, CancellationToken ct) =>
        {
            var examples = await options.Store.ListTrainingExamplesAsync(after ?? 0, ct);
            return WebJson.Ok(new
            {
                count = examples.Count,
                corrected = examples.Count(e => e.Corrected),
                examples = examples.Select(e => new
                {
                    id = e.Id, review_item = e.ReviewItemId, document_type = e.DocumentType, predicted_type = e.PredictedType, corrected = e.Corrected,
                    model_version = e.ModelVersion, labelled_by = e.LabelledBy, created_at = e.CreatedAt, text_length = e.Text.Length,
                    text = withText == true ? e.Text : null,
                }),
            });
        });
    }

    private static IResult Answer(UserChange change, int okStatus = StatusCodes.Status200OK) => change.Done
        ? WebJson.Ok(new { done = true }, okStatus)
        : WebJson.Error(change.Code is "user_not_found" ? StatusCodes.Status404NotFound : change.Code is "user_exists" or "last_admin"
            ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, change.Code ?? "refused", change.Message ?? "Refusé.");

    private static IResult Invalid(string message) => WebJson.Error(StatusCodes.Status400BadRequest, "invalid_request", message);

    private static async Task<T?> ReadAsync<T>(HttpContext http) where T : class
    {
        if (!http.Request.HasJsonContentType()) return null;
        try { return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, WebJson.Options, http.RequestAborted); }
        catch (JsonException) { return null; }
    }
}
