using CaptureChain.Host.Web;
using CaptureChain.Pipeline;
using Microsoft.AspNetCore.Builder;

namespace CaptureChain.Host.Service;

/// <summary>
/// The review web UI, batch dashboard (bulk jobs' progress included) and HTTP API (issue 5) mapped into the service's
/// host, with the manifests kept in step with reviewers' decisions.
/// </summary>
public sealed class ReviewWebModule(ServiceConfiguration configuration, CaptureRun run) : IServiceModule
{
    public void AddServices(WebApplicationBuilder builder) =>
        builder.AddCaptureWeb(CaptureWebOptions.ForRun(run, configuration.ToCaptureOptions()) with
        {
            DocumentsChanged = WriteManifestAsync,
            BulkJobs = configuration.BulkJobs,
            Node = configuration.Node,
        });

    public void Map(WebApplication app) => app.MapCaptureWeb();

    // A decision changes one inbox's documents: rewrite that inbox's manifest (scans have their own merged manifest).
    private async Task WriteManifestAsync(string inbox, CancellationToken ct)
    {
        var full = Path.GetFullPath(inbox);
        if (string.Equals(full, Path.GetFullPath(run.ScansInbox), StringComparison.Ordinal))
        {
            await run.WriteScansManifestAsync(null, Path.Combine(configuration.Archive, "manifest.jsonl"), ct).ConfigureAwait(false);
            return;
        }
        var profile = configuration.Inboxes.FirstOrDefault(p => string.Equals(Path.GetFullPath(p.Path), full, StringComparison.Ordinal));
        var manifest = profile is null ? Path.Combine(configuration.Archive, "manifest.jsonl") : configuration.ManifestPath(profile);
        await run.WriteManifestLockedAsync(full, manifest, ct).ConfigureAwait(false);
    }
}
