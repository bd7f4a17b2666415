namespace CaptureChain.Capture.Sheets;

/// <summary>A barcode sheet inserted by the scan-room operator (shared spec §4); never filed itself.</summary>
public abstract record BatchSheet
{
    /// <summary>The barcode payload that identifies the sheet.</summary>
    public abstract string Payload { get; }

    /// <summary>Reads a barcode payload; null when it is not one of ours.</summary>
    public static BatchSheet? FromPayload(string payload)
    {
        payload = payload.Trim();
        if (payload == SeparatorSheet.Code) return new SeparatorSheet();
        if (payload.StartsWith(CoverSheet.Prefix, StringComparison.Ordinal) && payload.Length > CoverSheet.Prefix.Length)
            return new CoverSheet(payload[CoverSheet.Prefix.Length..]);
        return null;
    }
}

/// <summary><c>CCSEP</c>: ends the current document.</summary>
public sealed record SeparatorSheet : BatchSheet
{
    public const string Code = "CCSEP";
    public override string Payload => Code;
}

/// <summary><c>CCCASE.&lt;case_number&gt;</c>: the following documents of the same input file belong to that case.</summary>
public sealed record CoverSheet(string CaseNumber) : BatchSheet
{
    public const string Prefix = "CCCASE.";
    public override string Payload => Prefix + CaseNumber;
}
