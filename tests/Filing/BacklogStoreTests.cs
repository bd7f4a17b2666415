using System.Collections.Concurrent;
using CaptureChain.Filing.Store;

namespace CaptureChain.Filing.Tests;

/// <summary>The bulk jobs' shared backlog, the same on both stores (<see cref="SqliteBacklogStoreTests"/>, <see cref="PostgresBacklogStoreTests"/>).</summary>
public abstract class BacklogStoreContract(IStoreLocation location) : StoreTestBase(location)
{
    private const string Job = "archives-1998";
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(10);

    private static IReadOnlyList<BacklogFile> Files(int count, string prefix = "f") =>
        Enumerable.Range(0, count).Select(i => new BacklogFile($"{prefix}/{i:00000}.tif", 1000 + i, new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero)))
            .ToList();

    [Fact]
    public async Task Items_are_claimed_in_backlog_order_once_each_and_adding_twice_adds_nothing()
    {
        await using var store = await OpenStoreAsync();
        (await store.AddBacklogFilesAsync(Job, Files(10))).Should().Be(10);
        (await store.AddBacklogFilesAsync(Job, [.. Files(12)])).Should().Be(2, "the first ten are already there");
        (await store.AddBacklogFilesAsync("other-job", Files(3))).Should().Be(3, "the same paths in another job are other items");

        var first = await store.ClaimBacklogItemsAsync(Job, "node-a", 3, LongLease, "w1");
        var second = await store.ClaimBacklogItemsAsync(Job, "node-b", 4, LongLease, "w1");

        first.Select(i => i.RelativePath).Should().Equal("f/00000.tif", "f/00001.tif", "f/00002.tif");
        second.Select(i => i.RelativePath).Should().Equal("f/00003.tif", "f/00004.tif", "f/00005.tif", "f/00006.tif");
        first.Should().OnlyContain(i => i.State == BacklogItemState.Claimed && i.Node == "node-a" && i.Attempts == 1 && i.WindowId == "w1"
                                        && i.Job == Job && i.LeaseUntil > DateTimeOffset.UtcNow.AddMinutes(5));
        first[1].SizeBytes.Should().Be(1001);
        var progress = await store.GetBacklogProgressAsync(Job);
        progress.Should().Be(new BacklogProgress(Job, 12, 5, 7, 0, 0, 0, false));

        await store.MarkBacklogEnumeratedAsync(Job);
        foreach (var item in first) (await store.CompleteBacklogItemAsync(item.Id, "node-a", BacklogItemState.Done, 4, null)).Should().BeTrue();
        (await store.CompleteBacklogItemAsync(second[0].Id, "node-b", BacklogItemState.Rejected, 0, "decode_failed")).Should().BeTrue();
        (await store.CompleteBacklogItemAsync(second[1].Id, "node-a", BacklogItemState.Done, 1, null)).Should().BeFalse("node-a does not hold it");

        progress = await store.GetBacklogProgressAsync(Job);
        progress.Should().Be(new BacklogProgress(Job, 12, 5, 3, 3, 1, 12, true));
        progress.Finished.Should().Be(4);
        (await store.ListBacklogItemsAsync(Job, BacklogItemState.Pending)).Select(i => i.RelativePath).Should().Equal(
            Files(12).Skip(7).Select(f => f.RelativePath));
        var page = await store.ListBacklogItemsAsync(Job, afterId: first[2].Id, limit: 2);
        page.Select(i => i.RelativePath).Should().Equal("f/00003.tif", "f/00004.tif");
        var rejected = (await store.ListBacklogItemsAsync(Job, BacklogItemState.Rejected)).Should().ContainSingle().Subject;
        rejected.Reason.Should().Be("decode_failed");
        rejected.CompletedAt.Should().NotBeNull();
        rejected.LeaseUntil.Should().BeNull();
        (await store.GetBacklogProgressAsync("no-such-job")).Should().Be(new BacklogProgress("no-such-job", 0, 0, 0, 0, 0, 0, false));
    }

    [Fact]
    public async Task Eight_claimers_on_separate_connections_take_every_one_of_500_items_exactly_once()
    {
        await using (var setup = await OpenStoreAsync())
            (await setup.AddBacklogFilesAsync(Job, Files(500))).Should().Be(500);

        var stores = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => OpenStoreAsync()));
        var claims = new ConcurrentBag<(long Id, string Node)>();
        try
        {
            await Task.WhenAll(stores.Select((store, n) => Task.Run(async () =>
            {
                var node = $"node-{n}";
                while (true)
                {
                    var items = await store.ClaimBacklogItemsAsync(Job, node, 7, LongLease, "w1");
                    if (items.Count == 0) return;
                    foreach (var item in items)
                    {
                        claims.Add((item.Id, node));
                        (await store.CompleteBacklogItemAsync(item.Id, node, BacklogItemState.Done, 2, null)).Should().BeTrue();
                    }
                }
            })));

            claims.Should().HaveCount(500);
            claims.Select(c => c.Id).Distinct().Should().HaveCount(500, "no item is claimed twice");
            claims.Select(c => c.Node).Distinct().Count().Should().BeGreaterThan(1, "the claimers shared the work");
            (await stores[0].GetBacklogProgressAsync(Job)).Should().Be(new BacklogProgress(Job, 500, 0, 0, 500, 0, 1000, false));
            (await stores[1].ListBacklogItemsAsync(Job, limit: 1000)).Should().OnlyContain(i => i.Attempts == 1 && i.State == BacklogItemState.Done);
        }
        finally
        {
            foreach (var store in stores) await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_and_the_old_node_can_no_longer_complete_or_renew()
    {
        await using var a = await OpenStoreAsync();
        await using var b = await OpenStoreAsync();
        await a.AddBacklogFilesAsync(Job, Files(3));
        var held = await a.ClaimBacklogItemsAsync(Job, "node-a", 2, TimeSpan.FromMilliseconds(300), "w1");
        (await b.ClaimBacklogItemsAsync(Job, "node-b", 5, LongLease, "w1")).Select(i => i.RelativePath).Should().Equal(["f/00002.tif"],
            "leases still running are not taken");

        await Task.Delay(TimeSpan.FromMilliseconds(800));
        (await a.RenewBacklogLeasesAsync("node-a", [held[1].Id], LongLease)).Should().Equal([held[1].Id], "an expired lease nobody took is still held");
        var taken = await b.ClaimBacklogItemsAsync(Job, "node-b", 5, LongLease, "w2");

        taken.Should().ContainSingle().Which.Id.Should().Be(held[0].Id);
        taken[0].Attempts.Should().Be(2);
        taken[0].Node.Should().Be("node-b");
        taken[0].WindowId.Should().Be("w2");
        (await a.CompleteBacklogItemAsync(held[0].Id, "node-a", BacklogItemState.Done, 3, null)).Should().BeFalse("node-b took it over");
        (await a.RenewBacklogLeasesAsync("node-a", [held[0].Id, held[1].Id], LongLease)).Should().Equal([held[1].Id]);
        (await a.ReleaseBacklogItemsAsync("node-a", [held[0].Id])).Should().Be(0, "it is not node-a's to give back");
        (await b.CompleteBacklogItemAsync(held[0].Id, "node-b", BacklogItemState.Done, 3, null)).Should().BeTrue();
        (await a.CompleteBacklogItemAsync(held[1].Id, "node-a", BacklogItemState.Done, 1, null)).Should().BeTrue();
        (await b.CompleteBacklogItemAsync(held[1].Id, "node-a", BacklogItemState.Done, 1, null)).Should().BeFalse("done is final");
    }

    [Fact]
    public async Task Released_items_go_back_first_in_line_without_counting_the_attempt()
    {
        await using var store = await OpenStoreAsync();
        await store.AddBacklogFilesAsync(Job, Files(5));
        var held = await store.ClaimBacklogItemsAsync(Job, "node-a", 3, LongLease, "w1");

        (await store.ReleaseBacklogItemsAsync("node-a", [held[0].Id, held[2].Id, held[2].Id])).Should().Be(2);
        (await store.ReleaseBacklogItemsAsync("node-b", [held[1].Id])).Should().Be(0);
        (await store.ReleaseBacklogItemsAsync("node-a", [])).Should().Be(0);

        var pending = await store.ListBacklogItemsAsync(Job, BacklogItemState.Pending);
        pending.Select(i => i.Id).Should().Contain([held[0].Id, held[2].Id]);
        pending.Should().OnlyContain(i => i.Attempts == 0 && i.Node == null && i.LeaseUntil == null);
        var again = await store.ClaimBacklogItemsAsync(Job, "node-b", 2, LongLease, "w2");
        again.Select(i => i.Id).Should().Equal(held[0].Id, held[2].Id);
        again.Should().OnlyContain(i => i.Attempts == 1);
    }

    [Fact]
    public async Task A_file_claimed_max_attempts_times_is_rejected_instead_of_claimed_again()
    {
        await using var store = await OpenStoreAsync();
        await store.AddBacklogFilesAsync(Job, Files(1));
        var lease = TimeSpan.FromMilliseconds(200);
        (await store.ClaimBacklogItemsAsync(Job, "node-a", 1, lease, "w1", maxAttempts: 2)).Should().ContainSingle();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        (await store.ClaimBacklogItemsAsync(Job, "node-b", 1, lease, "w1", maxAttempts: 2)).Should().ContainSingle().Which.Attempts.Should().Be(2);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await store.AddBacklogFilesAsync(Job, Files(2));

        (await store.ClaimBacklogItemsAsync(Job, "node-c", 1, lease, "w2", maxAttempts: 2)).Should().ContainSingle()
            .Which.RelativePath.Should().Be("f/00001.tif", "the exhausted file gives its place to the next one");
        (await store.ClaimBacklogItemsAsync(Job, "node-c", 1, lease, "w2", maxAttempts: 2)).Should().BeEmpty();

        var item = (await store.ListBacklogItemsAsync(Job)).Should().HaveCount(2).And.Subject.First();
        item.State.Should().Be(BacklogItemState.Rejected);
        item.Reason.Should().Be("bulk_attempts_exhausted");
        item.Attempts.Should().Be(2);
        item.Node.Should().BeNull();
        (await store.ListBacklogItemsCompletedInAsync("w2")).Should().ContainSingle().Which.Id.Should().Be(item.Id);
        (await store.GetBacklogProgressAsync(Job)).Rejected.Should().Be(1);
    }

    [Fact]
    public async Task The_window_report_lists_what_got_its_outcome_in_that_window_in_completion_order()
    {
        await using var store = await OpenStoreAsync();
        await store.AddBacklogFilesAsync(Job, Files(4));
        var w1 = await store.ClaimBacklogItemsAsync(Job, "node-a", 3, LongLease, "w1");
        await store.CompleteBacklogItemAsync(w1[2].Id, "node-a", BacklogItemState.Done, 5, null);
        await Task.Delay(5);
        await store.CompleteBacklogItemAsync(w1[0].Id, "node-a", BacklogItemState.Rejected, 0, "unreadable_file");
        await store.ReleaseBacklogItemsAsync("node-a", [w1[1].Id]);
        var w2 = await store.ClaimBacklogItemsAsync(Job, "node-a", 5, LongLease, "w2");
        w2.Select(i => i.RelativePath).Should().Equal("f/00001.tif", "f/00003.tif");
        foreach (var item in w2.Reverse())
        {
            await store.CompleteBacklogItemAsync(item.Id, "node-a", BacklogItemState.Done, 1, null);
            await Task.Delay(5);
        }

        (await store.ListBacklogItemsCompletedInAsync("w1")).Select(i => i.Id).Should().Equal(w1[2].Id, w1[0].Id);
        (await store.ListBacklogItemsCompletedInAsync("w2")).Select(i => i.Id).Should().Equal(w2[1].Id, w2[0].Id);
        (await store.ListBacklogItemsCompletedInAsync("w3")).Should().BeEmpty();

        // The totals behind the rate of `bulk status`: files, pages and last outcome, the rejected file included.
        var last = (await store.ListBacklogItemsCompletedInAsync("w1"))[^1];
        (await store.GetBulkWindowTotalsAsync("w1")).Should().Be(new BulkWindowTotals(2, 5, last.CompletedAt));
        (await store.GetBulkWindowTotalsAsync("w2")).Should().BeEquivalentTo(new { Files = 2L, Pages = 2L });
        (await store.GetBulkWindowTotalsAsync("w3")).Should().Be(new BulkWindowTotals(0, 0, null));
    }

    [Fact]
    public async Task A_large_window_is_read_page_by_page_each_item_once_in_completion_order()
    {
        await using var store = await OpenStoreAsync();
        await store.AddBacklogFilesAsync(Job, Files(7));
        var claimed = await store.ClaimBacklogItemsAsync(Job, "node-a", 7, LongLease, "w1");
        // Completed out of backlog order, two of them in the same tick (ties broken by id).
        foreach (var item in claimed.OrderByDescending(i => i.Id % 3).ThenBy(i => i.Id))
            await store.CompleteBacklogItemAsync(item.Id, "node-a", BacklogItemState.Done, 1, null);
        var whole = await store.ListBacklogItemsCompletedInAsync("w1");

        var paged = new List<BacklogItem>();
        BacklogItem? after = null;
        while (true)
        {
            var page = await store.ListBacklogItemsCompletedInAsync("w1", after, limit: 3);
            page.Count.Should().BeLessThanOrEqualTo(3);
            paged.AddRange(page);
            if (page.Count < 3) break;
            after = page[^1];
        }

        whole.Should().HaveCount(7);
        paged.Select(i => i.Id).Should().Equal(whole.Select(i => i.Id), "pages follow one another in completion order, none twice, none skipped");
    }

    [Fact]
    public async Task Windows_open_once_across_nodes_and_are_reported_once()
    {
        await using var a = await OpenStoreAsync();
        await using var b = await OpenStoreAsync();
        var opens = new DateTimeOffset(2026, 11, 23, 20, 0, 0, TimeSpan.FromHours(1));
        var closes = opens.AddHours(10);

        var both = await Task.WhenAll(
            Task.Run(() => a.OpenBulkWindowAsync(Job, opens, closes)),
            Task.Run(() => b.OpenBulkWindowAsync(Job, opens, closes)));
        both[0].Should().Be(both[1], "the second opening finds the first");
        both[0].Should().BeEquivalentTo(new { Job, OpensAt = opens, ClosesAt = closes });
        var next = await a.OpenBulkWindowAsync(Job, opens.AddDays(1), closes.AddDays(1));
        var other = await b.OpenBulkWindowAsync("other-job", opens, closes);
        next.Id.Should().NotBe(both[0].Id);
        other.Id.Should().NotBe(both[0].Id);

        (await a.ListBulkWindowsAsync(Job)).Select(w => w.Id).Should().Equal(both[0].Id, next.Id);
        (await b.ListOpenBulkWindowsAsync(opens.AddHours(1))).Select(w => w.Id).Should().BeEquivalentTo([both[0].Id, other.Id]);
        (await b.ListOpenBulkWindowsAsync(closes)).Should().BeEmpty("a window is open until it closes, not at its close");
        (await b.ListOpenBulkWindowsAsync(opens.AddDays(1))).Should().ContainSingle().Which.Id.Should().Be(next.Id);
        both[0].IsOpenAt(opens).Should().BeTrue();

        var reported = await Task.WhenAll(
            Task.Run(() => a.MarkBulkWindowReportedAsync(both[0].Id)),
            Task.Run(() => b.MarkBulkWindowReportedAsync(both[0].Id)));
        reported.Should().ContainSingle(r => r, "exactly one node writes the report");
        (await a.MarkBulkWindowReportedAsync(both[0].Id)).Should().BeFalse();
        (await a.MarkBulkWindowReportedAsync(next.Id)).Should().BeTrue();
    }
}

/// <summary>The backlog on SQLite (one node; several store instances stand for processes on one file).</summary>
public sealed class SqliteBacklogStoreTests() : BacklogStoreContract(new SqliteLocation());

/// <summary>The backlog on PostgreSQL (several nodes: separate connections, FOR UPDATE SKIP LOCKED, the server's clock).</summary>
public sealed class PostgresBacklogStoreTests() : BacklogStoreContract(new PostgresLocation());
