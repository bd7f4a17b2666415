using System.Diagnostics;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Ocr.Tests;

/// <summary>One shared engine for the tests of a class: loading the models once keeps the suite fast.</summary>
public sealed class EngineFixture : IDisposable
{
    public OcrEngine Engine { get; } = new();
    public string Folder { get; } = Directory.CreateTempSubdirectory("ocr-tests-").FullName;
    public void Dispose()
    {
        Engine.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}

public sealed class OcrEngineTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly OcrEngine _engine = fixture.Engine;
    private string PdfPath(string name) => Path.Combine(fixture.Folder, name + ".pdf");

    [Fact]
    public void Native_environment_limits_OpenMP_to_one_thread_per_engine()
    {
        OcrEngine.NativeThreadLimit.Should().Be(1);
        OcrEngine.TesseractVersion.Should().StartWith("5.");
    }

    [Fact]
    public void Missing_language_model_is_a_clear_setup_error()
    {
        var act = () => new OcrEngine(new OcrOptions(Languages: "xyz"));

        act.Should().Throw<OcrEngineException>().WithMessage("*'xyz'*");
    }

    [Fact]
    public void French_letter_is_read_with_its_accents_and_word_boxes()
    {
        using var page = TestPages.Letter();

        var result = _engine.Recognize(page, null, CancellationToken.None);

        var words = TestPages.WordTexts(result);
        words.Should().Contain(TestPages.AccentedWords);
        result.MeanConfidence.Should().BeGreaterThan(80);
        result.DeadlineExceeded.Should().BeFalse();
        result.PdfPath.Should().BeNull();

        // "Hélène" sits on the second line, right of the left margin: its box must be there.
        var helene = result.Words.Single(w => w.Text == "Hélène");
        var baseline = TestPages.MmToPixels(TestPages.BaselineMm(1));
        helene.Top.Should().BeLessThan(baseline - 20);
        helene.Bottom.Should().BeInRange(baseline - 3, baseline + 6);
        helene.Left.Should().BeGreaterThan(TestPages.MmToPixels(TestPages.LeftMm));
        helene.Right.Should().BeGreaterThan(helene.Left + 60);
        helene.Confidence.Should().BeGreaterThan(80);
    }

    [Fact]
    public void Searchable_pdf_page_carries_the_text_layer_and_A4_size_when_the_page_has_no_dpi()
    {
        using var page = TestPages.Letter();
        page.Dpi = 0; // as most scanners deliver: the configured 300 dpi must apply, never Tesseract's 70
        var pdf = PdfPath("no-dpi");

        var result = _engine.Recognize(page, pdf, CancellationToken.None);

        result.PdfPath.Should().Be(pdf);
        File.Exists(pdf).Should().BeTrue();
        Directory.GetFiles(fixture.Folder, ".*").Should().BeEmpty("the temporary file is moved into place");
        var text = Poppler.Text(pdf);
        text.Should().Contain("Hélène").And.Contain("bénéficiaire").And.Contain("APA-2024-00123");
        var (width, height, pages) = Poppler.PageSize(pdf);
        pages.Should().Be(1);
        width.Should().BeApproximately(595.3, 1.0);
        height.Should().BeApproximately(841.9, 1.0);
    }

    [Fact]
    public void Pdf_page_size_follows_the_page_resolution()
    {
        using var page = TestPages.Letter(dpi: 200);
        page.Dpi.Should().Be(200);
        var pdf = PdfPath("200-dpi");

        var result = _engine.Recognize(page, pdf, CancellationToken.None);

        TestPages.WordTexts(result).Should().Contain(["Hélène", "bénéficiaire"]);
        var (width, height, _) = Poppler.PageSize(pdf);
        width.Should().BeApproximately(595.3, 1.0);
        height.Should().BeApproximately(841.9, 1.0);
    }

    [Fact]
    public void Bitonal_pages_embed_as_G4_and_clean_grey_pages_losslessly()
    {
        using var grey = TestPages.Letter();
        using var bitonal = grey.ToBitonal();
        var greyPdf = PdfPath("grey");
        var bitonalPdf = PdfPath("bitonal");

        var greyResult = _engine.Recognize(grey, greyPdf, CancellationToken.None);
        var bitonalResult = _engine.Recognize(bitonal, bitonalPdf, CancellationToken.None);

        Poppler.ImageEncodings(bitonalPdf).Should().Equal("ccitt");
        Poppler.ImageEncodings(greyPdf).Should().Equal("image"); // Flate: smaller than JPEG on a clean page
        TestPages.WordTexts(bitonalResult).Should().Contain(["Hélène", "Mérignac"]);
        TestPages.WordTexts(greyResult).Should().Contain(["Hélène", "Mérignac"]);
        new FileInfo(bitonalPdf).Length.Should().BeLessThan(new FileInfo(greyPdf).Length);
    }

    [Fact]
    public void Noisy_grey_scan_embeds_as_JPEG_when_that_is_smaller()
    {
        using var letter = TestPages.Letter();
        using var scan = TestPages.OnPaper(letter, noise: 6, mirror: false, seed: 5);
        var pdf = PdfPath("noisy-scan");

        _engine.Recognize(scan, pdf, CancellationToken.None);

        Poppler.ImageEncodings(pdf).Should().Equal("jpeg");
    }

    [Fact]
    public void Tiny_image_is_refused_with_a_reason_code_before_Tesseract_sees_it()
    {
        using var tiny = PageImage.FromGray8(new byte[25], 5, 5, 5, 300);

        var act = () => _engine.Recognize(tiny, PdfPath("tiny"), CancellationToken.None);

        act.Should().Throw<PageImageRejectedException>().Which.ReasonCode.Should().Be("image_too_small");
        File.Exists(PdfPath("tiny")).Should().BeFalse();
        PageImageLimits.Check(30000, 100).Should().Be("image_too_large");
        PageImageLimits.Check(10, 10).Should().BeNull();
        // The engine is unharmed.
        using var card = TestPages.Card("APA-2023-00077", "Émile Durand");
        TestPages.WordTexts(_engine.Recognize(card, null, CancellationToken.None)).Should().Contain("APA-2023-00077");
    }

    [Fact]
    public async Task Cancellation_stops_the_native_recognition_and_throws()
    {
        using var engine = new OcrEngine();
        using var dense = TestPages.Dense();
        using var cancel = new CancellationTokenSource();

        var recognition = Task.Run(() => engine.Recognize(dense, PdfPath("cancelled"), cancel.Token));
        // Cancel once Tesseract is reading words (layout analysis, which ignores the monitor, is over).
        while (engine.RecognitionProgress < 5 && !recognition.IsCompleted) await Task.Delay(10);
        recognition.IsCompleted.Should().BeFalse("a dense page takes seconds to read");
        var clock = Stopwatch.StartNew();
        cancel.Cancel();

        var act = () => recognition;

        await act.Should().ThrowAsync<OperationCanceledException>();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        File.Exists(PdfPath("cancelled")).Should().BeFalse();
        // Tesseract honoured the cancel callback within the grace period, so the engine was not abandoned.
        engine.IsUsable.Should().BeTrue();
        using var card = TestPages.Card("APA-2022-00042", "Léa Martin");
        TestPages.WordTexts(engine.Recognize(card, null, CancellationToken.None)).Should().Contain("APA-2022-00042");
    }
}
