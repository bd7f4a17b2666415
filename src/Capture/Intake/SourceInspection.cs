using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Intake;

/// <summary>The real format of an inbox file, as its first bytes say (never its extension).</summary>
public enum SourceFormat
{
    /// <summary>Not a format the capture chain reads.</summary>
    Unknown,
    Tiff,
    Png,
    Jpeg,
    Pdf,
}

/// <summary>Reason codes (lower_snake_case) of a refused input file; they end up in the manifest's <c>reasons</c>.</summary>
public static class SourceRejectionCodes
{
    public const string EmptyFile = "empty_file";
    public const string UnsupportedFormat = "unsupported_format";
    public const string TruncatedImage = "truncated_image";
    public const string CorruptImage = "corrupt_image";
    public const string ImageTooLarge = "image_too_large";
    public const string PdfEncrypted = "pdf_encrypted";
    public const string PdfUnreadable = "pdf_unreadable";
    public const string NotAPdf = "not_a_pdf";
    public const string FileUnreadable = "file_unreadable";
}

/// <summary>Why an input file is refused: a reason code from <see cref="SourceRejectionCodes"/> and a message for the operator (French).</summary>
public sealed record SourceRejection(string Code, string Message);

/// <summary>What an input file is, before any pixel is decoded: its format and page count, or why it is refused.</summary>
public sealed record SourceInspection(string Path, SourceFormat Format, int PageCount, SourceRejection? Rejection)
{
    /// <summary>True when the file can be read page by page.</summary>
    public bool IsAccepted => Rejection is null;

    internal static SourceInspection Accepted(string path, SourceFormat format, int pages) => new(path, format, pages, null);

    internal static SourceInspection Rejected(string path, SourceFormat format, string code, string message) =>
        new(path, format, 0, new SourceRejection(code, message));
}

/// <summary>
/// One decoded page of an input file. The receiver owns <see cref="Image"/> and disposes it (or the page) when done.
/// </summary>
/// <param name="PageNumber">1-based page number in the input file.</param>
/// <param name="PageCount">Pages in the input file.</param>
/// <param name="Image">The raster; its <see cref="PageImage.Dpi"/> is 0 when the file did not say.</param>
/// <param name="TextLayer">The PDF's own text for this page when it has enough real words to skip OCR; otherwise null.</param>
public sealed record DecodedPage(int PageNumber, int PageCount, PageImage Image, string? TextLayer) : IDisposable
{
    public void Dispose() => Image.Dispose();
}

/// <summary>
/// Thrown while pages are being read when the file proves unreadable only once its pixels are decoded (corrupt
/// compressed data, a PDF page poppler cannot render). Carries the same typed rejection <see cref="SourceDecoder.Inspect"/>
/// would have returned; pages already yielded must be treated as part of a rejected file.
/// </summary>
public sealed class SourceRejectedException(SourceRejection rejection, int? pageNumber = null)
    : Exception(pageNumber is null ? $"{rejection.Code}: {rejection.Message}" : $"{rejection.Code} (page {pageNumber}): {rejection.Message}")
{
    /// <summary>The reason code and message.</summary>
    public SourceRejection Rejection { get; } = rejection;

    /// <summary>The page being read when it failed, when known.</summary>
    public int? PageNumber { get; } = pageNumber;
}
