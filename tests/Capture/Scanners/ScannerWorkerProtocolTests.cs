using System.IO.Pipes;
using CaptureChain.Capture.Rendering;
using CaptureChain.Capture.Scanners;
using CaptureChain.Capture.Scanners.Worker;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Tests.Scanners;

/// <summary>The byte stream between a scanner worker and its parent, both ends, without a process.</summary>
public sealed class ScannerWorkerProtocolTests
{
    private static PageImage Rendered(int dpi)
    {
        using var canvas = PageCanvas.Raster(dpi, 60, 40);
        canvas.Text(5, 15, "Page de test 42", 14, bold: true);
        canvas.FillRect(5, 25, 30, 8);
        return canvas.ToPageImage();
    }

    private static async Task<List<WorkerRecord>> ReadAll(Stream stream)
    {
        (await ScannerWorkerProtocol.ReadMagicAsync(stream, CancellationToken.None)).Should().BeTrue();
        var records = new List<WorkerRecord>();
        while (await ScannerWorkerProtocol.ReadAsync(stream, CancellationToken.None) is { } record) records.Add(record);
        return records;
    }

    [Fact]
    public async Task Every_record_comes_back_as_written_and_pages_keep_pixels_depth_and_dpi()
    {
        using var grey = Rendered(150);
        using var bitonal = grey.ToBitonal();
        using var colour = PageImage.FromRgb24(Enumerable.Range(0, 7 * 5 * 3).Select(i => (byte)(i * 11)).ToArray(), 7, 5, 21, 300);
        var device = new ScannerDevice("test:0", "Noname", "frontend-tester", "virtual device");
        var capabilities = new ScannerCapabilities([ScanSource.Flatbed, ScanSource.Adf], true, [ColourMode.Grey, ColourMode.Bitonal],
            ResolutionSupport.Range(75, 600, 25));
        var pages = new[] { new ScannedPage(1, grey), new ScannedPage(2, bitonal), new ScannedPage(3, colour) };

        using var stream = new MemoryStream();
        await ScannerWorkerProtocol.WriteMagicAsync(stream, CancellationToken.None);
        await ScannerWorkerProtocol.WriteAsync(stream, new WorkerDevices([device]), CancellationToken.None);
        await ScannerWorkerProtocol.WriteAsync(stream, new WorkerOpened(device, capabilities), CancellationToken.None);
        foreach (var page in pages) await ScannerWorkerProtocol.WriteAsync(stream, ScannerWorkerProtocol.PageRecord(page), CancellationToken.None);
        await ScannerWorkerProtocol.WriteAsync(stream, new WorkerEnd(new ScanEnd(ScanEndReason.Jammed, "read page 4: Document feeder jammed", 3)), CancellationToken.None);
        await ScannerWorkerProtocol.WriteAsync(stream, new WorkerUnavailable("Invalid argument"), CancellationToken.None);
        await ScannerWorkerProtocol.WriteAsync(stream, new WorkerCancel(), CancellationToken.None);
        stream.Position = 0;

        var records = await ReadAll(stream);
        records.Should().HaveCount(8);
        records[0].Should().BeOfType<WorkerDevices>().Which.Devices.Should().Equal(device);
        var opened = records[1].Should().BeOfType<WorkerOpened>().Subject;
        opened.Device.Should().Be(device);
        opened.Capabilities.Should().BeEquivalentTo(capabilities);
        opened.Capabilities.Refusal(new ScanSettings(ScanSource.Adf, true, 300, ColourMode.Grey)).Should().BeNull();
        opened.Capabilities.Refusal(new ScanSettings(ScanSource.Adf, false, 310, ColourMode.Grey)).Should().NotBeNull();
        for (var i = 0; i < pages.Length; i++)
        {
            var received = records[2 + i].Should().BeOfType<WorkerPage>().Subject;
            received.Sequence.Should().Be(i + 1);
            using var image = received.Decode();
            var sent = pages[i].Image;
            (image.Width, image.Height, image.Depth, image.Dpi).Should().Be((sent.Width, sent.Height, sent.Depth, sent.Dpi));
            image.ToGray8Bytes().Should().Equal(sent.ToGray8Bytes());
        }
        records[5].Should().Be(new WorkerEnd(new ScanEnd(ScanEndReason.Jammed, "read page 4: Document feeder jammed", 3)));
        records[6].Should().Be(new WorkerUnavailable("Invalid argument"));
        records[7].Should().BeOfType<WorkerCancel>();
    }

