using CaptureChain.Capture.Scanners;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Tests.Scanners;

/// <summary>
/// One SANE session for all SANE tests (SANE is process-wide), started with a private config dir whose dll.conf lists
/// only SANE's real <c>test</c> backend.
/// </summary>
public sealed class SaneTestBackend : IDisposable
{
    public SaneTestBackend()
    {
        ConfigDirectory = Path.Combine(Path.GetTempPath(), "cc-sane-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(ConfigDirectory);
        File.WriteAllText(Path.Combine(ConfigDirectory, "dll.conf"), "test\n");
        Driver = new SaneDriver(new SaneOptions(ConfigDirectory));
    }

    public string ConfigDirectory { get; }
    public SaneDriver Driver { get; }

    /// <summary>
    /// Fast pages with content: the backend's grid picture on a 120 x 160 mm area, with a select fd.
    /// Why these values: the test backend (sanei_thread built with pthreads) cancels its reader thread asynchronously
    /// at the end of every frame and on sane_cancel; when that lands while the reader is inside malloc/free, the process
    /// deadlocks (measured here: 1 hang in ~125 pages of 20 KB, none in 187,000 pages above the 64 KiB pipe size).
    /// So pages stay above 64 KiB (the reader is then blocked in write when we finish or cancel), and the select fd
    /// makes the first sane_read wait until the reader has started writing (past its malloc).
    /// </summary>
    public static Dictionary<string, string> SmallGrid(params (string Name, string Value)[] extra)
    {
        // The test backend keeps option values between opens: reset everything a test may change.
        var options = new Dictionary<string, string>
        {
            ["test-picture"] = "Grid", ["br-x"] = "120", ["br-y"] = "160", ["read-return-value"] = "Default",
            ["ppl-loss"] = "0", ["hand-scanner"] = "no", ["read-limit"] = "no", ["read-delay"] = "no", ["select-fd"] = "yes",
        };
        foreach (var (name, value) in extra) options[name] = value;
        return options;
    }

    /// <summary>A 200 x 200 mm area, so that even a 1-bit page at 100 dpi is above 64 KiB.</summary>
    public static Dictionary<string, string> LargeGrid(params (string Name, string Value)[] extra) =>
        SmallGrid([("br-x", "200"), ("br-y", "200"), .. extra]);

    public void Dispose()
    {
        Driver.Dispose();
        try { Directory.Delete(ConfigDirectory, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition("sane")]
public sealed class SaneCollection : ICollectionFixture<SaneTestBackend>;

[Collection("sane")]
public sealed class SaneScannerTests(SaneTestBackend sane)
{
    private static async Task<List<ScannedPage>> ReadAll(ScanSession session, Func<ScannedPage, Task>? onPage = null, CancellationToken ct = default)
    {
        var pages = new List<ScannedPage>();
        await foreach (var page in session.WithCancellation(ct))
        {
            pages.Add(page);
            if (onPage is not null) await onPage(page);
        }
        return pages;
    }

    private static (int Black, int White) Ink(PageImage image)
    {
        var grey = image.ToGray8Bytes();
        return (grey.Count(g => g < 64), grey.Count(g => g > 192));
    }

    [Fact]
    public async Task Lists_the_test_backend_through_the_private_config_dir()
    {
        var devices = await sane.Driver.ListDevicesAsync(CancellationToken.None);
        devices.Select(d => d.Id).Should().Contain("test:0");
        // Only the test backend is configured: every device comes from it.
        devices.Should().OnlyContain(d => d.Id.StartsWith("test:"));
        sane.Driver.Version.Major.Should().Be(1);
    }

    [Fact]
    public async Task Reads_capabilities_from_the_option_descriptors()
    {
        await using var scanner = await sane.Driver.OpenAsync("test:0", CancellationToken.None);
        var caps = await scanner.GetCapabilitiesAsync(CancellationToken.None);
        caps.Sources.Should().BeEquivalentTo([ScanSource.Flatbed, ScanSource.Adf]);
        caps.Duplex.Should().BeFalse();
        caps.Modes.Should().Contain([ColourMode.Grey, ColourMode.Colour, ColourMode.Bitonal]);
        caps.Resolutions.Supports(75).Should().BeTrue();
        caps.Resolutions.Supports(1200).Should().BeTrue();
        caps.Resolutions.Supports(1201).Should().BeFalse();
        caps.Refusal(new ScanSettings(ScanSource.Adf, true, 75, ColourMode.Grey)).Should().NotBeNull();
    }

    [Fact]
    public async Task Flatbed_gives_one_grey_page_at_the_asked_dpi()
    {
        await using var scanner = await sane.Driver.OpenAsync("test:0", SaneTestBackend.SmallGrid(), CancellationToken.None);
        var session = scanner.Scan(new ScanSettings(ScanSource.Flatbed, false, 75, ColourMode.Grey));
        var pages = await ReadAll(session);
        try
        {
            pages.Should().ContainSingle();
            var image = pages[0].Image;
            image.Dpi.Should().Be(75);
            image.Depth.Should().Be(8);
            image.Width.Should().BeCloseTo((int)Math.Round(120 / 25.4 * 75), 2);
            image.Height.Should().BeCloseTo((int)Math.Round(160 / 25.4 * 75), 2);
            var (black, white) = Ink(image);
            black.Should().BeGreaterThan(image.Width * image.Height / 5, "the grid is half black");
            white.Should().BeGreaterThan(image.Width * image.Height / 5, "the grid is half white");
            session.End.Should().Be(new ScanEnd(ScanEndReason.Completed, "flatbed page read", 1));
        }
        finally { pages.ForEach(p => p.Image.Dispose()); }
    }

    private static IEnumerable<byte> Columns(byte[] grey, int width, int keep) =>
        Enumerable.Range(0, grey.Length / width).SelectMany(y => grey.Skip(y * width).Take(keep));

    [Fact]
    public async Task Adf_gives_ten_pages_in_order_then_ends_normally_on_no_docs()
    {
        // Without a select fd: sane_read blocks on the SANE thread (the common case with real backends).
        await using var scanner = await sane.Driver.OpenAsync("test:0", SaneTestBackend.SmallGrid(("select-fd", "no")), CancellationToken.None);
        var session = scanner.Scan(new ScanSettings(ScanSource.Adf, false, 50, ColourMode.Grey));
        var pages = await ReadAll(session);
        try
        {
            pages.Select(p => p.Sequence).Should().Equal(Enumerable.Range(1, 10));
            pages.Should().OnlyContain(p => p.Image.Dpi == 50 && p.Image.Depth == 8 && p.Image.Width == (int)Math.Round(120 / 25.4 * 50));
            pages.Should().OnlyContain(p => Ink(p.Image).Black > 0 && Ink(p.Image).White > 0);
            session.End!.Reason.Should().Be(ScanEndReason.Completed);
            session.End.PagesDelivered.Should().Be(10);
            session.End.Code.Should().Be("completed");

            // The batch was closed with sane_cancel: the feeder is full again for the next batch.
            var again = scanner.Scan(new ScanSettings(ScanSource.Adf, false, 50, ColourMode.Grey));
            var second = await ReadAll(again);
            second.ForEach(p => p.Image.Dispose());
            second.Should().HaveCount(10);
        }
        finally { pages.ForEach(p => p.Image.Dispose()); }
    }

    [Fact]
    public async Task Cancelling_after_two_pages_keeps_them_and_ends_cancelled()
    {
        await using var scanner = await sane.Driver.OpenAsync("test:0", SaneTestBackend.SmallGrid(), CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var session = scanner.Scan(new ScanSettings(ScanSource.Adf, false, 50, ColourMode.Grey));
        var pages = await ReadAll(session, page => { if (page.Sequence == 2) cts.Cancel(); return Task.CompletedTask; }, cts.Token);
        try
        {
            pages.Select(p => p.Sequence).Should().Equal(1, 2);
            session.End!.Reason.Should().Be(ScanEndReason.Cancelled);
            session.End.PagesDelivered.Should().Be(2);

            // The device is usable afterwards (the batch was cancelled, not left half-open).
            var next = await ReadAll(scanner.Scan(new ScanSettings(ScanSource.Flatbed, false, 50, ColourMode.Grey)));
            next.Should().ContainSingle();
            next.ForEach(p => p.Image.Dispose());
        }
        finally { pages.ForEach(p => p.Image.Dispose()); }
    }

    [Theory]
    [InlineData("no")]
    [InlineData("yes")]
    public async Task Cancelling_during_a_slow_page_stops_it_mid_frame(string selectFd)
    {
        // A 200 x 200 mm page at 200 dpi with 200 ms between the backend's buffers takes about 8 s; the cancel comes
        // after 300 ms, once data flows. Ending well within the page time (4 s: a wide margin, not a speed target)
        // shows that the frame was abandoned, not read to the end.
        var slow = SaneTestBackend.LargeGrid(("read-delay", "yes"), ("read-delay-duration", "200000"), ("select-fd", selectFd));
        await using var scanner = await sane.Driver.OpenAsync("test:0", slow, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var session = scanner.Scan(new ScanSettings(ScanSource.Adf, false, 200, ColourMode.Grey), cts.Token);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var pages = await ReadAll(session);
        pages.Should().BeEmpty();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(4));
        session.End.Should().Be(new ScanEnd(ScanEndReason.Cancelled, "scan cancelled during read page 1", 0));
        scanner.CrossThreadCancels.Should().Be(0, "data kept coming, so the SANE thread cancelled by itself");
    }

    [Fact]
    public async Task A_read_blocked_after_cancellation_is_interrupted_with_sane_cancel_from_another_thread()
    {
        // Blocking reads, 1 s between buffers, escalation after 50 ms: after the cancel (300 ms in) the SANE thread sits
        // in sane_read waiting for the second buffer, and only sane_cancel from another thread can free it early. (With
        // 200 ms between buffers, a buffer arriving within the 50 ms made the SANE thread cancel by itself now and then.)
        var slow = SaneTestBackend.LargeGrid(("read-delay", "yes"), ("read-delay-duration", "1000000"), ("select-fd", "no"));
        await using var scanner = await sane.Driver.OpenAsync("test:0", slow, CancellationToken.None);
        scanner.CancelEscalation = TimeSpan.FromMilliseconds(50);
        using var cts = new CancellationTokenSource();
        var session = scanner.Scan(new ScanSettings(ScanSource.Adf, false, 200, ColourMode.Grey), cts.Token);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));
        var pages = await ReadAll(session);
        pages.Should().BeEmpty();
        session.End!.Reason.Should().Be(ScanEndReason.Cancelled);
        scanner.CrossThreadCancels.Should().Be(1);

        // The handle is fine afterwards.
        var next = await ReadAll(scanner.Scan(new ScanSettings(ScanSource.Flatbed, false, 50, ColourMode.Grey)));
        next.Should().ContainSingle();
        next.ForEach(p => p.Image.Dispose());
    }

    [Fact]
    public async Task Stopping_the_loop_early_is_a_cancellation_too()
    {
        await using var scanner = await sane.Driver.OpenAsync("test:0", SaneTestBackend.SmallGrid(), CancellationToken.None);
        var session = scanner.Scan(new ScanSettings(ScanSource.Adf, false, 50, ColourMode.Grey));
        await foreach (var page in session)
        {
            page.Image.Dispose();
            if (page.Sequence == 3) break;
        }
        session.End!.Reason.Should().Be(ScanEndReason.Cancelled);
        session.End.PagesDelivered.Should().Be(3);
    }

    [Theory]
    [InlineData(ColourMode.Grey, 8)]
    [InlineData(ColourMode.Bitonal, 1)]
    [InlineData(ColourMode.Colour, 32)]
    public async Task Mode_gives_the_right_depth(ColourMode mode, int depth)
    {
        await using var scanner = await sane.Driver.OpenAsync("test:0", SaneTestBackend.LargeGrid(), CancellationToken.None);
        var pages = await ReadAll(scanner.Scan(new ScanSettings(ScanSource.Flatbed, false, 100, mode)));
        using var image = pages.Single().Image;
        image.Depth.Should().Be(depth);
        image.Dpi.Should().Be(100);
        var (black, white) = Ink(image);
        black.Should().BeGreaterThan(image.Width * image.Height / 5);
        white.Should().BeGreaterThan(image.Width * image.Height / 5);
    }

    [Fact]
    public async Task One_bit_frames_read_one_as_black()
    {
        await using var scanner = await sane.Driver.OpenAsync("test:0", SaneTestBackend.LargeGrid(("test-picture", "Solid black")), CancellationToken.None);
        var pages = await ReadAll(scanner.Scan(new ScanSettings(ScanSource.Flatbed, false, 100, ColourMode.Bitonal)));
        using var image = pages.Single().Image;
        image.Depth.Should().Be(1);
        Ink(image).Black.Should().Be(image.Width * image.Height);
    }

    [Fact]
    public async Task Padded_lines_are_stepped_by_bytes_per_line()
    {
        await using var plain = await sane.Driver.OpenAsync("test:0", SaneTestBackend.SmallGrid(), CancellationToken.None);
        using var reference = (await ReadAll(plain.Scan(new ScanSettings(ScanSource.Flatbed, false, 75, ColourMode.Grey)))).Single().Image;
        await plain.DisposeAsync();

        // ppl-loss: 7 pixels per line are padding (bytes_per_line stays, pixels_per_line shrinks).
        await using var padded = await sane.Driver.OpenAsync("test:0", SaneTestBackend.SmallGrid(("ppl-loss", "7")), CancellationToken.None);
        using var image = (await ReadAll(padded.Scan(new ScanSettings(ScanSource.Flatbed, false, 75, ColourMode.Grey)))).Single().Image;
        image.Width.Should().Be(reference.Width - 7);
        image.Height.Should().Be(reference.Height);
        image.ToGray8Bytes().Should().Equal(Columns(reference.ToGray8Bytes(), reference.Width, image.Width));
    }

    [Fact]
    public async Task Unknown_length_frames_are_read_to_eof()
    {
        // hand-scanner: sane_get_parameters says lines = -1; the page is as long as the data.
        await using var scanner = await sane.Driver.OpenAsync("test:0", SaneTestBackend.SmallGrid(("hand-scanner", "yes")), CancellationToken.None);
        var pages = await ReadAll(scanner.Scan(new ScanSettings(ScanSource.Flatbed, false, 50, ColourMode.Grey)));
        using var image = pages.Single().Image;
        image.Width.Should().BeCloseTo((int)Math.Round(110 / 25.4 * 50), 2); // the hand-scanner's fixed 11 cm
        image.Height.Should().BeGreaterThan(10);
        Ink(image).Black.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Three_pass_colour_equals_single_pass_colour()
    {
        // test:1, because the backend keeps option values between opens and three-pass can only be reset in colour mode.
        await using var single = await sane.Driver.OpenAsync("test:1", SaneTestBackend.SmallGrid(("test-picture", "Color pattern")), CancellationToken.None);
        using var one = (await ReadAll(single.Scan(new ScanSettings(ScanSource.Flatbed, false, 50, ColourMode.Colour)))).Single().Image;
        await single.DisposeAsync();
        await using var triple = await sane.Driver.OpenAsync("test:1",
            SaneTestBackend.SmallGrid(("test-picture", "Color pattern"), ("three-pass", "yes")), CancellationToken.None);
        using var three = (await ReadAll(triple.Scan(new ScanSettings(ScanSource.Flatbed, false, 50, ColourMode.Colour)))).Single().Image;
        three.Depth.Should().Be(32);
        three.Encode(ImageFileFormat.Pnm).Should().Equal(one.Encode(ImageFileFormat.Pnm));
        one.ToGray8Bytes().Distinct().Count().Should().BeGreaterThan(4, "the colour pattern has several colours");
    }

    [Theory]
    [InlineData("SANE_STATUS_JAMMED", ScanEndReason.Jammed, "jammed")]
    [InlineData("SANE_STATUS_COVER_OPEN", ScanEndReason.CoverOpen, "cover_open")]
    [InlineData("SANE_STATUS_DEVICE_BUSY", ScanEndReason.Busy, "busy")]
    [InlineData("SANE_STATUS_IO_ERROR", ScanEndReason.DeviceGone, "device_gone")]
    public async Task Device_errors_end_the_batch_with_a_typed_reason(string readStatus, ScanEndReason reason, string code)
    {
        await using var scanner = await sane.Driver.OpenAsync("test:0", SaneTestBackend.SmallGrid(("read-return-value", readStatus)), CancellationToken.None);
        var session = scanner.Scan(new ScanSettings(ScanSource.Adf, false, 50, ColourMode.Grey));
        var pages = await ReadAll(session);
        pages.Should().BeEmpty();
        session.End!.Reason.Should().Be(reason);
        session.End.Code.Should().Be(code);
        session.End.Message.Should().StartWith("read page 1");
    }

    [Theory]
    [InlineData(ScanSource.Adf, true, 50, "source Adf duplex not offered")]
    [InlineData(ScanSource.Flatbed, true, 50, "duplex needs the document feeder")]
    [InlineData(ScanSource.Flatbed, false, 2400, "2400 dpi not offered")]
    public async Task Settings_the_device_cannot_honour_end_unsupported_without_pages(ScanSource source, bool duplex, int dpi, string why)
    {
        await using var scanner = await sane.Driver.OpenAsync("test:0", SaneTestBackend.SmallGrid(), CancellationToken.None);
        var session = scanner.Scan(new ScanSettings(source, duplex, dpi, ColourMode.Grey));
        (await ReadAll(session)).Should().BeEmpty();
        session.End!.Reason.Should().Be(ScanEndReason.UnsupportedSettings);
        session.End.Message.Should().StartWith(why);
    }

    [Fact]
    public async Task Unknown_device_and_controlled_options_are_refused_up_front()
    {
        var open = () => sane.Driver.OpenAsync("nosuch:0", CancellationToken.None);
        (await open.Should().ThrowAsync<ScannerUnavailableException>()).Which.DeviceId.Should().Be("nosuch:0");
        var controlled = () => sane.Driver.OpenAsync("test:0", new Dictionary<string, string> { ["resolution"] = "600" }, CancellationToken.None);
        await controlled.Should().ThrowAsync<ArgumentException>();
        var unknownOption = await sane.Driver.OpenAsync("test:0", SaneTestBackend.SmallGrid(("no-such-option", "1")), CancellationToken.None);
        await using (unknownOption)
        {
            var session = unknownOption.Scan(new ScanSettings(ScanSource.Flatbed, false, 50, ColourMode.Grey));
            (await ReadAll(session)).Should().BeEmpty();
            session.End!.Should().Be(new ScanEnd(ScanEndReason.UnsupportedSettings, "option no-such-option does not exist", 0));
        }
    }

    [Fact]
    public async Task A_session_is_enumerated_once()
    {
        await using var scanner = await sane.Driver.OpenAsync("test:0", SaneTestBackend.SmallGrid(), CancellationToken.None);
        var session = scanner.Scan(new ScanSettings(ScanSource.Flatbed, false, 50, ColourMode.Grey));
        (await ReadAll(session)).ForEach(p => p.Image.Dispose());
        var again = () => ReadAll(session);
        await again.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task The_directory_routes_each_id_to_its_driver()
    {
        await using var escl = new EsclFixtureServer();
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var twain = new TwainDriver(new TwainOptions(LibraryPath: "/nonexistent/libtwaindsm.so"));
        var directory = new ScannerDirectory([new EsclDriver(http, new EsclOptions([escl.Root])), twain, sane.Driver]);

        var devices = await directory.ListDevicesAsync(CancellationToken.None);
        devices.Select(d => d.Id).Should().Contain(["test:0", escl.DeviceId]);

        await using (var saneScanner = await directory.OpenAsync("test:0", CancellationToken.None)) saneScanner.Should().BeOfType<SaneScanner>();
        await using (var esclScanner = await directory.OpenAsync(escl.DeviceId, CancellationToken.None)) esclScanner.Should().BeOfType<EsclScanner>();
        var noDsm = () => directory.OpenAsync("twain:Any Scanner", CancellationToken.None);
        (await noDsm.Should().ThrowAsync<ScannerUnavailableException>()).Which.Message.Should().Contain("no TWAIN DSM");
    }
}
