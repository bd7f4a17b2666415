using System.Globalization;
using CaptureChain.Filing.Store;
using CaptureChain.Host.Service.Scheduling;
using CaptureChain.Tests.Shared;

namespace CaptureChain.Host.Tests.Service;

/// <summary>
/// Issue 7's scale-out, through real <c>./capturechain serve</c> processes on one real PostgreSQL (Quartz clustered on
/// it, backlog claims with SKIP LOCKED and leases) sharing one archive: one bulk job over 200 documents, one node
/// SIGKILLed mid-batch and started again while the window is open; every document ends filed exactly once.
/// </summary>
[Collection("bulk")]
public sealed class ClusterTests(BulkCorpus corpus)
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Two_nodes_on_one_PostgreSQL_share_a_bulk_job_and_a_node_killed_and_restarted_mid_batch_loses_nothing_and_files_nothing_twice()
    {
        var (set, tree, truth) = corpus.Large;
        truth.Should().HaveCountGreaterThanOrEqualTo(200);
        await using var database = await PostgresServer.CreateDatabaseAsync();
        var root = Path.Combine(corpus.Root, "cluster");
        Directory.CreateDirectory(root);
        var config = Path.Combine(root, "capturechain.json");
        var archive = Path.Combine(root, "archive");
        // One window, opening once (a one-off cron a little after both nodes are up) and lasting an hour.
        var opens = DateTime.Now.AddSeconds(90);
        var cron = opens.ToString("s m H d M '?' yyyy", CultureInfo.InvariantCulture);
        BulkCorpus.WriteConfig(config, set.RegistryPath, tree, database.ConnectionString, cron, "01:00:00", parallelism: 2,
            leaseSeconds: 10, closeGraceSeconds: 30);

        var outputs = new List<string>();
        await using var second = ServeProcess.Start(config);
        await using (var first = ServeProcess.Start(config))
        {
            await first.WaitUntilServingAsync(Startup);
            await second.WaitUntilServingAsync(Startup);
            // Mid-batch: a good share of the documents are out, most are not.
            await Wait.UntilAsync(() => OutputPdfs(archive) >= 40 || first.HasExited || second.HasExited, TimeSpan.FromMinutes(4),
                "the first 40 documents to be out");
            first.HasExited.Should().BeFalse(first.Output);
            await first.KillAsync(); // SIGKILL: its claims stay taken until their leases expire
            outputs.Add(first.Output);
        }
        OutputPdfs(archive).Should().BeLessThan(truth.Count, "the node was killed mid-batch");

        await using var restarted = ServeProcess.Start(config);
        await restarted.WaitUntilServingAsync(Startup);
        await Wait.UntilAsync(() => BulkCorpus.Reports(archive).Count > 0 || second.HasExited || restarted.HasExited, TimeSpan.FromMinutes(8),
            "the backlog to be finished and its window reported");
        restarted.Terminate();
        second.Terminate();
        (await restarted.WaitForExitAsync(TimeSpan.FromSeconds(90))).Should().Be(0, restarted.Output);
        (await second.WaitForExitAsync(TimeSpan.FromSeconds(90))).Should().Be(0, second.Output);
        outputs.Add(second.Output);
        outputs.Add(restarted.Output);
        var all = string.Join('\n', outputs);

        await using var store = await CaptureStores.OpenAsync(database.ConnectionString);
        await BulkCorpus.ShouldHaveEachDocumentOnceAsync(truth, archive, store, nodeKilled: true);

        var windows = await store.ListBulkWindowsAsync("legacy");
        windows.Should().ContainSingle("the window's firing happened once across the cluster");
        CountOf(all, $"({ServiceScheduler.FiringOrigin})").Should().Be(1, "Quartz, clustered, fired the window once:\n" + all);
        BulkCorpus.Reports(archive).Should().ContainSingle("one node wrote the window's report");
        var items = await store.ListBacklogItemsAsync("legacy", limit: 1000);
        items.Select(i => i.Node).Distinct().Should().HaveCountGreaterThanOrEqualTo(2, "both nodes took part");
        items.Should().Contain(i => i.Attempts > 1, "the killed node's files were taken over after their leases expired");
        restarted.Output.Should().Contain("joins window", "the restarted node joined the open window at once");
    }

    private static int OutputPdfs(string archive) => !Directory.Exists(archive) ? 0 :
        Directory.EnumerateFiles(archive, "*.pdf", SearchOption.AllDirectories).Count(f => !Path.GetRelativePath(archive, f).Split('/').Any(p => p.StartsWith('.')));

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