    [Fact]
    public async Task Every_end_reason_keeps_its_code_and_an_unknown_code_is_never_read_as_success()
    {
        foreach (var reason in Enum.GetValues<ScanEndReason>())
        {
            using var stream = new MemoryStream();
            await ScannerWorkerProtocol.WriteAsync(stream, new WorkerEnd(new ScanEnd(reason, "m", 2)), CancellationToken.None);
            stream.Position = 0;
            (await ScannerWorkerProtocol.ReadAsync(stream, CancellationToken.None)).Should().Be(new WorkerEnd(new ScanEnd(reason, "m", 2)));
        }
        using var newer = new MemoryStream();
        var json = """{"reason":"lamp_failure","message":"lamp","pages":1}"""u8.ToArray();
        newer.Write([(byte)'E', (byte)json.Length, 0, 0, 0]);
        newer.Write(json);
        newer.Position = 0;
        var end = (await ScannerWorkerProtocol.ReadAsync(newer, CancellationToken.None)).Should().BeOfType<WorkerEnd>().Subject.End;
        end.Reason.Should().Be(ScanEndReason.DeviceError);
        end.Message.Should().Be("lamp");
    }

    [Fact]
    public async Task A_stream_cut_inside_a_record_or_not_from_a_worker_is_a_protocol_error()
    {
        using var page = Rendered(100);
        using var full = new MemoryStream();
        await ScannerWorkerProtocol.WriteMagicAsync(full, CancellationToken.None);
        await ScannerWorkerProtocol.WriteAsync(full, ScannerWorkerProtocol.PageRecord(new ScannedPage(1, page)), CancellationToken.None);
        var bytes = full.ToArray();

        // Cut in the middle of the pixels: a worker that died while writing a page.
        var cut = new MemoryStream(bytes[..(bytes.Length / 2)]);
        (await ScannerWorkerProtocol.ReadMagicAsync(cut, CancellationToken.None)).Should().BeTrue();
        var read = () => ScannerWorkerProtocol.ReadAsync(cut, CancellationToken.None);
        (await read.Should().ThrowAsync<ScannerWorkerProtocolException>()).Which.Message.Should().Contain("inside a 'P' record");

        // Cut in a header, then nothing at all (a clean end between records is null, not an error).
        var header = new MemoryStream(bytes[..(ScannerWorkerProtocol.Magic.Length + 3)]);
        await ScannerWorkerProtocol.ReadMagicAsync(header, CancellationToken.None);
        await FluentActions.Awaiting(() => ScannerWorkerProtocol.ReadAsync(header, CancellationToken.None)).Should().ThrowAsync<ScannerWorkerProtocolException>();
        (await ScannerWorkerProtocol.ReadMagicAsync(new MemoryStream(), CancellationToken.None)).Should().BeFalse();
        (await ScannerWorkerProtocol.ReadAsync(new MemoryStream(), CancellationToken.None)).Should().BeNull();

        // Another program's output, an unknown kind, a page that is not what its header says.
        var other = () => ScannerWorkerProtocol.ReadMagicAsync(new MemoryStream("Usage: ./capturechain VERB"u8.ToArray()), CancellationToken.None);
        await other.Should().ThrowAsync<ScannerWorkerProtocolException>();
        var unknown = () => ScannerWorkerProtocol.ReadAsync(new MemoryStream([(byte)'Z', 0, 0, 0, 0]), CancellationToken.None);
        await unknown.Should().ThrowAsync<ScannerWorkerProtocolException>();
        var lying = new WorkerPage(1, page.Width + 1, page.Height, page.Depth, 100, page.Encode(ImageFileFormat.Pnm));
        lying.Invoking(p => p.Decode()).Should().Throw<ScannerWorkerProtocolException>().WithMessage("*header says*");
    }

    [Fact]
    public void The_worker_command_line_round_trips()
    {
        var request = new ScannerWorkerRequest(ScannerWorkerAction.Scan, "epson2:net:192.0.2.7", new ScanSettings(ScanSource.Adf, true, 300, ColourMode.Bitonal),
            "/tmp/sane conf", new Dictionary<string, string> { ["br-x"] = "210", ["test-picture"] = "Color pattern" });
        var back = ScannerWorkerRequest.Parse(request.ToArguments());
        back.Should().BeEquivalentTo(request);
        ScannerWorkerRequest.Parse(["--list"]).Should().Be(new ScannerWorkerRequest(ScannerWorkerAction.List));
        FluentActions.Invoking(() => ScannerWorkerRequest.Parse(["--scan"])).Should().Throw<ArgumentException>().WithMessage("*--device*");
        FluentActions.Invoking(() => ScannerWorkerRequest.Parse(["--scan", "--device", "test:0", "--bogus"])).Should().Throw<ArgumentException>();
    }
}

