using Microsoft.AspNetCore.Builder;

namespace CaptureChain.Host.Service;

/// <summary>
/// A part of the service mapped into the same host as the watched folders, such as the review web UI and HTTP API of
/// issue 5: it registers its services before the host is built and maps its middleware and endpoints after.
/// </summary>
public interface IServiceModule
{
    /// <summary>Registers the module's services and options (the configuration and the capture run are registered already).</summary>
    void AddServices(WebApplicationBuilder builder);

    /// <summary>Maps the module's middleware and endpoints (<c>GET /health</c> is mapped already).</summary>
    void Map(WebApplication app);
}
