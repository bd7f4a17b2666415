using CaptureChain.Capture.Barcodes;
using CaptureChain.Capture.Rendering;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Tests;

public class BarcodeTests
{
    private static IReadOnlyList<Barcode> RenderAndRead(Action<PageCanvas> draw, int dpi = 300)
    {
        using var canvas = PageCanvas.Raster(dpi);
        draw(canvas);
        using var page = canvas.ToPageImage();
        return BarcodeReader.Read(page);
    }

    [Theory]
    [InlineData("CCSEP")]
    [InlineData("CCCASE.APA-2024-00123")]
    [InlineData("123456")]          // all digits: starts in code set C
    [InlineData("12345ABC")]        // odd leading digit run
    [InlineData("AB1234567890CD")]  // long inner run: switch to C and back to B
    [InlineData("X-00123")]         // digits at the end, odd run
    [InlineData("case pch/2023 #7 {ok}~")] // lower case and punctuation in code set B
    public void Code128_round_trips_through_zbar(string text)
    {
        var code = Code128.Encode(text);
        var read = RenderAndRead(c => BarcodePainter.Draw(c, code, 20, 40, 0.4, 20));
        read.Should().ContainSingle().Which.Should().Be(new Barcode(Symbologies.Code128, text));
    }

    [Fact]
    public void Code128_uses_code_set_C_for_digit_runs_and_every_symbol_spans_11_modules()
    {
        var digits = Code128.Values("12345678");
        digits[0].Should().Be(105, "a text of 4+ leading digits starts in code set C");
        digits.Should().HaveCount(1 + 4 + 1 + 1, "8 digits pack into 4 symbols, plus start, check and stop");
        Code128.Values("ABCDEF").Should().HaveCount(1 + 6 + 1 + 1);

        var code = Code128.Encode("CCCASE.APA-2024-00123");
        code.Modules.Should().Be(11 * Code128.Values("CCCASE.APA-2024-00123").Count + 2);
        (code.Widths.Count % 2).Should().Be(1, "a linear code starts and ends with a bar");
    }

    [Fact]
    public void Code128_refuses_text_outside_printable_ascii()
    {
        Code128.CanEncode("APA-2024-00123").Should().BeTrue();
        Code128.CanEncode("Dossier é").Should().BeFalse();
        FluentActions.Invoking(() => Code128.Encode("é")).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Code39_round_trips_its_whole_alphabet_through_zbar()
    {
        // Split into chunks so each code stays short enough for the page at a readable module.
        var chunks = Code39.Alphabet.Chunk(11).Select(c => new string(c)).ToList();
        var read = RenderAndRead(c =>
        {
            for (var i = 0; i < chunks.Count; i++)
                BarcodePainter.Draw(c, Code39.Encode(chunks[i]), 20, 20 + i * 40, 0.4, 20);
        });
        read.Should().BeEquivalentTo(chunks.Select(t => new Barcode(Symbologies.Code39, t)));
    }

    [Fact]
    public void Code39_refuses_lower_case()
    {
        Code39.CanEncode("CCSEP").Should().BeTrue();
        Code39.CanEncode("ccsep").Should().BeFalse();
    }

    [Theory]
    [InlineData("CCSEP")]
    [InlineData("CCCASE.APA-2024-00123")]
    [InlineData("CCCASE.Dossier n° 12 – Hélène")]
    public void Qr_round_trips_through_zbar_including_utf8(string text)
    {
        var qr = QrCode.Encode(text);
        var read = RenderAndRead(c => BarcodePainter.Draw(c, qr, 40, 40, 1.0));
        read.Should().ContainSingle().Which.Should().Be(new Barcode(Symbologies.Qr, text));
    }

    [Fact]
    public void Ordinary_text_page_yields_no_barcode()
    {
        using var page = TestFiles.TextPage(300, "Avis d'imposition 2024 sur les revenus 2023");
        BarcodeReader.Read(page).Should().BeEmpty();
    }

    [Fact]
    public void Ean13_is_not_reported_because_it_is_disabled()
    {
        // EAN-13 "4006381333931" drawn by hand from its standard L/G/R patterns.
        string[] l = ["0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"];
        string[] g = ["0100111", "0110011", "0011011", "0100001", "0011101", "0111001", "0000101", "0010001", "0001001", "0010111"];
        string[] r = ["1110010", "1100110", "1101100", "1000010", "1011100", "1001110", "1010000", "1000100", "1001000", "1110100"];
        string[] parity = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"];
        const string digits = "4006381333931";
        var bits = "101";
        for (var i = 1; i <= 6; i++) bits += (parity[digits[0] - '0'][i - 1] == 'L' ? l : g)[digits[i] - '0'];
        bits += "01010";
        for (var i = 7; i <= 12; i++) bits += r[digits[i] - '0'];
        bits += "101";
        using var canvas = PageCanvas.Raster(300);
        for (var i = 0; i < bits.Length; i++)
            if (bits[i] == '1') canvas.FillRect(40 + i * 0.4, 40, 0.4, 25);
        using var page = canvas.ToPageImage();
        BarcodeReader.Read(page).Should().BeEmpty();

        // Control: the drawing is a valid EAN-13 that zbar reads when EAN is enabled (zbarimg enables everything).
        using var scratch = new ScratchFolder();
        var png = scratch.File("ean.png");
        page.Save(png, ImageFileFormat.Png);
        var zbarimg = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("zbarimg", ["--raw", "-q", png]) { RedirectStandardOutput = true })!;
        var output = zbarimg.StandardOutput.ReadToEnd();
        zbarimg.WaitForExit();
        output.Trim().Should().Be(digits);
    }

    [Fact]
    public void Reads_a_bitonal_page()
    {
        using var canvas = PageCanvas.Raster(200);
        BarcodePainter.Draw(canvas, Code128.Encode("CCSEP"), 30, 30, 0.4, 20);
        using var grey = canvas.ToPageImage();
        using var bitonal = grey.ToBitonal();
        bitonal.Depth.Should().Be(1);
        BarcodeReader.Read(bitonal).Should().ContainSingle().Which.Payload.Should().Be("CCSEP");
    }
}
