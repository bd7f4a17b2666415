using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CaptureChain.Ocr.Tests;

/// <summary>Runs poppler-utils on a PDF: the independent reader of what Tesseract wrote.</summary>
internal static partial class Poppler
{
    public static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000)) { process.Kill(); throw new TimeoutException($"{tool} did not finish"); }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {error.Result}");
        return output.Result;
    }

    public static string Text(string pdf) => Run("pdftotext", "-enc", "UTF-8", pdf, "-");

    /// <summary>Width and height of the first page in points.</summary>
    public static (double Width, double Height, int Pages) PageSize(string pdf)
    {
        var info = Run("pdfinfo", pdf);
        var size = PageSizeLine().Match(info);
        if (!size.Success) throw new InvalidOperationException("pdfinfo printed no page size:\n" + info);
        var pages = int.Parse(PagesLine().Match(info).Groups[1].Value, CultureInfo.InvariantCulture);
        return (double.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture),
                double.Parse(size.Groups[2].Value, CultureInfo.InvariantCulture), pages);
    }

    /// <summary>The encoding column of <c>pdfimages -list</c> for each embedded image (e.g. "ccitt", "jpeg", "image").</summary>
    public static IReadOnlyList<string> ImageEncodings(string pdf) =>
        Run("pdfimages", "-list", pdf).Split('\n').Skip(2)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(columns => columns.Length > 9)
            .Select(columns => columns[8])
            .ToList();

    [GeneratedRegex(@"Page size:\s+([\d.]+) x ([\d.]+) pts")]
    private static partial Regex PageSizeLine();

    [GeneratedRegex(@"Pages:\s+(\d+)")]
    private static partial Regex PagesLine();
}
