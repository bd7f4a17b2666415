using System.Runtime.CompilerServices;
using CaptureChain.Capture.Intake;
using CaptureChain.Capture.Sheets;
using CaptureChain.Filing.Pdf;
using CaptureChain.Ocr;
using CaptureChain.Pipeline.Outcomes;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Runner;

namespace CaptureChain.Pipeline.Stages;

/// <summary>
/// Reads each page once: barcode sheets first (a sheet is never recognised), then cleanup and a single Tesseract
/// pass that yields the text and the page of the searchable PDF. A PDF page with its own text layer keeps it.
/// The page image is freed here, so only small records travel further.
/// </summary>
public sealed class OcrStage(OcrEnginePool engines, string workFolder) : IStage<PageMessage, PageMessage>
{
    private long _pagesRead;

    public string Name => "ocr";

    /// <summary>Pages taken from decoding so far (including sheets and blank backs).</summary>
    public long PagesRead => Interlocked.Read(ref _pagesRead);

    public async IAsyncEnumerable<PageMessage> ProcessAsync(PageMessage item, [EnumeratorCancellation] CancellationToken ct)
    {
        if (item is not PageToRecognise { Page: var page } toRecognise)
        {
            yield return item;
            yield break;
        }
        Interlocked.Increment(ref _pagesRead);
        using (page)
            yield return await RecogniseAsync(toRecognise.Source, page, ct).ConfigureAwait(false);
    }

    private async Task<RecognisedPage> RecogniseAsync(SourceFile source, DecodedPage page, CancellationToken ct)
    {
        var sheets = SheetDetector.Inspect(page.Image);
        switch (sheets)
        {
            case { Conflicting: true }:
                break; // recognised as content with a problem below: a person decides what the page is
            case { Sheet: SeparatorSheet separator }:
                return Page(source, page.PageNumber, PageRole.Separator, separator);
            case { Sheet: CoverSheet cover }:
                return Page(source, page.PageNumber, PageRole.Cover, cover);
        }
        var sheetProblem = sheets.Conflicting ? ReasonCodes.SheetConflict : null;

        if (page.TextLayer is { } text)
            return new RecognisedPage(source, page.PageNumber, PageRole.Content, null, text, 100f,
                new PdfPageRef(source.FullPath, page.PageNumber), PageCleanupReport.None, sheetProblem, TextFromSource: true);

        var pdfPath = Path.Combine(workFolder, $"{source.Sha256[..16]}-{page.PageNumber:D5}.pdf");
        var outcome = await engines.ProcessAsync(page.Image, pdfPath, ct).ConfigureAwait(false);
        if (outcome.Rejection is { } rejection)
            return Page(source, page.PageNumber, PageRole.Content, null) with
            {
                Unreadable = new SourceRejection(rejection, $"Page {page.PageNumber} : image refusée par la reconnaissance ({rejection})."),
            };
        if (outcome.Result is not { } result)
            return Page(source, page.PageNumber, PageRole.Blank, null) with { Cleanup = outcome.Cleanup };
        return new RecognisedPage(source, page.PageNumber, PageRole.Content, null, result.Text, result.MeanConfidence,
            result.PdfPath is { } written ? new PdfPageRef(written, 1) : null, outcome.Cleanup,
            result.DeadlineExceeded ? ReasonCodes.OcrDeadline : sheetProblem, TextFromSource: false);
    }

    public IEnumerable<PageMessage> OnFault(PageMessage item, Exception fault) => item switch
    {
        PageToRecognise p => DisposeAnd(p, Page(p.Source, p.Page.PageNumber, PageRole.Content, null) with
        {
            Unreadable = new SourceRejection(ReasonCodes.OcrFault, $"Page {p.Page.PageNumber} : {fault.Message}"),
        }),
        _ => [item],
    };

    private static IEnumerable<PageMessage> DisposeAnd(PageToRecognise p, PageMessage replacement)
    {
        p.Page.Dispose();
        return [replacement];
    }

    private static RecognisedPage Page(SourceFile source, int number, PageRole role, BatchSheet? sheet) =>
        new(source, number, role, sheet, "", 0f, null, PageCleanupReport.None, null, TextFromSource: false);
}
