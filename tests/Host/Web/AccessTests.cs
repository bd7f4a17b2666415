using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptureChain.Filing.Store;
using CaptureChain.Host.Web.Security;
using Microsoft.AspNetCore.Routing;

namespace CaptureChain.Host.Tests.Web;

/// <summary>
/// Who can reach what, for every route the web UI maps (read from the running application, so a new route without an
/// expectation here fails): no session gives 401 (API) or a redirect to the login page (pages), a role outside the
/// route's gives 403, and every write needs the antiforgery token.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class AccessTests(ReviewSite site)
{
    private static readonly string[] Anonymous = ["anonymous", "operator", "reviewer", "admin"];
    private static readonly string[] Everyone = ["operator", "reviewer", "admin"];
    private static readonly string[] Operators = ["operator", "admin"];
    private static readonly string[] Reviewers = ["reviewer", "admin"];
    private static readonly string[] Admins = ["admin"];

    /// <summary>Who may use each route: the specification these tests hold the application to.</summary>
    private static string[] AllowedFor(string pattern) => pattern switch
    {
        "/login" or "/assets/app.css" or "/api/health" or "/health" => Anonymous,
        "/" or "/assets/app.js" or "/api/session" or "/logout" => Everyone,
        "/review" or "/review/{id}" => Reviewers,
        "/batches" or "/batches/{id}" or "/metrics" or "/api/bulk" => Operators,
        "/admin" => Admins,
        _ when pattern.StartsWith("/api/review/", StringComparison.Ordinal) || pattern.StartsWith("/api/registry/", StringComparison.Ordinal) => Reviewers,
        _ when pattern.StartsWith("/api/batches", StringComparison.Ordinal) => Operators,
        _ when pattern.StartsWith("/api/admin/", StringComparison.Ordinal) => Admins,
        _ => throw new InvalidOperationException($"No access rule for route {pattern}: add one to this test."),
    };

    private IReadOnlyList<(string Method, string Pattern, string Url)> Routes()
    {
        var endpoints = ((IEndpointRouteBuilder)site.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();
        var routes = new List<(string, string, string)>();
        foreach (var e in endpoints)
        {
            var pattern = e.RoutePattern.RawText!.TrimEnd('/');
            if (pattern.Length == 0) pattern = "/";
            if (!pattern.StartsWith('/')) pattern = "/" + pattern;
            var url = pattern.Replace("{id}", pattern.StartsWith("/api/batches") || pattern.StartsWith("/batches") ? Guid.NewGuid().ToString() : "rv-none")
                .Replace("{page:int}", "1").Replace("{name}", "nobody");
            foreach (var method in e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                routes.Add((method, pattern, url));
        }
        return routes;
    }

    [Fact]
    public void The_application_maps_the_pages_and_the_api()
    {
        var routes = Routes();
        routes.Should().HaveCountGreaterThan(25);
        routes.Select(r => r.Pattern).Should().Contain(["/review/{id}", "/api/review/items/{id}/confirm", "/api/batches/{id}/report", "/api/admin/users", "/metrics", "/api/bulk"]);
        foreach (var (_, pattern, _) in routes) AllowedFor(pattern).Should().NotBeEmpty(pattern);
    }

    [Fact]
    public async Task Every_route_without_a_session_answers_401_or_redirects_to_login()
    {
        using var anonymous = WebSession.Anonymous(site.BaseUrl);
        foreach (var (method, pattern, url) in Routes())
        {
            if (AllowedFor(pattern).Contains("anonymous")) continue;
            using var response = await anonymous.SendAsync(new HttpMethod(method), url, method == "GET" ? null : new { }, withToken: false);
            var what = $"{method} {url}";
            if (url.StartsWith("/api/") || url == "/metrics")
                response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, what);
            else
            {
                response.StatusCode.Should().Be(HttpStatusCode.Redirect, what);
                response.Headers.Location!.ToString().Should().Contain("/login?returnUrl=", what);
            }
        }
    }

    [Fact]
    public async Task Anonymous_routes_are_only_login_health_and_the_stylesheet()
    {
        using var anonymous = WebSession.Anonymous(site.BaseUrl);
        (await anonymous.Http.GetAsync("/login")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await anonymous.Http.GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await anonymous.Http.GetAsync("/api/health")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await anonymous.Http.GetAsync("/assets/app.css")).StatusCode.Should().Be(HttpStatusCode.OK);
        Routes().Where(r => AllowedFor(r.Pattern).Contains("anonymous")).Select(r => r.Pattern).Distinct()
            .Should().BeEquivalentTo(["/login", "/health", "/api/health", "/assets/app.css"]);
    }

    [Fact]
    public async Task Each_role_reaches_its_routes_and_gets_403_elsewhere()
    {
        foreach (var role in Everyone)
        {
            var session = await site.SessionAsync(role);
            foreach (var (method, pattern, url) in Routes())
            {
                var allowed = AllowedFor(pattern);
                if (allowed.Contains("anonymous") && method != "GET") continue; // POST /login
                var what = $"{role}: {method} {url}";
                if (method == "GET")
                {
                    using var response = await session.SendAsync(HttpMethod.Get, url, withToken: false);
                    if (allowed.Contains(role)) ((int)response.StatusCode).Should().NotBe(401, what).And.NotBe(403, what);
                    else response.StatusCode.Should().Be(HttpStatusCode.Forbidden, what);
                }
                else if (allowed.Contains(role))
                {
                    // Reachable, but not without the antiforgery token: nothing changes.
                    using var response = await session.SendAsync(new HttpMethod(method), url, new { }, withToken: false);
                    response.StatusCode.Should().Be(HttpStatusCode.BadRequest, what);
                    (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString().Should().Be("antiforgery_token_invalid", what);
                }
                else
                {
                    using var response = await session.SendAsync(new HttpMethod(method), url, new { });
                    response.StatusCode.Should().Be(HttpStatusCode.Forbidden, what);
                }
            }
        }
    }

    [Fact]
    public async Task A_reviewer_cannot_reach_admin_routes_and_an_operator_cannot_act_on_review_items()
    {
        var reviewer = await site.SessionAsync("reviewer");
        (await reviewer.SendAsync(HttpMethod.Get, "/api/admin/users")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await reviewer.SendAsync(HttpMethod.Post, "/api/admin/users", new { name = "intruder", role = "admin", password = "Intruder-Password-1" }))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await reviewer.SendAsync(HttpMethod.Get, "/admin")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await site.Store.FindUserAsync("intruder")).Should().BeNull();

        var item = (await site.OpenItemsAsync(ReviewSite.PetitReminder)).Single().Item;
        var @operator = await site.SessionAsync("operator");
        (await @operator.SendAsync(HttpMethod.Post, $"/api/review/items/{item.Id}/confirm",
            new { document_type = "courrier", beneficiary_id = ReviewSite.MarcPetit.Id, case_number = ReviewSite.MarcPetit.CaseNumber }))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await @operator.SendAsync(HttpMethod.Get, $"/api/review/items/{item.Id}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await site.Store.GetReviewItemAsync(item.Id))!.State.Should().Be(ReviewState.Open);
    }

    [Fact]
    public async Task A_forged_cross_site_post_is_refused()
    {
        var item = (await site.OpenItemsAsync(ReviewSite.PetitReminder)).Single().Item;
        var body = new { document_type = "courrier", beneficiary_id = ReviewSite.MarcPetit.Id, case_number = ReviewSite.MarcPetit.CaseNumber };
        var reviewer = await site.SessionAsync("reviewer");

        // A page on another site can make the browser send the cookie (were it not SameSite=Strict) but cannot read the token.
        using var forged = new HttpRequestMessage(HttpMethod.Post, $"/api/review/items/{item.Id}/confirm") { Content = JsonContent.Create(body) };
        forged.Headers.Add("Origin", "https://evil.example");
        (await reviewer.Http.SendAsync(forged)).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        // Nor does another user's token do.
        var other = await site.SessionAsync("reviewer2");
        using var stolen = new HttpRequestMessage(HttpMethod.Post, $"/api/review/items/{item.Id}/confirm") { Content = JsonContent.Create(body) };
        stolen.Headers.Add("X-CSRF-TOKEN", other.CsrfToken);
        (await reviewer.Http.SendAsync(stolen)).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        // A form post (the kind a hostile page can submit) without the token is refused as well.
        using var form = new HttpRequestMessage(HttpMethod.Post, "/logout") { Content = new FormUrlEncodedContent([]) };
        (await reviewer.Http.SendAsync(form)).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        (await site.Store.GetReviewItemAsync(item.Id))!.State.Should().Be(ReviewState.Open);
        (await site.Store.FindDocumentAsync(item.Key))!.Status.Should().Be(Filing.Manifest.DocumentStatus.Review);
        (await reviewer.SendAsync(HttpMethod.Get, "/api/session")).StatusCode.Should().Be(HttpStatusCode.OK, "the session survived the forged logout");
    }

    [Fact]
    public async Task Login_needs_its_form_token_and_sets_an_httponly_samesite_strict_cookie()
    {
        using var client = WebSession.Anonymous(site.BaseUrl);
        var noToken = await client.Http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "reviewer", ["password"] = ReviewSite.Password,
        }));
        noToken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        noToken.Headers.TryGetValues("Set-Cookie", out var none);
        (none ?? []).Should().NotContain(c => c.StartsWith("capturechain.session=", StringComparison.Ordinal));

        var ok = await client.SubmitLoginAsync("reviewer", ReviewSite.Password, returnUrl: "/review");
        ok.StatusCode.Should().Be(HttpStatusCode.Redirect);
        ok.Headers.Location!.ToString().Should().Be("/review");
        var cookie = ok.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("capturechain.session=", StringComparison.Ordinal)).ToLowerInvariant();
        cookie.Should().Contain("httponly").And.Contain("samesite=strict");

        var offsite = await WebSession.Anonymous(site.BaseUrl).SubmitLoginAsync("reviewer", ReviewSite.Password, returnUrl: "//evil.example/");
        offsite.Headers.Location!.ToString().Should().Be("/review", "a return address on another site is never followed");

        var wrong = await WebSession.Anonymous(site.BaseUrl).SubmitLoginAsync("reviewer", "not-the-password-at-all");
        wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Sessions_slide_then_expire_and_end_when_the_user_is_disabled()
    {
        var admin = await site.SessionAsync("admin");
        await admin.JsonAsync(HttpMethod.Post, "/api/admin/users", new { name = "temporary", role = "reviewer", password = "Session-Test-Secret-7" });
        using var user = await WebSession.LoginAsync(site.BaseUrl, "temporary", "Session-Test-Secret-7");
        try
        {
            site.Clock.Offset = TimeSpan.FromMinutes(20); // past half the 30-minute idle timeout: renewed
            (await user.SendAsync(HttpMethod.Get, "/api/session")).StatusCode.Should().Be(HttpStatusCode.OK);
            site.Clock.Offset = TimeSpan.FromMinutes(45); // 25 minutes after the renewal
            (await user.SendAsync(HttpMethod.Get, "/api/session")).StatusCode.Should().Be(HttpStatusCode.OK);
            site.Clock.Offset = TimeSpan.FromMinutes(80); // 35 minutes idle
            (await user.SendAsync(HttpMethod.Get, "/api/session")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
        finally
        {
            site.Clock.Offset = TimeSpan.Zero;
        }

        using var again = await WebSession.LoginAsync(site.BaseUrl, "temporary", "Session-Test-Secret-7");
        (await again.SendAsync(HttpMethod.Get, "/api/review/facets")).StatusCode.Should().Be(HttpStatusCode.OK);
        await admin.JsonAsync(HttpMethod.Post, "/api/admin/users/temporary", new { disabled = true });
        (await again.SendAsync(HttpMethod.Get, "/api/review/facets")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await WebSession.Anonymous(site.BaseUrl).SubmitLoginAsync("temporary", "Session-Test-Secret-7")).StatusCode
            .Should().Be(HttpStatusCode.Unauthorized, "a disabled user cannot log in");
    }

    [Fact]
    public async Task Passwords_are_kept_as_salted_pbkdf2_hashes_and_guessing_is_throttled()
    {
        var admin = await site.Store.FindUserAsync("admin");
        var reviewer = await site.Store.FindUserAsync("reviewer");
        admin!.PasswordHash.Should().StartWith("pbkdf2-sha256$600000$").And.NotContain(ReviewSite.Password);
        reviewer!.PasswordHash.Should().NotBe(admin.PasswordHash, "the same password gets a different salt per user");
        PasswordHashing.Verify(ReviewSite.Password, admin.PasswordHash).Should().BeTrue();
        PasswordHashing.Verify(ReviewSite.Password + "x", admin.PasswordHash).Should().BeFalse();

        (await new UserDirectory(site.Store).AddAsync("guessed", UserRole.Reviewer, "Throttle-Test-Secret-9", CancellationToken.None)).Done.Should().BeTrue();
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
            (await WebSession.Anonymous(site.BaseUrl).SubmitLoginAsync("guessed", "wrong-password-" + i)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await WebSession.Anonymous(site.BaseUrl).SubmitLoginAsync("guessed", "Throttle-Test-Secret-9")).StatusCode
            .Should().Be(HttpStatusCode.TooManyRequests, "after five failures even the right password waits");
        (await WebSession.Anonymous(site.BaseUrl).SubmitLoginAsync("reviewer2", ReviewSite.Password)).StatusCode
            .Should().Be(HttpStatusCode.Redirect, "other users are not locked out");
    }

    [Fact]
    public async Task Metrics_need_an_operator_session_or_the_scrape_token()
    {
        using var anonymous = WebSession.Anonymous(site.BaseUrl);
        (await anonymous.Http.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var wrongToken = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        wrongToken.Headers.Authorization = new("Bearer", "guess");
        (await anonymous.Http.SendAsync(wrongToken)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await (await site.SessionAsync("reviewer")).SendAsync(HttpMethod.Get, "/metrics")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await (await site.SessionAsync("operator")).SendAsync(HttpMethod.Get, "/metrics")).StatusCode.Should().Be(HttpStatusCode.OK);

        using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        scrape.Headers.Authorization = new("Bearer", ReviewSite.MetricsToken);
        var response = await anonymous.Http.SendAsync(scrape);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        var text = await response.Content.ReadAsStringAsync();
        var open = (await site.Store.ListReviewQueueAsync(new ReviewQueueFilter())).Count;
        var documents = await site.Store.ListDocumentsAsync(site.Report.Summary.Id);
        var pages = (await site.Store.ListBatchesAsync()).Sum(b => b.PagesRead);
        text.Should().Contain($"capturechain_review_queue_depth {open}\n");
        text.Should().Contain($"capturechain_documents{{status=\"filed\"}} {documents.Count(d => d.Status == Filing.Manifest.DocumentStatus.Filed)}\n");
        text.Should().Contain($"capturechain_pages_processed_total {pages}\n");
        text.Should().Contain("# TYPE capturechain_type_confidence histogram");
        var buckets = text.Split('\n').Where(l => l.StartsWith("capturechain_type_confidence_bucket", StringComparison.Ordinal))
            .Select(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..])).ToList();
        buckets.Should().HaveCount(10).And.BeInAscendingOrder();
        buckets[^1].Should().Be(documents.Count(d => d.TypeConfidence is not null), "+Inf counts every typed document");
    }
}
