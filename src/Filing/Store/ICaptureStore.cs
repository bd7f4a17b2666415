namespace CaptureChain.Filing.Store;

/// <summary>
/// The capture journal: batches, input files, output documents, every step, filing intents and review items. It holds
/// what a restarted run needs to finish without filing anything twice and what explains each decision. SQLite for
/// one node (<see cref="SqliteCaptureStore"/>), PostgreSQL for several sharing the work; keep callers on this
/// interface. Every method is safe for parallel callers (and, on PostgreSQL, for other nodes).
/// </summary>
public interface ICaptureStore : IBacklogStore, IAsyncDisposable
{
    /// <summary>
    /// Takes the lock named <paramref name="name"/> across every process sharing this store and holds it until the
    /// result is disposed: on PostgreSQL a session advisory lock on a connection of its own (the nodes of a cluster),
    /// on SQLite an exclusive lock on a file beside the database (the processes of one machine). For short critical
    /// sections such as "check, then file" that must not interleave between nodes; keep the set of names small.
    /// </summary>
    Task<IAsyncDisposable> AcquireLockAsync(string name, CancellationToken ct = default);

    /// <summary>Records a new running batch.</summary>
    Task<BatchId> StartBatchAsync(BatchStart start, CancellationToken ct = default);

    /// <summary>Ends a batch with <paramref name="status"/>, freezing its counts; returns it.</summary>
    Task<BatchSummary> FinishBatchAsync(BatchId batch, BatchStatus status, CancellationToken ct = default);

    /// <summary>Records how many pages a batch has read so far (live progress and the batch report).</summary>
    Task SetBatchPagesReadAsync(BatchId batch, long pagesRead, CancellationToken ct = default);

    /// <summary>A batch, or null; counts are live while it runs.</summary>
    Task<BatchSummary?> GetBatchAsync(BatchId batch, CancellationToken ct = default);

    /// <summary>Batches, newest first, optionally only those in <paramref name="status"/>.</summary>
    Task<IReadOnlyList<BatchSummary>> ListBatchesAsync(BatchStatus? status = null, CancellationToken ct = default);

    /// <summary>Inserts or updates an input file's progress.</summary>
    Task MarkSourceAsync(SourceRecord source, CancellationToken ct = default);

    /// <summary>An input file's record, or null.</summary>
    Task<SourceRecord?> FindSourceAsync(string relativeName, string sha256, CancellationToken ct = default);

    /// <summary>True when the file (same name, same content) is <see cref="SourceStatus.Done"/> or <see cref="SourceStatus.Rejected"/>.</summary>
    Task<bool> IsSourceDoneAsync(string relativeName, string sha256, CancellationToken ct = default);

    /// <summary>Appends a journal line.</summary>
    Task RecordStepAsync(JournalStep step, CancellationToken ct = default);

    /// <summary>Journal lines of a batch in order, optionally of one item.</summary>
    Task<IReadOnlyList<JournalStep>> ListStepsAsync(BatchId batch, string? item = null, CancellationToken ct = default);

    /// <summary>A document's record, or null.</summary>
    Task<DocumentRecord?> FindDocumentAsync(DocumentKey key, CancellationToken ct = default);

    /// <summary>
    /// Inserts or updates a document's record. A filed record needs a path and a PDF SHA-256 and cannot be turned into
    /// anything else or moved by this call (that would lose track of a file in a case folder).
    /// </summary>
    Task RecordDocumentAsync(DocumentRecord document, CancellationToken ct = default);

    /// <summary>Documents last recorded by a batch, by source name and first page.</summary>
    Task<IReadOnlyList<DocumentRecord>> ListDocumentsAsync(BatchId batch, CancellationToken ct = default);

    /// <summary>Documents from an inbox, by source name and first page.</summary>
    Task<IReadOnlyList<DocumentRecord>> ListDocumentsAsync(string inbox, CancellationToken ct = default);

    /// <summary>Documents of some source files of an inbox (a page of a report), by source name and first page.</summary>
    Task<IReadOnlyList<DocumentRecord>> ListDocumentsAsync(string inbox, IReadOnlyCollection<string> sourceNames, CancellationToken ct = default);

    /// <summary>
    /// Every document from an inbox in the store's key order (source name, file hash, pages), read
    /// <paramref name="pageSize"/> at a time on a fresh connection each: a manifest of a million documents is written
    /// without holding them all, nor a reader open for the whole walk.
    /// </summary>
    IAsyncEnumerable<DocumentRecord> StreamDocumentsAsync(string inbox, int pageSize = 1000, CancellationToken ct = default);

    /// <summary>The earliest filed document with this content hash, or null (for duplicate detection).</summary>
    Task<DocumentRecord?> FindFiledByContentAsync(string contentHash, CancellationToken ct = default);

    /// <summary>
    /// Filed documents of a beneficiary and type that carry a <see cref="DocumentRecord.TextFingerprint"/>, newest
    /// first (to find a re-scan of a document already filed).
    /// </summary>
    Task<IReadOnlyList<DocumentRecord>> ListFiledFingerprintsAsync(string beneficiaryId, string documentType, CancellationToken ct = default);

