using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Watching;

namespace CaptureChain.Host.Service;

/// <summary>Where the service's HTTP endpoint listens: <c>localhost</c>, <c>*</c> (every interface) or one IP address.</summary>
public sealed record WebEndpoint(string Bind, int Port)
{
    /// <summary>Local connections only, port 8470.</summary>
    public static WebEndpoint Default { get; } = new("localhost", 8470);

    /// <summary>The base URL to print (a wildcard bind is shown as localhost).</summary>
    public string DisplayUrl(int port) => Bind switch
    {
        "localhost" or "*" => $"http://localhost:{port}",
        _ when Bind.Contains(':') => $"http://[{Bind}]:{port}",
        _ => $"http://{Bind}:{port}",
    };
}

/// <summary>
/// Everything <c>serve</c> runs with: the capture chain's files, the HTTP endpoint, shutdown grace and the watched
/// folders (inbox profiles). Read from <c>capturechain.json</c> by <see cref="ServiceConfigurationFile"/>.
/// </summary>
/// <param name="Archive">Root of the archive.</param>
/// <param name="RegistryPath">Beneficiary registry CSV.</param>
/// <param name="ModelPath">Document-type model.</param>
/// <param name="Inboxes">The watched folders.</param>
public sealed record ServiceConfiguration(string Archive, string RegistryPath, string ModelPath, IReadOnlyList<InboxProfile> Inboxes)
{
    /// <summary>Filing plan; null uses the default plan.</summary>
    public string? PlanPath { get; init; }

    /// <summary>SQLite store; null puts it in the archive's <c>.capturechain</c> folder.</summary>
    public string? StorePath { get; init; }

    /// <summary>Parallel OCR engines; null means one per core.</summary>
    public int? OcrWorkers { get; init; }

    /// <summary>Batches run at once across all inboxes (each already uses every OCR engine).</summary>
    public int ConcurrentBatches { get; init; } = 1;

    /// <summary>The HTTP endpoint (health now, the review web UI later).</summary>
    public WebEndpoint Web { get; init; } = WebEndpoint.Default;

    /// <summary>On stop, how long batches under way may take to finish before they are cancelled and parked.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>This node's name in a cluster (claims, leases and batches carry it); host name and process id by default.</summary>
    public string Node { get; init; } = Bulk.BulkJobDefinition.DefaultNodeName();

    /// <summary>Scheduled bulk jobs (legacy archives digitised in time windows).</summary>
    public IReadOnlyList<Bulk.BulkJobDefinition> BulkJobs { get; init; } = [];

    /// <summary>When the document-type model is retrained (Quartz cron), or null for never.</summary>
    public string? RetrainingCron { get; init; }

    /// <summary>The deployment's training samples the retraining adds the review decisions to.</summary>
    public string? RetrainingSamples { get; init; }

    /// <summary>The model registry retraining registers and promotes in; null is the data folder's (shared by the nodes of a cluster when set to a shared path).</summary>
    public string? RetrainingRegistry { get; init; }

    /// <summary>Manifest path per inbox name, when the configuration sets one.</summary>
    public IReadOnlyDictionary<string, string> Manifests { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The manifest of an inbox: as configured, else <c>&lt;archive&gt;/manifest.jsonl</c> for a single inbox (as
    /// <c>process</c>), else <c>&lt;archive&gt;/manifests/&lt;name&gt;.jsonl</c>: <c>source</c> names are relative to
    /// their inbox, so one file cannot hold two inboxes unambiguously.
    /// </summary>
    public string ManifestPath(InboxProfile inbox) =>
        Manifests.TryGetValue(inbox.Name, out var path) ? path
        : Inboxes.Count <= 1 ? Path.Combine(Archive, "manifest.jsonl")
        : Path.Combine(Archive, "manifests", inbox.Name + ".jsonl");

    /// <summary>The capture chain's options.</summary>
    public CaptureOptions ToCaptureOptions() => new(Archive, RegistryPath, ModelPath, PlanPath, StorePath, OcrWorkers)
    {
        // Another service may share this archive: only temporary files no live process can still be writing are swept.
        StaleTemporaryFileAge = TimeSpan.FromHours(1),
    };
}
