using CaptureChain.Capture.Scanners;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Tests.Scanners;

public sealed class EsclScannerTests : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    private EsclDriver Driver(int maxRetries = 30, double requestTimeoutSeconds = 20) =>
        new(_http, new EsclOptions(RetryDelay: TimeSpan.FromMilliseconds(20), MaxRetries: maxRetries, RequestTimeout: TimeSpan.FromSeconds(requestTimeoutSeconds)));

    private async Task<(List<ScannedPage> Pages, ScanSession Session)> Scan(EsclFixtureServer server, ScanSettings settings,
        Action<ScannedPage, CancellationTokenSource>? onPage = null, int maxRetries = 30, double requestTimeoutSeconds = 20)
    {
        await using var scanner = await Driver(maxRetries, requestTimeoutSeconds).OpenAsync(server.DeviceId, CancellationToken.None);
        return await ScanSessions.CollectAsync(scanner, settings, onPage);
    }

    private static int A4Width(int dpi) => (int)Math.Round(210 / 25.4 * dpi);

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Reads_capabilities_and_status()
    {
        await using var server = new EsclFixtureServer(new EsclScript { HasDuplex = true });
        await using var scanner = (EsclScanner)await Driver().OpenAsync(server.DeviceId, CancellationToken.None);
        scanner.Device.Model.Should().Be("Fixture ScanJet 3000");
        scanner.Device.Id.Should().Be($"escl:http://127.0.0.1:{server.Port}/eSCL");
        var caps = await scanner.GetCapabilitiesAsync(CancellationToken.None);
        caps.Sources.Should().Equal(ScanSource.Flatbed, ScanSource.Adf);
        caps.Duplex.Should().BeTrue();
        caps.Modes.Should().BeEquivalentTo([ColourMode.Colour, ColourMode.Grey, ColourMode.Bitonal]);
        caps.Resolutions.Discrete.Should().Equal(75, 100, 150, 200, 300);
        scanner.Capabilities.AdfSimplex!.DocumentFormats.Should().Contain("application/pdf");
        var status = await scanner.GetStatusAsync(CancellationToken.None);
        status.Should().Be(new EsclStatus("Idle", "ScannerAdfLoaded"));
    }

    [Fact]
    public async Task Feeder_batch_streams_pages_in_order_and_deletes_the_job()
    {
        await using var server = new EsclFixtureServer(new EsclScript { Sheets = 3 });
        var (pages, session) = await Scan(server, new ScanSettings(ScanSource.Adf, false, 100, ColourMode.Grey));
        try
        {
            pages.Select(p => p.Sequence).Should().Equal(1, 2, 3);
            pages.Select(p => PageMarks.Read(p.Image)).Should().Equal(1, 2, 3);
            pages.Should().OnlyContain(p => p.Image.Dpi == 100 && p.Image.Depth == 8 && p.Image.Width == A4Width(100));
            session.End.Should().Be(new ScanEnd(ScanEndReason.Completed, "feeder empty after 3 page(s)", 3));
            server.Jobs.Should().Equal(new ReceivedJob("Feeder", false, 100, 100, "Grayscale8", "image/png") { Region = (2480, 3508) });
            server.Deletes.Should().Equal("/eSCL/ScanJobs/41");
            server.Requests.Should().ContainInOrder("GET /eSCL/ScannerStatus", "POST /eSCL/ScanJobs", "GET /eSCL/ScanJobs/41/NextDocument", "DELETE /eSCL/ScanJobs/41");
        }
        finally { pages.ForEach(p => p.Image.Dispose()); }
    }

    [Theory]
    [InlineData(ColourMode.Colour, "RGB24", "image/jpeg", 32)]
    [InlineData(ColourMode.Grey, "Grayscale8", "image/png", 8)]
    [InlineData(ColourMode.Bitonal, "BlackAndWhite1", "image/png", 1)]
    public async Task Flatbed_page_has_the_asked_mode(ColourMode mode, string colorMode, string format, int depth)
    {
        await using var server = new EsclFixtureServer();
        var (pages, session) = await Scan(server, new ScanSettings(ScanSource.Flatbed, false, 75, mode));
        using var image = pages.Single().Image;
        image.Depth.Should().Be(depth);
        image.Dpi.Should().Be(75);
        PageMarks.Read(image).Should().Be(1);
        session.End!.Reason.Should().Be(ScanEndReason.Completed);
        server.Jobs.Should().Equal(new ReceivedJob("Platen", false, 75, 75, colorMode, format) { Region = (2480, 3508) });
    }

    [Fact]
    public async Task Bitonal_on_a_device_without_one_bit_mode_scans_grey_and_thresholds()
    {
        await using var server = new EsclFixtureServer(new EsclScript { ColorModes = ["Grayscale8", "RGB24"], Formats = ["image/jpeg"] });
        var (pages, _) = await Scan(server, new ScanSettings(ScanSource.Flatbed, false, 100, ColourMode.Bitonal));
        using var image = pages.Single().Image;
        image.Depth.Should().Be(1);
        PageMarks.Read(image).Should().Be(1);
        server.Jobs.Single().Should().Be(new ReceivedJob("Platen", false, 100, 100, "Grayscale8", "image/jpeg") { Region = (2480, 3508) });
    }

    [Fact]
    public async Task Duplex_sends_duplex_and_gets_both_sides()
    {
        await using var server = new EsclFixtureServer(new EsclScript { Sheets = 2, HasDuplex = true });
        var (pages, session) = await Scan(server, new ScanSettings(ScanSource.Adf, true, 75, ColourMode.Grey));
        pages.Select(p => PageMarks.Read(p.Image)).Should().Equal(1, 2, 3, 4);
        pages.ForEach(p => p.Image.Dispose());
        session.End!.Reason.Should().Be(ScanEndReason.Completed);
        server.Jobs.Single().Duplex.Should().BeTrue();
    }

    [Fact]
    public async Task Busy_scanner_is_waited_for_then_scans()
    {
        // Status says Processing twice, then POST ScanJobs answers 503 twice, then each page is 503 twice before it comes.
        await using var server = new EsclFixtureServer(new EsclScript { Sheets = 2, ProcessingStatuses = 2, BusyPosts = 2, NotReadyPerPage = 2 });
        var (pages, session) = await Scan(server, new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey));
        pages.Select(p => PageMarks.Read(p.Image)).Should().Equal(1, 2);
        pages.ForEach(p => p.Image.Dispose());
        session.End!.Reason.Should().Be(ScanEndReason.Completed);
        server.Posts.Should().Be(3);
        server.StatusReads.Should().BeGreaterThanOrEqualTo(3);
        server.Requests.Count(r => r.EndsWith("/NextDocument")).Should().Be(2 * 3 + 1, "two 503s and one page per sheet, then 404");
    }

    [Fact]
    public async Task A_scanner_that_stays_busy_ends_the_batch_busy_without_a_job()
    {
        await using var server = new EsclFixtureServer(new EsclScript { BusyPosts = 100 });
        var (pages, session) = await Scan(server, new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey), maxRetries: 3);
        pages.Should().BeEmpty();
        session.End.Should().Be(new ScanEnd(ScanEndReason.Busy, "ScanJobs answered 503 4 times", 0));
        server.Posts.Should().Be(4);
        server.Deletes.Should().BeEmpty();
    }

    [Theory]
    [InlineData(409)]
    [InlineData(500)]
    public async Task A_jam_after_two_pages_keeps_them_and_ends_jammed(int jamStatus)
    {
        await using var server = new EsclFixtureServer(new EsclScript { Sheets = 5, JamAfterPages = 2, JamStatus = jamStatus });
        var (pages, session) = await Scan(server, new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey));
        pages.Select(p => PageMarks.Read(p.Image)).Should().Equal(1, 2);
        pages.ForEach(p => p.Image.Dispose());
        session.End!.Reason.Should().Be(ScanEndReason.Jammed);
        session.End.Code.Should().Be("jammed");
        session.End.PagesDelivered.Should().Be(2);
        session.End.Message.Should().Be($"feeder: ScannerAdfJam (NextDocument answered {jamStatus} after 2 page(s))");
        server.Deletes.Should().ContainSingle();
    }

    [Fact]
    public async Task An_empty_feeder_ends_with_no_documents_before_any_job()
    {
        await using var server = new EsclFixtureServer(new EsclScript { Sheets = 0 });
        var (pages, session) = await Scan(server, new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey));
        pages.Should().BeEmpty();
        session.End.Should().Be(new ScanEnd(ScanEndReason.NoDocuments, "feeder empty", 0));
        server.Posts.Should().Be(0, "ScannerStatus said ScannerAdfEmpty");
    }

    [Fact]
    public async Task An_empty_feeder_seen_only_by_next_document_also_ends_with_no_documents()
    {
        await using var server = new EsclFixtureServer(new EsclScript { Sheets = 0, StatusShowsEmptyFeeder = false });
        var (pages, session) = await Scan(server, new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey));
        pages.Should().BeEmpty();
        session.End.Should().Be(new ScanEnd(ScanEndReason.NoDocuments, "feeder empty", 0));
        server.Posts.Should().Be(1);
        server.Deletes.Should().ContainSingle();
    }

    [Fact]
    public async Task Cancelling_after_two_pages_deletes_the_job_and_keeps_the_pages()
    {
        // Page 3 is held by the device until the job is deleted: the cancel must reach it as a DELETE.
        await using var server = new EsclFixtureServer(new EsclScript { Sheets = 5, HoldPage = 3 });
        var (pages, session) = await Scan(server, new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey),
            (page, cts) => { if (page.Sequence == 2) cts.Cancel(); });
        pages.Select(p => PageMarks.Read(p.Image)).Should().Equal(1, 2);
        pages.ForEach(p => p.Image.Dispose());
        session.End!.Reason.Should().Be(ScanEndReason.Cancelled);
        session.End.PagesDelivered.Should().Be(2);
        server.Deletes.Should().Equal("/eSCL/ScanJobs/41");
    }

    [Fact]
    public async Task A_scanner_that_disappears_mid_batch_ends_device_gone()
    {
        // After page 1 the device stops answering (switched off: no reply at all); the request timeout notices.
        await using var server = new EsclFixtureServer(new EsclScript { Sheets = 4, GoneAfterPages = 1 });
        var (pages, session) = await Scan(server, new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey), requestTimeoutSeconds: 0.5);
        pages.Select(p => PageMarks.Read(p.Image)).Should().Equal(1);
        pages.ForEach(p => p.Image.Dispose());
        session.End!.Reason.Should().Be(ScanEndReason.DeviceGone, session.End.Message);
        session.End.Message.Should().Be("GET /eSCL/ScanJobs/41/NextDocument: no answer within 0.5 s");
        session.End.PagesDelivered.Should().Be(1);
    }

    [Theory]
    [InlineData(LocationStyle.RootRelative)]
    [InlineData(LocationStyle.PathRelative)]
    [InlineData(LocationStyle.AbsoluteSameHost)]
    [InlineData(LocationStyle.AbsoluteOtherHost)]
    public async Task Job_location_is_followed_on_our_own_address(LocationStyle style)
    {
        await using var server = new EsclFixtureServer(new EsclScript { Sheets = 2, Location = style });
        var (pages, session) = await Scan(server, new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey));
        pages.Should().HaveCount(2);
        pages.ForEach(p => p.Image.Dispose());
        session.End!.Reason.Should().Be(ScanEndReason.Completed);
        server.Requests.Should().Contain("GET /eSCL/ScanJobs/41/NextDocument");
        server.Deletes.Should().Equal("/eSCL/ScanJobs/41");
    }

    [Fact]
    public void Rebase_keeps_the_path_and_takes_our_address()
    {
        var root = new Uri("http://192.0.2.10:8080/eSCL/");
        EsclScanner.Rebase(root, new Uri("https://printer.local/eSCL/ScanJobs/7", UriKind.Absolute))
            .Should().Be(new Uri("http://192.0.2.10:8080/eSCL/ScanJobs/7"));
        EsclScanner.Rebase(root, new Uri("ScanJobs/7", UriKind.Relative)).Should().Be(new Uri("http://192.0.2.10:8080/eSCL/ScanJobs/7"));
        EsclScanner.Rebase(root, new Uri("/eSCL/ScanJobs/7", UriKind.Relative)).Should().Be(new Uri("http://192.0.2.10:8080/eSCL/ScanJobs/7"));
    }

    [Fact]
    public async Task Pdf_only_devices_are_rasterised_at_the_asked_dpi()
    {
        await using var server = new EsclFixtureServer(new EsclScript { Sheets = 2, Formats = ["application/pdf"] });
        var (pages, session) = await Scan(server, new ScanSettings(ScanSource.Adf, false, 100, ColourMode.Grey));
        pages.Select(p => PageMarks.Read(p.Image)).Should().Equal(1, 2);
        pages.Should().OnlyContain(p => p.Image.Dpi == 100 && p.Image.Depth == 8 && Math.Abs(p.Image.Width - A4Width(100)) <= 1);
        pages.ForEach(p => p.Image.Dispose());
        session.End!.Reason.Should().Be(ScanEndReason.Completed);
        server.Jobs[0].Format.Should().Be("application/pdf");
    }

    [Theory]
    [InlineData(ScanSource.Adf, false, 123, "123 dpi not offered")]
    [InlineData(ScanSource.Adf, true, 100, "source Adf duplex not offered")]
    [InlineData(ScanSource.Flatbed, true, 100, "duplex needs the document feeder")]
    public async Task Settings_the_device_cannot_honour_end_unsupported_without_a_job(ScanSource source, bool duplex, int dpi, string why)
    {
        await using var server = new EsclFixtureServer();
        var (pages, session) = await Scan(server, new ScanSettings(source, duplex, dpi, ColourMode.Grey));
        pages.Should().BeEmpty();
        session.End.Should().Be(new ScanEnd(ScanEndReason.UnsupportedSettings, why, 0));
        server.Posts.Should().Be(0);
    }

    [Fact]
    public async Task Listing_offers_reachable_endpoints_and_opening_a_dead_one_fails()
    {
        await using var server = new EsclFixtureServer();
        var dead = new Uri($"http://127.0.0.1:{FreePort()}/eSCL");
        var driver = new EsclDriver(_http, new EsclOptions([server.Root, dead], RequestTimeout: TimeSpan.FromSeconds(5)));
        var devices = await driver.ListDevicesAsync(CancellationToken.None);
        devices.Should().Equal(new ScannerDevice(server.DeviceId, "", "Fixture ScanJet 3000", "eSCL"));
        var open = () => driver.OpenAsync(EsclDriver.IdOf(dead), CancellationToken.None);
        await open.Should().ThrowAsync<ScannerUnavailableException>();
        var directory = new ScannerDirectory([driver]);
        (await directory.OpenAsync(server.DeviceId, CancellationToken.None)).Device.Id.Should().Be(server.DeviceId);
    }

    private static int FreePort()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
