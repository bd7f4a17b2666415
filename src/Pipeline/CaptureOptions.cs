using CaptureChain.Capture.Intake;
using CaptureChain.Ocr;
using CaptureChain.Pipeline.Outcomes;

namespace CaptureChain.Pipeline;

/// <summary>Everything a capture run needs to know: where things are and how hard to work.</summary>
/// <param name="Archive">Root of the archive (case folders, review, quarantine).</param>
/// <param name="RegistryPath">Beneficiary registry CSV (shared spec §2).</param>
/// <param name="ModelPath">Document-type model.</param>
/// <param name="PlanPath">Filing plan; null uses the default plan.</param>
/// <param name="StorePath">SQLite store file, or a PostgreSQL connection string (<c>Host=...</c> or <c>postgres://...</c>) for several nodes sharing the work (see <see cref="CaptureChain.Filing.Store.CaptureStores"/>); null puts a SQLite file in the archive's <c>.capturechain</c> folder.</param>
/// <param name="OcrWorkers">Parallel Tesseract engines; null means one per core.</param>
public sealed record CaptureOptions(
    string Archive,
    string RegistryPath,
    string ModelPath,
    string? PlanPath = null,
    string? StorePath = null,
    int? OcrWorkers = null,
    OcrOptions? Ocr = null,
    SourceDecoderOptions? Decoder = null,
    FilingPolicy? Policy = null)
{
    /// <summary>
    /// Temporary files this old in the archive are a dead run's leftovers, removed at open. Zero (one process at a time,
    /// as <c>process</c>) removes them all; a service sharing the archive with live peers keeps their files in flight.
    /// </summary>
    public TimeSpan StaleTemporaryFileAge { get; init; } = TimeSpan.Zero;

    /// <summary>When documents are cut without separator sheets (by the model's separation part, when it has one).</summary>
    public Stages.AutomaticSeparation Separation { get; init; } = Stages.AutomaticSeparation.WithoutSeparatorSheets;

    /// <summary>The store path in force.</summary>
    public string EffectiveStorePath => StorePath ?? Path.Combine(Archive, ".capturechain", "capture.db");

    /// <summary>OCR parallelism in force.</summary>
    public int EffectiveOcrWorkers => OcrWorkers ?? Environment.ProcessorCount;
}
