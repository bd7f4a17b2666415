using System.Net;
using CaptureChain.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CaptureChain.Host.Service;

/// <summary>
/// Builds the long-running service on the ASP.NET Core generic host, in one place: Kestrel on the configured endpoint
/// (localhost by default), systemd integration (notify readiness and stopping, journal-formatted logs, active only when
/// started by systemd), the shutdown grace, the watched folders and <c>GET /health</c>. Further parts (the review web
/// UI of issue 5) come in as <see cref="IServiceModule"/>s.
/// </summary>
public static class ServiceHost
{
    /// <summary>
    /// The service host, not started. <paramref name="run"/> stays the caller's: opened before (so that setup problems
    /// stop the command with a clear message) and disposed after the host.
    /// </summary>
    public static WebApplication Build(ServiceConfiguration configuration, CaptureRun run, IEnumerable<IServiceModule>? modules = null)
    {
        var parts = modules?.ToList() ?? [];
        // No command-line arguments: ours are not the host's; environment variables (ASPNETCORE_*, DOTNET_*) still apply.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss "; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // After the console: under systemd, readiness and stopping are notified and log lines take the journal's format.
        builder.Services.AddSystemd();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = configuration.ShutdownGrace);
        builder.WebHost.ConfigureKestrel(kestrel => Listen(kestrel, configuration.Web));

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(configuration);
        builder.Services.AddSingleton(run);
        builder.Services.AddSingleton<ServiceActivity>();
        builder.Services.AddHostedService<FolderIntakeService>();
        foreach (var part in parts) part.AddServices(builder);

        var app = builder.Build();
        app.MapHealth();
        foreach (var part in parts) part.Map(app);
        return app;
    }

    /// <summary>The base URLs the started host listens on (port 0 resolved).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    private static void Listen(KestrelServerOptions kestrel, WebEndpoint endpoint)
    {
        switch (endpoint.Bind)
        {
            case "localhost": kestrel.ListenLocalhost(endpoint.Port); break;
            case "*": kestrel.ListenAnyIP(endpoint.Port); break;
            default: kestrel.Listen(IPAddress.Parse(endpoint.Bind), endpoint.Port); break;
        }
    }
}
