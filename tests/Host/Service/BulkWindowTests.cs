using CaptureChain.Filing.Store;

namespace CaptureChain.Host.Tests.Service;

[CollectionDefinition("bulk")]
public sealed class BulkCollection : ICollectionFixture<BulkCorpus>;

/// <summary>
/// Issue 7's resumable windows, through the real <c>./capturechain serve</c> on SQLite (real Tesseract, Quartz in
/// memory): a job whose windows close mid-run (5 s every 15 s, a few pages each) parks what is in flight at each close
/// and resumes exactly there in the next window, until every document is filed once, none twice and none skipped.
/// </summary>
[Collection("bulk")]
public sealed class BulkWindowTests(BulkCorpus corpus)
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_job_whose_windows_close_mid_run_parks_its_files_and_resumes_in_the_next_window_without_redoing_or_skipping_any()
    {
        var (set, tree, truth) = corpus.Small;
        var root = Path.Combine(corpus.Root, "windows");
        Directory.CreateDirectory(root);
        var config = Path.Combine(root, "capturechain.json");
        var archive = Path.Combine(root, "archive");
        // Windows of 5 s every 15 s (a few pages each); a file in flight at the close gets 3 s more, then is parked.
        BulkCorpus.WriteConfig(config, set.RegistryPath, tree, store: null, cron: "0/15 * * * * ?", duration: "00:00:05", parallelism: 1,
            leaseSeconds: 30, closeGraceSeconds: 3);

        await using var serve = ServeProcess.Start(config);
        await serve.WaitUntilServingAsync(Startup);
        await Wait.UntilAsync(() => BulkCorpus.Manifest(archive).Count == truth.Count || serve.HasExited, TimeSpan.FromMinutes(6),
            "every document of the tree to be in the job's manifest");
        serve.HasExited.Should().BeFalse(serve.Output);
        await Wait.UntilAsync(() => BulkCorpus.Reports(archive).Count > 0, TimeSpan.FromSeconds(60), "a window report");
        serve.Terminate();
        (await serve.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, serve.Output);

        await using var store = await SqliteCaptureStore.OpenAsync(Path.Combine(archive, ".capturechain", "capture.db"));
        await BulkCorpus.ShouldHaveEachDocumentOnceAsync(truth, archive, store);

        var windows = await store.ListBulkWindowsAsync("legacy");
        var worked = new List<int>();
        foreach (var window in windows) worked.Add((await store.ListBacklogItemsCompletedInAsync(window.Id)).Count);
        worked.Count(n => n > 0).Should().BeGreaterThan(1, $"the backlog took several windows ({string.Join(", ", worked)} file(s) per window)");
        worked[0].Should().BeLessThan(truth.Count, "the first window closed mid-run");
        windows.Should().OnlyContain(w => w.ClosesAt - w.OpensAt == TimeSpan.FromSeconds(5));
        windows.Select(w => w.OpensAt.Second % 15).Should().OnlyContain(s => s == 0, "windows open at the cron's firings");
        serve.Output.Should().MatchRegex(@"closed; \d+ file\(s\) in flight get", "a window closed with files in flight (finished in the grace or parked)");
        Console.WriteLine($"files parked at closes: {BulkCorpus.ParkedInLogs(serve.Output)}; files per window: {string.Join(", ", worked)}");

        var batches = (await store.ListBatchesAsync()).Where(b => b.Kind == "bulk").ToList();
        batches.Should().HaveCountGreaterThan(1).And.OnlyContain(b => b.Operator == "night-shift" && b.Station == "legacy");
        var report = File.ReadAllText(BulkCorpus.Reports(archive)[0]);
        report.Should().Contain("Bulk job legacy").And.Contain("boite-");
        File.Exists(Path.ChangeExtension(BulkCorpus.Reports(archive)[0], ".csv")).Should().BeTrue();
    }
}
