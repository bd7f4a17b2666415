using CaptureChain.Capture.Sheets;
using Spectre.Console;

namespace CaptureChain.Host.Cli;

/// <summary><c>sheets --case CASE_NUMBER</c> / <c>sheets --separator</c>: prints batch sheets as PDF for the scan room.</summary>
public static class SheetsCommand
{
    public static async Task<int> RunAsync(CommandLine line, CancellationToken ct)
    {
        var caseNumber = line.Get("case");
        var separator = line.Has("separator");
        var copies = line.GetInt("copies", 1, 500) ?? 1;
        var output = line.Get("out");
        line.RejectUnknown();
        if (separator == (caseNumber is not null)) throw new UsageException("sheets takes either --case CASE_NUMBER or --separator");
        BatchSheet sheet = separator ? new SeparatorSheet() : new CoverSheet(caseNumber!.Trim());
        output ??= separator ? "separator-sheets.pdf" : $"cover-{caseNumber!.Trim()}.pdf";
        await SheetPrinter.PrintPdfAsync(Enumerable.Repeat(sheet, copies), output, ct);
        AnsiConsole.MarkupLine($"Wrote {copies} {(separator ? "separator" : "cover")} sheet(s) to [green]{Markup.Escape(Path.GetFullPath(output))}[/]");
        return 0;
    }
}
