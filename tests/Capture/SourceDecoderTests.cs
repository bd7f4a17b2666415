using System.Diagnostics;
using CaptureChain.Capture.Intake;
using CaptureChain.Capture.Rendering;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Tests;

public sealed class SourceDecoderTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    private readonly SourceDecoder _decoder = new();

    public void Dispose() => _scratch.Dispose();

    /// <summary>The file's fate: the rejection code from inspection or from streaming, or null when every page decoded.</summary>
    private async Task<string?> OutcomeAsync(string path)
    {
        var inspection = await _decoder.InspectAsync(path, CancellationToken.None);
        if (!inspection.IsAccepted) return inspection.Rejection!.Code;
        try
        {
            await foreach (var page in _decoder.ReadPagesAsync(path, CancellationToken.None)) page.Dispose();
            return null;
        }
        catch (SourceRejectedException e) { return e.Rejection.Code; }
    }

    private static PageImage[] Pages(int count, int dpi = 100) =>
        Enumerable.Range(1, count).Select(i => TestFiles.TextPage(dpi, $"Page {i} sur {count}")).ToArray();

    private string MultipageTiff(string name, int count, ImageFileFormat compression, int dpi = 100)
    {
        var path = _scratch.File(name);
        var pages = Pages(count, dpi);
        try { PageImage.SaveMultipageTiff(path, pages, compression); }
        finally { foreach (var p in pages) p.Dispose(); }
        return path;
    }

    private string Write(string name, byte[] bytes)
    {
        var path = _scratch.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private byte[] Jpeg()
    {
        using var page = TestFiles.TextPage(150, "Relevé d'identité bancaire");
        return page.Encode(ImageFileFormat.Jpeg);
    }

    [Theory]
    [InlineData(ImageFileFormat.TiffG4)]
    [InlineData(ImageFileFormat.TiffLzw)]
    [InlineData(ImageFileFormat.TiffJpeg)]
    public async Task Multipage_tiff_streams_its_pages_in_order(ImageFileFormat compression)
    {
        var path = MultipageTiff("lot.tif", 4, compression);
        var inspection = _decoder.Inspect(path);
        inspection.Should().Be(new SourceInspection(Path.GetFullPath(path), SourceFormat.Tiff, 4, null));

        var seen = new List<int>();
        await foreach (var page in _decoder.ReadPagesAsync(path, CancellationToken.None))
        {
            using (page)
            {
                page.PageCount.Should().Be(4);
                page.TextLayer.Should().BeNull();
                page.Image.Width.Should().Be(827, "an A4 page at 100 dpi");
                page.Image.Depth.Should().Be(compression == ImageFileFormat.TiffG4 ? 1 : 8);
                seen.Add(page.PageNumber);
            }
        }
        seen.Should().Equal(1, 2, 3, 4);
    }

    [Fact]
    public async Task Tiff_pages_are_decoded_lazily_one_at_a_time()
    {
        // Page 3's compressed data is garbage but inside the file: structure checks pass, decoding page 3 fails.
        // Pages 1 and 2 must already have been handed out by then, which proves the reader does not decode ahead.
        var path = MultipageTiff("lazy.tif", 4, ImageFileFormat.TiffLzw);
        var bytes = File.ReadAllBytes(path);
        // Leptonica writes each page's strips then its directory, pages in order and of similar size: the span from
        // 9/16 to 10/16 of the file lies inside page 3's compressed strips.
        var start = bytes.Length * 9 / 16;
        new Random(5).NextBytes(bytes.AsSpan(start, bytes.Length / 16));
        File.WriteAllBytes(path, bytes);

        var yielded = new List<int>();
        var act = async () =>
        {
            await foreach (var page in _decoder.ReadPagesAsync(path, CancellationToken.None))
                using (page) yielded.Add(page.PageNumber);
        };
        (await act.Should().ThrowAsync<SourceRejectedException>()).Which.Rejection.Code.Should().Be(SourceRejectionCodes.CorruptImage);
        yielded.Should().NotBeEmpty().And.OnlyContain(n => n < 4);
    }

    [Fact]
    public async Task Zero_byte_file_is_empty_file()
    {
        var path = Write("scan_0001.tif", []);
        (await OutcomeAsync(path)).Should().Be(SourceRejectionCodes.EmptyFile);
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    [InlineData(0.8)]
    [InlineData(0.999)]
    public async Task Cut_multipage_tiff_is_truncated_image(double keep)
    {
        var path = MultipageTiff("cut.tif", 3, ImageFileFormat.TiffLzw);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
        (await OutcomeAsync(path)).Should().Be(SourceRejectionCodes.TruncatedImage);
        var inspection = _decoder.Inspect(path);
        inspection.Format.Should().Be(SourceFormat.Tiff);
        inspection.Rejection!.Message.Should().Contain("TIFF tronqué");
    }

    [Fact]
    public async Task Cut_jpeg_is_truncated_image()
    {
        var jpeg = Jpeg();
        var path = Write("cut.jpg", jpeg[..(jpeg.Length * 2 / 3)]);
        (await OutcomeAsync(path)).Should().Be(SourceRejectionCodes.TruncatedImage);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Jpeg_with_bytes_overwritten_in_the_middle_is_corrupt_image(int seed)
    {
        var jpeg = Jpeg();
        new Random(seed).NextBytes(jpeg.AsSpan(jpeg.Length / 2, 64));
        var path = Write("corrupt.jpg", jpeg);
        (await OutcomeAsync(path)).Should().Be(SourceRejectionCodes.CorruptImage);
    }

    [Fact]
    public async Task Jpeg_with_zeroed_middle_and_cut_end_is_rejected()
    {
        var jpeg = Jpeg();
        jpeg.AsSpan(jpeg.Length / 3, 200).Clear();
        var path = Write("zeroed.jpg", jpeg[..(jpeg.Length - 100)]);
        (await OutcomeAsync(path)).Should().BeOneOf(SourceRejectionCodes.TruncatedImage, SourceRejectionCodes.CorruptImage);
    }

    [Fact]
    public async Task Intact_jpeg_and_png_decode_as_one_page_with_their_dpi()
    {
        var jpegPath = Write("rib.jpg", Jpeg());
        using var page = TestFiles.TextPage(150, "Quittance de loyer");
        var pngPath = _scratch.File("quittance.png");
        page.Save(pngPath, ImageFileFormat.Png);

        foreach (var (path, format) in new[] { (jpegPath, SourceFormat.Jpeg), (pngPath, SourceFormat.Png) })
        {
            _decoder.Inspect(path).Should().Be(new SourceInspection(Path.GetFullPath(path), format, 1, null));
            var pages = new List<DecodedPage>();
            await foreach (var p in _decoder.ReadPagesAsync(path, CancellationToken.None)) pages.Add(p);
            pages.Should().ContainSingle();
            using var only = pages[0];
            only.PageNumber.Should().Be(1);
            only.Image.Width.Should().Be(page.Width);
            only.Image.Height.Should().Be(page.Height);
            only.Image.Dpi.Should().Be(150);
        }
    }

    [Fact]
    public async Task Png_cut_or_damaged_is_rejected()
    {
        using var page = TestFiles.TextPage(100, "Certificat médical");
        var png = page.Encode(ImageFileFormat.Png);
        (await OutcomeAsync(Write("cut.png", png[..(png.Length / 2)]))).Should().Be(SourceRejectionCodes.TruncatedImage);
        var damaged = (byte[])png.Clone();
        damaged[png.Length / 2] ^= 0x5A;
        (await OutcomeAsync(Write("damaged.png", damaged))).Should().Be(SourceRejectionCodes.CorruptImage);
    }

    [Fact]
    public async Task Png_announcing_30000_by_30000_is_refused_from_its_header()
    {
        var path = Write("bomb.png", CaptureChain.Corpus.Output.BadInputs.PngHeaderOnly(30000, 30000));
        var inspection = _decoder.Inspect(path);
        inspection.Rejection!.Code.Should().Be(SourceRejectionCodes.ImageTooLarge);
        inspection.Rejection.Message.Should().Contain("30000 × 30000");
        // Streaming refuses it the same way instead of allocating 900 megapixels.
        (await OutcomeAsync(path)).Should().Be(SourceRejectionCodes.ImageTooLarge);

        // Control: the same hand-made PNG at a sane size passes the guard and decodes.
        var small = Write("small.png", CaptureChain.Corpus.Output.BadInputs.PngHeaderOnly(40, 1));
        (await OutcomeAsync(small)).Should().BeNull();
    }

    [Fact]
    public async Task Tiff_page_announcing_an_oversized_image_is_refused()
    {
        // A valid two-page TIFF whose second directory is patched to claim 30000 × 30000 pixels.
        var path = MultipageTiff("bomb.tif", 2, ImageFileFormat.TiffG4);
        var bytes = File.ReadAllBytes(path);
        var first = BitConverter.ToUInt32(bytes, 4);
        var second = BitConverter.ToUInt32(bytes, (int)(first + 2 + BitConverter.ToUInt16(bytes, (int)first) * 12));
        var entries = BitConverter.ToUInt16(bytes, (int)second);
        var patched = 0;
        for (var e = 0; e < entries; e++)
        {
            var at = (int)second + 2 + e * 12;
            var tag = BitConverter.ToUInt16(bytes, at);
            if (tag is not (256 or 257)) continue;
            var type = BitConverter.ToUInt16(bytes, at + 2);
            if (type == 3) BitConverter.TryWriteBytes(bytes.AsSpan(at + 8, 2), (ushort)30000);
            else BitConverter.TryWriteBytes(bytes.AsSpan(at + 8, 4), 30000u);
            patched++;
        }
        patched.Should().Be(2);
        File.WriteAllBytes(path, bytes);
        var inspection = _decoder.Inspect(path);
        inspection.Rejection!.Code.Should().Be(SourceRejectionCodes.ImageTooLarge);
        inspection.Rejection.Message.Should().Contain("page 2");
    }

    [Fact]
    public async Task Password_protected_pdf_is_pdf_encrypted()
    {
        var plain = _scratch.File("plain.pdf");
        using (var canvas = PageCanvas.Pdf(plain)) TestFiles.DrawText(canvas, "Jugement de tutelle");
        var locked = _scratch.File("locked.pdf");
        using (var qpdf = Process.Start("qpdf", ["--encrypt", "user", "owner", "256", "--", plain, locked])) await qpdf.WaitForExitAsync();
        File.Exists(locked).Should().BeTrue();
        (await OutcomeAsync(plain)).Should().BeNull("the same PDF without a password reads");
        (await OutcomeAsync(locked)).Should().Be(SourceRejectionCodes.PdfEncrypted);
        (await _decoder.InspectAsync(locked, CancellationToken.None)).Rejection!.Message.Should().Contain("mot de passe");

        // Encrypted with an empty user password (permissions only) opens without asking: it is read normally.
        var restricted = _scratch.File("restricted.pdf");
        using (var qpdf = Process.Start("qpdf", ["--encrypt", "", "owner", "256", "--", plain, restricted])) await qpdf.WaitForExitAsync();
        (await OutcomeAsync(restricted)).Should().BeNull();
    }

    [Fact]
    public async Task Text_file_named_pdf_is_not_a_pdf_and_named_txt_is_unsupported()
    {
        var text = "Bonjour, voici ma demande.\n"u8.ToArray();
        (await OutcomeAsync(Write("demande.pdf", text))).Should().Be(SourceRejectionCodes.NotAPdf);
        (await OutcomeAsync(Write("demande.txt", text))).Should().Be(SourceRejectionCodes.UnsupportedFormat);
        (await OutcomeAsync(Write("photo.gif", "GIF89a\u0001\u0000\u0001\u0000"u8.ToArray()))).Should().Be(SourceRejectionCodes.UnsupportedFormat);
    }

    [Fact]
    public async Task Format_comes_from_magic_bytes_not_the_extension()
    {
        var tiff = MultipageTiff("really-a-tiff.pdf", 2, ImageFileFormat.TiffG4);
        _decoder.Inspect(tiff).Should().Match<SourceInspection>(i => i.Format == SourceFormat.Tiff && i.PageCount == 2 && i.IsAccepted);
        var jpeg = Write("really-a-jpeg.png", Jpeg());
        (await _decoder.InspectAsync(jpeg, CancellationToken.None)).Format.Should().Be(SourceFormat.Jpeg);
        (await OutcomeAsync(jpeg)).Should().BeNull();
    }

    [Fact]
    public async Task Pdf_cut_in_half_is_pdf_unreadable_or_still_read()
    {
        var path = _scratch.File("half.pdf");
        using (var canvas = PageCanvas.Pdf(path)) TestFiles.DrawText(canvas, "Notification de décision");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..20]);
        (await OutcomeAsync(path)).Should().Be(SourceRejectionCodes.PdfUnreadable);
    }

    [Fact]
    public async Task Pdf_with_text_layer_yields_it_and_a_low_dpi_raster()
    {
        var path = _scratch.File("born-digital.pdf");
        using (var canvas = PageCanvas.Pdf(path))
        {
            TestFiles.DrawText(canvas, "Notification de décision APA");
            canvas.NextPage();
            TestFiles.DrawText(canvas, "Plan d'aide proposé");
            canvas.NextPage();
            canvas.Text(20, 30, "Annexe", 18); // too few words: needs OCR
        }
        var pages = new List<DecodedPage>();
        await foreach (var p in _decoder.ReadPagesAsync(path, CancellationToken.None)) pages.Add(p);
        try
        {
            pages.Select(p => (p.PageNumber, p.PageCount)).Should().Equal((1, 3), (2, 3), (3, 3));
            pages[0].TextLayer.Should().Contain("Notification de décision APA").And.Contain("allocation personnalisée");
            pages[1].TextLayer.Should().Contain("Plan d'aide proposé");
            pages[0].Image.Dpi.Should().Be(150);
            pages[0].Image.Width.Should().BeCloseTo(1240, 2, "A4 at 150 dpi");
            pages[2].TextLayer.Should().BeNull("one word is not a usable text layer");
            pages[2].Image.Dpi.Should().Be(300);
            pages[2].Image.Width.Should().BeCloseTo(2480, 2);
        }
        finally { foreach (var p in pages) p.Dispose(); }
    }

    [Fact]
    public async Task Scanned_image_only_pdf_yields_no_text_layer_and_300_dpi_pages()
    {
        var path = _scratch.File("scanned.pdf");
        var images = Pages(2, dpi: 150);
        try { CaptureChain.Corpus.Output.ScannedPdfWriter.Write(path, images); }
        finally { foreach (var i in images) i.Dispose(); }

        _decoder.Inspect(path).Should().Match<SourceInspection>(i => i.Format == SourceFormat.Pdf && i.PageCount == 2 && i.IsAccepted);
        var count = 0;
        await foreach (var page in _decoder.ReadPagesAsync(path, CancellationToken.None))
        {
            using (page)
            {
                count++;
                page.TextLayer.Should().BeNull();
                page.Image.Dpi.Should().Be(300);
                page.Image.Depth.Should().Be(8);
                page.Image.Height.Should().BeCloseTo(3508, 2);
                // The scan's content really is there: the page is not blank.
                page.Image.ToGray8Bytes().Count(v => v < 128).Should().BeGreaterThan(1000);
            }
        }
        count.Should().Be(2);
    }

    [Fact]
    public async Task Reading_is_cancellable()
    {
        var path = _scratch.File("long.pdf");
        using (var canvas = PageCanvas.Pdf(path))
            for (var i = 0; i < 5; i++) { if (i > 0) canvas.NextPage(); canvas.Text(20, 30, $"Page {i + 1}", 18); }
        using var cts = new CancellationTokenSource();
        var read = 0;
        var act = async () =>
        {
            await foreach (var page in _decoder.ReadPagesAsync(path, cts.Token))
            {
                page.Dispose();
                if (++read == 2) await cts.CancelAsync();
            }
        };
        await act.Should().ThrowAsync<OperationCanceledException>();
        read.Should().Be(2);
    }

    [Fact]
    public void Text_layer_rule_counts_real_words_not_numbers_or_glyph_soup()
    {
        _decoder.HasEnoughWords(TestFiles.FrenchParagraph).Should().BeTrue();
        _decoder.HasEnoughWords("Annexe 3").Should().BeFalse();
        _decoder.HasEnoughWords(string.Join(' ', Enumerable.Range(0, 200).Select(i => (i * 7919).ToString()))).Should().BeFalse();
        _decoder.HasEnoughWords(string.Concat(Enumerable.Repeat("x$ #k 1l ~~ ", 100)) + TestFiles.FrenchParagraph[..40]).Should().BeFalse();
    }
}
