using CaptureChain.Capture.Intake;
using CaptureChain.Capture.Rendering;
using CaptureChain.Ocr.Imaging;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Stages;

namespace CaptureChain.Pipeline.Tests.Legacy;

/// <summary>Counts live page images process-wide, so nothing else may create pages meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LivePageCountCollection
{
    public const string Name = "live page count";
}

/// <summary>
/// A legacy archive's 300-page TIFF goes through the decode stage one page at a time: every page comes out, in order,
/// and at no moment are more than a couple of decoded pages alive (counted by <see cref="PageImage.LiveCount"/>, not
/// by timing or resident memory).
/// </summary>
[Collection(LivePageCountCollection.Name)]
public sealed class LargeTiffTests : IDisposable
{
    private const int Pages = 300;
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    /// <summary>300 bitonal A4 pages at 100 dpi (G4), each with its number: written one page at a time.</summary>
    private string WriteArchiveTiff()
    {
        var path = _scratch.File("archive-box-17.tif");
        PageImage.SaveMultipageTiff(path, Numbered(), ImageFileFormat.TiffG4);
        return path;

        static IEnumerable<PageImage> Numbered()
        {
            for (var n = 1; n <= Pages; n++)
            {
                using var canvas = PageCanvas.Raster(100);
                canvas.Text(20, 40, $"Boîte 17 — feuillet {n}", 16, bold: true);
                // A black bar whose width grows with the page number, to check the order without OCR.
                canvas.FillRect(10, 100, n * 0.6, 10);
                using var grey = canvas.ToPageImage();
                using var page = grey.ToBitonal();
                yield return page; // disposed when the writer asks for the next one
            }
        }
    }

    /// <summary>Width in pixels of the black bar of a page (proportional to its number).</summary>
    private static int BarWidth(PageImage page)
    {
        var grey = page.ToGray8Bytes();
        var y = page.Height * 105 / 297;
        var black = 0;
        for (var x = 0; x < page.Width; x++) if (grey[y * page.Width + x] < 128) black++;
        return black;
    }

    [Fact]
    public async Task A_300_page_tiff_is_decoded_page_by_page_with_bounded_live_pages()
    {
        var path = WriteArchiveTiff();
        TiffDirectory.CountPages(path).Should().Be(Pages);
        var stage = new DecodeStage(new SourceDecoder());
        var source = Build.Source("boite17/archive-box-17.tif", fullPath: path);

        var baseline = PageImage.LiveCount;
        var peak = 0L;
        var numbers = new List<int>();
        var bars = new List<int>();
        SourceRead? end = null;
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await foreach (var message in stage.ProcessAsync(source, limit.Token))
        {
            peak = Math.Max(peak, PageImage.LiveCount - baseline);
            switch (message)
            {
                case PageToRecognise page:
                    using (page.Page)
                    {
                        numbers.Add(page.Page.PageNumber);
                        page.Page.PageCount.Should().Be(Pages);
                        if (numbers.Count % 50 == 1) bars.Add(BarWidth(page.Page.Image));
                    }
                    break;
                case SourceRead read:
                    end = read;
                    break;
            }
        }

        numbers.Should().Equal(Enumerable.Range(1, Pages), "every page once, in order");
        end.Should().NotBeNull();
        end!.PageCount.Should().Be(Pages);
        end.Rejection.Should().BeNull();
        bars.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("the pages are the file's pages, not one page repeated");
        peak.Should().BeLessThanOrEqualTo(1, "the decoder hands over one page and decodes the next only when asked");
        (PageImage.LiveCount - baseline).Should().Be(0, "every decoded page was disposed by its consumer");
    }

    [Fact]
    public async Task Pages_not_yet_asked_for_are_not_decoded()
    {
        var path = WriteArchiveTiff();
        var stage = new DecodeStage(new SourceDecoder());
        var source = Build.Source("boite17/archive-box-17.tif", fullPath: path);
        var baseline = PageImage.LiveCount;

        // A consumer that keeps the pages it takes (as a slow OCR worker would) and stops after three.
        var kept = new List<DecodedPage>();
        await using (var pages = stage.ProcessAsync(source, CancellationToken.None).GetAsyncEnumerator())
        {
            while (kept.Count < 3 && await pages.MoveNextAsync())
                if (pages.Current is PageToRecognise p) kept.Add(p.Page);
            (PageImage.LiveCount - baseline).Should().Be(3, "only the three pages taken exist; the other 297 are still in the file");
        }
        foreach (var page in kept) page.Dispose();
        (PageImage.LiveCount - baseline).Should().Be(0);
    }
}
