namespace CaptureChain.Host.Tests;

/// <summary>The command line's contract (shared spec §1): exit codes and actionable errors.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task A_missing_inbox_stops_the_run_with_exit_1_and_says_what_is_wrong()
    {
        var (exit, output) = await CommandLineRunner.RunAsync(TimeSpan.FromMinutes(2),
            "process", "--inbox", "/nonexistent/inbox", "--archive", Path.Combine(Path.GetTempPath(), "cc-" + Guid.NewGuid()), "--registry", "/nonexistent.csv");
        exit.Should().Be(1);
        output.Should().Contain("/nonexistent/inbox");
    }

    [Fact]
    public async Task A_registry_that_is_not_the_spec_format_stops_the_run_with_exit_1()
    {
        var dir = Directory.CreateTempSubdirectory("cc-cli-").FullName;
        var registry = Path.Combine(dir, "registry.csv");
        await File.WriteAllTextAsync(registry, "id,name\n1,DUPONT\n");
        Directory.CreateDirectory(Path.Combine(dir, "inbox"));
        var (exit, output) = await CommandLineRunner.RunAsync(TimeSpan.FromMinutes(2),
            "process", "--inbox", Path.Combine(dir, "inbox"), "--archive", Path.Combine(dir, "archive"), "--registry", registry);
        exit.Should().Be(1);
        output.Should().Contain("Registry");
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error_with_exit_2()
    {
        var (exit, output) = await CommandLineRunner.RunAsync(TimeSpan.FromMinutes(2), "process", "--inbox", "x", "--archive", "y", "--inbxo", "z");
        exit.Should().Be(2);
        output.Should().Contain("--inbxo");
    }

    [Fact]
    public async Task Sheets_prints_a_cover_sheet_pdf_whose_barcode_reads_back()
    {
        var dir = Directory.CreateTempSubdirectory("cc-sheets-").FullName;
        var pdf = Path.Combine(dir, "cover.pdf");
        var (exit, output) = await CommandLineRunner.RunAsync(TimeSpan.FromMinutes(2), "sheets", "--case", "APA-2024-00123", "--out", pdf);
        exit.Should().Be(0, output);
        ProcessedBatch.Tool("pdftoppm", "-r", "200", "-gray", "-singlefile", pdf, Path.Combine(dir, "cover"));
        using var page = CaptureChain.Ocr.Imaging.PageImage.Decode(File.ReadAllBytes(Path.Combine(dir, "cover.pgm")));
        CaptureChain.Capture.Sheets.SheetDetector.Detect(page).Should().Be(new CaptureChain.Capture.Sheets.CoverSheet("APA-2024-00123"));
    }
}
