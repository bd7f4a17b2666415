using System.Data.Common;
using System.Text.Json;
using CaptureChain.Filing.Manifest;

namespace CaptureChain.Filing.Store;

// The review desk's part of the store (SQLite schema v3, PostgreSQL v1): the review queue with its documents, decisions taken atomically,
// the review journal (who saw and changed what, before and after), labelled training examples, and web users.
public abstract partial class SqlCaptureStore
{
    private const string UserColumns = "name, role, password_hash, security_stamp, disabled, created_at, updated_at";

    // ---------------------------------------------------------------- review queue

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReviewQueueEntry>> ListReviewQueueAsync(ReviewQueueFilter filter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(filter.Limit, 1);
        var where = new List<string> { "r.state = @state" };
        var parameters = new List<(string, object?)> { ("@state", Name(filter.State)), ("@limit", filter.Limit) };
        if (filter.Batch is { } batch) { where.Add("d.batch_id = @batch"); parameters.Add(("@batch", batch.ToString())); }
        if (filter.DocumentType is { } type) { where.Add("d.document_type = @type"); parameters.Add(("@type", type)); }
        if (filter.Reason is { } reason)
        {
            // Codes are lower_snake_case, so the quoted code cannot match inside another code.
            where.Add("r.reason_codes_json LIKE @reason");
            parameters.Add(("@reason", "%\"" + reason.Replace("%", "", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "\"%"));
        }
        var reviewColumns = string.Join(", ", ReviewColumns.Split(", ").Select(c => "r." + c));
        var documentColumns = string.Join(", ", DocumentColumns.Split(", ").Select(c => "d." + c));
        var sql = $"""
            SELECT {reviewColumns}, {documentColumns}
            FROM review_items r
            LEFT JOIN documents d ON d.source_name = r.source_name AND d.source_sha256 = r.source_sha256
                AND d.first_page = r.first_page AND d.last_page = r.last_page
            WHERE {string.Join(" AND ", where)} {(filter.Reason is null ? "" : "ESCAPE '\\'")}
            ORDER BY r.created_at, r.id
            LIMIT @limit
            """;
        await using var c = await OpenConnectionAsync(ct);
        await using var reader = await Query(c, null, sql, ct, [.. parameters]);
        var rows = new List<ReviewQueueEntry>();
        while (await reader.ReadAsync(ct))
        {
            var item = ReadReviewItem(reader, 0);
            var document = reader.IsDBNull(12) ? null : ReadDocument(reader, 12);
            rows.Add(new ReviewQueueEntry(item, document));
        }
        return rows;
    }

    /// <inheritdoc/>
    public async Task<ReviewItem?> FindOpenReviewItemAsync(DocumentKey key, CancellationToken ct = default)
    {
        key.Validate();
        await using var c = await OpenConnectionAsync(ct);
        var found = await ReadReviewItemsAsync(c, null, $"WHERE {KeyMatch} AND state = 'open' ORDER BY created_at", ct, KeyParameters(key));
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public async Task<DocumentRecord?> FindPreviousDocumentAsync(DocumentKey key, CancellationToken ct = default)
    {
        key.Validate();
        await using var c = await OpenConnectionAsync(ct);
        var found = await ReadDocumentsAsync(c, null,
            "WHERE source_name = @name AND source_sha256 = @sha AND last_page < @first ORDER BY last_page DESC LIMIT 1", ct,
            ("@name", key.SourceName), ("@sha", key.SourceSha256), ("@first", key.FirstPage));
        return found.Count == 0 ? null : found[0];
    }

    // ---------------------------------------------------------------- decisions

    /// <inheritdoc/>
    public Task CompleteReviewAsync(ReviewDecision decision, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentException.ThrowIfNullOrEmpty(decision.Actor);
        RequireJson(decision.ResolutionJson, nameof(decision.ResolutionJson));
        ValidateDocument(decision.Document);
        ValidateJournal(decision.Journal);
        var now = Now();
        return WriteAsync(async (c, tx) =>
        {
            var item = (await ReadReviewItemsAsync(c, tx, "WHERE id = @id" + RowLock, ct, ("@id", decision.ReviewItemId))).FirstOrDefault()
                ?? throw new KeyNotFoundException($"No review item {decision.ReviewItemId}.");
            if (item.State != ReviewState.Open) throw new InvalidOperationException($"Review item {item.Id} is already closed.");
            if (item.Key != decision.Document.Key) throw new ArgumentException("The decision's document is not the review item's.", nameof(decision));
            await UpsertDocumentAsync(c, tx, decision.Document, now, ct);
            await Execute(c, tx, """
                UPDATE review_items SET state = 'closed', closed_at = @now, closed_by = @by, resolution_json = @resolution WHERE id = @id
                """, ct, ("@now", now), ("@by", decision.Actor), ("@resolution", decision.ResolutionJson), ("@id", item.Id));
            await InsertJournalAsync(c, tx, decision.Journal, now, ct);
            if (decision.Example is { } example) await InsertExampleAsync(c, tx, example, now, ct);
            return 0;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ReviewItem>> ReplaceReviewDocumentsAsync(ReviewReplacement replacement, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        ArgumentException.ThrowIfNullOrEmpty(replacement.Actor);
        RequireJson(replacement.ResolutionJson, nameof(replacement.ResolutionJson));
        if (replacement.Replaced.Count == 0 || replacement.Parts.Count == 0)
            throw new ArgumentException("A replacement needs documents to replace and parts.", nameof(replacement));
        foreach (var key in replacement.Replaced) key.Validate();
        foreach (var part in replacement.Parts)
        {
            ValidateDocument(part.Document);
            if (part.Document.Status != DocumentStatus.Review) throw new ArgumentException("Parts of a split or merge wait for review.", nameof(replacement));
            foreach (var code in part.ReasonCodes) RequireCode(code, nameof(replacement));
            RequireJson(part.CandidatesJson, nameof(replacement));
        }
        foreach (var entry in replacement.Journal) ValidateJournal(entry);
        var now = Now();
        return WriteAsync<IReadOnlyList<ReviewItem>>(async (c, tx) =>
        {
            foreach (var key in replacement.Replaced)
            {
                var existing = await ReadDocumentsAsync(c, tx, $"WHERE {KeyMatch}{RowLock}", ct, KeyParameters(key));
                if (existing.Count == 0) throw new KeyNotFoundException($"No document {key}.");
                if (existing[0].Status != DocumentStatus.Review)
                    throw new InvalidOperationException($"Document {key} is {existing[0].Status.ToName()}; only documents under review can be cut or joined.");
                await Execute(c, tx, $"""
                    UPDATE review_items SET state = 'closed', closed_at = @now, closed_by = @by, resolution_json = @resolution
                    WHERE {KeyMatch} AND state = 'open'
                    """, ct, [.. KeyParameters(key), ("@now", now), ("@by", replacement.Actor), ("@resolution", replacement.ResolutionJson)]);
                await Execute(c, tx, $"DELETE FROM documents WHERE {KeyMatch}", ct, KeyParameters(key));
            }
            var opened = new List<ReviewItem>();
            foreach (var part in replacement.Parts)
            {
                var key = part.Document.Key;
                if ((await ReadDocumentsAsync(c, tx, $"WHERE {KeyMatch}", ct, KeyParameters(key))).Count > 0)
                    throw new InvalidOperationException($"A document {key} already exists.");
                await UpsertDocumentAsync(c, tx, part.Document, now, ct);
                var id = "rv-" + Guid.CreateVersion7().ToString("N", System.Globalization.CultureInfo.InvariantCulture);
                await Execute(c, tx, """
                    INSERT INTO review_items (id, source_name, source_sha256, first_page, last_page, reason_codes_json, candidates_json, state, created_at)
                    VALUES (@id, @name, @sha, @first, @last, @reasons, @candidates, 'open', @now)
                    """, ct, [("@id", id), .. KeyParameters(key), ("@reasons", JsonSerializer.Serialize(part.ReasonCodes)),
                    ("@candidates", part.CandidatesJson), ("@now", now)]);
                opened.Add((await ReadReviewItemsAsync(c, tx, "WHERE id = @id", ct, ("@id", id)))[0]);
            }
            foreach (var entry in replacement.Journal) await InsertJournalAsync(c, tx, entry, now, ct);
            return opened;
        }, ct);
    }

    /// <inheritdoc/>
    public Task UpdateReviewDocumentAsync(DocumentRecord document, ReviewJournalEntry journal, CancellationToken ct = default)
    {
        ValidateDocument(document);
        ValidateJournal(journal);
        if (document.Status != DocumentStatus.Review) throw new ArgumentException("Only a document under review is updated here.", nameof(document));
        var now = Now();
        return WriteAsync(async (c, tx) =>
        {
            var existing = await ReadDocumentsAsync(c, tx, $"WHERE {KeyMatch}{RowLock}", ct, KeyParameters(document.Key));
            if (existing.Count == 0 || existing[0].Status != DocumentStatus.Review)
                throw new InvalidOperationException($"Document {document.Key} is not under review.");
            await UpsertDocumentAsync(c, tx, document, now, ct);
            await InsertJournalAsync(c, tx, journal, now, ct);
            return 0;
        }, ct);
    }

    /// <inheritdoc/>
    public Task RecordReviewJournalAsync(ReviewJournalEntry entry, CancellationToken ct = default)
    {
        ValidateJournal(entry);
        var now = Now();
        return WriteAsync(async (c, tx) => { await InsertJournalAsync(c, tx, entry, now, ct); return 0; }, ct);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReviewJournalEntry>> ListReviewJournalAsync(string? reviewItemId = null, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        await using var reader = await Query(c, null,
            "SELECT review_item_id, source_name, source_sha256, first_page, last_page, action, actor, at, before_json, after_json FROM review_journal"
            + (reviewItemId is null ? "" : " WHERE review_item_id = @id") + " ORDER BY id", ct, ("@id", reviewItemId));
        var rows = new List<ReviewJournalEntry>();
        while (await reader.ReadAsync(ct))
            rows.Add(new ReviewJournalEntry(reader.GetString(0), new DocumentKey(reader.GetString(1), reader.GetString(2), Int(reader, 3), Int(reader, 4)),
                reader.GetString(5), reader.GetString(6), NullableString(reader, 8), NullableString(reader, 9)) { At = ParseTime(reader.GetString(7)) });
        return rows;
    }

    /// <inheritdoc/>
    public async Task<ReviewActionCount> CountReviewActionsAsync(IReadOnlyCollection<string> actions, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0) return new ReviewActionCount(0, 0);
        var names = actions.Distinct(StringComparer.Ordinal).Select((a, i) => ($"@a{i}", (object?)a)).ToArray();
        await using var c = await OpenConnectionAsync(ct);
        await using var reader = await Query(c, null,
            $"SELECT COUNT(*), COUNT(DISTINCT review_item_id) FROM review_journal WHERE action IN ({string.Join(", ", names.Select(n => n.Item1))})", ct, names);
        await reader.ReadAsync(ct);
        return new ReviewActionCount(Long(reader, 0), Long(reader, 1));
    }

    /// <inheritdoc/>
    public async Task<long> CountOpenReviewItemsAsync(string reasonCode, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(reasonCode);
        await using var c = await OpenConnectionAsync(ct);
        // Reason codes are a JSON array of plain names ([a-z_]): the quoted name matches one element exactly.
        return Convert.ToInt64(await Scalar(c, null, "SELECT COUNT(*) FROM review_items WHERE state = 'open' AND reason_codes_json LIKE @code", ct,
            ("@code", "%\"" + reasonCode + "\"%")), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TrainingExample>> ListTrainingExamplesAsync(long afterId = 0, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        await using var reader = await Query(c, null, """
            SELECT id, review_item_id, source_name, source_sha256, first_page, last_page, document_type, predicted_type, corrected,
                   model_version, text, labelled_by, created_at
            FROM training_examples WHERE id > @after ORDER BY id
            """, ct, ("@after", afterId));
        var rows = new List<TrainingExample>();
        while (await reader.ReadAsync(ct))
            rows.Add(new TrainingExample(reader.GetString(1), new DocumentKey(reader.GetString(2), reader.GetString(3), Int(reader, 4), Int(reader, 5)),
                reader.GetString(6), NullableString(reader, 7), Long(reader, 8) != 0, NullableString(reader, 9), reader.GetString(10), reader.GetString(11))
            { Id = Long(reader, 0), CreatedAt = ParseTime(reader.GetString(12)) });
        return rows;
    }

    // ---------------------------------------------------------------- statistics

    /// <inheritdoc/>
    public async Task<CaptureStatistics> GetStatisticsAsync(IReadOnlyList<double> confidenceBounds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(confidenceBounds);
        for (var i = 1; i < confidenceBounds.Count; i++)
            if (!(confidenceBounds[i] > confidenceBounds[i - 1])) throw new ArgumentException("Bounds must ascend.", nameof(confidenceBounds));
        await using var c = await OpenConnectionAsync(ct);
        var documents = Enum.GetValues<DocumentStatus>().ToDictionary(s => s, _ => 0L);
        await using (var reader = await Query(c, null, "SELECT status, COUNT(*) FROM documents GROUP BY status", ct))
            while (await reader.ReadAsync(ct)) documents[DocumentStatusNames.Parse(reader.GetString(0))] = Long(reader, 1);
        var batches = Enum.GetValues<BatchStatus>().ToDictionary(s => s, _ => 0L);
        await using (var reader = await Query(c, null, "SELECT status, COUNT(*) FROM batches GROUP BY status", ct))
            while (await reader.ReadAsync(ct)) batches[ParseBatchStatus(reader.GetString(0))] = Long(reader, 1);
        var open = Convert.ToInt64(await Scalar(c, null, "SELECT COUNT(*) FROM review_items WHERE state = 'open'", ct), System.Globalization.CultureInfo.InvariantCulture);
        var pages = Convert.ToInt64(await Scalar(c, null, "SELECT COALESCE(SUM(pages_read), 0) FROM batches", ct), System.Globalization.CultureInfo.InvariantCulture);

        // One pass: a column per bound counting confidences at or below it.
        var sums = string.Concat(confidenceBounds.Select((_, i) => $", SUM(CASE WHEN type_confidence <= @b{i} THEN 1 ELSE 0 END)"));
        var parameters = confidenceBounds.Select((b, i) => ($"@b{i}", (object?)b)).ToArray();
        await using var histogram = await Query(c, null,
            $"SELECT COUNT(type_confidence), COALESCE(SUM(type_confidence), 0){sums} FROM documents WHERE type_confidence IS NOT NULL", ct, parameters);
        await histogram.ReadAsync(ct);
        var atOrBelow = confidenceBounds.Select((_, i) => histogram.IsDBNull(2 + i) ? 0L : Long(histogram, 2 + i)).ToList();
        return new CaptureStatistics(documents, open, pages, batches, confidenceBounds.ToList(), atOrBelow, Long(histogram, 0), histogram.GetDouble(1));
    }

    // ---------------------------------------------------------------- users

    /// <inheritdoc/>
    public Task<bool> AddUserAsync(UserAccount user, CancellationToken ct = default)
    {
        ValidateUser(user);
        var now = Now();
        return WriteAsync(async (c, tx) => await Execute(c, tx, $"""
            INSERT INTO users ({UserColumns}) VALUES (@name, @role, @hash, @stamp, @disabled, @now, @now)
            ON CONFLICT (name) DO NOTHING
            """, ct, ("@name", user.Name), ("@role", user.Role.ToName()), ("@hash", user.PasswordHash), ("@stamp", user.SecurityStamp),
            ("@disabled", user.Disabled ? 1 : 0), ("@now", now)) == 1, ct);
    }

    /// <inheritdoc/>
    public Task<bool> UpdateUserAsync(UserAccount user, CancellationToken ct = default)
    {
        ValidateUser(user);
        var now = Now();
        return WriteAsync(async (c, tx) => await Execute(c, tx, """
            UPDATE users SET role = @role, password_hash = @hash, security_stamp = @stamp, disabled = @disabled, updated_at = @now
            WHERE name = @name
            """, ct, ("@name", user.Name), ("@role", user.Role.ToName()), ("@hash", user.PasswordHash), ("@stamp", user.SecurityStamp),
            ("@disabled", user.Disabled ? 1 : 0), ("@now", now)) == 1, ct);
    }

    /// <inheritdoc/>
    public async Task<UserAccount?> FindUserAsync(string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var c = await OpenConnectionAsync(ct);
        var found = await ReadUsersAsync(c, "WHERE name = @name", ct, ("@name", name));
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        return await ReadUsersAsync(c, "ORDER BY name", ct);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteUserAsync(string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return WriteAsync(async (c, tx) => await Execute(c, tx, "DELETE FROM users WHERE name = @name", ct, ("@name", name)) == 1, ct);
    }

    private static async Task<IReadOnlyList<UserAccount>> ReadUsersAsync(DbConnection c, string where, CancellationToken ct,
        params (string, object?)[] parameters)
    {
        await using var reader = await Query(c, null, $"SELECT {UserColumns} FROM users {where}", ct, parameters);
        var rows = new List<UserAccount>();
        while (await reader.ReadAsync(ct))
        {
            if (!UserRoleNames.TryParse(reader.GetString(1), out var role))
                throw new InvalidDataException($"User {reader.GetString(0)} has an unknown role '{reader.GetString(1)}'.");
            rows.Add(new UserAccount(reader.GetString(0), role.Value, reader.GetString(2), reader.GetString(3), Long(reader, 4) != 0)
            {
                CreatedAt = ParseTime(reader.GetString(5)),
                UpdatedAt = ParseTime(reader.GetString(6)),
            });
        }
        return rows;
    }

    // ---------------------------------------------------------------- plumbing

    private static void ValidateUser(UserAccount user)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrEmpty(user.Name);
        ArgumentException.ThrowIfNullOrEmpty(user.PasswordHash);
        ArgumentException.ThrowIfNullOrEmpty(user.SecurityStamp);
        _ = user.Role.ToName();
    }

    private static void ValidateDocument(DocumentRecord document)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Key.Validate();
        ArgumentNullException.ThrowIfNull(document.Inbox);
        ArgumentNullException.ThrowIfNull(document.Reasons);
        if (document.Status == DocumentStatus.Filed && (string.IsNullOrEmpty(document.Path) || string.IsNullOrEmpty(document.PdfSha256)))
            throw new ArgumentException("A filed document needs its path and PDF SHA-256.", nameof(document));
        RequireJson(document.EvidenceJson, nameof(document));
    }

    private static void ValidateJournal(ReviewJournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.ReviewItemId);
        ArgumentException.ThrowIfNullOrEmpty(entry.Actor);
        entry.Key.Validate();
        RequireCode(entry.Action, nameof(entry));
        RequireJson(entry.BeforeJson, nameof(entry));
        RequireJson(entry.AfterJson, nameof(entry));
    }

    /// <summary>
    /// Inserts or updates a document's record; a filed record never changes state or path. The check gives the message;
    /// the upsert's own WHERE keeps the rule when another node files the document between the check and the write.
    /// </summary>
    private async Task UpsertDocumentAsync(DbConnection c, DbTransaction tx, DocumentRecord document, string now, CancellationToken ct)
    {
        var refused = $"Document {document.Key} is filed; its record cannot become {document.Status.ToName()} or change its path.";
        await using (var reader = await Query(c, tx, $"SELECT status, path FROM documents WHERE {KeyMatch}{RowLock}", ct, KeyParameters(document.Key)))
        {
            if (await reader.ReadAsync(ct) && reader.GetString(0) == "filed"
                && (document.Status != DocumentStatus.Filed || NullableString(reader, 1) != document.Path))
                throw new InvalidOperationException(refused);
        }
        var written = await Execute(c, tx, $"""
            INSERT INTO documents ({DocumentColumns})
            VALUES (@name, @sha, @first, @last, @batch, @inbox, @status, @type, @confidence, @threshold, @model, @beneficiary,
                    @case, @path, @pdfsha, @content, @reasons, @evidence, @now, @now, @fingerprint)
            ON CONFLICT (source_name, source_sha256, first_page, last_page) DO UPDATE SET
                batch_id = excluded.batch_id, inbox = excluded.inbox, status = excluded.status, document_type = excluded.document_type,
                type_confidence = excluded.type_confidence, type_threshold = excluded.type_threshold,
                model_version = excluded.model_version, beneficiary_id = excluded.beneficiary_id, case_number = excluded.case_number,
                path = excluded.path, pdf_sha256 = excluded.pdf_sha256, content_hash = excluded.content_hash,
                reasons_json = excluded.reasons_json, evidence_json = excluded.evidence_json, updated_at = excluded.updated_at,
                text_fingerprint = excluded.text_fingerprint
            WHERE documents.status <> 'filed' OR (excluded.status = 'filed' AND excluded.path = documents.path)
            """, ct, [.. KeyParameters(document.Key),
            ("@batch", document.Batch.ToString()), ("@inbox", document.Inbox), ("@status", document.Status.ToName()),
            ("@type", document.DocumentType), ("@confidence", document.TypeConfidence), ("@threshold", document.TypeThreshold),
            ("@model", document.ModelVersion), ("@beneficiary", document.BeneficiaryId), ("@case", document.CaseNumber),
            ("@path", document.Path), ("@pdfsha", document.PdfSha256), ("@content", document.ContentHash),
            ("@reasons", JsonSerializer.Serialize(document.Reasons)), ("@evidence", document.EvidenceJson), ("@now", now),
            ("@fingerprint", document.TextFingerprint)]);
        if (written == 0) throw new InvalidOperationException(refused);
    }

    private static Task<int> InsertJournalAsync(DbConnection c, DbTransaction tx, ReviewJournalEntry entry, string now, CancellationToken ct) =>
        Execute(c, tx, """
            INSERT INTO review_journal (review_item_id, source_name, source_sha256, first_page, last_page, action, actor, at, before_json, after_json)
            VALUES (@item, @name, @sha, @first, @last, @action, @actor, @now, @before, @after)
            """, ct, [("@item", entry.ReviewItemId), .. KeyParameters(entry.Key), ("@action", entry.Action), ("@actor", entry.Actor),
            ("@now", now), ("@before", entry.BeforeJson), ("@after", entry.AfterJson)]);

    private static Task<int> InsertExampleAsync(DbConnection c, DbTransaction tx, TrainingExample example, string now, CancellationToken ct)
    {
        example.Key.Validate();
        ArgumentException.ThrowIfNullOrEmpty(example.DocumentType);
        ArgumentException.ThrowIfNullOrEmpty(example.LabelledBy);
        return Execute(c, tx, """
            INSERT INTO training_examples (review_item_id, source_name, source_sha256, first_page, last_page, document_type, predicted_type,
                corrected, model_version, text, labelled_by, created_at)
            VALUES (@item, @name, @sha, @first, @last, @type, @predicted, @corrected, @model, @text, @by, @now)
            """, ct, [("@item", example.ReviewItemId), .. KeyParameters(example.Key), ("@type", example.DocumentType),
            ("@predicted", example.PredictedType), ("@corrected", example.Corrected ? 1 : 0), ("@model", example.ModelVersion),
            ("@text", example.Text), ("@by", example.LabelledBy), ("@now", now)]);
    }
}
