using System.Security.Cryptography;
using System.Text;
using CaptureChain.Host.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CaptureChain.Host.Web.Metrics;

/// <summary>
/// <c>GET /metrics</c>: Prometheus text format, for a logged-in operator or admin, or for a scraper presenting the
/// configured bearer token (<see cref="CaptureWebOptions.MetricsBearerToken"/>). Anyone else gets 401 (403 for another role).
/// </summary>
internal static class MetricsEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/metrics", async (HttpContext http, CaptureWebOptions options, CancellationToken ct) =>
        {
            var user = http.User;
            var bySession = user.Identity?.IsAuthenticated == true && WebRoles.RolesOf(WebRoles.OperatorPolicy).Any(user.IsInRole);
            if (!bySession && !HasToken(http, options.MetricsBearerToken))
            {
                if (user.Identity?.IsAuthenticated == true)
                    return WebJson.Error(StatusCodes.Status403Forbidden, "forbidden", "Votre rôle ne donne pas accès aux métriques.");
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return WebJson.Error(StatusCodes.Status401Unauthorized, "login_required", "Connexion ou jeton requis.");
            }
            var stats = await options.Store.GetStatisticsAsync(CaptureMetrics.ConfidenceBounds, ct);
            return Results.Text(options.Metrics.Render(stats), "text/plain; version=0.0.4; charset=utf-8");
        });
    }

    private static bool HasToken(HttpContext http, string? expected)
    {
        if (string.IsNullOrEmpty(expected)) return false;
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return false;
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim())), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }
}
