using System.Diagnostics.CodeAnalysis;
using CaptureChain.Filing.Manifest;

namespace CaptureChain.Filing.Store;

/// <summary>What a user of the web UI may do: operators watch batches, reviewers work the review queue, admins everything.</summary>
public enum UserRole
{
    /// <summary>Scan-room operator: batches, dashboard, metrics.</summary>
    Operator,

    /// <summary>Back-office reviewer: the review queue and its actions, registry search.</summary>
    Reviewer,

    /// <summary>Users and configuration, and everything the other roles do.</summary>
    Admin,
}

/// <summary>Lower-case names of <see cref="UserRole"/> as stored and shown.</summary>
public static class UserRoleNames
{
    /// <summary>"operator", "reviewer" or "admin".</summary>
    public static string ToName(this UserRole role) => role switch
    {
        UserRole.Operator => "operator",
        UserRole.Reviewer => "reviewer",
        UserRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    /// <summary>Parses a lower-case role name.</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out UserRole? role)
    {
        role = name switch
        {
            "operator" => UserRole.Operator,
            "reviewer" => UserRole.Reviewer,
            "admin" => UserRole.Admin,
            _ => null,
        };
        return role is not null;
    }
}

/// <summary>
/// A person who can log in. <see cref="PasswordHash"/> is self-describing (<c>pbkdf2-sha256$iterations$salt$hash</c>);
/// <see cref="SecurityStamp"/> changes with the password, the role or the disabled flag, which ends open sessions.
/// </summary>
public sealed record UserAccount(string Name, UserRole Role, string PasswordHash, string SecurityStamp, bool Disabled)
{
    /// <summary>When the account was created (set by the store).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed (set by the store).</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Which review items to list: state, and optionally one batch, one reason code or one document type.</summary>
public sealed record ReviewQueueFilter(
    ReviewState State = ReviewState.Open, BatchId? Batch = null, string? Reason = null, string? DocumentType = null, int Limit = 1000);

/// <summary>A review item with its document's record (null only if the record is missing).</summary>
public sealed record ReviewQueueEntry(ReviewItem Item, DocumentRecord? Document);

/// <summary>
/// One line of the review journal: who did what to a document under review, when, and the state before and after
/// (JSON). Views are journalled too (action <c>view</c>, no before/after): who saw which personal data.
/// </summary>
public sealed record ReviewJournalEntry(string ReviewItemId, DocumentKey Key, string Action, string Actor, string? BeforeJson, string? AfterJson)
{
    /// <summary>When it happened (set by the store).</summary>
    public DateTimeOffset At { get; init; }
}

/// <summary>
/// A labelled example for retraining the document-type model: a document's OCR text and the type a person gave it.
/// <see cref="Corrected"/> says whether the person changed the predicted type (a correction) or confirmed it.
/// </summary>
public sealed record TrainingExample(
    string ReviewItemId, DocumentKey Key, string DocumentType, string? PredictedType, bool Corrected, string? ModelVersion, string Text, string LabelledBy)
{
    /// <summary>Store-assigned, increasing: read from the last one seen to get only new examples.</summary>
    public long Id { get; init; }

    /// <summary>When it was recorded (set by the store).</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// A review item decided in one transaction: the item closes, the document's record takes its new state (filed with
/// its path, rejected, ...), the journal gets its line and, when a type was confirmed, the training example is kept.
/// </summary>
public sealed record ReviewDecision(
    string ReviewItemId, DocumentRecord Document, string Actor, string ResolutionJson, ReviewJournalEntry Journal, TrainingExample? Example);

/// <summary>A new document cut by a person (split or merge), waiting for review again.</summary>
public sealed record ReviewReplacementPart(DocumentRecord Document, IReadOnlyList<string> ReasonCodes, string? CandidatesJson);

/// <summary>
/// Documents under review replaced by others (split into two, or merged into one), in one transaction: the replaced
/// records (which must be in review) are removed, their open items closed, the parts recorded with new open items.
/// </summary>
public sealed record ReviewReplacement(
    IReadOnlyList<DocumentKey> Replaced, IReadOnlyList<ReviewReplacementPart> Parts, string Actor, string ResolutionJson,
    IReadOnlyList<ReviewJournalEntry> Journal);

/// <summary>
/// Totals over the whole store for the metrics endpoint: documents by status, open review items, pages read, batches by
/// status, and the distribution of type confidences (cumulative count at or below each requested bound).
/// </summary>
public sealed record CaptureStatistics(
    IReadOnlyDictionary<DocumentStatus, long> Documents,
    long OpenReviewItems,
    long PagesRead,
    IReadOnlyDictionary<BatchStatus, long> Batches,
    IReadOnlyList<double> ConfidenceBounds,
    IReadOnlyList<long> ConfidenceAtOrBelow,
    long ConfidenceCount,
    double ConfidenceSum);

/// <summary>Review journal lines of some actions, and the distinct review items they touched.</summary>
/// <param name="Entries">Journal lines.</param>
/// <param name="Items">Distinct review items among them.</param>
public sealed record ReviewActionCount(long Entries, long Items);
