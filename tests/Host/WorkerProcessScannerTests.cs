using System.Diagnostics;
using CaptureChain.Capture.Scanners;
using CaptureChain.Capture.Scanners.Worker;

namespace CaptureChain.Host.Tests;

/// <summary>A private SANE config dir whose dll.conf lists only SANE's real <c>test</c> backend, and workers that use it.</summary>
public static class SaneTestWorkers
{
    private static readonly Lazy<string> Config = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("cc-sane-").FullName;
        File.WriteAllText(Path.Combine(dir, "dll.conf"), "test\n");
        return dir;
    });

    /// <summary>Folder to give the worker as <c>SANE_CONFIG_DIR</c>.</summary>
    public static string ConfigDirectory => Config.Value;

    /// <summary>The real program's <c>scanner-worker</c> verb, as the CLI starts it.</summary>
    public static ScannerWorkerLaunch Launch => new("dotnet", [Path.Combine(AppContext.BaseDirectory, "CaptureChain.Host.dll"), "scanner-worker"],
        new Dictionary<string, string> { ["SANE_CONFIG_DIR"] = ConfigDirectory });

    /// <summary>
    /// The backend's grid on a 120 x 160 mm area with a select fd: pages above the 64 KiB pipe size, which keeps clear of
    /// the test backend's sanei_thread deadlock (src/Capture/Scanners/README.md); extra options override.
    /// </summary>
    public static Dictionary<string, string> Grid(params (string Name, string Value)[] extra)
    {
        var options = new Dictionary<string, string> { ["test-picture"] = "Grid", ["br-x"] = "120", ["br-y"] = "160", ["select-fd"] = "yes" };
        foreach (var (name, value) in extra) options[name] = value;
        return options;
    }

    public static WorkerProcessOptions Options(Dictionary<string, string>? backend = null, TimeSpan? pageTimeout = null) =>
        new(Launch, BackendOptions: backend ?? Grid(), PageTimeout: pageTimeout, CancelGrace: TimeSpan.FromSeconds(5));
}

/// <summary><see cref="WorkerProcessScanner"/> with real worker processes on SANE's real test backend.</summary>
public sealed class WorkerProcessScannerTests
{
    private static readonly ScanSettings Feeder = new(ScanSource.Adf, false, 50, ColourMode.Grey);

