using System.Globalization;
using CaptureChain.Filing.Manifest;

namespace CaptureChain.Filing.Store;

/// <summary>Identifier of one batch run (time-ordered GUID).</summary>
public readonly record struct BatchId(Guid Value)
{
    /// <summary>A new, time-ordered id.</summary>
    public static BatchId New() => new(Guid.CreateVersion7());

    /// <summary>Parses the text form written by <see cref="ToString"/>.</summary>
    public static BatchId Parse(string text) => new(Guid.ParseExact(text, "D"));

    /// <inheritdoc/>
    public override string ToString() => Value.ToString("D", CultureInfo.InvariantCulture);
}

/// <summary>State of a batch run.</summary>
public enum BatchStatus
{
    /// <summary>Started and not finished (or the process died: see <see cref="Interrupted"/>).</summary>
    Running,

    /// <summary>Ran to the end (items may still be in review or quarantine).</summary>
    Completed,

    /// <summary>The run itself could not proceed.</summary>
    Failed,

    /// <summary>Found running by a later start: the process stopped without finishing it.</summary>
    Interrupted,
}

/// <summary>What starts a batch: its kind (lower_snake_case, e.g. "process", "scan", "watch") and where it comes from.</summary>
public sealed record BatchStart(string Kind, string? Inbox, string? Operator, string? Station);

/// <summary>Counts of a batch: sources seen and rejected, documents by status.</summary>
public sealed record BatchCounts(int Sources, int SourcesRejected, int Documents, int Filed, int Review, int Rejected, int Duplicate)
{
    /// <summary>All zero.</summary>
    public static BatchCounts Zero { get; } = new(0, 0, 0, 0, 0, 0, 0);
}

/// <summary>A batch as recorded; counts are live while it runs and frozen when it finishes.</summary>
public sealed record BatchSummary(
    BatchId Id, string Kind, string? Inbox, string? Operator, string? Station,
    DateTimeOffset StartedAt, DateTimeOffset? EndedAt, BatchStatus Status, BatchCounts Counts)
{
    /// <summary>Pages read so far (sheets and blank backs included).</summary>
    public long PagesRead { get; init; }

    /// <summary>Pages per minute between the start and the end (or <paramref name="now"/> while running).</summary>
    public double PagesPerMinute(DateTimeOffset now)
    {
        var minutes = ((EndedAt ?? now) - StartedAt).TotalMinutes;
        return minutes > 0 ? PagesRead / minutes : 0;
    }
}

/// <summary>Progress of one input file.</summary>
public enum SourceStatus
{
    /// <summary>Seen, not yet decoded.</summary>
    Pending,

    /// <summary>Pages decoded; documents not all recorded yet.</summary>
    Decoded,

    /// <summary>Every document of the file is recorded (filed, review, rejected or duplicate).</summary>
    Done,

    /// <summary>The whole file was rejected (quarantined).</summary>
    Rejected,
}

/// <summary>
/// One input file of an inbox, identified by its name relative to the inbox and its SHA-256 (so a changed file under
/// the same name is new work, and an unchanged one is never done twice).
/// </summary>
public sealed record SourceRecord(
    BatchId Batch, string Inbox, string RelativeName, string Sha256, long SizeBytes, int? PageCount, SourceStatus Status, string? Reason);

/// <summary>
/// Identity of one output document: the source file (name relative to the inbox and SHA-256) and its 1-based inclusive
/// page range. A restarted run finds the same key for the same pages and so never files them twice.
/// </summary>
public readonly record struct DocumentKey(string SourceName, string SourceSha256, int FirstPage, int LastPage)
{
    /// <summary>The <see cref="SourceSha256"/> of an input that could not be read: its content is unknown.</summary>
    public static readonly string UnknownContent = new('0', 64);

    /// <summary>Throws on an empty name or hash or an invalid range.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(SourceName)) throw new ArgumentException("Document key without a source name.");
        if (string.IsNullOrEmpty(SourceSha256)) throw new ArgumentException("Document key without a source SHA-256.");
        if (FirstPage < 1 || LastPage < FirstPage) throw new ArgumentException($"Invalid page range {FirstPage}-{LastPage}.");
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{SourceName}#{FirstPage}-{LastPage}@{(SourceSha256.Length > 12 ? SourceSha256[..12] : SourceSha256)}";
}

/// <summary>
/// Everything recorded about one output document: the decision, what it was based on (type, confidence and threshold,
/// model version, identifiers, evidence JSON) and where it went. <see cref="ContentHash"/> is the pipeline's hash of
/// the document's content, used to find duplicates.
/// </summary>
public sealed record DocumentRecord(
    DocumentKey Key,
    BatchId Batch,
    string Inbox,
    DocumentStatus Status,
    string? DocumentType,
    double? TypeConfidence,
    double? TypeThreshold,
    string? ModelVersion,
    string? BeneficiaryId,
    string? CaseNumber,
    string? Path,
    string? PdfSha256,
    string? ContentHash,
    IReadOnlyList<string> Reasons,
    string? EvidenceJson)
{
    /// <summary>When the document was first recorded (set by the store).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// A fingerprint of the document's recognised text that survives a re-scan (different pixels, same words), to
    /// detect the same paper scanned twice; null when not computed.
    /// </summary>
    public string? TextFingerprint { get; init; }

    /// <summary>When the record last changed (set by the store).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The manifest line of this document (shared spec §5).</summary>
    public ManifestEntry ToManifestEntry() => new(
        Key.SourceName, Key.FirstPage, Key.LastPage, Status, DocumentType, TypeConfidence, BeneficiaryId, CaseNumber, Path, PdfSha256, Reasons);
}

/// <summary>One journal line: what a stage did to an item (a source, a page or a document) and why.</summary>
public sealed record JournalStep(BatchId Batch, string Item, string Stage, string Outcome, string? DetailJson)
{
    /// <summary>When it happened (set by the store).</summary>
    public DateTimeOffset At { get; init; }
}

/// <summary>State of a filing intent.</summary>
public enum FilingIntentState
{
    /// <summary>The target name is chosen; the file may or may not have taken it yet.</summary>
    Intended,

    /// <summary>The file is at the target with the recorded SHA-256.</summary>
    Completed,
}

/// <summary>A journaled decision to place a document at a path, recorded before the rename so a crash is detectable.</summary>
public sealed record FilingIntent(DocumentKey Key, string TargetPath, string PdfSha256, FilingIntentState State, DateTimeOffset UpdatedAt);

/// <summary>State of a review item.</summary>
public enum ReviewState
{
    /// <summary>Waiting for a person.</summary>
    Open,

    /// <summary>Decided.</summary>
    Closed,
}

/// <summary>A document waiting for a person: why (reason codes) and the candidates the pipeline considered (JSON).</summary>
public sealed record ReviewItem(
    string Id,
    DocumentKey Key,
    IReadOnlyList<string> ReasonCodes,
    string? CandidatesJson,
    ReviewState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt,
    string? ClosedBy,
    string? ResolutionJson);
