using CaptureChain.Capture.Scanners;

namespace CaptureChain.Pipeline.Scanning;

/// <summary>One scan to run into the pipeline: which device, what was asked of it, and where its source file goes.</summary>
/// <param name="Inbox">
/// Folder of the scan's source file (the manifest's <c>source</c> is relative to it); null means
/// <see cref="CaptureRun.ScansInbox"/> (<c>&lt;archive&gt;/.capturechain/scans</c>).
/// </param>
public sealed record ScanDescription(string DeviceId, ScanSettings Settings, string? Inbox = null);

/// <summary>
/// Where every scanned page went. A scan is fully accounted for when
/// <c>Scanned = InDocuments + Sheets + Blank + Rejected</c> (<see cref="Unaccounted"/> is 0).
/// </summary>
/// <param name="Scanned">Pages received from the scanner and spooled.</param>
/// <param name="InDocuments">Pages kept in documents that were filed, sent to review or found duplicate.</param>
/// <param name="Sheets">Separator and cover sheets (never filed).</param>
/// <param name="Blank">Blank pages removed (duplex backs).</param>
/// <param name="Rejected">Pages of quarantined items (the whole scan when its source was rejected).</param>
public sealed record ScanPageAccount(int Scanned, int InDocuments, int Sheets, int Blank, int Rejected)
{
    /// <summary>Pages not found in any bucket (0 when the account balances).</summary>
    public int Unaccounted => Scanned - InDocuments - Sheets - Blank - Rejected;
}

/// <summary>A scan batch's report: the batch, how the scan ended, its source file and where each page went.</summary>
/// <param name="SourceName">The scan's source name relative to the inbox; null when no page was scanned.</param>
/// <param name="SourcePath">The assembled multi-page TIFF; null when no page was scanned.</param>
public sealed record ScanReport(BatchReport Batch, string DeviceId, ScanEnd End, string Inbox, string? SourceName, string? SourcePath, ScanPageAccount Pages);
