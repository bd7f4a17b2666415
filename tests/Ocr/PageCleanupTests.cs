namespace CaptureChain.Ocr.Tests;

/// <summary>One worker (engine + orientation engine) shared by the tests of a class.</summary>
public sealed class WorkerFixture : IDisposable
{
    public OcrWorker Worker { get; } = new();
    public void Dispose() => Worker.Dispose();
}

public sealed class PageCleanupTests(WorkerFixture fixture) : IClassFixture<WorkerFixture>
{
    private readonly OcrWorker _worker = fixture.Worker;
    private readonly PageCleanup _cleanup = new();

    [Theory]
    [InlineData(2, 180)] // upside down
    [InlineData(1, 270)] // turned a quarter clockwise: a quarter back (270 clockwise) makes it upright
    [InlineData(3, 90)]  // turned a quarter counter-clockwise
    public void Turned_page_is_detected_rotated_upright_and_read(int quarterTurnsClockwise, int expectedRotation)
    {
        using var letter = TestPages.Letter();
        using var turned = letter.RotateQuarterTurns(quarterTurnsClockwise);

        var outcome = _worker.Process(turned, null, CancellationToken.None);

        outcome.Cleanup.RotationDegrees.Should().Be(expectedRotation);
        outcome.Cleanup.OrientationConfidence.Should().BeGreaterThan(new PageCleanupOptions().MinOrientationConfidence);
        outcome.Cleanup.IsBlank.Should().BeFalse();
        outcome.Cleanup.RecognitionPasses.Should().BeInRange(2, 3, "the reading as scanned is doubtful, the turned one is kept");
        outcome.Result.Should().NotBeNull();
        TestPages.WordTexts(outcome.Result!).Should().Contain(["Hélène", "bénéficiaire", "Mérignac", "APA-2024-00123"]);
        outcome.Result!.Words.Where(w => w.Text.Length >= 4).Should().OnlyContain(w => w.Right - w.Left > w.Bottom - w.Top,
            "the kept reading is of the upright page: its words run across");
    }

    [Fact]
    public void Turned_page_comes_out_upright_in_its_pdf_page()
    {
        using var letter = TestPages.Letter();
        using var turned = letter.RotateQuarterTurns(1);
        var pdf = Path.Combine(Path.GetTempPath(), $"cc-turned-{Guid.NewGuid():N}.pdf");
        try
        {
            var outcome = _worker.Process(turned, pdf, CancellationToken.None);

            outcome.Result!.PdfPath.Should().Be(pdf);
            File.Exists(pdf + ".turn270").Should().BeFalse("only the kept reading's page is left");
            File.Exists(pdf + ".turn90").Should().BeFalse();
            var info = TestPages.Tool("pdfinfo", pdf);
            info.Should().Contain("595", "an A4 portrait page (595 x 842 pt), not a landscape one");
            info.Should().MatchRegex(@"Page size:\s+595[.\d]* x 84[12]");
        }
        finally
        {
            File.Delete(pdf);
        }
    }

    [Fact]
    public void Upright_page_is_left_as_it_is()
    {
        using var letter = TestPages.Letter();

        var outcome = _worker.Process(letter, null, CancellationToken.None);

        outcome.Cleanup.RotationDegrees.Should().Be(0);
        outcome.Cleanup.SkewDegrees.Should().Be(0);
        outcome.Cleanup.RecognitionPasses.Should().Be(1);
        outcome.Cleanup.OrientationConfidence.Should().Be(0, "a confident upright reading needs no orientation detection");
        TestPages.WordTexts(outcome.Result!).Should().Contain("Hélène");
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(-2.0)]
    public void Skewed_page_is_straightened_and_read(double degrees)
    {
        using var letter = TestPages.Letter();
        using var skewed = letter.RotateByDegrees(degrees);
        _cleanup.MeasureSkew(skewed).Degrees.Should().BeApproximately(-degrees, 0.2);

        using var cleaned = _cleanup.Clean(skewed, orientation: null);

        cleaned.Report.SkewDegrees.Should().BeApproximately(-degrees, 0.2);
        _cleanup.MeasureSkew(cleaned.Image).Degrees.Should().BeApproximately(0, 0.15);
        var outcome = _worker.Process(skewed, null, CancellationToken.None);
        outcome.Cleanup.SkewDegrees.Should().BeApproximately(-degrees, 0.2);
        TestPages.WordTexts(outcome.Result!).Should().Contain(["Hélène", "bénéficiaire", "personnalisée"]);
    }

