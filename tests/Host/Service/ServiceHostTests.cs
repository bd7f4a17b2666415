using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptureChain.Host.Service;
using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Watching;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CaptureChain.Host.Tests.Service;

/// <summary>The service host built in-process: <c>GET /health</c>, and a module mapped into the same host (as the web UI will be).</summary>
public sealed class ServiceHostTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cc-serve-host-" + Guid.NewGuid().ToString("N"));

    /// <summary>What the review web UI will do: register a service and map endpoints into the service's host.</summary>
    private sealed class PingModule : IServiceModule
    {
        public void AddServices(WebApplicationBuilder builder) => builder.Services.AddSingleton(new PingAnswer("pong"));
        public void Map(WebApplication app) => app.MapGet("/ping", (PingAnswer answer) => answer.Text);
    }

    private sealed record PingAnswer(string Text);

    [Fact]
    public async Task The_service_serves_the_review_ui_behind_login_and_health_without()
    {
        var registry = Path.Combine(_root, "registry.csv");
        Directory.CreateDirectory(_root);
        File.WriteAllText(registry, "beneficiary_id;nir;caf_number;last_name;first_name;birth_date;case_number;prestation;address;postcode;city\n"
            + "B100001;;;MARTIN;Jeanne;1941-03-02;APA-2024-00001;APA;1 rue de la Paix;75002;Paris\n");
        var configuration = new ServiceConfiguration(Path.Combine(_root, "archive"), registry, ProcessedBatch.ShippedModel,
            [new InboxProfile("accueil", Directory.CreateDirectory(Path.Combine(_root, "inbox")).FullName)])
        {
            Web = new WebEndpoint("127.0.0.1", 0),
            OcrWorkers = 1,
            ShutdownGrace = TimeSpan.FromSeconds(5),
        };

        await using var run = await CaptureRun.OpenAsync(configuration.ToCaptureOptions());
        await using var app = ServiceHost.Build(configuration, run, [new ReviewWebModule(configuration, run)]);
        await app.StartAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
            { BaseAddress = new Uri(ServiceHost.Addresses(app).Should().ContainSingle().Subject) };

        (await http.GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK, "health needs no login");
        var page = await http.GetAsync("/review");
        page.StatusCode.Should().Be(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().Should().Contain("/login");
        (await http.GetAsync("/api/batches")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await http.GetAsync("/login")).StatusCode.Should().Be(HttpStatusCode.OK);
        await app.StopAsync();
    }

    [Fact]
    public async Task Health_reports_version_model_inboxes_and_a_missing_folder_and_modules_share_the_host()
    {
        var registry = Path.Combine(_root, "registry.csv");
        Directory.CreateDirectory(_root);
        File.WriteAllText(registry, "beneficiary_id;nir;caf_number;last_name;first_name;birth_date;case_number;prestation;address;postcode;city\n"
            + "B100001;;;MARTIN;Jeanne;1941-03-02;APA-2024-00001;APA;1 rue de la Paix;75002;Paris\n");
        var inbox = Directory.CreateDirectory(Path.Combine(_root, "inbox")).FullName;
        File.WriteAllBytes(Path.Combine(inbox, "growing.pdf"), [1, 2, 3]);
        var configuration = new ServiceConfiguration(Path.Combine(_root, "archive"), registry, ProcessedBatch.ShippedModel,
            [
                new InboxProfile("accueil", inbox) { QuietPeriod = TimeSpan.FromHours(1), PollInterval = TimeSpan.FromMilliseconds(200) },
                new InboxProfile("share", Path.Combine(_root, "not-mounted")) { PollInterval = TimeSpan.FromMilliseconds(200) },
            ])
        {
            Web = new WebEndpoint("127.0.0.1", 0),
            OcrWorkers = 1,
            ShutdownGrace = TimeSpan.FromSeconds(5),
        };

        await using var run = await CaptureRun.OpenAsync(configuration.ToCaptureOptions());
        await using var app = ServiceHost.Build(configuration, run, [new PingModule()]);
        await app.StartAsync();
        var baseUrl = ServiceHost.Addresses(app).Should().ContainSingle().Subject;
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };

        JsonElement health = default;
        await Wait.UntilAsync(() =>
        {
            health = http.GetFromJsonAsync<JsonElement>("/health").GetAwaiter().GetResult();
            return health.GetProperty("queue").GetProperty("inboxes").EnumerateArray().All(i => i.GetProperty("last_scan").ValueKind != JsonValueKind.Null);
        }, TimeSpan.FromSeconds(20), "both inboxes to be listed");

        health.GetProperty("status").GetString().Should().Be("degraded", "one inbox cannot be listed");
        health.GetProperty("version").GetString().Should().NotBeNullOrEmpty();
        health.GetProperty("model_version").GetString().Should().Be(run.ModelVersion);
        health.GetProperty("running_batches").GetArrayLength().Should().Be(0);
        health.GetProperty("queue").GetProperty("waiting_files").GetInt32().Should().Be(1, "the file is not quiet for an hour yet");
        var inboxes = health.GetProperty("queue").GetProperty("inboxes").EnumerateArray().ToList();
        inboxes.Select(i => i.GetProperty("name").GetString()).Should().Equal("accueil", "share");
        inboxes[0].GetProperty("available").GetBoolean().Should().BeTrue();
        inboxes[0].GetProperty("change_events").GetBoolean().Should().BeTrue();
        inboxes[1].GetProperty("available").GetBoolean().Should().BeFalse();
        inboxes[1].GetProperty("problem").GetString().Should().Be("folder missing");
        health.ToString().Should().NotContain(inbox, "health is public: no paths");

        (await http.GetStringAsync("/ping")).Should().Be("pong");
        (await http.GetAsync("/nothing-here")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        await app.StopAsync();
        app.Services.GetRequiredService<ServiceActivity>().Stopping.Should().BeTrue();
        File.Exists(Path.Combine(inbox, "growing.pdf")).Should().BeTrue("a file still being written is never taken");
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