/// <summary>The worker's side on SANE's real test backend, in this process (the SANE fixture's driver), through pipes.</summary>
[Collection("sane")]
public sealed class ScannerWorkerTests(SaneTestBackend sane)
{
    private static ScannerWorkerRequest Scan(int dpi) =>
        new(ScannerWorkerAction.Scan, "test:0", new ScanSettings(ScanSource.Adf, false, dpi, ColourMode.Grey), BackendOptions: SaneTestBackend.SmallGrid());

    /// <summary>Runs the worker with pipes for its stdin and stdout; <paramref name="onRecord"/> may send commands.</summary>
    private async Task<(List<WorkerRecord> Records, int Exit)> RunWorker(ScannerWorkerRequest request, Func<WorkerRecord, Stream, Task>? onRecord = null)
    {
        using var toWorker = new AnonymousPipeServerStream(PipeDirection.Out);
        using var workerIn = new AnonymousPipeClientStream(PipeDirection.In, toWorker.ClientSafePipeHandle);
        using var fromWorker = new AnonymousPipeServerStream(PipeDirection.In);
        using var workerOut = new AnonymousPipeClientStream(PipeDirection.Out, fromWorker.ClientSafePipeHandle);
        var worker = Task.Run(async () =>
        {
            try
            {
                await ScannerWorkerProtocol.WriteMagicAsync(workerOut, CancellationToken.None);
                return await ScannerWorker.RunAsync(sane.Driver, request, workerIn, workerOut, TextWriter.Null, CancellationToken.None);
            }
            finally { workerOut.Dispose(); }
        });
        var records = new List<WorkerRecord>();
        (await ScannerWorkerProtocol.ReadMagicAsync(fromWorker, CancellationToken.None)).Should().BeTrue();
        while (await ScannerWorkerProtocol.ReadAsync(fromWorker, CancellationToken.None) is { } record)
        {
            records.Add(record);
            if (onRecord is not null) await onRecord(record, toWorker);
        }
        return (records, await worker.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_feeder_batch_streams_ten_pages_then_the_end()
    {
        var (records, exit) = await RunWorker(Scan(50), async (_, _) => await Task.CompletedTask);
        exit.Should().Be(0);
        records[0].Should().BeOfType<WorkerOpened>().Which.Device.Id.Should().Be("test:0");
        var pages = records.OfType<WorkerPage>().ToList();
        pages.Select(p => p.Sequence).Should().Equal(Enumerable.Range(1, 10));
        pages.Should().OnlyContain(p => p.Dpi == 50 && p.BitsPerPixel == 8 && p.Width == (int)Math.Round(120 / 25.4 * 50));
        records[^1].Should().Be(new WorkerEnd(new ScanEnd(ScanEndReason.Completed, "feeder empty after 10 page(s)", 10)));
    }

    [Fact]
    public async Task A_cancel_record_ends_the_batch_cancelled_after_the_pages_sent()
    {
        var (records, exit) = await RunWorker(Scan(50), async (record, commands) =>
        {
            if (record is WorkerPage { Sequence: 2 }) await ScannerWorkerProtocol.WriteAsync(commands, new WorkerCancel(), CancellationToken.None);
        });
        exit.Should().Be(0);
        var pages = records.OfType<WorkerPage>().Count();
        pages.Should().BeInRange(2, 9, "the cancel arrives while the feeder still holds pages");
        var end = records[^1].Should().BeOfType<WorkerEnd>().Subject.End;
        end.Reason.Should().Be(ScanEndReason.Cancelled);
        end.PagesDelivered.Should().Be(pages);
    }

    [Fact]
    public async Task Opening_a_device_that_is_not_there_answers_unavailable()
    {
        var (records, exit) = await RunWorker(new ScannerWorkerRequest(ScannerWorkerAction.Open, "nosuch:0"));
        exit.Should().Be(0);
        records.Should().ContainSingle().Which.Should().Be(new WorkerUnavailable("Invalid argument"));
    }
}
