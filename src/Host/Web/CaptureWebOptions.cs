using CaptureChain.Classifier.Registry;
using CaptureChain.Classifier.Typing;
using CaptureChain.Filing.Plan;
using CaptureChain.Filing.Store;
using CaptureChain.Pipeline;
using CaptureChain.Host.Web.Metrics;

namespace CaptureChain.Host.Web;

/// <summary>
/// What the web UI needs from the service: the store (review items, batches, users, journal), the archive root (review
/// PDFs, case folders, quarantine), the filing plan used when a reviewer files a document, the registry in force, the
/// taxonomy and (optionally) the model to re-read split or merged documents, and a folder for its own state.
/// </summary>
/// <param name="Store">The capture store shared with the pipeline.</param>
/// <param name="ArchiveRoot">Root of the archive the pipeline files into.</param>
/// <param name="Plan">The filing plan in force (the one the pipeline uses).</param>
/// <param name="Registry">The registry in force; called per request so a refreshed registry is picked up.</param>
/// <param name="StateFolder">The web's own files: data-protection keys (sessions survive a restart) and the page-image cache.</param>
public sealed record CaptureWebOptions(
    ICaptureStore Store,
    string ArchiveRoot,
    FilingPlan Plan,
    Func<BeneficiaryRegistry> Registry,
    string StateFolder)
{
    /// <summary>Document types a reviewer can choose (the model's taxonomy).</summary>
    public IReadOnlyList<string> DocumentTypes { get; init; } = DocumentTaxonomy.Default.Types;

    /// <summary>The document-type model, to classify the parts of a split or merge again; null keeps the original type.</summary>
    public Func<string, TypePrediction>? Classify { get; init; }

    /// <summary>Version of that model, recorded with training examples.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>A session ends after this long without a request (sliding).</summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after login whatever the activity.</summary>
    public TimeSpan SessionMaxLifetime { get; init; } = TimeSpan.FromHours(12);

    /// <summary>
    /// A bearer token Prometheus may present on <c>/metrics</c> instead of a session; null means only a logged-in
    /// operator or admin can read the metrics.
    /// </summary>
    public string? MetricsBearerToken { get; init; }

    /// <summary>Document types that come first when the queue is sorted by urgency (legal deadlines), most urgent first.</summary>
    public IReadOnlyList<string> UrgentDocumentTypes { get; init; } = ["jugement_protection", "demande_apa", "demande_mdph", "notification_decision"];

    /// <summary>The metrics the pipeline feeds and <c>/metrics</c> exposes.</summary>
    public CaptureMetrics Metrics { get; init; } = CaptureMetrics.Shared;

    /// <summary>The service's bulk jobs, whose progress the dashboard shows (<c>GET /api/bulk</c>).</summary>
    public IReadOnlyList<Service.Bulk.BulkJobDefinition> BulkJobs { get; init; } = [];

    /// <summary>How long the bulk jobs' figures shown on the dashboard are reused before they are read again from the store.</summary>
    public TimeSpan BulkStatusFreshness { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>This node's name in a cluster (claims, leases, logs), or null outside the service.</summary>
    public string? Node { get; init; }

    /// <summary>Settings shown read-only on the admin page (name → value); secrets must not be put here.</summary>
    public IReadOnlyDictionary<string, string> Configuration { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Called after a review decision changed the documents of an inbox (filed, rejected, split, merged), with the
    /// inbox's full path: the service rewrites that inbox's manifest here. A failure is logged; the decision stands.
    /// </summary>
    public Func<string, CancellationToken, Task>? DocumentsChanged { get; init; }

    /// <summary>Clock for decisions and filing dates.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// The options for a service built around an open <see cref="CaptureRun"/>: its store and registry, the archive,
    /// plan and model of <paramref name="capture"/>, state under <paramref name="stateFolder"/> (default: <c>web</c>
    /// beside the store, so sessions follow the store).
    /// </summary>
    public static CaptureWebOptions ForRun(CaptureRun run, CaptureOptions capture, string? stateFolder = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(capture);
        // A PostgreSQL store has no folder: the web's state then lives beside the archive's own state.
        stateFolder ??= Filing.Store.CaptureStores.IsPostgres(capture.EffectiveStorePath)
            ? Path.Combine(Path.GetFullPath(capture.Archive), ".capturechain", "web")
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(capture.EffectiveStorePath))!, "web");
        var plan = capture.PlanPath is null ? FilingPlan.Default : FilingPlan.Load(capture.PlanPath);
        // The web's own copy of the model (small; Predict is thread-safe): the run keeps its model private.
        var model = DocumentTypeModel.Load(capture.ModelPath);
        return new CaptureWebOptions(run.Store, capture.Archive, plan, () => run.Registry, stateFolder)
        {
            DocumentTypes = model.Taxonomy,
            Classify = model.Predict,
            ModelVersion = model.Metadata.ModelVersion,
            Configuration = new Dictionary<string, string>
            {
                ["archive"] = Path.GetFullPath(capture.Archive),
                ["store"] = Filing.Store.CaptureStores.Describe(capture.EffectiveStorePath), // never the password
                ["registry"] = capture.RegistryPath,
                ["model"] = capture.ModelPath,
                ["model_version"] = model.Metadata.ModelVersion,
                ["plan"] = capture.PlanPath ?? "(plan par défaut)",
                ["ocr_workers"] = capture.EffectiveOcrWorkers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
    }
}
