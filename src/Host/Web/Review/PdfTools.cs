using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CaptureChain.Host.Web.Review;

/// <summary>qpdf could not do what the review page asked.</summary>
public sealed class PdfEditException(string message) : Exception(message);

/// <summary>
/// The qpdf edits of the review page: take pages out of PDFs into a new one (split, merge) and rotate a page. Each
/// writes a new file and checks its page count; inputs are never changed.
/// </summary>
public static class PdfTools
{
    /// <summary>Page count of a PDF.</summary>
    public static async Task<int> CountPagesAsync(string pdf, CancellationToken ct)
    {
        var (code, output, error) = await RunAsync(["--show-npages", Path.GetFullPath(pdf)], ct);
        if (code is not (0 or 3) || !int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            throw new PdfEditException($"qpdf --show-npages failed ({code}): {error.Trim()}");
        return count;
    }

    /// <summary>Writes the listed (file, 1-based page ranges) in order to <paramref name="output"/>.</summary>
    public static async Task ExtractAsync(IReadOnlyList<(string Pdf, string Pages)> parts, string output, int expectedPages, CancellationToken ct)
    {
        var args = new List<string> { "--empty", "--deterministic-id", "--pages" };
        foreach (var (pdf, pages) in parts) { args.Add(Path.GetFullPath(pdf)); args.Add(pages); }
        args.Add("--");
        args.Add(Path.GetFullPath(output));
        await RunCheckedAsync(args, output, expectedPages, ct);
    }

    /// <summary>Writes <paramref name="input"/> to <paramref name="output"/> with page <paramref name="page"/> turned by quarter turns clockwise.</summary>
    public static async Task RotateAsync(string input, int page, int quarterTurns, string output, CancellationToken ct)
    {
        var degrees = ((quarterTurns % 4) + 4) % 4 * 90;
        var expected = await CountPagesAsync(input, ct);
        if (page < 1 || page > expected) throw new ArgumentOutOfRangeException(nameof(page));
        await RunCheckedAsync([Path.GetFullPath(input), "--deterministic-id",
            $"--rotate=+{degrees.ToString(CultureInfo.InvariantCulture)}:{page.ToString(CultureInfo.InvariantCulture)}", "--", Path.GetFullPath(output)],
            output, expected, ct);
    }

    private static async Task RunCheckedAsync(IReadOnlyList<string> args, string output, int expectedPages, CancellationToken ct)
    {
        try
        {
            var (code, _, error) = await RunAsync(args, ct);
            if (code is not (0 or 3)) throw new PdfEditException($"qpdf failed ({code}): {error.Trim()}");
            // Never lose a page: the result must hold exactly the pages asked for.
            var count = await CountPagesAsync(output, ct);
            if (count != expectedPages) throw new PdfEditException($"qpdf wrote {count} pages instead of {expectedPages}");
        }
        catch
        {
            try { File.Delete(output); } catch (IOException) { }
            throw;
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var info = new ProcessStartInfo("qpdf")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new PdfEditException("qpdf could not be started.");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        return (process.ExitCode, await output, await error);
    }
}
