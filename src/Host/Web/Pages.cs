using System.Net;
using System.Reflection;
using CaptureChain.Host.Web.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CaptureChain.Host.Web;

/// <summary>
/// The HTML pages: the login form (server-rendered, with its antiforgery field) and one application shell for the
/// review page, the batch dashboard and the admin page (plain JavaScript reading the JSON API). Assets are embedded
/// resources: nothing to build or install at run time.
/// </summary>
internal static class Pages
{
    private static readonly Assembly Self = typeof(Pages).Assembly;

    public static void Map(WebApplication app)
    {
        app.MapGet("/login", (HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
        {
            if (http.User.Identity?.IsAuthenticated == true) return Results.Redirect(SafeReturnUrl(returnUrl) ?? WebRoles.HomeOf(http.User));
            return LoginPage(http, antiforgery, returnUrl, error: null, StatusCodes.Status200OK);
        }).AllowAnonymous();

        app.MapGet("/", (HttpContext http) => Results.Redirect(WebRoles.HomeOf(http.User))).RequireAuthorization();

        foreach (var (pattern, policy) in new[]
        {
            ("/review", WebRoles.ReviewerPolicy), ("/review/{id}", WebRoles.ReviewerPolicy),
            ("/batches", WebRoles.OperatorPolicy), ("/batches/{id}", WebRoles.OperatorPolicy),
            ("/admin", WebRoles.AdminPolicy),
        })
            app.MapGet(pattern, () => Results.Content(Asset("app.html"), "text/html; charset=utf-8")).RequireAuthorization(policy);

        // The stylesheet also dresses the login page, so it is the one anonymous asset; the script needs a session.
        app.MapGet("/assets/app.css", () => Results.Content(Asset("app.css"), "text/css; charset=utf-8")).AllowAnonymous();
        app.MapGet("/assets/app.js", () => Results.Content(Asset("app.js"), "text/javascript; charset=utf-8")).RequireAuthorization();
    }

    /// <summary>The login form, with a fresh antiforgery token, the return address and an optional error.</summary>
    public static IResult LoginPage(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var html = Asset("login.html")
            .Replace("{{csrf_field}}", WebUtility.HtmlEncode(tokens.FormFieldName), StringComparison.Ordinal)
            .Replace("{{csrf}}", WebUtility.HtmlEncode(tokens.RequestToken ?? ""), StringComparison.Ordinal)
            .Replace("{{return_url}}", WebUtility.HtmlEncode(SafeReturnUrl(returnUrl) ?? ""), StringComparison.Ordinal)
            .Replace("{{error}}", error is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>", StringComparison.Ordinal);
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>The 403 page for a role that may not see a page.</summary>
    public static Task WriteDeniedAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync(DeniedHtml);
    }

    private const string DeniedHtml = """
        <!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Accès refusé — CaptureChain</title>
        <link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/app.css"></head><body class="login"><main class="login-box">
        <h1>Accès refusé</h1><p>Votre rôle ne donne pas accès à cette page.</p><p><a href="/">Retour à l'accueil</a></p>
        </main></body></html>
        """;

    /// <summary>A local path to go back to after login, or null (never another site: no open redirect).</summary>
    public static string? SafeReturnUrl(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains("://", StringComparison.Ordinal)
            ? url : null;

    /// <summary>An embedded asset's text.</summary>
    public static string Asset(string name)
    {
        using var stream = Self.GetManifestResourceStream("CaptureChain.Web." + name)
            ?? throw new InvalidOperationException($"Embedded asset {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