    /// <summary>
    /// Journals the intent to place a document at <paramref name="targetRelativePath"/> with content
    /// <paramref name="pdfSha256"/>, before the rename. Replaces an open intent of the same key; refuses when the key is
    /// already completed (filing twice).
    /// </summary>
    Task BeginFilingAsync(DocumentKey key, string targetRelativePath, string pdfSha256, CancellationToken ct = default);

    /// <summary>Marks the intent completed once the file is at its target; idempotent; refuses another SHA-256.</summary>
    Task CompleteFilingAsync(DocumentKey key, string pdfSha256, CancellationToken ct = default);

    /// <summary>The filing intent of a document, or null.</summary>
    Task<FilingIntent?> FindFilingIntentAsync(DocumentKey key, CancellationToken ct = default);

    /// <summary>Intents still <see cref="FilingIntentState.Intended"/> (to reconcile after a crash).</summary>
    Task<IReadOnlyList<FilingIntent>> ListOpenFilingIntentsAsync(CancellationToken ct = default);

    /// <summary>Opens a review item for a document, or returns (and refreshes) the one already open for it.</summary>
    Task<ReviewItem> OpenReviewItemAsync(DocumentKey key, IReadOnlyList<string> reasonCodes, string? candidatesJson, CancellationToken ct = default);

    /// <summary>A review item, or null.</summary>
    Task<ReviewItem?> GetReviewItemAsync(string id, CancellationToken ct = default);

    /// <summary>Review items in a state, oldest first.</summary>
    Task<IReadOnlyList<ReviewItem>> ListReviewItemsAsync(ReviewState state, CancellationToken ct = default);

    /// <summary>Closes an open review item with who decided and the decision (JSON).</summary>
    Task CloseReviewItemAsync(string id, string closedBy, string? resolutionJson, CancellationToken ct = default);

    // ---- review desk and users (SqlCaptureStore.Review.cs)

    /// <summary>Review items with their documents' records, filtered, oldest first.</summary>
    Task<IReadOnlyList<ReviewQueueEntry>> ListReviewQueueAsync(ReviewQueueFilter filter, CancellationToken ct = default);

    /// <summary>The open review item of a document, or null.</summary>
    Task<ReviewItem?> FindOpenReviewItemAsync(DocumentKey key, CancellationToken ct = default);

    /// <summary>The document of the same source file just before <paramref name="key"/>'s pages, or null.</summary>
    Task<DocumentRecord?> FindPreviousDocumentAsync(DocumentKey key, CancellationToken ct = default);

    /// <summary>Closes a review item with its decision, the document's new record, a journal line and a training example, atomically.</summary>
    Task CompleteReviewAsync(ReviewDecision decision, CancellationToken ct = default);

    /// <summary>Replaces documents under review by new ones (split, merge) atomically; returns the parts' new review items.</summary>
    Task<IReadOnlyList<ReviewItem>> ReplaceReviewDocumentsAsync(ReviewReplacement replacement, CancellationToken ct = default);

    /// <summary>Updates a document still under review (its PDF changed, e.g. a rotated page) with a journal line, atomically.</summary>
    Task UpdateReviewDocumentAsync(DocumentRecord document, ReviewJournalEntry journal, CancellationToken ct = default);

    /// <summary>Appends a review journal line (e.g. a view).</summary>
    Task RecordReviewJournalAsync(ReviewJournalEntry entry, CancellationToken ct = default);

    /// <summary>Review journal lines in order, of one review item or of all.</summary>
    Task<IReadOnlyList<ReviewJournalEntry>> ListReviewJournalAsync(string? reviewItemId = null, CancellationToken ct = default);

    /// <summary>How many review journal lines have one of <paramref name="actions"/>, and on how many review items (counted in SQL, for the dashboard).</summary>
    Task<ReviewActionCount> CountReviewActionsAsync(IReadOnlyCollection<string> actions, CancellationToken ct = default);

    /// <summary>How many open review items carry <paramref name="reasonCode"/>.</summary>
    Task<long> CountOpenReviewItemsAsync(string reasonCode, CancellationToken ct = default);

    /// <summary>Labelled examples kept from review decisions, in order, those after <paramref name="afterId"/> only.</summary>
    Task<IReadOnlyList<TrainingExample>> ListTrainingExamplesAsync(long afterId = 0, CancellationToken ct = default);

    /// <summary>Totals for the metrics endpoint; <paramref name="confidenceBounds"/> are the histogram's upper bounds, ascending.</summary>
    Task<CaptureStatistics> GetStatisticsAsync(IReadOnlyList<double> confidenceBounds, CancellationToken ct = default);

    /// <summary>Adds a user; false when the name is taken.</summary>
    Task<bool> AddUserAsync(UserAccount user, CancellationToken ct = default);

    /// <summary>Replaces a user's role, password hash, security stamp and disabled flag; false when there is no such user.</summary>
    Task<bool> UpdateUserAsync(UserAccount user, CancellationToken ct = default);

    /// <summary>A user, or null.</summary>
    Task<UserAccount?> FindUserAsync(string name, CancellationToken ct = default);

    /// <summary>Every user, by name.</summary>
    Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken ct = default);

    /// <summary>Deletes a user; false when there was none.</summary>
    Task<bool> DeleteUserAsync(string name, CancellationToken ct = default);
}
