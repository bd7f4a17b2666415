using System.Diagnostics;
using System.Threading.Channels;
using CaptureChain.Capture.Intake;
using CaptureChain.Classifier.Matching;
using CaptureChain.Classifier.Registry;
using CaptureChain.Classifier.Typing;
using CaptureChain.Filing;
using CaptureChain.Filing.Archive;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Pdf;
using CaptureChain.Filing.Plan;
using CaptureChain.Filing.Store;
using CaptureChain.Ocr;
using CaptureChain.Pipeline.Outcomes;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Runner;
using CaptureChain.Pipeline.Stages;

namespace CaptureChain.Pipeline;

/// <summary>A live view of a running batch, for progress bars and the dashboard.</summary>
public sealed record BatchProgress(
    int FilesQueued, long PagesRead, int Filed, int Review, int Rejected, int Duplicate, TimeSpan Elapsed, IReadOnlyList<StageMetrics> Stages)
{
    /// <summary>Documents with an outcome so far.</summary>
    public int Documents => Filed + Review + Rejected + Duplicate;
}

/// <summary>What a batch did: its counts, every document's outcome, and its speed.</summary>
public sealed record BatchReport(BatchSummary Summary, IReadOnlyList<DocumentOutcome> Outcomes, long PagesRead, TimeSpan Elapsed)
{
    /// <summary>Pages read (including sheets and blank backs) per minute of wall-clock time.</summary>
    public double PagesPerMinute => Elapsed.TotalMinutes > 0 ? PagesRead / Elapsed.TotalMinutes : 0;
}

/// <summary>The run cannot start: missing or invalid registry, model or filing plan. The message says what to fix.</summary>
public sealed class CaptureSetupException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The capture chain, wired: intake → decode → OCR → separate → classify → extract → match → file, each stage with
/// its own parallelism over bounded channels. Holds the loaded registry, model, plan, store and OCR engines, so one
/// instance serves many batches.
/// </summary>
public sealed partial class CaptureRun : IAsyncDisposable
{
    private readonly CaptureOptions _options;
    private readonly ICaptureStore _store;
    private readonly CaseFolderArchive _archive;
    private readonly FilingPlan _plan;
    private readonly DocumentTypeModel _model;
    private readonly BeneficiaryMatcher _matcher;
    private readonly OcrEnginePool _engines;
    private readonly SourceDecoder _decoder;
    private readonly TimeProvider _time;

    /// <summary>How long a cancelled batch waits for its stages to stop (a page past its OCR deadline is abandoned anyway).</summary>
    private static readonly TimeSpan StagesStopPatience = TimeSpan.FromSeconds(30);

    private CaptureRun(CaptureOptions options, ICaptureStore store, CaseFolderArchive archive, FilingPlan plan,
        DocumentTypeModel model, BeneficiaryRegistry registry, TimeProvider time)
    {
        _options = options; _store = store; _archive = archive; _plan = plan; _model = model; _time = time;
        Registry = registry;
        _matcher = new BeneficiaryMatcher(registry);
        _engines = new OcrEnginePool(options.Ocr, options.EffectiveOcrWorkers);
        _decoder = new SourceDecoder(options.Decoder);
    }

    /// <summary>The store every outcome is journalled in.</summary>
    public ICaptureStore Store => _store;

    /// <summary>Tesseract engines working in parallel (pages recognised at once).</summary>
    public int OcrWorkers => _options.EffectiveOcrWorkers;

    /// <summary>The registry in force.</summary>
    public BeneficiaryRegistry Registry { get; }

    /// <summary>The version of the document-type model in force.</summary>
    public string ModelVersion => _model.Metadata.ModelVersion;

    /// <summary>Loads everything a run needs and reconciles filings a crash may have left half done.</summary>
    public static async Task<CaptureRun> OpenAsync(CaptureOptions options, TimeProvider? time = null, CancellationToken ct = default)
    {
        time ??= TimeProvider.System;
        RegistryLoadResult registry;
        try { registry = BeneficiaryRegistry.Load(options.RegistryPath); }
        catch (RegistryFormatException e) { throw new CaptureSetupException($"Registry: {e.Message}", e); }
        if (!File.Exists(options.ModelPath))
            throw new CaptureSetupException($"Model file '{options.ModelPath}' does not exist (train one with ./capturechain train).");
        DocumentTypeModel model;
        try { model = DocumentTypeModel.Load(options.ModelPath); }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or InvalidOperationException)
        {
            throw new CaptureSetupException($"Model '{options.ModelPath}' cannot be loaded: {e.Message}", e);
        }
        FilingPlan plan;
        try { plan = options.PlanPath is null ? FilingPlan.Default : FilingPlan.Load(options.PlanPath); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CaptureSetupException($"Filing plan '{options.PlanPath}': {e.Message}", e);
        }

