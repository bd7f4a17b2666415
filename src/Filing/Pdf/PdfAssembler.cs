using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CaptureChain.Filing.Pdf;

/// <summary>One page of an existing PDF: its file and 1-based page number.</summary>
public sealed record PdfPageRef(string PdfPath, int PageNumber);

/// <summary>An assembled PDF: where it is, its verified page count and any warnings qpdf gave about the inputs.</summary>
public sealed record AssembledPdf(string Path, int PageCount, IReadOnlyList<string> Warnings);

/// <summary>qpdf refused the inputs or produced a file that does not hold the requested pages.</summary>
public sealed class PdfAssemblyException(string message) : Exception(message);

/// <summary>
/// Builds one document's PDF from pages of other PDFs (Tesseract's one-page outputs, or ranges of an original PDF)
/// with a single <c>qpdf --empty --pages … -- out.pdf</c> call, then checks the page count of the result.
/// </summary>
public sealed class PdfAssembler(string qpdfExecutable = "qpdf")
{
    /// <summary>The qpdf executable (Debian package qpdf).</summary>
    public string QpdfExecutable { get; } = qpdfExecutable;

    /// <summary>
    /// Writes <paramref name="pages"/> in order to <paramref name="outputPath"/> (replaced if present; give a work path,
    /// the archive places the result). On failure or cancellation no output file is left.
    /// </summary>
    public async Task<AssembledPdf> AssembleAsync(IReadOnlyList<PdfPageRef> pages, string outputPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pages);
        if (pages.Count == 0) throw new ArgumentException("A document needs at least one page.", nameof(pages));
        foreach (var page in pages)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(page.PageNumber, 1, nameof(pages));
            if (!File.Exists(page.PdfPath)) throw new FileNotFoundException("Page source PDF not found.", page.PdfPath);
        }
        ct.ThrowIfCancellationRequested();

        var output = Path.GetFullPath(outputPath);
        var args = new List<string> { "--empty", "--deterministic-id", "--pages" };
        args.AddRange(PageSelection(pages));
        args.Add("--");
        args.Add(output);

        var warnings = new List<string>();
        try
        {
            var run = await RunAsync(args, ct);
            // qpdf: 0 success, 3 success with warnings (e.g. a repaired input), 2 error.
            if (run.ExitCode is not (0 or 3))
                throw new PdfAssemblyException($"qpdf failed with exit code {run.ExitCode}: {Trim(run.StandardError)}");
            if (run.ExitCode == 3) warnings.AddRange(Lines(run.StandardError));

            // Never lose a page: the result must hold exactly the pages asked for.
            var count = await CountPagesAsync(output, ct);
            if (count != pages.Count)
                throw new PdfAssemblyException($"qpdf wrote {count} pages instead of {pages.Count}");
            return new AssembledPdf(output, count, warnings);
        }
        catch
        {
            TryDelete(output);
            throw;
        }
    }

    /// <summary>Page count of a PDF via <c>qpdf --show-npages</c>.</summary>
    internal async Task<int> CountPagesAsync(string pdfPath, CancellationToken ct)
    {
        var run = await RunAsync(["--show-npages", pdfPath], ct);
        if (run.ExitCode is not (0 or 3) || !int.TryParse(run.StandardOutput.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            throw new PdfAssemblyException($"qpdf --show-npages failed with exit code {run.ExitCode}: {Trim(run.StandardError)}");
        return count;
    }

    /// <summary>
    /// qpdf's page arguments: consecutive references to one file become one group with ranges ("a.pdf 1-3,5"). Paths
    /// are made absolute so that no file name can be read as an option or a response file ('-', '@').
    /// </summary>
    internal static IEnumerable<string> PageSelection(IReadOnlyList<PdfPageRef> pages)
    {
        var i = 0;
        while (i < pages.Count)
        {
            var file = pages[i].PdfPath;
            var numbers = new List<int>();
            while (i < pages.Count && pages[i].PdfPath == file) numbers.Add(pages[i++].PageNumber);
            yield return Path.GetFullPath(file);
            yield return Ranges(numbers);
        }
    }

    private static string Ranges(List<int> numbers)
    {
        var sb = new StringBuilder();
        var start = 0;
        for (var k = 1; k <= numbers.Count; k++)
        {
            if (k < numbers.Count && numbers[k] == numbers[k - 1] + 1) continue;
            if (sb.Length > 0) sb.Append(',');
            sb.Append(numbers[start].ToString(CultureInfo.InvariantCulture));
            if (k - 1 > start) sb.Append('-').Append(numbers[k - 1].ToString(CultureInfo.InvariantCulture));
            start = k;
        }
        return sb.ToString();
    }

    private async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(IEnumerable<string> arguments, CancellationToken ct)
    {
        var info = new ProcessStartInfo(QpdfExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PdfAssemblyException($"cannot start {QpdfExecutable} (install the qpdf package): {e.Message}");
        }

        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* already exited */ }
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Trim(string text)
    {
        var t = text.Trim();
        return t.Length <= 2000 ? t : t[..2000] + "…";
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
