using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using CaptureChain.Filing.Store;
using CaptureChain.Pipeline.Outcomes;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Runner;
using CaptureChain.Pipeline.Stages;

namespace CaptureChain.Pipeline;

/// <summary>A file of a bulk job's backlog handed to the chain: its path relative to the source root and its defaults (folder-name hints included).</summary>
public sealed record BulkSourceFile(string RelativePath, CaptureDefaults Defaults);

/// <summary>
/// What became of one file of a bulk stream once the journal holds its outcome: <see cref="BacklogItemState.Done"/>
/// (every document recorded: filed, review, duplicate) or <see cref="BacklogItemState.Rejected"/> (quarantined whole).
/// </summary>
/// <param name="RelativePath">The file, relative to the source root (the manifest's <c>source</c>).</param>
/// <param name="State">Done or Rejected.</param>
/// <param name="Pages">Pages of the file as far as known (the last page of its last document).</param>
/// <param name="Reason">Why it was rejected, or null.</param>
/// <param name="Documents">The documents recorded in this stream (none when an earlier run had finished the file).</param>
/// <param name="AlreadyDone">True when the journal already held the file's outcome (a node died before recording it in the backlog).</param>
public sealed record BulkSourceOutcome(string RelativePath, BacklogItemState State, int Pages, string? Reason,
    IReadOnlyList<DocumentRecord> Documents, bool AlreadyDone);

public sealed partial class CaptureRun
{
    /// <summary>Batch kind of bulk jobs.</summary>
    public const string BulkKind = "bulk";

    /// <summary>
    /// One long-lived batch over a stream of files of <paramref name="sourceRoot"/>: each file read from
    /// <paramref name="files"/> goes through the whole chain, and <paramref name="settled"/> is called once per file when
    /// the journal holds its outcome (the caller then records it in the backlog). Returns when <paramref name="files"/>
    /// completes and every file has gone through. Cancelled, it returns (throws) once the stages have stopped; files
    /// not settled by then have no outcome, and a later run over them files nothing twice (the journal skips what is done).
    /// </summary>
    public Task<BatchReport> ProcessStreamAsync(string sourceRoot, ChannelReader<BulkSourceFile> files, CaptureDefaults batchDefaults,
        Func<BulkSourceOutcome, CancellationToken, ValueTask> settled, IProgress<BatchProgress>? progress, CancellationToken ct)
    {
        sourceRoot = Path.GetFullPath(sourceRoot);
        var inFlight = new ConcurrentDictionary<string, List<DocumentRecord>>(StringComparer.Ordinal);
        var fed = 0;
        BatchId? batchId = null;

        // Each settlement is journalled (stage "bulk"): a file settled twice, or never, shows in the journal.
        async ValueTask Settle(BulkSourceOutcome outcome, CancellationToken token)
        {
            if (batchId is { } batch)
                await _store.RecordStepAsync(new JournalStep(batch, outcome.RelativePath, BulkKind,
                    outcome.AlreadyDone ? "already_done" : outcome.State == BacklogItemState.Rejected ? "rejected" : "done",
                    System.Text.Json.JsonSerializer.Serialize(new { pages = outcome.Pages, documents = outcome.Documents.Count, reason = outcome.Reason })),
                    CancellationToken.None).ConfigureAwait(false);
            await settled(outcome, token).ConfigureAwait(false);
        }

        async Task Feed(BatchId batch, ChannelWriter<InboxFile> input, CancellationToken token)
        {
            batchId = batch;
            await foreach (var file in files.ReadAllAsync(token).ConfigureAwait(false))
            {
                inFlight[file.RelativePath] = [];
                Interlocked.Increment(ref fed);
                var full = Path.Combine(sourceRoot, file.RelativePath.Replace('/', Path.DirectorySeparatorChar));
                await input.WriteAsync(new InboxFile(batch, sourceRoot, full, file.Defaults), token).ConfigureAwait(false);
            }
        }

        // The intake yields nothing for a file the journal says is done, or that cannot be read: settled there.
        async ValueTask NothingToDo(InboxFile item, Exception? fault)
        {
            var name = item.RelativeName;
            if (!inFlight.TryRemove(name, out _)) return;
            var sha = fault is null ? await Sha256OrNullAsync(item.FullPath).ConfigureAwait(false) : null;
            var source = sha is null ? null : await _store.FindSourceAsync(name, sha, CancellationToken.None).ConfigureAwait(false);
            var outcome = source switch
            {
                { Status: SourceStatus.Done } => new BulkSourceOutcome(name, BacklogItemState.Done, source.PageCount ?? 0, null, [], AlreadyDone: true),
                { Status: SourceStatus.Rejected } => new BulkSourceOutcome(name, BacklogItemState.Rejected, source.PageCount ?? 0, source.Reason, [], AlreadyDone: true),
                _ => new BulkSourceOutcome(name, BacklogItemState.Rejected, 0, ReasonCodes.FileUnreadable, [], AlreadyDone: false),
            };
            await Settle(outcome, CancellationToken.None).ConfigureAwait(false);
        }

        // FilingStage marks a source done when its last document is recorded (or rejected when quarantined): the journal
        // is the truth, so each outcome asks it whether its source is now settled.
        async ValueTask OnOutcome(DocumentOutcome outcome, CancellationToken token)
        {
            var name = outcome.Source.RelativeName;
            if (!inFlight.TryGetValue(name, out var documents)) return;
            lock (documents) documents.Add(outcome.Record);
            var source = await _store.FindSourceAsync(name, outcome.Source.Sha256, token).ConfigureAwait(false);
            if (source is not { Status: SourceStatus.Done or SourceStatus.Rejected } || !inFlight.TryRemove(name, out _)) return;
            List<DocumentRecord> recorded;
            lock (documents) recorded = [.. documents];
            var pages = Math.Max(source.PageCount ?? 0, recorded.Max(d => d.Key.LastPage));
            var rejected = source.Status == SourceStatus.Rejected;
            await Settle(new BulkSourceOutcome(name, rejected ? BacklogItemState.Rejected : BacklogItemState.Done, pages,
                rejected ? source.Reason ?? recorded.SelectMany(d => d.Reasons).FirstOrDefault() : null, recorded, AlreadyDone: false), token).ConfigureAwait(false);
        }

        return RunBatchAsync(sourceRoot, batchDefaults, BulkKind, () => Volatile.Read(ref fed), Feed,
            intake => new SettlingIntake(intake, NothingToDo), OnOutcome, keepOutcomes: false, progress, ct);
    }

