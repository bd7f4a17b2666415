using System.Reflection;
using System.Security.Cryptography;
using CaptureChain.Filing.Archive;
using CaptureChain.Filing.Plan;
using CaptureChain.Filing.Store;

namespace CaptureChain.Filing.Tests;

/// <summary>Crash simulations around the intent journal: every document ends up filed exactly once.</summary>
public sealed class FilingClerkTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _db;
    private readonly string _root;
    private readonly FilingTarget _target;
    private readonly DocumentKey _key = new("scan_00012.tif", new string('a', 64), 1, 3);

    public FilingClerkTests()
    {
        _db = _dir.Combine("capture.db");
        _root = _dir.Combine("archive");
        _target = FilingPlan.Default.Render(new FilingContext("B100130", "APA-2017-85786", "APA", "DUPONT", "Marie", "rib",
            new DateOnly(2026, 5, 3))).Target!;
    }

    public void Dispose() => _dir.Dispose();

    private string Pdf(int seed)
    {
        var path = _dir.Combine($"work-{seed}.pdf");
        PdfTools.MakePdf(path, $"DOCUMENT {seed}");
        return path;
    }

    private string[] FilesInCaseFolder() => Directory.GetFiles(Path.Combine(_root, _target.RelativeFolder.Replace('/', Path.DirectorySeparatorChar)));

    [Fact]
    public async Task Crash_after_the_rename_before_completion_is_reconciled_as_filed_once()
    {
        var pdf = Pdf(1);
        FiledFile beforeCrash;
        await using (var store = await SqliteCaptureStore.OpenAsync(_db))
        {
            // The intent is journaled and the file renamed, then the process dies before CompleteFilingAsync.
            var archive = new CaseFolderArchive(_root);
            beforeCrash = await archive.FileAsync(pdf, _target, (rel, sha, ct) => store.BeginFilingAsync(_key, rel, sha, ct), CancellationToken.None);
            (await store.FindFilingIntentAsync(_key))!.State.Should().Be(FilingIntentState.Intended);
        }

        await using (var store = await SqliteCaptureStore.OpenAsync(_db))
        {
            var clerk = new FilingClerk(store, new CaseFolderArchive(_root));

            var reconciled = await clerk.ReconcileAsync(CancellationToken.None);
            // The restarted run reaches the same document again and asks to file it.
            var filed = await clerk.FileOnceAsync(_key, _target, pdf, CancellationToken.None);

            reconciled.Should().ContainSingle().Which.Outcome.Should().Be(IntentOutcome.Completed);
            filed.Should().Be(beforeCrash);
            FilesInCaseFolder().Should().ContainSingle("the document is filed exactly once");
            (await store.FindFilingIntentAsync(_key))!.State.Should().Be(FilingIntentState.Completed);
            (await store.ListOpenFilingIntentsAsync()).Should().BeEmpty();
        }
    }

    [Fact]
    public async Task Crash_after_the_intent_before_the_rename_is_redone()
    {
        var pdf = Pdf(2);
        await using (var store = await SqliteCaptureStore.OpenAsync(_db))
        {
            // The intent names a target, then the process dies before the file is renamed there.
            var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(pdf)));
            await store.BeginFilingAsync(_key, _target.RelativePath(1), sha);
        }

        await using (var store = await SqliteCaptureStore.OpenAsync(_db))
        {
            var clerk = new FilingClerk(store, new CaseFolderArchive(_root));

            (await clerk.ReconcileAsync(CancellationToken.None)).Should().ContainSingle().Which.Outcome.Should().Be(IntentOutcome.Redo);
            (await clerk.FindFiledAsync(_key, CancellationToken.None)).Should().BeNull("nothing is in the archive yet");
            var filed = await clerk.FileOnceAsync(_key, _target, pdf, CancellationToken.None);

            filed.RelativePath.Should().Be(_target.RelativePath(1));
            FilesInCaseFolder().Should().ContainSingle();
            (await PdfTools.PageTextAsync(Path.Combine(_root, filed.RelativePath), 1)).Should().Be("DOCUMENT 2");
            (await store.FindFilingIntentAsync(_key))!.Should().Match<FilingIntent>(i =>
                i.State == FilingIntentState.Completed && i.TargetPath == filed.RelativePath && i.PdfSha256 == filed.Sha256);
        }
    }

    [Fact]
    public async Task An_intent_whose_target_holds_someone_else_s_file_is_redone_without_touching_it()
    {
        var pdf = Pdf(3);
        var archive = new CaseFolderArchive(_root);
        await using var store = await SqliteCaptureStore.OpenAsync(_db);
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(pdf)));
        await store.BeginFilingAsync(_key, _target.RelativePath(1), sha);
        // Meanwhile another document took that name.
        var foreign = await archive.FileAsync(Pdf(4), _target, null, CancellationToken.None);
        foreign.RelativePath.Should().Be(_target.RelativePath(1));

        var filed = await new FilingClerk(store, archive).FileOnceAsync(_key, _target, pdf, CancellationToken.None);

        filed.RelativePath.Should().Be(_target.RelativePath(2));
        (await archive.CheckAsync(foreign.RelativePath, foreign.Sha256, CancellationToken.None)).Should().Be(FiledFileState.Complete);
        FilesInCaseFolder().Should().HaveCount(2);
    }

    [Fact]
    public async Task Filing_the_same_document_twice_returns_the_first_filing()
    {
        await using var store = await SqliteCaptureStore.OpenAsync(_db);
        var clerk = new FilingClerk(store, new CaseFolderArchive(_root));

        var first = await clerk.FileOnceAsync(_key, _target, Pdf(5), CancellationToken.None);
        var second = await clerk.FileOnceAsync(_key, _target, Pdf(6), CancellationToken.None);

        second.Should().Be(first);
        FilesInCaseFolder().Should().ContainSingle();
        (await clerk.FindFiledAsync(_key, CancellationToken.None)).Should().Be(first);
    }

    [Fact]
    public async Task Parallel_requests_for_one_document_file_it_once()
    {
        await using var inner = await SqliteCaptureStore.OpenAsync(_db);
        // Every caller is held at its first journal lookup until all eight have arrived (or 100 ms passed): without
        // the clerk's per-document lock they would all see "not filed" at once and file in parallel.
        var store = ArrivalGate.Wrap(inner, expected: 8);
        var clerk = new FilingClerk(store, new CaseFolderArchive(_root));
        var pdf = Pdf(7);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => clerk.FileOnceAsync(_key, _target, pdf, CancellationToken.None))));

        results.Distinct().Should().ContainSingle();
        FilesInCaseFolder().Should().ContainSingle();
    }

    /// <summary>Store decorator that holds <c>FindFilingIntentAsync</c> callers until <c>expected</c> of them are waiting.</summary>
    public class ArrivalGate : DispatchProxy
    {
        private ICaptureStore _inner = null!;
        private int _expected, _arrived;
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static ICaptureStore Wrap(ICaptureStore inner, int expected)
        {
            var proxy = Create<ICaptureStore, ArrivalGate>();
            var gate = (ArrivalGate)(object)proxy;
            gate._inner = inner;
            gate._expected = expected;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args) =>
            method!.Name == nameof(ICaptureStore.FindFilingIntentAsync) ? HoldAsync(method, args) : method.Invoke(_inner, args);

        private async Task<FilingIntent?> HoldAsync(MethodInfo method, object?[]? args)
        {
            if (Interlocked.Increment(ref _arrived) >= _expected) _all.TrySetResult();
            await Task.WhenAny(_all.Task, Task.Delay(100));
            return await (Task<FilingIntent?>)method.Invoke(_inner, args)!;
        }
    }
}
