using CaptureChain.Capture.Barcodes;
using CaptureChain.Capture.Rendering;

namespace CaptureChain.Capture.Sheets;

/// <summary>
/// Lays out a printable A4 batch sheet: French title, the payload as Code 128 and QR (plus Code 39 on separators),
/// and the operator's instructions, with a spare Code 128 at the bottom. Sizes are chosen so the codes read at 200 dpi
/// bitonal: Code 128 modules of 0.5 mm for usual case numbers (never under 0.25 mm), QR modules of 1.5 mm, wide quiet zones.
/// </summary>
public static class SheetPainter
{
    private const double PageW = PageCanvas.A4WidthMm, Margin = 15, MaxCodeWidth = 160;
    private const string Sans = "DejaVu Sans", Mono = "DejaVu Sans Mono";

    /// <summary>Paints <paramref name="sheet"/> over the whole current page of <paramref name="canvas"/>.</summary>
    public static void Paint(PageCanvas canvas, BatchSheet sheet)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        ArgumentNullException.ThrowIfNull(sheet);
        canvas.Clear();
        canvas.StrokeRect(Margin / 2, Margin / 2, PageW - Margin, PageCanvas.A4HeightMm - Margin, 1.0);

        var y = 32.0;
        switch (sheet)
        {
            case SeparatorSheet:
                Centred(canvas, "FEUILLE DE SÉPARATION", y, 30, bold: true);
                y += 12;
                Centred(canvas, "Fin de document", y, 16);
                y += 10;
                break;
            case CoverSheet cover:
                Centred(canvas, "BORDEREAU DE DOSSIER", y, 30, bold: true);
                y += 22;
                Centred(canvas, cover.CaseNumber, y, FitSize(canvas, cover.CaseNumber, 40, PageW - 2 * Margin - 10, Mono, bold: true), Mono, bold: true);
                y += 8;
                break;
            default:
                throw new ArgumentException($"Unknown sheet type {sheet.GetType().Name}.", nameof(sheet));
        }

        y += 8;
        if (Code128.CanEncode(sheet.Payload))
            y = LinearBlock(canvas, Code128.Encode(sheet.Payload), "Code 128", y, maxModuleMm: 0.5);
        if (sheet is SeparatorSheet && Code39.CanEncode(sheet.Payload))
            y = LinearBlock(canvas, Code39.Encode(sheet.Payload), "Code 39", y, maxModuleMm: 0.6);

        // Level Q: a quarter of the symbol may be stained, punched or folded and it still reads.
        var qr = QrCode.Encode(sheet.Payload, QrErrorCorrection.Q);
        const double qrModule = 1.5;
        var qrSide = qr.Size * qrModule;
        y += 4;
        BarcodePainter.Draw(canvas, qr, (PageW - qrSide) / 2, y, qrModule);
        y += qrSide + 6;
        Centred(canvas, sheet.Payload, y, 11, Mono);
        y += 14;

        var lines = sheet is SeparatorSheet
            ? new[]
            {
                "Placez cette feuille après la dernière page d'un document.",
                "Elle termine le document qui la précède ; elle n'est pas archivée.",
                "Réutilisable : gardez-la propre, sans pli, agrafe ni annotation",
                "sur les codes-barres. Numérisez-la recto, dans le même sens que le lot.",
            }
            : new[]
            {
                "Placez ce bordereau devant les documents du dossier indiqué.",
                "Les documents qui le suivent dans le même lot sont classés dans ce dossier,",
                "sauf si un document désigne un autre bénéficiaire (il part alors en contrôle).",
                "Le bordereau n'est pas archivé. Ne pliez, n'agrafez ni n'annotez les codes-barres.",
            };
        foreach (var line in lines)
        {
            canvas.Text(Margin + 5, y, line, 11, Sans);
            y += 6.5;
        }
        // A spare Code 128 near the bottom edge: a sheet torn, stapled or stamped across the top still reads.
        if (Code128.CanEncode(sheet.Payload))
            LinearBlock(canvas, Code128.Encode(sheet.Payload), "Code 128", Math.Max(y + 6, PageCanvas.A4HeightMm - 60), maxModuleMm: 0.5);
        canvas.Text(Margin + 5, PageCanvas.A4HeightMm - Margin, "CaptureChain — feuille de lot", 8, Sans, italic: true);
    }

    // A barcode centred with a quiet zone of at least 10 modules each side, then its caption; returns the next y.
    private static double LinearBlock(PageCanvas canvas, LinearBarcode code, string caption, double y, double maxModuleMm)
    {
        var module = Math.Min(maxModuleMm, MaxCodeWidth / code.Modules);
        if (module < 0.25) throw new ArgumentException($"Payload too long for a readable {caption} on A4.");
        var width = code.Modules * module;
        const double height = 22;
        BarcodePainter.Draw(canvas, code, (PageW - width) / 2, y, module, height);
        y += height + 5;
        Centred(canvas, $"{code.Payload}   ({caption})", y, 9, Mono);
        return y + 9;
    }

    private static void Centred(PageCanvas canvas, string text, double baselineY, double sizePt, string family = Sans, bool bold = false)
    {
        var w = canvas.MeasureText(text, sizePt, family, bold);
        canvas.Text((PageW - w) / 2, baselineY, text, sizePt, family, bold);
    }

    private static double FitSize(PageCanvas canvas, string text, double sizePt, double maxWidthMm, string family, bool bold)
    {
        var w = canvas.MeasureText(text, sizePt, family, bold);
        return w <= maxWidthMm ? sizePt : sizePt * maxWidthMm / w;
    }
}
