namespace CaptureChain.Capture.Barcodes;

/// <summary>One barcode read from a page: its symbology (see <see cref="Symbologies"/>) and its text.</summary>
public sealed record Barcode(string Symbology, string Payload);

/// <summary>Symbology names used in <see cref="Barcode.Symbology"/>.</summary>
public static class Symbologies
{
    public const string Code128 = "code128";
    public const string Code39 = "code39";
    public const string Qr = "qr";
}

/// <summary>
/// A linear barcode as alternating bar and space widths in modules, starting with a bar; quiet zones not included.
/// </summary>
public sealed record LinearBarcode(string Symbology, string Payload, IReadOnlyList<int> Widths)
{
    /// <summary>Total width in modules.</summary>
    public int Modules => Widths.Sum();
}