    /// <summary>The intake, telling when a file goes no further (already done, or unreadable).</summary>
    private sealed class SettlingIntake(IStage<InboxFile, SourceFile> inner, Func<InboxFile, Exception?, ValueTask> nothingToDo)
        : IStage<InboxFile, SourceFile>
    {
        public string Name => inner.Name;

        public async IAsyncEnumerable<SourceFile> ProcessAsync(InboxFile item, [EnumeratorCancellation] CancellationToken ct)
        {
            var any = false;
            await foreach (var source in inner.ProcessAsync(item, ct).ConfigureAwait(false))
            {
                any = true;
                yield return source;
            }
            if (!any) await nothingToDo(item, null).ConfigureAwait(false);
        }

        public IEnumerable<SourceFile> OnFault(InboxFile item, Exception fault)
        {
            // An unreadable file goes on through the chain to be recorded rejected: it settles like any other.
            var sources = inner.OnFault(item, fault).ToList();
            if (sources.Count == 0) nothingToDo(item, fault).AsTask().GetAwaiter().GetResult();
            return sources;
        }
    }

    /// <summary>
    /// The files of a folder tree in a stable order (names compared ordinally, folder by folder), streamed: hidden files
    /// and folders (dot-names) are not input. Paths are relative with forward slashes.
    /// </summary>
    public static IEnumerable<BacklogFile> BacklogFiles(string root)
    {
        root = Path.GetFullPath(root);
        var options = new EnumerationOptions { AttributesToSkip = FileAttributes.Hidden, IgnoreInaccessible = true };
        var folders = new Stack<string>();
        folders.Push(root);
        while (folders.Count > 0)
        {
            var folder = folders.Pop();
            var entries = new DirectoryInfo(folder).EnumerateFileSystemInfos("*", options)
                .Where(e => !e.Name.StartsWith('.'))
                .OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
            foreach (var file in entries.OfType<FileInfo>())
                yield return new BacklogFile(Path.GetRelativePath(root, file.FullName).Replace(Path.DirectorySeparatorChar, '/'), file.Length,
                    new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));
            // Pushed in reverse so that sub-folders come out in order.
            foreach (var sub in entries.OfType<DirectoryInfo>().Where(d => !d.Attributes.HasFlag(FileAttributes.ReparsePoint)).Reverse())
                folders.Push(sub.FullName);
        }
    }
}
