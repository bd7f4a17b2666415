using CaptureChain.Capture.Rendering;

namespace CaptureChain.Capture.Sheets;

/// <summary>Prints batch sheets as a PDF, one A4 page per sheet.</summary>
public static class SheetPrinter
{
    /// <summary>
    /// Writes <paramref name="sheets"/> to <paramref name="pdfPath"/>. The file appears only when complete: it is
    /// written beside the target and moved into place, so a cancelled print leaves nothing half-written.
    /// </summary>
    public static Task PrintPdfAsync(IEnumerable<BatchSheet> sheets, string pdfPath, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sheets);
        var list = sheets.ToList();
        if (list.Count == 0) throw new ArgumentException("At least one sheet is needed.", nameof(sheets));
        var full = Path.GetFullPath(pdfPath);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        // cairo writes synchronously; keep it off the caller's thread.
        return Task.Run(() =>
        {
            try
            {
                using (var canvas = PageCanvas.Pdf(temp))
                {
                    for (var i = 0; i < list.Count; i++)
                    {
                        ct.ThrowIfCancellationRequested();
                        if (i > 0) canvas.NextPage();
                        SheetPainter.Paint(canvas, list[i]);
                    }
                }
                File.Move(temp, full, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }, ct);
    }
}
