using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Intake;

/// <summary>Limits and resolutions of <see cref="SourceDecoder"/>.</summary>
/// <param name="MaxPixels">Largest page accepted, in pixels (decompression-bomb guard, checked on headers only).</param>
/// <param name="MaxSide">Largest page side accepted, in pixels.</param>
/// <param name="OcrDpi">Resolution a PDF page is rasterised at when it needs OCR.</param>
/// <param name="TextPageDpi">Resolution for a PDF page whose own text layer is kept (raster only for barcodes and blank detection).</param>
/// <param name="MinPdfDpi">A PDF page so large that it must be rendered below this resolution to fit the limits is refused.</param>
/// <param name="MinTextLayerWords">Real words (3+ letters) a PDF page's text layer needs to be kept instead of OCR.</param>
public sealed record SourceDecoderOptions(
    long MaxPixels = 100_000_000,
    int MaxSide = 20_000,
    int OcrDpi = 300,
    int TextPageDpi = 150,
    int MinPdfDpi = 72,
    int MinTextLayerWords = 15)
{
    /// <summary>The defaults above.</summary>
    public static SourceDecoderOptions Default { get; } = new();
}

/// <summary>
/// Turns an inbox file (TIFF, PNG, JPEG or PDF, recognised by its magic bytes) into pages, one at a time.
/// <see cref="InspectAsync"/> checks structure and declared sizes without decoding pixels; <see cref="ReadPagesAsync"/>
/// inspects again, then decodes and yields each page, holding one page in memory at a time.
/// </summary>
public sealed partial class SourceDecoder(SourceDecoderOptions? options = null, PopplerTools? poppler = null)
{
    private readonly SourceDecoderOptions _options = options ?? SourceDecoderOptions.Default;
    private readonly PopplerTools _poppler = poppler ?? new PopplerTools();

    /// <summary>The limits in force.</summary>
    public SourceDecoderOptions Options => _options;

    /// <summary>Synchronous <see cref="InspectAsync"/> (a PDF costs one <c>pdfinfo</c> run).</summary>
    public SourceInspection Inspect(string path) => InspectAsync(path, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Format and page count of <paramref name="path"/>, or a typed rejection. Never decodes pixels.</summary>
    public async Task<SourceInspection> InspectAsync(string path, CancellationToken ct)
    {
        var (inspection, _) = await InspectCoreAsync(path, ct).ConfigureAwait(false);
        return inspection;
    }

    /// <summary>
    /// Decodes the pages of <paramref name="path"/> in order. A file that <see cref="InspectAsync"/> refuses, or whose
    /// pixel data proves corrupt while decoding, ends the sequence with <see cref="SourceRejectedException"/>.
    /// </summary>
    public async IAsyncEnumerable<DecodedPage> ReadPagesAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        var (inspection, layout) = await InspectCoreAsync(path, ct).ConfigureAwait(false);
        if (inspection.Rejection is { } rejection) throw new SourceRejectedException(rejection);
        var full = inspection.Path;
        switch (inspection.Format)
        {
            case SourceFormat.Tiff:
                using (var reader = new TiffPageReader(full))
                {
                    var sizes = (IReadOnlyList<DeclaredSize>)layout!;
                    for (var n = 1; n <= sizes.Count; n++)
                    {
                        ct.ThrowIfCancellationRequested();
                        yield return new DecodedPage(n, sizes.Count, ReadTiffPage(reader, n, sizes[n - 1]), null);
                    }
                }
                break;
            case SourceFormat.Png or SourceFormat.Jpeg:
                ct.ThrowIfCancellationRequested();
                var bytes = await File.ReadAllBytesAsync(full, ct).ConfigureAwait(false);
                yield return new DecodedPage(1, 1, DecodeSingle(bytes, inspection.Format, (DeclaredSize)layout!), null);
                break;
            case SourceFormat.Pdf:
                var pdf = (PdfPlan)layout!;
                for (var n = 1; n <= pdf.Dpi.Count; n++)
                {
                    ct.ThrowIfCancellationRequested();
                    var text = await _poppler.ExtractTextAsync(full, n, ct).ConfigureAwait(false);
                    var keepText = text is not null && HasEnoughWords(text);
                    var dpi = Math.Min(pdf.Dpi[n - 1], keepText ? _options.TextPageDpi : _options.OcrDpi);
                    var image = await _poppler.RenderPageAsync(full, n, dpi, PdfRenderMode.Gray, ct).ConfigureAwait(false);
                    yield return new DecodedPage(n, pdf.Dpi.Count, image, keepText ? text : null);
                }
                break;
        }
    }

