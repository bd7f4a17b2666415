using CaptureChain.Capture.Intake;
using CaptureChain.Capture.Rendering;
using CaptureChain.Corpus.Output;
using CaptureChain.Ocr.Imaging;
using CaptureChain.Pipeline.Outcomes;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Stages;

namespace CaptureChain.Pipeline.Tests;

public sealed class DecodeStageTests : IDisposable
{
    private const int Dpi = 100; // small pages: decoding is what is tested, not recognition
    private readonly ScratchFolder _scratch = new();
    private readonly DecodeStage _stage = new(new SourceDecoder());

    public void Dispose() => _scratch.Dispose();

    /// <summary>An A4 page with a title; <paramref name="markedLowerHalf"/> paints a black block low on the page to tell pages apart.</summary>
    private static PageImage Render(string title, bool markedLowerHalf)
    {
        using var canvas = PageCanvas.Raster(Dpi);
        canvas.Text(20, 30, title, 18, bold: true);
        canvas.Text(20, 45, "Madame, Monsieur, veuillez trouver ci-joint les pièces demandées.", 11);
        if (markedLowerHalf) canvas.FillRect(30, 200, 150, 60);
        return canvas.ToPageImage();
    }

    /// <summary>Mean grey level (0 black, 255 white) of the block <see cref="Render"/> may paint.</summary>
    private static double MarkLevel(PageImage image)
    {
        var grey = image.ToGray8Bytes();
        int x0 = image.Width * 40 / 210, x1 = image.Width * 170 / 210, y0 = image.Height * 210 / 297, y1 = image.Height * 250 / 297;
        long sum = 0;
        for (var y = y0; y < y1; y++)
            for (var x = x0; x < x1; x++)
                sum += grey[y * image.Width + x];
        return (double)sum / ((x1 - x0) * (y1 - y0));
    }

    private string WriteTwoPageTiff(string name)
    {
        var path = _scratch.File(name);
        using var first = Render("Demande d'aide sociale - page 1", markedLowerHalf: false);
        using var second = Render("Demande d'aide sociale - page 2", markedLowerHalf: true);
        PageImage.SaveMultipageTiff(path, [first, second], ImageFileFormat.TiffLzw);
        return path;
    }

    private async Task<(SourceFile Source, List<PageMessage> Messages)> DecodeAsync(string path)
    {
        var source = Build.Source(Path.GetFileName(path), fullPath: path);
        return (source, await Build.ToListAsync(_stage.ProcessAsync(source, CancellationToken.None)));
    }

    private static void DisposePages(IEnumerable<PageMessage> messages)
    {
        foreach (var page in messages.OfType<PageToRecognise>()) page.Page.Dispose();
    }

    /// <summary>Every decode ends with exactly one end marker, last, whose count is the number of pages sent before it.</summary>
    private static SourceRead EndMarker(List<PageMessage> messages)
    {
        messages.Should().NotBeEmpty();
        messages.OfType<SourceRead>().Should().ContainSingle();
        var end = messages[^1].Should().BeOfType<SourceRead>().Subject;
        end.PageCount.Should().Be(messages.OfType<PageToRecognise>().Count(),
            "separation waits for exactly the announced number of pages");
        return end;
    }

    [Fact]
    public async Task A_valid_two_page_tiff_yields_its_two_pages_in_order_then_the_end_marker()
    {
        var (source, messages) = await DecodeAsync(WriteTwoPageTiff("courrier.tif"));
        try
        {
            messages.Should().HaveCount(3);
            var pages = messages.Take(2).Select(m => m.Should().BeOfType<PageToRecognise>().Subject).ToList();
            pages.Select(p => p.Page.PageNumber).Should().Equal(1, 2);
            pages.Should().OnlyContain(p => p.Page.PageCount == 2 && p.Source == source && p.Page.TextLayer == null);
            using var original = Render("taille", markedLowerHalf: false);
            pages.Should().OnlyContain(p => p.Page.Image.Width == original.Width && p.Page.Image.Height == original.Height);
            MarkLevel(pages[0].Page.Image).Should().BeGreaterThan(200, "page 1 is white where page 2 is marked");
            MarkLevel(pages[1].Page.Image).Should().BeLessThan(50, "page 2 carries the black block");
            messages[2].Should().Be(new SourceRead(source, 2, null));
            EndMarker(messages);
        }
        finally
        {
            DisposePages(messages);
        }
    }

    [Fact]
    public async Task A_truncated_tiff_ends_with_a_rejection_not_a_fault()
    {
        var path = WriteTwoPageTiff("coupe.tif");
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length * 60 / 100)]);

        var (source, messages) = await DecodeAsync(path);
        try
        {
            var end = EndMarker(messages);
            end.Source.Should().Be(source);
            end.Rejection.Should().NotBeNull();
            end.Rejection!.Code.Should().Be(ReasonCodes.TruncatedImage);
            end.Rejection.Message.Should().NotBeNullOrWhiteSpace();
        }
        finally
        {
            DisposePages(messages);
        }
    }

    [Fact]
    public async Task Each_bad_input_ends_with_the_rejection_code_it_must_get()
    {
        var folder = Path.Combine(_scratch.Root, "bad");
        var expected = BadInputs.WriteAll(folder);
        expected.Should().HaveCount(6);

        var actual = new Dictionary<string, string?>();
        foreach (var name in expected.Keys)
        {
            var (_, messages) = await DecodeAsync(Path.Combine(folder, name));
            try
            {
                actual[name] = EndMarker(messages).Rejection?.Code;
            }
            finally
            {
                DisposePages(messages);
            }
        }

        actual.Should().BeEquivalentTo(expected);
        ReasonCodes.All.Should().Contain(expected.Values, "every rejection code has an operator explanation");
    }

    [Fact]
    public async Task A_file_gone_before_decoding_ends_with_a_rejection()
    {
        var (_, messages) = await DecodeAsync(_scratch.File("parti.tif"));

        EndMarker(messages).Rejection.Should().NotBeNull();
        messages.Should().ContainSingle();
    }

    [Fact]
    public async Task Cancellation_is_not_turned_into_a_rejection()
    {
        var path = WriteTwoPageTiff("annule.tif");
        var source = Build.Source("annule.tif", fullPath: path);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var received = new List<PageMessage>();
        var act = async () =>
        {
            await foreach (var message in _stage.ProcessAsync(source, cts.Token)) received.Add(message);
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        DisposePages(received);
        received.OfType<SourceRead>().Should().BeEmpty();
    }

    [Fact]
    public void A_fault_gives_an_end_marker_with_a_processing_fault()
    {
        var source = Build.Source();

        var replacement = _stage.OnFault(source, new IOException("disque plein")).Should().ContainSingle().Subject;

        var end = replacement.Should().BeOfType<SourceRead>().Subject;
        end.Source.Should().Be(source);
        end.PageCount.Should().Be(0);
        end.Rejection!.Code.Should().Be(ReasonCodes.ProcessingFault);
        end.Rejection.Message.Should().Contain("disque plein");
    }
}
