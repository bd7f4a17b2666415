using System.Text;
using CaptureChain.Capture.Rendering;
using CaptureChain.Corpus.Population;
using CaptureChain.Corpus.Scanning;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Corpus.Documents;

/// <summary>Renders a <see cref="DocumentSpec"/> into page images (clean or scanned-looking) or a born-digital PDF.</summary>
public static class DocumentRenderer
{
    /// <summary>What the document will be and which identifiers it prints, without drawing anything.</summary>
    public static ComposedDocument Describe(DocumentSpec spec) => Templates.Compose(spec).ToComposed();

    /// <summary>
    /// The document's pages. With no <see cref="DocumentSpec.Scan"/> the pages are clean renders at
    /// <see cref="DocumentSpec.Dpi"/>; otherwise each page goes through <see cref="ScanNoise"/>. The caller owns the pages.
    /// </summary>
    public static IReadOnlyList<PageImage> Render(DocumentSpec spec)
    {
        var draft = Templates.Compose(spec);
        var dpi = spec.Scan?.Dpi ?? spec.Dpi;
        var pages = new List<PageImage>(draft.Pages.Count);
        try
        {
            for (var i = 0; i < draft.Pages.Count; i++)
            {
                if (spec.Scan is null) { pages.Add(DrawPage(draft, i, dpi)); continue; }
                using var pool = new CanvasPool();
                var grey = DrawGrey(draft, i, dpi, pool, out var w, out var h);
                pages.Add(ScanNoise.FromCleanGrey(grey, w, h, dpi, spec.Scan, PageRandom(spec.Seed, i, "scan")));
            }
            return pages;
        }
        catch
        {
            foreach (var p in pages) p.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the document as a born-digital PDF: vector text from the same templates, so the PDF has a real text
    /// layer. The creation date is pinned so that a seed gives the same bytes.
    /// </summary>
    public static ComposedDocument RenderPdf(DocumentSpec spec, string path)
    {
        var draft = Templates.Compose(spec);
        using (var canvas = PageCanvas.Pdf(path))
        {
            for (var i = 0; i < draft.Pages.Count; i++)
            {
                if (i > 0) canvas.NextPage();
                draft.Pages[i](new PageWriter(canvas, draft.Style, PageRandom(spec.Seed, i, "draw")));
            }
        }
        PinPdfDates(path, draft.IssueDate);
        return draft.ToComposed();
    }

    /// <summary>One clean page of a composed draft at <paramref name="dpi"/>.</summary>
    internal static PageImage DrawPage(DocumentDraft draft, int index, int dpi)
    {
        using var canvas = PageCanvas.Raster(dpi);
        draft.Pages[index](new PageWriter(canvas, draft.Style, PageRandom(draft.Spec.Seed, index, "draw")));
        return canvas.ToPageImage();
    }

    /// <summary>One clean page as grey rows (stride = width), drawn on a pooled canvas.</summary>
    internal static byte[] DrawGrey(DocumentDraft draft, int index, int dpi, CanvasPool pool, out int width, out int height)
    {
        // A canvas that fell into a cairo error draws nothing more (seen under heavy parallel load): the pool drops
        // it, and the page is drawn again on a fresh one rather than written half drawn under another page's truth.
        for (var attempt = 1; ; attempt++)
        {
            var canvas = pool.Rent(dpi);
            try
            {
                draft.Pages[index](new PageWriter(canvas, draft.Style, PageRandom(draft.Spec.Seed, index, "draw")));
                if (canvas.Error is { } error)
                {
                    if (attempt < 3) continue;
                    throw new InvalidOperationException($"cairo failed drawing page {index + 1} of {draft.Spec.DocumentType} (seed {draft.Spec.Seed}): {error}");
                }
                var (pixels, w, h) = canvas.ToGray8();
                width = w;
                height = h;
                return pixels;
            }
            finally { pool.Return(canvas); }
        }
    }

    /// <summary>A random stream for one page and purpose, independent of how many numbers other pages drew.</summary>
    internal static Random PageRandom(int seed, int page, string purpose) =>
        new(PersonalNumbers.StableHash($"{seed}/{page}/{purpose}"));

    /// <summary>cairo 1.16 stamps the current time into /CreationDate; overwrite it in place (same length, xref intact).</summary>
    private static void PinPdfDates(string path, DateOnly date)
    {
        var bytes = File.ReadAllBytes(path);
        var marker = Encoding.ASCII.GetBytes("/CreationDate (D:");
        var at = bytes.AsSpan().IndexOf(marker);
        if (at < 0) return;
        var start = at + marker.Length;
        var end = Array.IndexOf(bytes, (byte)')', start);
        if (end < 0) return;
        var stamp = Encoding.ASCII.GetBytes(date.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + "120000");
        // Only the 14 digits: the time-zone suffix keeps its length and stays valid.
        if (end - start < stamp.Length) return;
        stamp.CopyTo(bytes, start);
        File.WriteAllBytes(path, bytes);
    }
}