    /// <summary>Whether a PDF text layer has enough real words to be kept instead of running OCR on the page.</summary>
    public bool HasEnoughWords(string text)
    {
        var tokens = Tokens().Matches(text).Count;
        var words = RealWords().Matches(text).Count;
        // A share of real words guards against garbage layers (bad OCR of an earlier tool, glyph soup).
        return words >= _options.MinTextLayerWords && words >= 0.3 * tokens;
    }

    // The per-format layout found while inspecting, reused when reading: TIFF page sizes, PNG/JPEG size, PDF dpi plan.
    private sealed record PdfPlan(IReadOnlyList<int> Dpi);

    private async Task<(SourceInspection, object?)> InspectCoreAsync(string path, CancellationToken ct)
    {
        var full = Path.GetFullPath(path);
        byte[] head;
        long length;
        try
        {
            length = new FileInfo(full).Length;
            head = InputFile.ReadHead(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (SourceInspection.Rejected(full, SourceFormat.Unknown, SourceRejectionCodes.FileUnreadable, $"Fichier illisible : {e.Message}"), null);
        }
        if (length == 0)
            return (SourceInspection.Rejected(full, SourceFormat.Unknown, SourceRejectionCodes.EmptyFile, "Fichier vide (0 octet)."), null);

        var format = InputFile.Sniff(head);
        try
        {
            switch (format)
            {
                case SourceFormat.Tiff:
                {
                    var pages = TiffLayout.ReadPages(full);
                    for (var i = 0; i < pages.Count; i++)
                        if (TooLarge(pages[i], $"la page {i + 1} du TIFF") is { } tooLarge) return (SourceInspection.Rejected(full, format, SourceRejectionCodes.ImageTooLarge, tooLarge), null);
                    return (SourceInspection.Accepted(full, format, pages.Count), pages);
                }
                case SourceFormat.Png or SourceFormat.Jpeg:
                {
                    var bytes = await File.ReadAllBytesAsync(full, ct).ConfigureAwait(false);
                    var name = format == SourceFormat.Png ? "PNG" : "JPEG";
                    // Header first, then the size guard, then the full structure walk: a bomb is refused before anything else.
                    if (PageImage.ReadHeader(bytes) is not { } header || header.Width <= 0 || header.Height <= 0)
                        return (Rejected(full, format, bytes.Length < 64 ? SourceRejectionCodes.TruncatedImage : SourceRejectionCodes.CorruptImage,
                            $"{name} {(bytes.Length < 64 ? "tronqué" : "corrompu")} : en-tête illisible."), null);
                    var size = new DeclaredSize(header.Width, header.Height);
                    if (TooLarge(size, $"l'image {name}") is { } tooLarge) return (Rejected(full, format, SourceRejectionCodes.ImageTooLarge, tooLarge), null);
                    if (format == SourceFormat.Png) PngLayout.Check(bytes); else JpegLayout.Check(bytes);
                    return (SourceInspection.Accepted(full, format, 1), size);
                }
                case SourceFormat.Pdf:
                    return await InspectPdfAsync(full, ct).ConfigureAwait(false);
                default:
                {
                    if (string.Equals(Path.GetExtension(full), ".pdf", StringComparison.OrdinalIgnoreCase))
                        return (Rejected(full, format, SourceRejectionCodes.NotAPdf,
                            $"Le fichier porte l'extension .pdf mais n'est pas un PDF (contenu : {InputFile.Describe(head) ?? "inconnu"})."), null);
                    var what = InputFile.Describe(head);
                    return (Rejected(full, format, SourceRejectionCodes.UnsupportedFormat,
                        $"Format non pris en charge{(what is null ? "" : $" ({what})")} : seuls TIFF, PNG, JPEG et PDF sont acceptés."), null);
                }
            }
        }
        catch (StructureException e)
        {
            return (Rejected(full, format, e.Code, e.Message), null);
        }
    }

    private async Task<(SourceInspection, object?)> InspectPdfAsync(string full, CancellationToken ct)
    {
        var info = await _poppler.InfoAsync(full, ct).ConfigureAwait(false);
        if (info.Rejection is { } rejection) return (new SourceInspection(full, SourceFormat.Pdf, 0, rejection), null);
        var doc = info.Document!;
        var plan = new List<int>(doc.PageCount);
        for (var i = 0; i < doc.PageCount; i++)
        {
            // Largest dpi ≤ OcrDpi at which the page fits the pixel limits; a huge page is refused rather than rendered.
            var wIn = doc.Pages[i].WidthPt / 72.0;
            var hIn = doc.Pages[i].HeightPt / 72.0;
            if (wIn <= 0 || hIn <= 0)
                return (Rejected(full, SourceFormat.Pdf, SourceRejectionCodes.PdfUnreadable, $"PDF illisible : la page {i + 1} a une taille nulle."), null);
            var fit = Math.Min(Math.Min(_options.MaxSide / wIn, _options.MaxSide / hIn), Math.Sqrt(_options.MaxPixels / (wIn * hIn)));
            var dpi = (int)Math.Min(_options.OcrDpi, Math.Floor(fit));
            if (dpi < _options.MinPdfDpi)
                return (Rejected(full, SourceFormat.Pdf, SourceRejectionCodes.ImageTooLarge,
                    $"Page {i + 1} du PDF trop grande ({doc.Pages[i].WidthPt:0} × {doc.Pages[i].HeightPt:0} points) pour être numérisée."), null);
            plan.Add(dpi);
        }
        return (SourceInspection.Accepted(full, SourceFormat.Pdf, doc.PageCount), new PdfPlan(plan));
    }

    private string? TooLarge(DeclaredSize size, string what) =>
        size.Width > _options.MaxSide || size.Height > _options.MaxSide || (long)size.Width * size.Height > _options.MaxPixels
            ? $"Image trop grande : {what} annonce {size.Width} × {size.Height} pixels (maximum {_options.MaxSide} par côté et {_options.MaxPixels / 1_000_000} mégapixels)."
            : null;

    private static SourceInspection Rejected(string path, SourceFormat format, string code, string message) =>
        SourceInspection.Rejected(path, format, code, message);

    private static PageImage ReadTiffPage(TiffPageReader reader, int n, DeclaredSize declared)
    {
        PageImage? image;
        try { image = reader.ReadNext(); }
        catch (ImageDecodeException e)
        {
            throw new SourceRejectedException(new SourceRejection(SourceRejectionCodes.CorruptImage, $"TIFF corrompu : la page {n} ne se décode pas ({e.Message})."), n);
        }
        if (image is null)
            throw new SourceRejectedException(new SourceRejection(SourceRejectionCodes.CorruptImage, $"TIFF corrompu : la page {n} manque."), n);
        return EnsureSize(image, declared, $"TIFF corrompu : la page {n}", n);
    }

    private static PageImage DecodeSingle(byte[] bytes, SourceFormat format, DeclaredSize declared)
    {
        var name = format == SourceFormat.Png ? "PNG" : "JPEG";
        PageImage image;
        try
        {
            if (format == SourceFormat.Jpeg)
            {
                image = PageImage.DecodeJpeg(bytes, out var warnings);
                if (warnings > 0)
                {
                    image.Dispose();
                    throw new SourceRejectedException(new SourceRejection(SourceRejectionCodes.CorruptImage,
                        $"JPEG corrompu : données d'image endommagées ({warnings} avertissement(s) du décodeur)."), 1);
                }
            }
            else image = PageImage.Decode(bytes);
        }
        catch (ImageDecodeException e)
        {
            throw new SourceRejectedException(new SourceRejection(SourceRejectionCodes.CorruptImage, $"{name} corrompu : {e.Message}."), 1);
        }
        return EnsureSize(image, declared, $"{name} corrompu : l'image", 1);
    }

    // A decoder that returns fewer pixels than the header announced has dropped data without saying so.
    private static PageImage EnsureSize(PageImage image, DeclaredSize declared, string what, int page)
    {
        if (image.Width == declared.Width && image.Height == declared.Height) return image;
        var message = $"{what} décodée fait {image.Width} × {image.Height} pixels au lieu de {declared.Width} × {declared.Height}.";
        image.Dispose();
        throw new SourceRejectedException(new SourceRejection(SourceRejectionCodes.CorruptImage, message), page);
    }

    [GeneratedRegex(@"\S+")] private static partial Regex Tokens();
    [GeneratedRegex(@"(?<!\S)[\p{P}]*\p{L}{3,}[\p{P}]*(?!\S)")] private static partial Regex RealWords();
}
