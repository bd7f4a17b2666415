using CaptureChain.Capture.Intake;
using CaptureChain.Pipeline.Outcomes;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Stages;

namespace CaptureChain.Pipeline.Tests;

public sealed class SeparationStageTests
{
    private static (int First, int Last, int[] Kept, string? Case) Shape(CapturedDocument d) =>
        (d.FirstPage, d.LastPage, d.Pages.Select(p => p.PageNumber).ToArray(), d.CoverCaseNumber);

    // ---- Cut: the pure cutting rule ----

    [Fact]
    public void Separators_end_documents_and_are_not_kept()
    {
        var source = Build.Source();
        var documents = SeparationStage.Cut(source, Build.Pages(source, "c", "c", "s", "c", "s", "c", "c", "c"));

        documents.Select(Shape).Should().BeEquivalentTo(new[]
        {
            (1, 2, new[] { 1, 2 }, (string?)null),
            (4, 4, new[] { 4 }, (string?)null),
            (6, 8, new[] { 6, 7, 8 }, (string?)null),
        }, o => o.WithStrictOrdering());
        documents.Should().OnlyContain(d => d.Source == source);
        documents.SelectMany(d => d.Pages).Should().OnlyContain(p => p.Role == PageRole.Content);
    }

    [Fact]
    public void A_cover_sheet_sets_the_case_of_every_following_document_until_the_next_cover()
    {
        var source = Build.Source();
        var documents = SeparationStage.Cut(source,
            Build.Pages(source, "C:APA-2024-00123", "c", "c", "s", "c", "C:PCH-2023-00042", "c", "s", "c"));

        documents.Select(Shape).Should().BeEquivalentTo(new[]
        {
            (2, 3, new[] { 2, 3 }, (string?)"APA-2024-00123"),
            (5, 5, new[] { 5 }, (string?)"APA-2024-00123"), // a separator does not end the cover's reach
            (7, 7, new[] { 7 }, (string?)"PCH-2023-00042"),
            (9, 9, new[] { 9 }, (string?)"PCH-2023-00042"),
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public void A_cover_sheet_in_the_middle_of_a_document_ends_it()
    {
        var source = Build.Source();
        var documents = SeparationStage.Cut(source, Build.Pages(source, "c", "c", "C:ASH-2022-00007", "c"));

        documents.Select(Shape).Should().BeEquivalentTo(new[]
        {
            (1, 2, new[] { 1, 2 }, (string?)null),
            (4, 4, new[] { 4 }, (string?)"ASH-2022-00007"),
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Documents_before_any_cover_take_the_case_of_the_capture_defaults()
    {
        var source = Build.Source(defaults: new CaptureDefaults(CaseNumber: "APA-2021-00999", Operator: "op1", Station: "guichet"));
        var documents = SeparationStage.Cut(source, Build.Pages(source, "c", "s", "c", "C:PCH-2023-00042", "c"));

        documents.Select(d => (d.FirstPage, d.CoverCaseNumber)).Should().Equal(
            (1, "APA-2021-00999"), (3, "APA-2021-00999"), (5, "PCH-2023-00042"));
    }

    [Fact]
    public void Blank_pages_inside_a_document_are_dropped_but_the_range_spans_them()
    {
        var source = Build.Source();
        var documents = SeparationStage.Cut(source, Build.Pages(source, "c", "b", "c", "b", "c"));

        documents.Should().ContainSingle();
        var document = documents[0];
        (document.FirstPage, document.LastPage).Should().Be((1, 5));
        document.Pages.Select(p => p.PageNumber).Should().Equal(1, 3, 5);
        document.Text.Should().Contain("page 1").And.Contain("page 5");
    }

    [Fact]
    public void Consecutive_separators_and_sheets_with_only_blanks_between_give_no_empty_document()
    {
        var source = Build.Source();
        var documents = SeparationStage.Cut(source, Build.Pages(source, "s", "c", "s", "s", "b", "s", "c", "s", "s"));

        documents.Select(Shape).Should().BeEquivalentTo(new[]
        {
            (2, 2, new[] { 2 }, (string?)null),
            (7, 7, new[] { 7 }, (string?)null),
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public void The_blank_back_of_a_duplex_page_is_dropped_without_making_a_document()
    {
        var source = Build.Source();
        // Duplex scan: every sheet of paper gives a front and a (blank) back, separator sheets included.
        var documents = SeparationStage.Cut(source, Build.Pages(source, "c", "b", "c", "b", "s", "b", "c", "b"));

        documents.Should().HaveCount(2);
        documents[0].Pages.Select(p => p.PageNumber).Should().Equal(1, 3);
        documents[0].FirstPage.Should().Be(1);
        documents[1].Pages.Select(p => p.PageNumber).Should().Equal(7);
        documents[1].FirstPage.Should().Be(7);
        // The range may or may not take in the blank back (the manifest allows blanks inside a range), but it never
        // reaches the separator or the next document.
        documents[0].LastPage.Should().BeInRange(3, 4);
        documents[1].LastPage.Should().BeInRange(7, 8);
    }

    [Fact]
    public void Only_sheets_and_blanks_cut_into_no_document()
    {
        var source = Build.Source();
        SeparationStage.Cut(source, Build.Pages(source, "C:APA-2024-00123", "b", "s", "b")).Should().BeEmpty();
        SeparationStage.Cut(source, []).Should().BeEmpty();
    }

    // ---- ProcessAsync: gathering out-of-order pages per source ----

    private static async Task<List<DocumentMessage>> SendAsync(SeparationStage stage, PageMessage message) =>
        await Build.ToListAsync(stage.ProcessAsync(message, CancellationToken.None));

    [Fact]
    public async Task Out_of_order_pages_after_the_end_marker_are_cut_once_the_last_page_arrives()
    {
        var stage = new SeparationStage();
        var source = Build.Source();
        var pages = Build.Pages(source, "c", "c", "s", "c");

        (await SendAsync(stage, new SourceRead(source, 4, null))).Should().BeEmpty();
        foreach (var n in new[] { 4, 1, 3 })
            (await SendAsync(stage, pages[n - 1])).Should().BeEmpty($"page 2 is still missing after page {n}");
        stage.OpenSources.Should().Be(1);

        var documents = (await SendAsync(stage, pages[1])).Cast<CapturedDocument>().ToList();

        documents.Select(d => (d.FirstPage, d.LastPage)).Should().Equal((1, 2), (4, 4));
        documents[0].Pages.Select(p => p.PageNumber).Should().Equal(1, 2);
        documents.Should().OnlyContain(d => d.DocumentsInSource == 2);
        stage.OpenSources.Should().Be(0);
    }

    [Fact]
    public async Task Out_of_order_pages_before_the_end_marker_are_cut_when_the_marker_arrives()
    {
        var stage = new SeparationStage();
        var source = Build.Source();
        var pages = Build.Pages(source, "c", "b", "c", "s", "c", "s", "c");

        foreach (var n in new[] { 3, 7, 1, 5, 2, 6, 4 })
            (await SendAsync(stage, pages[n - 1])).Should().BeEmpty("the page count is not known yet");

        var documents = (await SendAsync(stage, new SourceRead(source, 7, null))).Cast<CapturedDocument>().ToList();

        documents.Select(d => (d.FirstPage, d.LastPage)).Should().Equal((1, 3), (5, 5), (7, 7));
        documents[0].Pages.Select(p => p.PageNumber).Should().Equal(1, 3);
        documents.Should().OnlyContain(d => d.DocumentsInSource == 3);
    }

    [Fact]
    public async Task Documents_carry_the_page_count_of_their_whole_source_trailing_sheets_and_blanks_included()
    {
        var stage = new SeparationStage();
        var source = Build.Source();
        var pages = Build.Pages(source, "c", "s", "c", "b", "s", "b");

        foreach (var page in pages) await SendAsync(stage, page);
        var documents = (await SendAsync(stage, new SourceRead(source, 6, null))).Cast<CapturedDocument>().ToList();

        documents.Select(d => d.LastPage).Max().Should().BeLessThan(5, "the last document ends before the trailing sheet");
        documents.Should().OnlyContain(d => d.PagesInSource == 6, "the source is recorded with every page read, not the last page of its last document");
    }

    [Fact]
    public async Task Interleaved_sources_are_gathered_apart()
    {
        var stage = new SeparationStage();
        var first = Build.Source("lot/scan_a.tif");
        var second = Build.Source("lot/scan_b.tif");
        // Same name, other content (a rescan): a different source.
        var rescan = Build.Source("lot/scan_a.tif") with { Sha256 = new string('0', 64) };
        var a = Build.Pages(first, "c", "c");
        var b = Build.Pages(second, "c", "s", "c");
        var r = Build.Pages(rescan, "c");

        var outputs = new List<DocumentMessage>();
        foreach (var message in new PageMessage[]
                 {
                     b[2], a[1], new SourceRead(second, 3, null), r[0], b[0], new SourceRead(first, 2, null),
                     new SourceRead(rescan, 1, null), b[1], a[0],
                 })
            outputs.AddRange(await SendAsync(stage, message));

        var documents = outputs.Cast<CapturedDocument>().ToList();
        documents.Select(d => (d.Source, d.FirstPage, d.LastPage)).Should().BeEquivalentTo(new[]
        {
            (rescan, 1, 1), (second, 1, 1), (second, 3, 3), (first, 1, 2),
        }, o => o.WithStrictOrdering());
        documents.Should().OnlyContain(d => d.Pages.All(p => p.Source == d.Source));
        stage.OpenSources.Should().Be(0);
    }

    [Fact]
    public async Task A_rejected_end_marker_gives_one_rejected_source_and_its_late_pages_are_ignored()
    {
        var stage = new SeparationStage();
        var source = Build.Source();
        var pages = Build.Pages(source, "c", "c", "c");
        var rejection = new SourceRejection(SourceRejectionCodes.CorruptImage, "TIFF corrompu : page 3 illisible.");

        (await SendAsync(stage, pages[0])).Should().BeEmpty();
        var outputs = await SendAsync(stage, new SourceRead(source, 2, rejection));
        var late = await SendAsync(stage, pages[1]);

        outputs.Should().ContainSingle().Which.Should().Be(new RejectedSource(source, 2, rejection));
        late.Should().BeEmpty();
        stage.OpenSources.Should().Be(0, "a rejected source holds no state");
    }

    [Fact]
    public async Task A_source_of_only_sheets_and_blank_pages_is_rejected_as_empty()
    {
        var stage = new SeparationStage();
        var source = Build.Source();
        var outputs = new List<DocumentMessage>();
        foreach (var page in Build.Pages(source, "C:APA-2024-00123", "b", "s")) outputs.AddRange(await SendAsync(stage, page));
        outputs.AddRange(await SendAsync(stage, new SourceRead(source, 3, null)));

        var rejected = outputs.Should().ContainSingle().Which.Should().BeOfType<RejectedSource>().Subject;
        rejected.Rejection.Code.Should().Be(ReasonCodes.EmptyDocument);
        rejected.PageCount.Should().Be(3);
        rejected.Source.Should().Be(source);
    }

    [Fact]
    public async Task A_source_read_with_no_page_at_all_is_rejected_as_empty()
    {
        var stage = new SeparationStage();
        var source = Build.Source();

        var outputs = await SendAsync(stage, new SourceRead(source, 0, null));

        outputs.Should().ContainSingle().Which.Should().BeOfType<RejectedSource>()
            .Which.Rejection.Code.Should().Be(ReasonCodes.EmptyDocument);
    }

    [Fact]
    public async Task An_unreadable_page_rejects_the_whole_source()
    {
        var stage = new SeparationStage();
        var source = Build.Source();
        var pages = Build.Pages(source, "c", "c", "s", "c");
        var unreadable = new SourceRejection(SourceRejectionCodes.CorruptImage, "JPEG corrompu : données d'image illisibles.");
        pages[1] = pages[1] with { Unreadable = unreadable };

        var outputs = new List<DocumentMessage>();
        foreach (var page in new[] { pages[3], pages[1], pages[0] }) outputs.AddRange(await SendAsync(stage, page));
        outputs.AddRange(await SendAsync(stage, new SourceRead(source, 4, null)));
        outputs.Should().BeEmpty("page 3 is still missing");
        outputs.AddRange(await SendAsync(stage, pages[2]));

        outputs.Should().ContainSingle().Which.Should().Be(new RejectedSource(source, 4, unreadable));
    }

    [Fact]
    public async Task A_page_that_skipped_recognition_is_a_fault_and_closes_its_source()
    {
        var stage = new SeparationStage();
        var source = Build.Source();
        var pages = Build.Pages(source, "c", "c");
        (await SendAsync(stage, pages[0])).Should().BeEmpty();

        using var image = CaptureChain.Ocr.Imaging.PageImage.FromGray8(new byte[16], 4, 4, 4, 100);
        var unrecognised = new PageToRecognise(source, new DecodedPage(2, 2, image, null));
        var act = () => SendAsync(stage, unrecognised);
        var fault = (await act.Should().ThrowAsync<InvalidOperationException>()).Which;

        var replacement = stage.OnFault(unrecognised, fault).Should().ContainSingle().Which.Should().BeOfType<RejectedSource>().Subject;
        replacement.Rejection.Code.Should().Be(ReasonCodes.ProcessingFault);
        replacement.Source.Should().Be(source);
        (await SendAsync(stage, pages[1])).Should().BeEmpty("the source already has its outcome");
        (await SendAsync(stage, new SourceRead(source, 2, null))).Should().BeEmpty();
        stage.OpenSources.Should().Be(0);
    }
}
