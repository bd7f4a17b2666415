using CaptureChain.Capture.Barcodes;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Sheets;

/// <summary>What the barcodes of one page say about it being a batch sheet.</summary>
/// <param name="Sheet">The sheet when every sheet barcode on the page agrees; null otherwise.</param>
/// <param name="Barcodes">All barcodes read on the page, ours or not.</param>
/// <param name="Conflicting">True when the page carries barcodes of different sheets: a person must look.</param>
public sealed record SheetDetection(BatchSheet? Sheet, IReadOnlyList<Barcode> Barcodes, bool Conflicting);

/// <summary>Recognises separator and cover sheets (shared spec §4) from a page's barcodes.</summary>
public static class SheetDetector
{
    /// <summary>The batch sheet on <paramref name="page"/>, or null for an ordinary page (or contradictory codes).</summary>
    public static BatchSheet? Detect(PageImage page) => Inspect(page).Sheet;

    /// <summary>Reads the page's barcodes and tells whether it is a sheet, and whether its codes disagree.</summary>
    public static SheetDetection Inspect(PageImage page) => Interpret(BarcodeReader.Read(page));

    /// <summary>Interprets already-read barcodes.</summary>
    public static SheetDetection Interpret(IReadOnlyList<Barcode> barcodes)
    {
        // Records compare by value, so the same sheet printed in three symbologies collapses to one.
        var sheets = barcodes.Select(b => BatchSheet.FromPayload(b.Payload)).OfType<BatchSheet>().Distinct().ToList();
        return sheets.Count switch
        {
            0 => new SheetDetection(null, barcodes, false),
            1 => new SheetDetection(sheets[0], barcodes, false),
            _ => new SheetDetection(null, barcodes, true),
        };
    }
}
