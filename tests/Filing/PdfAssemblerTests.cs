using CaptureChain.Filing.Pdf;

namespace CaptureChain.Filing.Tests;

public sealed class PdfAssemblerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Three_single_page_pdfs_become_one_pdf_in_the_requested_order()
    {
        var a = PdfTools.MakePdf(_dir.Combine("a.pdf"), "ALPHA PAGE");
        var b = PdfTools.MakePdf(_dir.Combine("b.pdf"), "BRAVO PAGE");
        var c = PdfTools.MakePdf(_dir.Combine("c.pdf"), "CHARLIE PAGE");
        var output = _dir.Combine("out.pdf");

        var result = await new PdfAssembler().AssembleAsync([new(c, 1), new(a, 1), new(b, 1)], output, CancellationToken.None);

        result.PageCount.Should().Be(3);
        result.Path.Should().Be(output);
        (await PdfTools.PageCountAsync(output)).Should().Be(3);
        (await PdfTools.PageTextAsync(output, 1)).Should().Be("CHARLIE PAGE");
        (await PdfTools.PageTextAsync(output, 2)).Should().Be("ALPHA PAGE");
        (await PdfTools.PageTextAsync(output, 3)).Should().Be("BRAVO PAGE");
    }

    [Fact]
    public async Task Page_ranges_of_an_original_pdf_mix_with_other_files()
    {
        var original = PdfTools.MakePdf(_dir.Combine("original.pdf"), "ONE", "TWO", "THREE", "FOUR", "FIVE");
        var extra = PdfTools.MakePdf(_dir.Combine("extra.pdf"), "EXTRA");
        var output = _dir.Combine("out.pdf");

        PdfAssembler.PageSelection([new(original, 2), new(original, 3), new(original, 4), new(original, 1)])
            .Should().Equal(original, "2-4,1");

        var result = await new PdfAssembler().AssembleAsync(
            [new(original, 2), new(original, 3), new(extra, 1), new(original, 5), new(original, 1)], output, CancellationToken.None);

        result.PageCount.Should().Be(5);
        var texts = new List<string>();
        for (var p = 1; p <= 5; p++) texts.Add(await PdfTools.PageTextAsync(output, p));
        texts.Should().Equal("TWO", "THREE", "EXTRA", "FIVE", "ONE");
    }

    [Fact]
    public async Task A_page_that_does_not_exist_fails_and_leaves_no_output()
    {
        var a = PdfTools.MakePdf(_dir.Combine("a.pdf"), "ALPHA");
        var output = _dir.Combine("out.pdf");

        var act = () => new PdfAssembler().AssembleAsync([new(a, 1), new(a, 2)], output, CancellationToken.None);

        await act.Should().ThrowAsync<PdfAssemblyException>();
        File.Exists(output).Should().BeFalse();
    }

    [Fact]
    public async Task A_file_that_is_not_a_pdf_fails_with_qpdf_s_message()
    {
        var bogus = _dir.Combine("bogus.pdf");
        await File.WriteAllTextAsync(bogus, "this is not a PDF");
        var output = _dir.Combine("out.pdf");

        var act = () => new PdfAssembler().AssembleAsync([new(bogus, 1)], output, CancellationToken.None);

        (await act.Should().ThrowAsync<PdfAssemblyException>()).Which.Message.Should().Contain("qpdf");
        File.Exists(output).Should().BeFalse();
    }

    [Fact]
    public async Task Cancellation_stops_the_assembly_and_leaves_no_output()
    {
        var a = PdfTools.MakePdf(_dir.Combine("a.pdf"), "ALPHA");
        var output = _dir.Combine("out.pdf");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var act = () => new PdfAssembler().AssembleAsync([new(a, 1)], output, cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        File.Exists(output).Should().BeFalse();
    }

    [Fact]
    public async Task Cancellation_kills_a_running_qpdf()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("runs on the Debian build machines");
        var a = PdfTools.MakePdf(_dir.Combine("a.pdf"), "ALPHA");
        var slow = _dir.Combine("slow-qpdf.sh");
        await File.WriteAllTextAsync(slow, "#!/bin/sh\necho $$ > \"$(dirname \"$0\")/pid\"\nexec sleep 60\n");
        File.SetUnixFileMode(slow, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var started = System.Diagnostics.Stopwatch.StartNew();

        var act = () => new PdfAssembler(slow).AssembleAsync([new(a, 1)], _dir.Combine("out.pdf"), cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "the child must be killed, not awaited");
        var pid = int.Parse(File.ReadAllText(_dir.Combine("pid")).Trim());
        Directory.Exists($"/proc/{pid}").Should().BeFalse("the killed qpdf stand-in must be gone");
    }

    [Fact]
    public async Task Missing_qpdf_is_reported_as_such()
    {
        var a = PdfTools.MakePdf(_dir.Combine("a.pdf"), "ALPHA");

        var act = () => new PdfAssembler("/nonexistent/qpdf").AssembleAsync([new(a, 1)], _dir.Combine("out.pdf"), CancellationToken.None);

        (await act.Should().ThrowAsync<PdfAssemblyException>()).Which.Message.Should().Contain("install the qpdf package");
    }
}
