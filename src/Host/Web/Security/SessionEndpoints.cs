using System.Globalization;
using System.Security.Claims;
using CaptureChain.Filing.Store;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CaptureChain.Host.Web.Security;

/// <summary>Login, logout, the current session (with its antiforgery token) and the anonymous API health check.</summary>
internal static class SessionEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/login", LoginAsync).AllowAnonymous().DisableAntiforgery();

        app.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login", permanent: false, preserveMethod: false);
        }).RequireAuthorization().AddEndpointFilter(CaptureWeb.RequireAntiforgeryAsync);

        app.MapGet("/api/session", (HttpContext http, IAntiforgery antiforgery, CaptureWebOptions options) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(http);
            var user = http.User;
            return WebJson.Ok(new
            {
                user = user.UserName(),
                role = user.FindFirstValue(ClaimTypes.Role),
                csrf_token = tokens.RequestToken,
                csrf_header = CaptureWeb.AntiforgeryHeader,
                home = WebRoles.HomeOf(user),
                can_review = WebRoles.RolesOf(WebRoles.ReviewerPolicy).Any(user.IsInRole),
                can_operate = WebRoles.RolesOf(WebRoles.OperatorPolicy).Any(user.IsInRole),
                can_administer = WebRoles.RolesOf(WebRoles.AdminPolicy).Any(user.IsInRole),
                session_idle_minutes = options.SessionIdleTimeout.TotalMinutes,
            });
        }).RequireAuthorization();

        // The host maps /health; this one lives under the API and says whether the store answers.
        app.MapGet("/api/health", async (CaptureWebOptions options, CancellationToken ct) =>
        {
            try
            {
                await options.Store.ListBatchesAsync(BatchStatus.Running, ct);
                return WebJson.Ok(new { status = "ok" });
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return WebJson.Ok(new { status = "store_unavailable" }, StatusCodes.Status503ServiceUnavailable);
            }
        }).AllowAnonymous();
    }

    private static async Task<IResult> LoginAsync(HttpContext http, IAntiforgery antiforgery, UserDirectory users, LoginThrottle throttle,
        CaptureWebOptions options, ILoggerFactory logs)
    {
        var log = logs.CreateLogger("CaptureChain.Web.Login");
        if (!http.Request.HasFormContentType) return Results.BadRequest();
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = form["returnUrl"].ToString();
        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return Pages.LoginPage(http, antiforgery, returnUrl, "La page de connexion a expiré : saisissez à nouveau vos identifiants.",
                StatusCodes.Status400BadRequest);
        }

        var name = form["name"].ToString().Trim().ToLowerInvariant();
        var password = form["password"].ToString();
        // Per name, not per address: behind localhost or a reverse proxy everybody has the same address.
        var nameKey = "user:" + name;
        if (!throttle.Allows(nameKey))
        {
            log.LogWarning("Login refused for {User}: too many failures", name);
            return Pages.LoginPage(http, antiforgery, returnUrl,
                "Trop d'échecs de connexion : réessayez dans quelques minutes.", StatusCodes.Status429TooManyRequests);
        }
        var user = await users.AuthenticateAsync(name, password, http.RequestAborted);
        if (user is null)
        {
            throttle.Failed(nameKey);
            log.LogWarning("Login failed for {User}", name);
            return Pages.LoginPage(http, antiforgery, returnUrl, "Identifiant ou mot de passe incorrect.", StatusCodes.Status401Unauthorized);
        }
        throttle.Succeeded(nameKey);

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, user.Name),
            new Claim(ClaimTypes.Role, user.Role.ToName()),
            new Claim(WebRoles.StampClaim, user.SecurityStamp),
            new Claim(WebRoles.IssuedClaim, options.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ], CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role);
        var principal = new ClaimsPrincipal(identity);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties { IsPersistent = false });
        log.LogInformation("Login of {User} ({Role})", user.Name, user.Role.ToName());
        return Results.Redirect(Pages.SafeReturnUrl(returnUrl) ?? WebRoles.HomeOf(principal));
    }
}
