using System.Globalization;
using System.Security.Claims;
using CaptureChain.Filing.Archive;
using CaptureChain.Host.Web.Admin;
using CaptureChain.Host.Web.Batches;
using CaptureChain.Host.Web.Metrics;
using CaptureChain.Host.Web.Review;
using CaptureChain.Host.Web.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CaptureChain.Host.Web;

/// <summary>
/// The review page, batch dashboard, admin page, JSON API and Prometheus metrics, added to the service's web host with
/// two calls: <see cref="AddCaptureWeb"/> on the builder, <see cref="MapCaptureWeb"/> on the built application. Every
/// route needs a session (401 for the API and <c>/metrics</c>, a redirect to <c>/login</c> for pages) except
/// <c>/login</c>, <c>/assets/app.css</c> and <c>/api/health</c>; the host's own <c>/health</c> stays anonymous.
/// </summary>
public static class CaptureWeb
{
    /// <summary>Name of the session cookie.</summary>
    public const string SessionCookie = "capturechain.session";

    /// <summary>Name of the antiforgery cookie.</summary>
    public const string AntiforgeryCookie = "capturechain.csrf";

    /// <summary>Header carrying the antiforgery token on API writes.</summary>
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";

    /// <summary>Form field carrying the antiforgery token on HTML forms.</summary>
    public const string AntiforgeryField = "__csrf";

    /// <summary>Registers authentication, authorization, antiforgery and the review desk's services.</summary>
    public static WebApplicationBuilder AddCaptureWeb(this WebApplicationBuilder builder, CaptureWebOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var services = builder.Services;
        Directory.CreateDirectory(options.StateFolder);

        services.AddSingleton(options);
        services.AddSingleton(options.Metrics);
        services.AddSingleton(new CaseFolderArchive(options.ArchiveRoot, options.Time));
        services.AddSingleton(sp => new UserDirectory(options.Store));
        services.AddSingleton(sp => new LoginThrottle(options.Time));
        services.AddSingleton<PageImageCache>(sp => new PageImageCache(Path.Combine(options.StateFolder, "page-cache")));
        services.AddSingleton<ReviewDesk>();
        services.AddSingleton<Batches.BulkStatusCache>();

        // Sessions and antiforgery tokens are protected with keys kept beside the store's state: a restart keeps sessions.
        var keys = Path.Combine(options.StateFolder, "keys");
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(keys);
        else Directory.CreateDirectory(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // keys readable by the service only
        services.AddDataProtection()
            .SetApplicationName("CaptureChain")
            .PersistKeysToFileSystem(new DirectoryInfo(keys));

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, cookie =>
            {
                cookie.Cookie.Name = SessionCookie;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.Cookie.IsEssential = true;
                cookie.TimeProvider = options.Time;
                cookie.ExpireTimeSpan = options.SessionIdleTimeout;
                cookie.SlidingExpiration = true;
                cookie.LoginPath = "/login";
                cookie.LogoutPath = "/logout";
                cookie.ReturnUrlParameter = "returnUrl";
                cookie.Events.OnRedirectToLogin = context =>
                {
                    if (IsApi(context.Request)) return WebJson.WriteErrorAsync(context.HttpContext, StatusCodes.Status401Unauthorized,
                        "login_required", "Connexion requise.");
                    context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                };
                cookie.Events.OnRedirectToAccessDenied = context => IsApi(context.Request)
                    ? WebJson.WriteErrorAsync(context.HttpContext, StatusCodes.Status403Forbidden, "forbidden", "Votre rôle ne donne pas accès à cette fonction.")
                    : Pages.WriteDeniedAsync(context.HttpContext);
                cookie.Events.OnValidatePrincipal = ValidateSessionAsync;
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(WebRoles.OperatorPolicy, p => p.RequireAuthenticatedUser().RequireRole(WebRoles.RolesOf(WebRoles.OperatorPolicy)))
            .AddPolicy(WebRoles.ReviewerPolicy, p => p.RequireAuthenticatedUser().RequireRole(WebRoles.RolesOf(WebRoles.ReviewerPolicy)))
            .AddPolicy(WebRoles.AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(WebRoles.RolesOf(WebRoles.AdminPolicy)));

        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.HeaderName = AntiforgeryHeader;
            antiforgery.FormFieldName = AntiforgeryField;
            antiforgery.Cookie.Name = AntiforgeryCookie;
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return builder;
    }

    /// <summary>
    /// Adds the authentication, authorization and security-header middleware and maps every page and API route. Call
    /// it once, after the host's own routes (such as <c>/health</c>) or before: order does not matter.
    /// </summary>
    public static WebApplication MapCaptureWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(SecurityHeadersAsync);
        app.UseAuthentication();
        app.UseAuthorization();

        Pages.Map(app);
        SessionEndpoints.Map(app);
        ReviewEndpoints.Map(app);
        BatchEndpoints.Map(app);
        BulkEndpoints.Map(app);
        AdminEndpoints.Map(app);
        MetricsEndpoints.Map(app);
        return app;
    }

    /// <summary>True for the JSON API and the metrics endpoint, which answer 401/403 instead of redirecting.</summary>
    internal static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/metrics");

    /// <summary>Endpoint filter: a write without a valid antiforgery token (header or form field) is refused with 400.</summary>
    internal static async ValueTask<object?> RequireAntiforgeryAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            try
            {
                await antiforgery.ValidateRequestAsync(http);
            }
            catch (AntiforgeryValidationException)
            {
                return WebJson.Error(StatusCodes.Status400BadRequest, "antiforgery_token_invalid",
                    "Jeton anti-falsification absent ou invalide : rechargez la page.");
            }
        }
        return await next(context);
    }

    /// <summary>Ends a session whose user was removed, disabled, changed (new stamp or role) or that is older than the maximum lifetime.</summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var options = context.HttpContext.RequestServices.GetRequiredService<CaptureWebOptions>();
        var principal = context.Principal;
        var valid = false;
        if (principal?.Identity?.Name is { } name
            && long.TryParse(principal.FindFirstValue(WebRoles.IssuedClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var issued)
            && options.Time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(issued) <= options.SessionMaxLifetime)
        {
            var user = await options.Store.FindUserAsync(name, context.HttpContext.RequestAborted);
            valid = user is { Disabled: false }
                && user.SecurityStamp == principal.FindFirstValue(WebRoles.StampClaim)
                && principal.IsInRole(Filing.Store.UserRoleNames.ToName(user.Role));
        }
        if (!valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    /// <summary>Headers for personal data pages: no caching, no framing, no sniffing, scripts and styles from this origin only.</summary>
    private static Task SecurityHeadersAsync(HttpContext http, Func<Task> next)
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy =
                "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
            if (!headers.ContainsKey("Cache-Control")) headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        return next();
    }
}
