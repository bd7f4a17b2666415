using CaptureChain.Filing.Plan;
using CaptureChain.Filing.Store;
using CaptureChain.Host.Service.Bulk;
using CaptureChain.Host.Web;
using CaptureChain.Host.Web.Batches;

namespace CaptureChain.Host.Tests.Web;

/// <summary>The dashboard's bulk figures are read from the store at most once per freshness period, then again.</summary>
public sealed class BulkStatusCacheTests(ScratchStore scratch) : IClassFixture<ScratchStore>
{

    [Fact]
    public async Task Figures_are_reused_within_the_freshness_period_and_read_again_after_it()
    {
        var job = new BulkJobDefinition("archives", "/srv/legacy", new BulkWindowSchedule("0 0 20 * * ?", TimeSpan.FromHours(10)));
        var cache = new BulkStatusCache(new CaptureWebOptions(scratch.Store, scratch.Root, FilingPlan.Default, () => null!, scratch.Root) { BulkStatusFreshness = TimeSpan.FromSeconds(10) });
        var now = DateTimeOffset.UtcNow;
        await scratch.Store.AddBacklogFilesAsync(job.Name, [new BacklogFile("a.tif", 1, now)]);

        (await cache.GetAsync(job, now, CancellationToken.None)).Progress.Total.Should().Be(1);
        await scratch.Store.AddBacklogFilesAsync(job.Name, [new BacklogFile("b.tif", 1, now), new BacklogFile("c.tif", 1, now)]);
        (await cache.GetAsync(job, now.AddSeconds(9), CancellationToken.None)).Progress.Total.Should().Be(1, "computed 9 s ago");
        (await cache.GetAsync(job, now.AddSeconds(10), CancellationToken.None)).Progress.Total.Should().Be(3, "10 s later the store is read again");
    }
}