    private static async Task<(List<ScannedPage> Pages, ScanSession Session)> Collect(IScanner scanner, ScanSettings settings,
        Action<ScannedPage, CancellationTokenSource>? onPage = null)
    {
        using var cts = new CancellationTokenSource();
        var session = scanner.Scan(settings, cts.Token);
        var pages = new List<ScannedPage>();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1)); // a hang fails the test
        await foreach (var page in session.WithCancellation(limit.Token))
        {
            pages.Add(page);
            onPage?.Invoke(page, cts);
        }
        limit.IsCancellationRequested.Should().BeFalse("the session must end by itself");
        return (pages, session);
    }

    private static bool IsRunning(int pid)
    {
        try { return !Process.GetProcessById(pid).HasExited; }
        catch (ArgumentException) { return false; }
    }

    [Fact]
    public async Task Lists_and_opens_through_a_worker_and_refuses_an_absent_device()
    {
        var driver = new WorkerProcessDriver(SaneTestWorkers.Options());
        (await driver.ListDevicesAsync(CancellationToken.None)).Select(d => d.Id).Should().Contain("test:0").And.OnlyContain(id => id.StartsWith("test:"));
        await using var scanner = await driver.OpenAsync("test:0", CancellationToken.None);
        var capabilities = await scanner.GetCapabilitiesAsync(CancellationToken.None);
        capabilities.Sources.Should().Contain(ScanSource.Adf);
        capabilities.Resolutions.Supports(300).Should().BeTrue();
        var absent = () => driver.OpenAsync("nosuch:0", CancellationToken.None);
        (await absent.Should().ThrowAsync<ScannerUnavailableException>()).Which.DeviceId.Should().Be("nosuch:0");
    }

    [Fact]
    public async Task A_ten_page_feeder_batch_arrives_whole_and_in_order()
    {
        var scanner = await new WorkerProcessDriver(SaneTestWorkers.Options()).OpenAsync("test:0", CancellationToken.None);
        var (pages, session) = await Collect(scanner, Feeder);
        try
        {
            pages.Select(p => p.Sequence).Should().Equal(Enumerable.Range(1, 10));
            pages.Should().OnlyContain(p => p.Image.Dpi == 50 && p.Image.Depth == 8 && p.Image.Width == (int)Math.Round(120 / 25.4 * 50));
            var grey = pages[0].Image.ToGray8Bytes();
            grey.Count(g => g < 64).Should().BeGreaterThan(grey.Length / 5, "the grid is half black");
            grey.Count(g => g > 192).Should().BeGreaterThan(grey.Length / 5, "the grid is half white");
            session.End.Should().Be(new ScanEnd(ScanEndReason.Completed, "feeder empty after 10 page(s)", 10));
        }
        finally { pages.ForEach(p => p.Image.Dispose()); }
    }

    [Fact]
    public async Task Cancelling_mid_batch_keeps_the_pages_received_and_stops_the_worker()
    {
        // 200 ms between the backend's buffers: pages take long enough for the cancel to land mid-batch.
        var slow = SaneTestWorkers.Grid(("read-delay", "yes"), ("read-delay-duration", "200000"));
        var scanner = (WorkerProcessScanner)await new WorkerProcessDriver(SaneTestWorkers.Options(slow)).OpenAsync("test:0", CancellationToken.None);
        var worker = 0;
        var (pages, session) = await Collect(scanner, Feeder, (page, cts) =>
        {
            worker = scanner.CurrentWorkerId ?? 0;
            if (page.Sequence == 2) cts.Cancel();
        });
        pages.ForEach(p => p.Image.Dispose());
        pages.Select(p => p.Sequence).Should().Equal(1, 2);
        session.End!.Reason.Should().Be(ScanEndReason.Cancelled);
        session.End.PagesDelivered.Should().Be(2);
        worker.Should().BePositive();
        IsRunning(worker).Should().BeFalse("the worker ends with its batch");
        scanner.CurrentWorkerId.Should().BeNull();
    }

    [Fact]
    public async Task A_worker_killed_mid_batch_ends_it_device_gone_with_the_pages_already_received()
    {
        var slow = SaneTestWorkers.Grid(("read-delay", "yes"), ("read-delay-duration", "200000"));
        var scanner = (WorkerProcessScanner)await new WorkerProcessDriver(SaneTestWorkers.Options(slow)).OpenAsync("test:0", CancellationToken.None);
        var (pages, session) = await Collect(scanner, Feeder, (page, _) =>
        {
            if (page.Sequence == 2) Process.GetProcessById(scanner.CurrentWorkerId!.Value).Kill(); // SIGKILL: a crashing backend
        });
        pages.ForEach(p => p.Image.Dispose());
        pages.Select(p => p.Sequence).Should().StartWith([1, 2]);
        session.End!.Reason.Should().Be(ScanEndReason.DeviceGone);
        session.End.PagesDelivered.Should().Be(pages.Count);
        session.End.Message.Should().Contain("without a final report").And.Contain("signal 9");
    }

    [Fact]
    public async Task A_worker_that_stops_answering_is_killed_after_the_page_timeout_with_the_pages_kept()
    {
        // SIGSTOP after page 2 freezes the worker as a deadlocked backend would: no page, no exit.
        var slow = SaneTestWorkers.Grid(("read-delay", "yes"), ("read-delay-duration", "100000"));
        var options = SaneTestWorkers.Options(slow, pageTimeout: TimeSpan.FromSeconds(5)); // well above a page here, even on a loaded machine
        var scanner = (WorkerProcessScanner)await new WorkerProcessDriver(options).OpenAsync("test:0", CancellationToken.None);
        var worker = 0;
        var clock = Stopwatch.StartNew();
        var (pages, session) = await Collect(scanner, Feeder, (page, _) =>
        {
            if (page.Sequence != 2) return;
            worker = scanner.CurrentWorkerId!.Value;
            using var stop = Process.Start("kill", ["-STOP", worker.ToString()])!;
            stop.WaitForExit();
        });
        pages.ForEach(p => p.Image.Dispose());
        pages.Should().HaveCountGreaterThanOrEqualTo(2);
        session.End!.Reason.Should().Be(ScanEndReason.DeviceGone);
        session.End.Message.Should().Contain("gave nothing for 5 s");
        session.End.PagesDelivered.Should().Be(pages.Count);
        IsRunning(worker).Should().BeFalse("a hung worker is killed");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
    }
}
