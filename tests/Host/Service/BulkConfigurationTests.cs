using CaptureChain.Filing.Store;
using CaptureChain.Host.Service;
using CaptureChain.Host.Service.Bulk;

namespace CaptureChain.Host.Tests.Service;

/// <summary>The <c>bulkJobs</c>, <c>node</c>, <c>store</c> and <c>retraining</c> sections, the windows a cron opens, and the end-date estimate.</summary>
public sealed class BulkConfigurationTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cc-bulk-config-" + Guid.NewGuid().ToString("N"));

    private ServiceFallbacks Fallbacks => new(Path.Combine(_root, "data"), Path.Combine(_root, "data", "registry.csv"), "/opt/capturechain/models/doctype.zip");

    private string Config(string json)
    {
        var path = Path.Combine(_root, "etc", "capturechain.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void A_bulk_job_is_read_with_its_window_defaults_and_limits_and_a_PostgreSQL_store_is_kept_as_written()
    {
        var c = ServiceConfigurationFile.Resolve(Config("""
            {
              "archive": "../archive", "registry": "registry.csv", "node": "capture-01",
              "store": "Host=db.example;Port=5432;Username=capture;Database=capture",
              "bulkJobs": [ {
                "name": "archives-1990", "source": "../legacy", "defaults": { "operator": "nuit" },
                "folderPattern": "^(?<case>APA-\\d{4}-\\d{5})/",
                "window": { "cron": "0 0 20 * * ?", "duration": "10:00:00" }, "parallelism": 3, "leaseSeconds": 30
              } ],
              "retraining": { "cron": "0 30 6 ? * SUN", "samples": "../samples" }
            }
            """), new ServiceOverrides(), Fallbacks);

        c.Node.Should().Be("capture-01");
        c.StorePath.Should().Be("Host=db.example;Port=5432;Username=capture;Database=capture");
        c.RetrainingCron.Should().Be("0 30 6 ? * SUN");
        c.RetrainingSamples.Should().Be(Path.Combine(_root, "samples"));
        c.RetrainingRegistry.Should().BeNull("the data folder's registry is the default");
        var job = c.BulkJobs.Should().ContainSingle().Subject;
        job.Name.Should().Be("archives-1990");
        job.Source.Should().Be(Path.Combine(_root, "legacy"));
        job.Window.Should().Be(new BulkWindowSchedule("0 0 20 * * ?", TimeSpan.FromHours(10)));
        job.Defaults.Operator.Should().Be("nuit");
        job.Defaults.Station.Should().Be("archives-1990", "the station defaults to the job's name");
        job.Parallelism.Should().Be(3);
        job.Lease.Should().Be(TimeSpan.FromSeconds(30));
        job.CloseGrace.Should().Be(TimeSpan.FromMinutes(2));
        job.ManifestPath(c.Archive).Should().Be(Path.Combine(_root, "archive", "manifests", "archives-1990.jsonl"));
        BulkFolderHints.For(job)!("APA-2012-00417/scan.tif").Hint!.CaseNumber.Should().Be("APA-2012-00417");
    }

    [Theory]
    [InlineData("""{ "name": "j", "source": "s", "window": { "cron": "every night", "duration": "10:00:00" } }""", "Quartz cron expression")]
    [InlineData("""{ "name": "j", "source": "s", "window": { "cron": "0 0 20 * * ?", "duration": "ten hours" } }""", "window.duration")]
    [InlineData("""{ "name": "j", "source": "s" }""", "\"window\"")]
    [InlineData("""{ "name": "j", "window": { "cron": "0 0 20 * * ?", "duration": "1:00:00" } }""", "\"source\"")]
    [InlineData("""{ "name": "j", "source": "s", "folderPattern": "(?<dossier>.*)", "window": { "cron": "0 0 20 * * ?", "duration": "1:00:00" } }""", "unknown group")]
    [InlineData("""{ "name": "j", "source": "../archive/old", "window": { "cron": "0 0 20 * * ?", "duration": "1:00:00" } }""", "must not contain")]
    [InlineData("""{ "name": "j", "source": "s", "window": { "cron": "0 0 20 * * ?", "duration": "1:00:00" }, "parallel": 2 }""", "unknown key \"parallel\"")]
    public void Mistakes_in_a_bulk_job_are_refused_with_what_to_fix(string job, string message)
    {
        var path = Config($$"""{ "archive": "../archive", "registry": "registry.csv", "bulkJobs": [ {{job}} ] }""");
        var act = () => ServiceConfigurationFile.Resolve(path, new ServiceOverrides(), Fallbacks);
        act.Should().Throw<ServiceConfigurationException>().WithMessage($"*{message}*");
    }

    [Fact]
    public void A_retraining_schedule_without_its_samples_folder_is_refused()
    {
        var path = Config("""{ "archive": "../archive", "registry": "registry.csv", "retraining": { "cron": "0 30 6 ? * SUN" } }""");
        var act = () => ServiceConfigurationFile.Resolve(path, new ServiceOverrides(), Fallbacks);
        act.Should().Throw<ServiceConfigurationException>().WithMessage("*retraining.samples*");
    }

    [Fact]
    public void A_window_is_open_from_each_firing_for_its_duration()
    {
        var schedule = new BulkWindowSchedule("0 0 20 * * ?", TimeSpan.FromHours(10));
        var evening = new DateTimeOffset(new DateTime(2026, 11, 23, 20, 0, 0, DateTimeKind.Local));
        schedule.OpenWindowStart(evening.AddHours(9)).Should().Be(evening, "06:00 the next morning is not yet the close");
        schedule.OpenWindowStart(evening.AddHours(10)).Should().BeNull("the window closes at 06:00");
        schedule.OpenWindowStart(evening.AddMinutes(-1)).Should().BeNull();
        schedule.OpenWindowStart(evening).Should().Be(evening);
        schedule.NextStart(evening).Should().Be(evening.AddDays(1));
    }

    [Fact]
    public async Task The_end_date_walks_the_windows_to_come_at_the_measured_rate()
    {
        await using var store = await SqliteCaptureStore.OpenAsync(Path.Combine(_root, "capture.db"));
        var schedule = new BulkWindowSchedule("0 0 20 * * ?", TimeSpan.FromHours(10));
        var opens = new DateTimeOffset(new DateTime(2026, 11, 22, 20, 0, 0, DateTimeKind.Local));
        await store.AddBacklogFilesAsync("j", Enumerable.Range(0, 40).Select(i => new BacklogFile($"f{i:00}.tif", 1000, opens)).ToList());
        await store.MarkBacklogEnumeratedAsync("j");
        var window = await store.OpenBulkWindowAsync("j", opens, opens + schedule.Duration);
        // 10 files of 6 pages done in the window: 60 pages.
        var claimed = await store.ClaimBacklogItemsAsync("j", "n1", 10, TimeSpan.FromMinutes(5), window.Id);
        foreach (var item in claimed) (await store.CompleteBacklogItemAsync(item.Id, "n1", BacklogItemState.Done, 6, null)).Should().BeTrue();

        var now = DateTimeOffset.Now;
        var status = await BulkJobStatus.ComputeAsync(store, "j", schedule, now, default);
        status.Progress.Finished.Should().Be(10);
        status.RemainingPages.Should().Be(180, "30 files left at 6 pages each");
        status.PagesPerMinute.Should().BeGreaterThan(0);
        var minutesLeft = 180 / status.PagesPerMinute;
        status.EstimatedEnd.Should().NotBeNull();
        // Work only happens inside windows: the end is in a window, after at least the time left.
        (status.EstimatedEnd!.Value - now).TotalMinutes.Should().BeGreaterThanOrEqualTo(minutesLeft - 0.01);
        schedule.OpenWindowStart(status.EstimatedEnd.Value).Should().NotBeNull("the backlog ends inside a window");
        status.Fraction.Should().Be(0.25);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
