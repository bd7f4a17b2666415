using CaptureChain.Capture.Barcodes;
using CaptureChain.Capture.Intake;
using CaptureChain.Capture.Rendering;
using CaptureChain.Capture.Sheets;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Tests;

public class SheetTests
{
    public static TheoryData<string, int, bool> RasterCases()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var sheet in new[] { "separator", "cover" })
            foreach (var dpi in new[] { 300, 200 })
                foreach (var bitonal in new[] { false, true })
                    data.Add(sheet, dpi, bitonal);
        return data;
    }

    private static BatchSheet Sheet(string kind) => kind == "separator" ? new SeparatorSheet() : new CoverSheet("APA-2024-00123");

    private static void ShouldCarryAllCodes(IReadOnlyList<Barcode> codes, BatchSheet sheet)
    {
        codes.Should().Contain(new Barcode(Symbologies.Code128, sheet.Payload));
        codes.Should().Contain(new Barcode(Symbologies.Qr, sheet.Payload));
        if (sheet is SeparatorSheet) codes.Should().Contain(new Barcode(Symbologies.Code39, sheet.Payload));
        codes.Select(c => c.Payload).Should().OnlyContain(p => p == sheet.Payload);
        SheetDetector.Interpret(codes).Should().Be(new SheetDetection(sheet, codes, false));
    }

    [Theory]
    [MemberData(nameof(RasterCases))]
    public void Painted_sheet_is_detected_from_a_noisy_scan(string kind, int dpi, bool bitonal)
    {
        var sheet = Sheet(kind);
        using var canvas = PageCanvas.Raster(dpi);
        SheetPainter.Paint(canvas, sheet);
        using var clean = canvas.ToPageImage();
        using var noisy = TestFiles.WithNoise(clean, seed: dpi + (bitonal ? 1 : 0));
        using var bw = bitonal ? noisy.ToBitonal() : null;
        var scan = bw ?? noisy;

        ShouldCarryAllCodes(BarcodeReader.Read(scan), sheet);
        SheetDetector.Detect(scan).Should().Be(sheet);
    }

    [Theory]
    [MemberData(nameof(RasterCases))]
    public async Task Printed_pdf_sheet_is_detected_after_rasterising(string kind, int dpi, bool bitonal)
    {
        using var scratch = new ScratchFolder();
        var sheet = Sheet(kind);
        var pdf = scratch.File("sheets.pdf");
        // The sheet under test is the second page, after a different one, to check page order too.
        BatchSheet other = sheet is SeparatorSheet ? new CoverSheet("PCH-2023-00042") : new SeparatorSheet();
        await SheetPrinter.PrintPdfAsync([other, sheet], pdf);

        var poppler = new PopplerTools();
        using var page = await poppler.RenderPageAsync(pdf, 2, dpi, bitonal ? PdfRenderMode.Mono : PdfRenderMode.Gray, CancellationToken.None);
        page.Depth.Should().Be(bitonal ? 1 : 8);
        page.Dpi.Should().Be(dpi);
        using var noisy = TestFiles.WithNoise(page, seed: 7, speckleShare: 0.001, jitter: 10);
        ShouldCarryAllCodes(BarcodeReader.Read(noisy), sheet);
    }

    [Fact]
    public async Task Printed_pdf_has_one_page_per_sheet_and_the_titles_as_text()
    {
        using var scratch = new ScratchFolder();
        var pdf = scratch.File("sheets.pdf");
        await SheetPrinter.PrintPdfAsync([new SeparatorSheet(), new CoverSheet("ASH-2022-07777"), new SeparatorSheet()], pdf);
        var poppler = new PopplerTools();
        var info = await poppler.InfoAsync(pdf, CancellationToken.None);
        info.Document!.PageCount.Should().Be(3);
        info.Document.Pages.Should().OnlyContain(p => Math.Abs(p.WidthPt - 595.28) < 1 && Math.Abs(p.HeightPt - 841.89) < 1);
        (await poppler.ExtractTextAsync(pdf, 1, CancellationToken.None)).Should().Contain("FEUILLE DE SÉPARATION");
        var cover = await poppler.ExtractTextAsync(pdf, 2, CancellationToken.None);
        cover.Should().Contain("BORDEREAU DE DOSSIER").And.Contain("ASH-2022-07777");
        Directory.GetFiles(scratch.Root).Should().ContainSingle("no temporary file is left behind");
    }

    [Fact]
    public async Task Cancelled_print_leaves_no_file()
    {
        using var scratch = new ScratchFolder();
        var pdf = scratch.File("never.pdf");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await FluentActions.Awaiting(() => SheetPrinter.PrintPdfAsync([new SeparatorSheet()], pdf, cts.Token)).Should().ThrowAsync<OperationCanceledException>();
        Directory.GetFiles(scratch.Root).Should().BeEmpty();
    }

    [Fact]
    public void Cover_sheet_with_a_non_ascii_case_number_still_reads_through_its_qr_code()
    {
        var sheet = new CoverSheet("ASE-2024-Hélène");
        using var canvas = PageCanvas.Raster(200);
        SheetPainter.Paint(canvas, sheet);
        using var page = canvas.ToPageImage();
        var codes = BarcodeReader.Read(page);
        codes.Should().ContainSingle().Which.Should().Be(new Barcode(Symbologies.Qr, sheet.Payload));
        SheetDetector.Detect(page).Should().Be(sheet);
    }

    [Theory]
    [InlineData("CCSEP", "separator", null)]
    [InlineData(" CCSEP\n", "separator", null)]
    [InlineData("CCCASE.APA-2024-00123", "cover", "APA-2024-00123")]
    [InlineData("CCCASE.", null, null)]
    [InlineData("CCSEPX", null, null)]
    [InlineData("ccsep", null, null)]
    [InlineData("3760001234567", null, null)]
    public void Payloads_parse_into_separator_or_cover(string payload, string? kind, string? caseNumber)
    {
        var sheet = BatchSheet.FromPayload(payload);
        switch (kind)
        {
            case "separator": sheet.Should().BeOfType<SeparatorSheet>(); break;
            case "cover": sheet.Should().Be(new CoverSheet(caseNumber!)); break;
            default: sheet.Should().BeNull(); break;
        }
    }

    [Fact]
    public void Page_with_two_different_sheets_is_flagged_as_conflicting_not_detected()
    {
        using var canvas = PageCanvas.Raster(300);
        BarcodePainter.Draw(canvas, Code128.Encode("CCCASE.APA-2024-00123"), 20, 30, 0.4, 20);
        BarcodePainter.Draw(canvas, QrCode.Encode("CCCASE.PCH-2021-00001"), 20, 100, 1.2);
        using var page = canvas.ToPageImage();
        var detection = SheetDetector.Inspect(page);
        detection.Conflicting.Should().BeTrue();
        detection.Sheet.Should().BeNull();
        detection.Barcodes.Should().HaveCount(2);
        SheetDetector.Detect(page).Should().BeNull();
    }

    [Fact]
    public void Foreign_barcode_on_a_document_is_not_a_sheet()
    {
        using var canvas = PageCanvas.Raster(300);
        TestFiles.DrawText(canvas, "Facture EHPAD Les Tilleuls");
        BarcodePainter.Draw(canvas, QrCode.Encode("https://example.org/facture/2024-118"), 150, 240, 1.0);
        using var page = canvas.ToPageImage();
        var detection = SheetDetector.Inspect(page);
        detection.Barcodes.Should().ContainSingle();
        detection.Sheet.Should().BeNull();
        detection.Conflicting.Should().BeFalse();
    }

    [Fact]
    public void Sheet_with_its_upper_codes_torn_off_still_reads_from_the_spare_code()
    {
        var sheet = new CoverSheet("PCH-2019-04521");
        using var canvas = PageCanvas.Raster(200);
        SheetPainter.Paint(canvas, sheet);
        canvas.SetGrey(1);
        canvas.FillRect(0, 0, PageCanvas.A4WidthMm, 200); // everything above 200 mm gone
        using var page = canvas.ToPageImage();
        BarcodeReader.Read(page).Should().ContainSingle().Which.Should().Be(new Barcode(Symbologies.Code128, sheet.Payload));
        SheetDetector.Detect(page).Should().Be(sheet);
    }

    [Fact]
    public void Sheet_scanned_upside_down_is_still_detected()
    {
        using var canvas = PageCanvas.Raster(200);
        SheetPainter.Paint(canvas, new SeparatorSheet());
        using var page = canvas.ToPageImage();
        using var turned = page.RotateQuarterTurns(2);
        using var sideways = page.RotateQuarterTurns(1);
        SheetDetector.Detect(turned).Should().Be(new SeparatorSheet());
        SheetDetector.Detect(sideways).Should().Be(new SeparatorSheet());
    }
}
