using System.Diagnostics;
using CaptureChain.Capture.Rendering;

namespace CaptureChain.Filing.Tests;

/// <summary>A fresh directory under the system temp folder, deleted afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cc-filing-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Real PDFs and the real command-line tools to check them.</summary>
public static class PdfTools
{
    /// <summary>A PDF with one A4 page per text, each page showing its text in large letters (cairo).</summary>
    public static string MakePdf(string path, params string[] pageTexts)
    {
        using (var canvas = PageCanvas.Pdf(path))
        {
            for (var i = 0; i < pageTexts.Length; i++)
            {
                if (i > 0) canvas.NextPage();
                canvas.Text(20, 60, pageTexts[i], 28);
            }
        }
        return path;
    }

    /// <summary>Runs a tool and returns its exit code and standard output.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        await error;
        return (p.ExitCode, await output);
    }

    public static async Task<int> PageCountAsync(string pdf)
    {
        var (exit, output) = await RunAsync("qpdf", "--show-npages", pdf);
        exit.Should().Be(0);
        return int.Parse(output.Trim());
    }

    /// <summary>The text of one page, via poppler's pdftotext.</summary>
    public static async Task<string> PageTextAsync(string pdf, int page)
    {
        var (exit, output) = await RunAsync("pdftotext", "-f", page.ToString(), "-l", page.ToString(), "-layout", pdf, "-");
        exit.Should().Be(0);
        return output.Trim();
    }
}