        Directory.CreateDirectory(options.Archive);
        var store = await CaptureStores.OpenAsync(options.EffectiveStorePath, time, ct).ConfigureAwait(false);
        var archive = new CaseFolderArchive(options.Archive, time);
        await new FilingClerk(store, archive).ReconcileAsync(ct).ConfigureAwait(false);
        archive.RemoveStaleTemporaryFiles(options.StaleTemporaryFileAge);
        return new CaptureRun(options, store, archive, plan, model, registry.Registry, time);
    }

    /// <summary>
    /// Processes every file of <paramref name="inbox"/> (recursively; hidden files skipped), skipping those a
    /// previous run already finished. Returns when every file has an outcome.
    /// </summary>
    public async Task<BatchReport> ProcessInboxAsync(string inbox, CaptureDefaults defaults, IProgress<BatchProgress>? progress, CancellationToken ct)
    {
        inbox = Path.GetFullPath(inbox);
        if (!Directory.Exists(inbox)) throw new CaptureSetupException($"Inbox folder '{inbox}' does not exist.");
        var files = InboxFiles(inbox).ToList();
        return await ProcessFilesAsync(inbox, files, defaults, "process", progress, ct).ConfigureAwait(false);
    }

    /// <summary>Processes the given files of an inbox as one batch.</summary>
    public Task<BatchReport> ProcessFilesAsync(string inbox, IReadOnlyList<string> files, CaptureDefaults defaults, string kind,
        IProgress<BatchProgress>? progress, CancellationToken ct) =>
        RunBatchAsync(inbox, defaults, kind, () => files.Count, async (batch, input, token) =>
        {
            foreach (var file in files)
                await input.WriteAsync(new InboxFile(batch, inbox, file, defaults), token).ConfigureAwait(false);
        }, intake: null, onOutcome: null, keepOutcomes: true, progress, ct);

    /// <summary>
    /// One batch through the whole chain: <paramref name="feed"/> writes its files (the input completes when it returns),
    /// <paramref name="intake"/> may wrap the intake stage, <paramref name="onOutcome"/> sees each outcome as it comes.
    /// </summary>
    private async Task<BatchReport> RunBatchAsync(string inbox, CaptureDefaults defaults, string kind, Func<int> filesQueued,
        Func<BatchId, ChannelWriter<InboxFile>, CancellationToken, Task> feed, Func<IStage<InboxFile, SourceFile>, IStage<InboxFile, SourceFile>>? intake,
        Func<DocumentOutcome, CancellationToken, ValueTask>? onOutcome, bool keepOutcomes, IProgress<BatchProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var batch = await _store.StartBatchAsync(new BatchStart(kind, inbox, defaults.Operator, defaults.Station), ct).ConfigureAwait(false);
        var work = Path.Combine(CaptureStores.WorkFolder(_options.EffectiveStorePath), batch.ToString());
        Directory.CreateDirectory(work);
        var outcomes = new List<DocumentOutcome>();
        var status = BatchStatus.Failed;
        StageChain<InboxFile>.Segment<DocumentOutcome>? tail = null;
        try
        {
            var ocr = new OcrStage(_engines, work);
            var workers = _options.EffectiveOcrWorkers;
            var chain = StageChain<InboxFile>.Start(capacity: 4, ct);
            IStage<InboxFile, SourceFile> intakeStage = new IntakeStage(_store);
            tail = chain.Head
                .Then(intake is null ? intakeStage : intake(intakeStage), parallelism: 1, capacity: 2)
                // Decoded pages are the big items (9 MB grey, 35 MB colour): few wait for OCR, so memory does not
                // depend on the batch; one decoder per two OCR workers keeps them fed (poppler runs beside).
                .Then(new DecodeStage(_decoder), parallelism: Math.Max(1, Math.Min(workers, (workers + 1) / 2 + 1)), capacity: Math.Max(1, workers / 2))
                .Then(ocr, parallelism: workers, capacity: 64)
                .Then(new SeparationStage(_model, _options.Separation), parallelism: 1, capacity: 16)
                .Then(new ClassifyStage(_model), parallelism: 1, capacity: 16)
                .Then(new ExtractStage(), parallelism: 1, capacity: 16)
                .Then(new MatchStage(_matcher), parallelism: 1, capacity: 16)
                .Then(new FilingStage(_store, _archive, _plan, new PdfAssembler(), _options.Policy ?? FilingPolicy.Default, work,
                    _model.Metadata.ModelVersion, _time), parallelism: 2, capacity: 16);

            var feeding = Task.Run(async () =>
            {
                try
                {
                    await feed(batch, chain.Input, ct).ConfigureAwait(false);
                    chain.Input.Complete();
                }
                catch (Exception e)
                {
                    chain.Input.TryComplete(e);
                    throw;
                }
            }, ct);

            var counts = new int[4];
            var lastReport = TimeSpan.Zero;
            var lastPagesSaved = TimeSpan.Zero;
            await foreach (var outcome in tail.Tail.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (keepOutcomes) outcomes.Add(outcome);
                counts[(int)outcome.Record.Status]++;
                if (onOutcome is not null) await onOutcome(outcome, ct).ConfigureAwait(false);
                if (progress is not null && clock.Elapsed - lastReport > TimeSpan.FromMilliseconds(250))
                {
                    lastReport = clock.Elapsed;
                    progress.Report(Snapshot(filesQueued(), ocr, counts, clock.Elapsed, chain.Metrics));
                }
                if (clock.Elapsed - lastPagesSaved > TimeSpan.FromSeconds(5))
                {
                    lastPagesSaved = clock.Elapsed;
                    await _store.SetBatchPagesReadAsync(batch, ocr.PagesRead, ct).ConfigureAwait(false);
                }
            }
            await tail.Completion.ConfigureAwait(false);
            await feeding.ConfigureAwait(false);
            await _store.SetBatchPagesReadAsync(batch, ocr.PagesRead, CancellationToken.None).ConfigureAwait(false);
            progress?.Report(Snapshot(filesQueued(), ocr, counts, clock.Elapsed, chain.Metrics));
            status = BatchStatus.Completed;
            var summary = await _store.FinishBatchAsync(batch, status, CancellationToken.None).ConfigureAwait(false);
            return new BatchReport(summary, outcomes, ocr.PagesRead, clock.Elapsed);
        }
        finally
        {
            if (status != BatchStatus.Completed)
            {
                // Cancelled: return only once the stages have stopped (a filing under way completes durably), so that no
                // work on these files goes on after the caller parks them or hands them to another process.
                if (ct.IsCancellationRequested && tail is not null)
                {
                    try { await tail.Completion.WaitAsync(StagesStopPatience, CancellationToken.None).ConfigureAwait(false); }
                    catch (Exception) { } // the batch ends interrupted whatever the stages ended with
                }
                await _store.FinishBatchAsync(batch, ct.IsCancellationRequested ? BatchStatus.Interrupted : BatchStatus.Failed, CancellationToken.None)
                    .ConfigureAwait(false);
            }
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } // leftovers are swept at the next start
        }
    }

    /// <summary>Writes the manifest of every document recorded for <paramref name="inbox"/> (all runs over it) and returns its lines.</summary>
    public async Task<IReadOnlyList<ManifestEntry>> WriteManifestAsync(string inbox, string manifestPath, CancellationToken ct)
    {
        var entries = new List<ManifestEntry>();
        await ManifestWriter.WriteAsync(manifestPath, ManifestEntriesOf(inbox, ct).Select(e =>
        {
            entries.Add(e);
            return e;
        }), ct).ConfigureAwait(false);
        return entries;
    }

    /// <summary>The manifest lines of an inbox, streamed from the store in source-name order.</summary>
    private IAsyncEnumerable<ManifestEntry> ManifestEntriesOf(string inbox, CancellationToken ct) =>
        ManifestWriter.Current(_store.StreamDocumentsAsync(Path.GetFullPath(inbox), ct: ct), ct).Select(d => d.ToManifestEntry());

    private static BatchProgress Snapshot(int files, OcrStage ocr, int[] counts, TimeSpan elapsed, IReadOnlyList<StageMetrics> stages) =>
        new(files, ocr.PagesRead, counts[(int)DocumentStatus.Filed], counts[(int)DocumentStatus.Review],
            counts[(int)DocumentStatus.Rejected], counts[(int)DocumentStatus.Duplicate], elapsed, stages);

    /// <summary>The files of an inbox in a stable order; hidden files and folders (dot-names) are not input.</summary>
    public static IEnumerable<string> InboxFiles(string inbox) =>
        Directory.EnumerateFiles(inbox, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
            .Where(f => !Path.GetRelativePath(inbox, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            .Order(StringComparer.Ordinal);

    public async ValueTask DisposeAsync()
    {
        _engines.Dispose();
        _model.Dispose();
        await _store.DisposeAsync().ConfigureAwait(false);
    }
}
