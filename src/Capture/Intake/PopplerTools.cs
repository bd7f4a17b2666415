using System.Globalization;
using System.Text.RegularExpressions;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Intake;

/// <summary>Size of one PDF page in points (1/72 inch), as displayed (rotation applied).</summary>
public sealed record PdfPageSize(double WidthPt, double HeightPt);

/// <summary>What <c>pdfinfo</c> says about a PDF that opens without a password.</summary>
public sealed record PdfDocumentInfo(int PageCount, bool Encrypted, IReadOnlyList<PdfPageSize> Pages);

/// <summary>A PDF's description, or why poppler refused it.</summary>
public sealed record PdfInfoOutcome(PdfDocumentInfo? Document, SourceRejection? Rejection);

/// <summary>How <see cref="PopplerTools.RenderPageAsync"/> rasterises a page.</summary>
public enum PdfRenderMode
{
    /// <summary>8-bit grey (<c>pdftoppm -gray</c>).</summary>
    Gray,
    /// <summary>1-bit black and white (<c>pdftoppm -mono</c>), like a bitonal scanner.</summary>
    Mono,
}

/// <summary>
/// The poppler-utils command-line tools (<c>pdfinfo</c>, <c>pdftotext</c>, <c>pdftoppm</c>), run as child processes
/// so that a hostile or broken PDF can only crash or hang a child, never the service. All PDF access goes through here.
/// </summary>
public sealed partial class PopplerTools(TimeSpan? timeout = null)
{
    /// <summary>Per-call time limit; a PDF page that takes longer is treated as unreadable.</summary>
    public TimeSpan Timeout { get; } = timeout ?? TimeSpan.FromMinutes(2);

    /// <summary>Page count, encryption and page sizes (<c>pdfinfo -f 1 -l N</c>).</summary>
    public async Task<PdfInfoOutcome> InfoAsync(string path, CancellationToken ct)
    {
        // -l beyond the last page is clamped by pdfinfo, so one call lists every page size.
        var run = await ExternalTool.RunAsync("pdfinfo", ["-f", "1", "-l", int.MaxValue.ToString(CultureInfo.InvariantCulture), path], Timeout, ct).ConfigureAwait(false);
        if (!run.Succeeded) return new PdfInfoOutcome(null, Classify(run, "pdfinfo"));

        var text = run.OutputText;
        var pagesMatch = PagesLine().Match(text);
        if (!pagesMatch.Success || !int.TryParse(pagesMatch.Groups[1].Value, CultureInfo.InvariantCulture, out var count) || count < 1)
            return new PdfInfoOutcome(null, new SourceRejection(SourceRejectionCodes.PdfUnreadable, "PDF illisible : aucune page."));
        var encrypted = EncryptedLine().Match(text) is { Success: true } m && m.Groups[1].Value == "yes";

        var sizes = new PdfPageSize?[count];
        var rotations = new int[count];
        foreach (Match s in PageSizeLine().Matches(text))
        {
            var n = int.Parse(s.Groups[1].Value, CultureInfo.InvariantCulture);
            if (n >= 1 && n <= count)
                sizes[n - 1] = new PdfPageSize(double.Parse(s.Groups[2].Value, CultureInfo.InvariantCulture), double.Parse(s.Groups[3].Value, CultureInfo.InvariantCulture));
        }
        foreach (Match r in PageRotLine().Matches(text))
        {
            var n = int.Parse(r.Groups[1].Value, CultureInfo.InvariantCulture);
            if (n >= 1 && n <= count) rotations[n - 1] = int.Parse(r.Groups[2].Value, CultureInfo.InvariantCulture);
        }
        var pages = new List<PdfPageSize>(count);
        for (var i = 0; i < count; i++)
        {
            if (sizes[i] is not { } size)
                return new PdfInfoOutcome(null, new SourceRejection(SourceRejectionCodes.PdfUnreadable, $"PDF illisible : taille de la page {i + 1} inconnue."));
            pages.Add(rotations[i] % 180 == 90 ? new PdfPageSize(size.HeightPt, size.WidthPt) : size);
        }
        return new PdfInfoOutcome(new PdfDocumentInfo(count, encrypted, pages), null);
    }