    [Fact]
    public void Small_skew_is_left_alone()
    {
        using var letter = TestPages.Letter();
        using var barely = letter.RotateByDegrees(0.1);

        using var cleaned = _cleanup.Clean(barely, orientation: null);

        cleaned.Report.SkewDegrees.Should().Be(0);
        cleaned.Image.Should().BeSameAs(barely);
    }

    [Fact]
    public void Blank_sheet_with_sensor_noise_is_blank_and_not_recognised()
    {
        using var blank = TestPages.BlankSheet();

        var outcome = _worker.Process(blank, Path.Combine(Path.GetTempPath(), $"never-{Guid.NewGuid():N}.pdf"), CancellationToken.None);

        outcome.Cleanup.IsBlank.Should().BeTrue();
        outcome.Cleanup.InkShare.Should().Be(0);
        outcome.Result.Should().BeNull();
    }

    [Theory]
    [InlineData(0.85)]
    [InlineData(0.78)]
    public void Duplex_back_with_light_bleed_through_is_blank(double grey)
    {
        using var back = TestPages.BleedThrough(grey);
        // The bleed-through is really there: a threshold near the paper colour would see it.
        new PageCleanup(new PageCleanupOptions(BlankThreshold: 235)).MeasureInk(back).IsBlank.Should().BeFalse();

        var ink = _cleanup.MeasureInk(back);

        ink.IsBlank.Should().BeTrue();
        ink.Components.Should().BeLessThanOrEqualTo(new PageCleanupOptions().BlankMaxComponents);
    }

    [Theory]
    [InlineData(3, 0.0)] // a few lines of black text
    [InlineData(1, 0.0)] // a single line
    [InlineData(3, 0.6)] // pale print (grey 153): must not be taken for bleed-through
    public void Page_with_a_few_lines_is_not_blank(int lines, double grey)
    {
        using var letter = TestPages.Letter(lines: lines, grey: grey);
        using var scanned = TestPages.OnPaper(letter, noise: 4, mirror: false, seed: 7);

        var ink = _cleanup.MeasureInk(scanned);

        ink.IsBlank.Should().BeFalse();
        ink.Components.Should().BeGreaterThan(10 * lines);
        ink.InkShare.Should().BeGreaterThan(new PageCleanupOptions().BlankMaxInkShare);
    }

    [Fact]
    public void Light_text_page_goes_through_recognition()
    {
        using var letter = TestPages.Letter(lines: 3);
        using var scanned = TestPages.OnPaper(letter, noise: 4, mirror: false, seed: 8);

        var outcome = _worker.Process(scanned, null, CancellationToken.None);

        outcome.Cleanup.IsBlank.Should().BeFalse();
        TestPages.WordTexts(outcome.Result!).Should().Contain(["Hélène", "Dupré", "personnalisée"]);
    }

    [Fact]
    public void Page_dotted_all_over_is_not_called_blank_even_though_the_opening_wipes_the_dots()
    {
        using var noise = TestPages.Noise(0.1, width: 1240, height: 1754);

        var ink = _cleanup.MeasureInk(noise);

        ink.InkShare.Should().BeLessThan(new PageCleanupOptions().BlankMaxInkShare); // the dots are gone...
        ink.RawInkShare.Should().BeApproximately(0.1, 0.01);                       // ...but they were there
        ink.IsBlank.Should().BeFalse();
    }

    [Fact]
    public void Tiny_image_is_rejected_by_the_worker_with_a_reason_code()
    {
        using var tiny = CaptureChain.Ocr.Imaging.PageImage.FromGray8(new byte[25], 5, 5, 5, 300);

        var outcome = _worker.Process(tiny, null, CancellationToken.None);

        outcome.Rejection.Should().Be("image_too_small");
        outcome.Result.Should().BeNull();
    }
}
