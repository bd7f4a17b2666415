using CaptureChain.Capture.Intake;
using CaptureChain.Capture.Sheets;
using CaptureChain.Filing.Pdf;
using CaptureChain.Ocr;

namespace CaptureChain.Pipeline.Records;

/// <summary>What flows from decoding through OCR to separation: pages of a source, then its end marker.</summary>
public abstract record PageMessage(SourceFile Source);

/// <summary>A decoded page waiting for barcode reading, cleanup and recognition. The receiver disposes the image.</summary>
public sealed record PageToRecognise(SourceFile Source, DecodedPage Page) : PageMessage(Source);

/// <summary>What a page turned out to be.</summary>
public enum PageRole
{
    /// <summary>Part of a document.</summary>
    Content,
    /// <summary>Blank (for example the back of a duplex scan): dropped, never filed.</summary>
    Blank,
    /// <summary>A separator sheet: ends the current document.</summary>
    Separator,
    /// <summary>A cover sheet: starts the documents of one case.</summary>
    Cover,
}

/// <summary>A page after barcode reading, cleanup and one recognition pass.</summary>
/// <param name="Pdf">Where its searchable PDF page is (Tesseract's output, or the original page of a text PDF).</param>
/// <param name="Problem">Reason code when recognition did not fully succeed (<c>ocr_deadline</c>, ...).</param>
/// <param name="TextFromSource">The text is the input PDF's own text layer, not OCR.</param>
public sealed record RecognisedPage(
    SourceFile Source, int PageNumber, PageRole Role, BatchSheet? Sheet, string Text, float Confidence,
    PdfPageRef? Pdf, PageCleanupReport Cleanup, string? Problem, bool TextFromSource) : PageMessage(Source)
{
    /// <summary>Set when the page cannot be used at all: the whole source is then quarantined.</summary>
    public SourceRejection? Unreadable { get; init; }
}

/// <summary>All pages of a source were read (<paramref name="Rejection"/> null) or reading it failed.</summary>
public sealed record SourceRead(SourceFile Source, int PageCount, SourceRejection? Rejection) : PageMessage(Source);