    /// <summary>The text layer of one page (<c>pdftotext -layout</c>); null when poppler could not extract it.</summary>
    public async Task<string?> ExtractTextAsync(string path, int page, CancellationToken ct)
    {
        var p = page.ToString(CultureInfo.InvariantCulture);
        var run = await ExternalTool.RunAsync("pdftotext", ["-layout", "-enc", "UTF-8", "-f", p, "-l", p, path, "-"], Timeout, ct).ConfigureAwait(false);
        return run.Succeeded ? run.OutputText.TrimEnd('\f', '\n', '\r', ' ') : null;
    }

    /// <summary>
    /// Rasterises one page at <paramref name="dpi"/> (<c>pdftoppm -gray</c> or <c>-mono</c> to stdout). The image carries
    /// the dpi. Throws <see cref="SourceRejectedException"/> (<c>pdf_unreadable</c>) when poppler cannot render it.
    /// </summary>
    public async Task<PageImage> RenderPageAsync(string path, int page, int dpi, PdfRenderMode mode, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dpi, 10);
        var p = page.ToString(CultureInfo.InvariantCulture);
        // Rendered into a file and read by Leptonica: a 300 dpi page is 9 MB of grey, and reading it through stdout
        // would put three to four times that on the managed large-object heap for every page.
        var prefix = Path.Combine(Path.GetTempPath(), $"capturechain-page-{Guid.NewGuid():N}");
        var file = prefix + (mode == PdfRenderMode.Mono ? ".pbm" : ".pgm");
        PageImage image;
        try
        {
            var run = await ExternalTool.RunAsync("pdftoppm",
                ["-r", dpi.ToString(CultureInfo.InvariantCulture), mode == PdfRenderMode.Mono ? "-mono" : "-gray", "-f", p, "-l", p,
                 "-singlefile", path, prefix],
                Timeout, ct).ConfigureAwait(false);
            if (!run.Succeeded || !File.Exists(file) || new FileInfo(file).Length == 0)
                throw new SourceRejectedException(run.Succeeded
                    ? new SourceRejection(SourceRejectionCodes.PdfUnreadable, $"PDF illisible : la page {page} n'a rien produit au rendu.")
                    : Classify(run, "pdftoppm"), page);
            try { image = PageImage.Read(file); }
            catch (ImageDecodeException e)
            {
                throw new SourceRejectedException(new SourceRejection(SourceRejectionCodes.PdfUnreadable, $"PDF illisible : rendu de la page {page} inexploitable ({e.Message})."), page);
            }
        }
        finally
        {
            try { File.Delete(file); } catch (IOException) { } // a leftover in the temp folder is harmless
        }
        image.Dpi = dpi; // PNM carries no resolution
        return image;
    }

    // pdfinfo/pdftoppm messages (LC_ALL=C): "Command Line Error: Incorrect password", "Syntax Warning: May not be a
    // PDF file", "Couldn't find trailer dictionary", "Couldn't read xref table".
    private static SourceRejection Classify(ToolRun run, string tool)
    {
        if (run.TimedOut)
            return new SourceRejection(SourceRejectionCodes.PdfUnreadable, $"PDF illisible : {tool} n'a pas terminé dans le délai.");
        var error = run.Error.Trim();
        if (error.Contains("Incorrect password", StringComparison.OrdinalIgnoreCase))
            return new SourceRejection(SourceRejectionCodes.PdfEncrypted, "PDF protégé par un mot de passe : il ne peut pas être ouvert.");
        var firstLine = error.Split('\n', 2)[0].Trim();
        return new SourceRejection(SourceRejectionCodes.PdfUnreadable,
            $"PDF illisible ({tool}, code {run.ExitCode}){(firstLine.Length > 0 ? " : " + firstLine : "")}");
    }

    [GeneratedRegex(@"^Pages:\s+(\d+)\s*$", RegexOptions.Multiline)] private static partial Regex PagesLine();
    [GeneratedRegex(@"^Encrypted:\s+(\w+)", RegexOptions.Multiline)] private static partial Regex EncryptedLine();
    [GeneratedRegex(@"^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts", RegexOptions.Multiline)] private static partial Regex PageSizeLine();
    [GeneratedRegex(@"^Page\s+(\d+)\s+rot:\s+(\d+)", RegexOptions.Multiline)] private static partial Regex PageRotLine();
}
