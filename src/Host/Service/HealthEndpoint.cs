using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using CaptureChain.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CaptureChain.Host.Service;

/// <summary><c>GET /health</c>: whether the service runs, its version, running batches and the queue of waiting files. No login, no personal data.</summary>
public static class HealthEndpoint
{
    // Plain JSON for scripts and probes (a version's '+' stays '+'); nothing here is ever put into HTML.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The program's version (informational version of the host assembly).</summary>
    public static string Version { get; } =
        typeof(HealthEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (ServiceActivity activity, CaptureRun run, TimeProvider time) =>
        {
            var now = time.GetUtcNow();
            var folders = activity.Folders;
            var status = activity.Stopping ? "stopping" : folders.Any(f => !f.Available) ? "degraded" : "ok";
            var body = new
            {
                Status = status,
                Version,
                ModelVersion = run.ModelVersion,
                StartedAt = activity.StartedAt,
                RunningBatches = activity.RunningBatches.Select(b => new
                {
                    b.Inbox,
                    b.Claim,
                    b.Adopted,
                    b.Files,
                    PagesRead = b.Progress?.PagesRead ?? 0,
                    Documents = b.Progress?.Documents ?? 0,
                    Filed = b.Progress?.Filed ?? 0,
                    Review = b.Progress?.Review ?? 0,
                    Rejected = b.Progress?.Rejected ?? 0,
                    Duplicate = b.Progress?.Duplicate ?? 0,
                    ElapsedSeconds = Math.Round((now - b.StartedAt).TotalSeconds, 1),
                }),
                Queue = new
                {
                    WaitingFiles = folders.Sum(f => f.WaitingFiles),
                    ReadyFiles = folders.Sum(f => f.ReadyFiles),
                    Inboxes = folders.Select(f => new
                    {
                        f.Name,
                        f.Available,
                        ChangeEvents = f.EventsActive,
                        f.WaitingFiles,
                        f.ReadyFiles,
                        f.LastScan,
                        f.Problem,
                    }),
                },
            };
            return Results.Json(body, Json, statusCode: activity.Stopping ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });
        return app;
    }
}
