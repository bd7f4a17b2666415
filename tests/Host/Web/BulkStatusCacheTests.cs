using CaptureChain.Filing.Plan;
using CaptureChain.Filing.Store;
using CaptureChain.Host.Service.Bulk;
using CaptureChain.Host.Web;
using CaptureChain.Host.Web.Batches;

namespace CaptureChain.Host.Tests.Web;

/// <summary>The dashboard's bulk figures are read from the store at most once per freshness period, then again.</summary>
public sealed class BulkStatusCacheTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cc-bulkcache-" + Guid.NewGuid().ToString("N"));
    private ICaptureStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteCaptureStore.OpenAsync(Path.Combine(_root, "capture.db"));

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Figures_are_reused_within_the_freshness_period_and_read_again_after_it()
    {
        var job = new BulkJobDefinition("archives", "/srv/legacy", new BulkWindowSchedule("0 0 20 * * ?", TimeSpan.FromHours(10)));
        var cache = new BulkStatusCache(new CaptureWebOptions(_store, _root, FilingPlan.Default, () => null!, _root) { BulkStatusFreshness = TimeSpan.FromSeconds(10) });
        var now = DateTimeOffset.UtcNow;
        await _store.AddBacklogFilesAsync(job.Name, [new BacklogFile("a.tif", 1, now)]);

        (await cache.GetAsync(job, now, CancellationToken.None)).Progress.Total.Should().Be(1);
        await _store.AddBacklogFilesAsync(job.Name, [new BacklogFile("b.tif", 1, now), new BacklogFile("c.tif", 1, now)]);
        (await cache.GetAsync(job, now.AddSeconds(9), CancellationToken.None)).Progress.Total.Should().Be(1, "computed 9 s ago");
        (await cache.GetAsync(job, now.AddSeconds(10), CancellationToken.None)).Progress.Total.Should().Be(3, "10 s later the store is read again");
    }
}
