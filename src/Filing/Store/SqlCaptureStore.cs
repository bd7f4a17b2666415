using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using CaptureChain.Filing.Manifest;

namespace CaptureChain.Filing.Store;

/// <summary>
/// <see cref="ICaptureStore"/> in portable SQL over ADO.NET, shared by the SQLite and PostgreSQL stores: TEXT timestamps
/// in UTC ISO 8601 (sortable as text), <c>ON CONFLICT</c> upserts, <c>RETURNING</c>, <c>@name</c> parameters. A dialect
/// supplies connections, how a write transaction is taken (and serialised), its schema, row locks and the lease clock.
/// Guards that a concurrent writer could slip past (a filed record, a completed filing intent) are also written into
/// the statements themselves, so they hold on a database that several nodes write at once.
/// </summary>
public abstract partial class SqlCaptureStore : ICaptureStore
{
    private const string DocumentColumns =
        "source_name, source_sha256, first_page, last_page, batch_id, inbox, status, document_type, type_confidence, type_threshold, " +
        "model_version, beneficiary_id, case_number, path, pdf_sha256, content_hash, reasons_json, evidence_json, created_at, updated_at, text_fingerprint";

    private const string KeyMatch = "source_name = @name AND source_sha256 = @sha AND first_page = @first AND last_page = @last";

    private const string BatchColumns =
        "id, kind, inbox, operator, station, started_at, ended_at, status, sources_count, sources_rejected, documents_count, " +
        "filed_count, review_count, rejected_count, duplicate_count, pages_read";

    private const string ReviewColumns =
        "id, source_name, source_sha256, first_page, last_page, reason_codes_json, candidates_json, state, created_at, closed_at, closed_by, resolution_json";

    private readonly TimeProvider _time;

    private protected SqlCaptureStore(TimeProvider time) => _time = time;

    /// <summary>The schema version recorded in the database.</summary>
    public abstract Task<int> GetSchemaVersionAsync(CancellationToken ct = default);

    /// <inheritdoc/>
    public abstract Task<IAsyncDisposable> AcquireLockAsync(string name, CancellationToken ct = default);

    /// <summary>A lock name's stable 64-bit key (the same in every process, unlike string hash codes).</summary>
    private protected static long LockKey(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("capturechain-lock\n" + name)), 0);
    }

    /// <summary>Releases the store's connections.</summary>
    public abstract ValueTask DisposeAsync();

    /// <summary>An open connection (from the driver's pool).</summary>
    private protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken ct);

    /// <summary>Runs <paramref name="work"/> in one write transaction and commits it; may run it again on a transient conflict.</summary>
    private protected abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct);

    /// <summary>Suffix of a SELECT inside a write that locks the rows read until the commit ("" where writes are serialised anyway).</summary>
    private protected abstract string RowLock { get; }

    /// <summary>Suffix of the claim's inner SELECT that locks the rows it picks and skips rows other writers hold.</summary>
    private protected abstract string SkipLocked { get; }

    /// <summary>SQL for "now" and "now + lease" on the store's clock, with the parameters they use.</summary>
    private protected abstract (string Now, string LeaseUntil, (string, object?)[] Parameters) LeaseClock(DateTimeOffset now, TimeSpan lease);

    /// <summary>Brings the schema up to date (run once when the store is opened).</summary>
    private protected abstract Task MigrateAsync(CancellationToken ct);

    /// <summary>Migrates a store just made and returns it, or disposes it and rethrows when the migration fails.</summary>
    private protected static async Task<T> OpenMigratedAsync<T>(T store, CancellationToken ct) where T : SqlCaptureStore
    {
        try
        {
            await store.MigrateAsync(ct);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
        return store;
    }

    // ---------------------------------------------------------------- batches

    /// <inheritdoc/>
    public Task<BatchId> StartBatchAsync(BatchStart start, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        RequireCode(start.Kind, nameof(start.Kind));
        var id = BatchId.New();
        return WriteAsync(async (c, tx) =>
        {
            await Execute(c, tx, """
                INSERT INTO batches (id, kind, inbox, operator, station, started_at, status)
                VALUES (@id, @kind, @inbox, @operator, @station, @at, 'running')
                """, ct, ("@id", id.ToString()), ("@kind", start.Kind), ("@inbox", start.Inbox), ("@operator", start.Operator),
                ("@station", start.Station), ("@at", Now()));
            return id;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<BatchSummary> FinishBatchAsync(BatchId batch, BatchStatus status, CancellationToken ct = default)
    {
        if (status == BatchStatus.Running) throw new ArgumentException("A batch cannot finish as running.", nameof(status));
        return WriteAsync(async (c, tx) =>
        {
            var counts = await CountAsync(c, tx, batch, ct);
            var changed = await Execute(c, tx, """
                UPDATE batches SET ended_at = @at, status = @status, sources_count = @s, sources_rejected = @sr,
                    documents_count = @d, filed_count = @f, review_count = @r, rejected_count = @rj, duplicate_count = @dup
                WHERE id = @id
                """, ct, ("@at", Now()), ("@status", Name(status)), ("@s", counts.Sources), ("@sr", counts.SourcesRejected),
                ("@d", counts.Documents), ("@f", counts.Filed), ("@r", counts.Review), ("@rj", counts.Rejected),
                ("@dup", counts.Duplicate), ("@id", batch.ToString()));
            if (changed == 0) throw new KeyNotFoundException($"No batch {batch}.");
            return (await ReadBatchesAsync(c, tx, "WHERE id = @id", ct, ("@id", batch.ToString())))[0];
        }, ct);
    }

    /// <inheritdoc/>
    public Task SetBatchPagesReadAsync(BatchId batch, long pagesRead, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pagesRead);
        return WriteAsync(async (c, tx) =>
        {
            await Execute(c, tx, "UPDATE batches SET pages_read = @p WHERE id = @id", ct, ("@p", pagesRead), ("@id", batch.ToString()));
            return 0;
        }, ct);
    }

    /// <inheritdoc/>
    public async Task<BatchSummary?> GetBatchAsync(BatchId batch, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        var found = await ReadBatchesAsync(c, null, "WHERE id = @id", ct, ("@id", batch.ToString()));
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BatchSummary>> ListBatchesAsync(BatchStatus? status = null, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        return status is { } s
            ? await ReadBatchesAsync(c, null, "WHERE status = @status ORDER BY started_at DESC, id DESC", ct, ("@status", Name(s)))
            : await ReadBatchesAsync(c, null, "ORDER BY started_at DESC, id DESC", ct);
    }

    private async Task<IReadOnlyList<BatchSummary>> ReadBatchesAsync(DbConnection c, DbTransaction? tx, string where,
        CancellationToken ct, params (string, object?)[] parameters)
    {
        var rows = new List<BatchSummary>();
        await using (var reader = await Query(c, tx, $"SELECT {BatchColumns} FROM batches {where}", ct, parameters))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new BatchSummary(
                    BatchId.Parse(reader.GetString(0)), reader.GetString(1), NullableString(reader, 2), NullableString(reader, 3),
                    NullableString(reader, 4), ParseTime(reader.GetString(5)), reader.IsDBNull(6) ? null : ParseTime(reader.GetString(6)),
                    ParseBatchStatus(reader.GetString(7)),
                    new BatchCounts(Int(reader, 8), Int(reader, 9), Int(reader, 10), Int(reader, 11),
                        Int(reader, 12), Int(reader, 13), Int(reader, 14)))
                { PagesRead = Long(reader, 15) });
            }
        }
        // Counts are frozen at the end; while a batch runs they are computed from the journal.
        for (var i = 0; i < rows.Count; i++)
            if (rows[i].Status == BatchStatus.Running)
                rows[i] = rows[i] with { Counts = await CountAsync(c, tx, rows[i].Id, ct) };
        return rows;
    }

    private static async Task<BatchCounts> CountAsync(DbConnection c, DbTransaction? tx, BatchId batch, CancellationToken ct)
    {
        await using var reader = await Query(c, tx, """
            SELECT
              (SELECT COUNT(*) FROM sources WHERE batch_id = @id),
              (SELECT COUNT(*) FROM sources WHERE batch_id = @id AND status = 'rejected'),
              (SELECT COUNT(*) FROM documents WHERE batch_id = @id),
              (SELECT COUNT(*) FROM documents WHERE batch_id = @id AND status = 'filed'),
              (SELECT COUNT(*) FROM documents WHERE batch_id = @id AND status = 'review'),
              (SELECT COUNT(*) FROM documents WHERE batch_id = @id AND status = 'rejected'),
              (SELECT COUNT(*) FROM documents WHERE batch_id = @id AND status = 'duplicate')
            """, ct, ("@id", batch.ToString()));
        await reader.ReadAsync(ct);
        return new BatchCounts(Int(reader, 0), Int(reader, 1), Int(reader, 2), Int(reader, 3),
            Int(reader, 4), Int(reader, 5), Int(reader, 6));
    }

    // ---------------------------------------------------------------- sources

    /// <inheritdoc/>
    public Task MarkSourceAsync(SourceRecord source, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(source.RelativeName);
        ArgumentException.ThrowIfNullOrEmpty(source.Sha256);
        ArgumentNullException.ThrowIfNull(source.Inbox);
        var now = Now();
        return WriteAsync(async (c, tx) => await Execute(c, tx, """
            INSERT INTO sources (relative_name, sha256, batch_id, inbox, size_bytes, page_count, status, reason, created_at, updated_at)
            VALUES (@name, @sha, @batch, @inbox, @size, @pages, @status, @reason, @now, @now)
            ON CONFLICT (relative_name, sha256) DO UPDATE SET
                batch_id = excluded.batch_id, inbox = excluded.inbox, size_bytes = excluded.size_bytes,
                page_count = excluded.page_count, status = excluded.status, reason = excluded.reason, updated_at = excluded.updated_at
            """, ct, ("@name", source.RelativeName), ("@sha", source.Sha256), ("@batch", source.Batch.ToString()),
            ("@inbox", source.Inbox), ("@size", source.SizeBytes), ("@pages", source.PageCount), ("@status", Name(source.Status)),
            ("@reason", source.Reason), ("@now", now)), ct);
    }

    /// <inheritdoc/>
    public async Task<SourceRecord?> FindSourceAsync(string relativeName, string sha256, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        await using var reader = await Query(c, null, """
            SELECT batch_id, inbox, relative_name, sha256, size_bytes, page_count, status, reason
            FROM sources WHERE relative_name = @name AND sha256 = @sha
            """, ct, ("@name", relativeName), ("@sha", sha256));
        if (!await reader.ReadAsync(ct)) return null;
        return new SourceRecord(BatchId.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            Long(reader, 4), NullableInt(reader, 5), ParseSourceStatus(reader.GetString(6)), NullableString(reader, 7));
    }

    /// <inheritdoc/>
    public async Task<bool> IsSourceDoneAsync(string relativeName, string sha256, CancellationToken ct = default) =>
        await FindSourceAsync(relativeName, sha256, ct) is { Status: SourceStatus.Done or SourceStatus.Rejected };

    // ---------------------------------------------------------------- steps

    /// <inheritdoc/>
    public Task RecordStepAsync(JournalStep step, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentException.ThrowIfNullOrEmpty(step.Item);
        RequireCode(step.Stage, nameof(step.Stage));
        RequireCode(step.Outcome, nameof(step.Outcome));
        RequireJson(step.DetailJson, nameof(step.DetailJson));
        var now = Now();
        return WriteAsync(async (c, tx) => await Execute(c, tx, """
            INSERT INTO steps (batch_id, item, stage, outcome, detail_json, at) VALUES (@batch, @item, @stage, @outcome, @detail, @at)
            """, ct, ("@batch", step.Batch.ToString()), ("@item", step.Item), ("@stage", step.Stage), ("@outcome", step.Outcome),
            ("@detail", step.DetailJson), ("@at", now)), ct);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<JournalStep>> ListStepsAsync(BatchId batch, string? item = null, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        var sql = "SELECT batch_id, item, stage, outcome, detail_json, at FROM steps WHERE batch_id = @batch" +
                  (item is null ? "" : " AND item = @item") + " ORDER BY id";
        await using var reader = await Query(c, null, sql, ct, ("@batch", batch.ToString()), ("@item", item));
        var steps = new List<JournalStep>();
        while (await reader.ReadAsync(ct))
            steps.Add(new JournalStep(BatchId.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                NullableString(reader, 4)) { At = ParseTime(reader.GetString(5)) });
        return steps;
    }

    // ---------------------------------------------------------------- documents

    /// <inheritdoc/>
    public async Task<DocumentRecord?> FindDocumentAsync(DocumentKey key, CancellationToken ct = default)
    {
        key.Validate();
        await using var c = await OpenConnectionAsync(ct);
        var found = await ReadDocumentsAsync(c, null, $"WHERE {KeyMatch}", ct, KeyParameters(key));
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public Task RecordDocumentAsync(DocumentRecord document, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Key.Validate();
        ArgumentNullException.ThrowIfNull(document.Inbox);
        ArgumentNullException.ThrowIfNull(document.Reasons);
        if (document.Reasons.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("Empty reason code.", nameof(document));
        if (document.Status == DocumentStatus.Filed && (string.IsNullOrEmpty(document.Path) || string.IsNullOrEmpty(document.PdfSha256)))
            throw new ArgumentException("A filed document needs its path and PDF SHA-256.", nameof(document));
        RequireJson(document.EvidenceJson, nameof(document.EvidenceJson));
        var now = Now();
        return WriteAsync(async (c, tx) => { await UpsertDocumentAsync(c, tx, document, now, ct); return 0; }, ct);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DocumentRecord>> ListDocumentsAsync(BatchId batch, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        return await ReadDocumentsAsync(c, null, "WHERE batch_id = @batch ORDER BY source_name, first_page, last_page", ct,
            ("@batch", batch.ToString()));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DocumentRecord>> ListDocumentsAsync(string inbox, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inbox);
        await using var c = await OpenConnectionAsync(ct);
        return await ReadDocumentsAsync(c, null, "WHERE inbox = @inbox ORDER BY source_name, first_page, last_page", ct, ("@inbox", inbox));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DocumentRecord>> ListDocumentsAsync(string inbox, IReadOnlyCollection<string> sourceNames, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inbox);
        ArgumentNullException.ThrowIfNull(sourceNames);
        var rows = new List<DocumentRecord>();
        await using var c = await OpenConnectionAsync(ct);
        foreach (var chunk in sourceNames.Distinct(StringComparer.Ordinal).Chunk(SourceNamesPerQuery))
        {
            var names = chunk.Select((n, i) => ($"@n{i}", (object?)n)).ToArray();
            rows.AddRange(await ReadDocumentsAsync(c, null,
                $"WHERE inbox = @inbox AND source_name IN ({string.Join(", ", names.Select(n => n.Item1))})", ct, [("@inbox", inbox), .. names]));
        }
        return [.. rows.OrderBy(d => d.Key.SourceName, StringComparer.Ordinal).ThenBy(d => d.Key.FirstPage)];
    }

    /// <summary>Source names per IN list: well under SQLite's oldest limit of 999 parameters.</summary>
    private const int SourceNamesPerQuery = 400;

    /// <inheritdoc/>
    public async IAsyncEnumerable<DocumentRecord> StreamDocumentsAsync(string inbox, int pageSize = 1000, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inbox);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        const string order = " ORDER BY source_name, source_sha256, first_page, last_page LIMIT @limit";
        DocumentKey? after = null;
        while (true)
        {
            IReadOnlyList<DocumentRecord> page;
            await using (var c = await OpenConnectionAsync(ct))
            {
                // Keyset paging on the primary key: each page starts where the last one ended, whatever was added meanwhile.
                page = after is not { } last
                    ? await ReadDocumentsAsync(c, null, "WHERE inbox = @inbox" + order, ct, ("@inbox", inbox), ("@limit", pageSize))
                    : await ReadDocumentsAsync(c, null,
                        "WHERE inbox = @inbox AND (source_name, source_sha256, first_page, last_page) > (@s, @h, @f, @l)" + order, ct,
                        ("@inbox", inbox), ("@s", last.SourceName), ("@h", last.SourceSha256), ("@f", last.FirstPage), ("@l", last.LastPage), ("@limit", pageSize));
            }
            foreach (var document in page) yield return document;
            if (page.Count < pageSize) yield break;
            after = page[^1].Key;
        }
    }

    /// <inheritdoc/>
    public async Task<DocumentRecord?> FindFiledByContentAsync(string contentHash, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        await using var c = await OpenConnectionAsync(ct);
        var found = await ReadDocumentsAsync(c, null,
            "WHERE content_hash = @content AND status = 'filed' ORDER BY created_at, source_name, first_page LIMIT 1", ct, ("@content", contentHash));
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DocumentRecord>> ListFiledFingerprintsAsync(string beneficiaryId, string documentType, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(beneficiaryId);
        ArgumentException.ThrowIfNullOrEmpty(documentType);
        await using var c = await OpenConnectionAsync(ct);
        return await ReadDocumentsAsync(c, null, """
            WHERE beneficiary_id = @beneficiary AND document_type = @type AND status = 'filed' AND text_fingerprint IS NOT NULL
            ORDER BY created_at DESC, source_name, first_page
            """, ct, ("@beneficiary", beneficiaryId), ("@type", documentType));
    }

    private static async Task<IReadOnlyList<DocumentRecord>> ReadDocumentsAsync(DbConnection c, DbTransaction? tx, string where,
        CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var reader = await Query(c, tx, $"SELECT {DocumentColumns} FROM documents {where}", ct, parameters);
        var rows = new List<DocumentRecord>();
        while (await reader.ReadAsync(ct)) rows.Add(ReadDocument(reader, 0));
        return rows;
    }

    /// <summary>A document row whose <see cref="DocumentColumns"/> start at column <paramref name="o"/>.</summary>
    private static DocumentRecord ReadDocument(DbDataReader reader, int o) => new(
        new DocumentKey(reader.GetString(o), reader.GetString(o + 1), Int(reader, o + 2), Int(reader, o + 3)),
        BatchId.Parse(reader.GetString(o + 4)), reader.GetString(o + 5), DocumentStatusNames.Parse(reader.GetString(o + 6)),
        NullableString(reader, o + 7), NullableDouble(reader, o + 8), NullableDouble(reader, o + 9), NullableString(reader, o + 10),
        NullableString(reader, o + 11), NullableString(reader, o + 12), NullableString(reader, o + 13), NullableString(reader, o + 14),
        NullableString(reader, o + 15), JsonSerializer.Deserialize<string[]>(reader.GetString(o + 16)) ?? [], NullableString(reader, o + 17))
    {
        CreatedAt = ParseTime(reader.GetString(o + 18)),
        UpdatedAt = ParseTime(reader.GetString(o + 19)),
        TextFingerprint = NullableString(reader, o + 20),
    };

    // ---------------------------------------------------------------- filing intents

    /// <inheritdoc/>
    public Task BeginFilingAsync(DocumentKey key, string targetRelativePath, string pdfSha256, CancellationToken ct = default)
    {
        key.Validate();
        ArgumentException.ThrowIfNullOrEmpty(targetRelativePath);
        ArgumentException.ThrowIfNullOrEmpty(pdfSha256);
        var now = Now();
        return WriteAsync(async (c, tx) =>
        {
            var twice = $"Document {key} is already filed; it must not be filed twice.";
            var existing = await ReadIntentAsync(c, tx, key, ct, RowLock);
            if (existing is { State: FilingIntentState.Completed }) throw new InvalidOperationException(twice);
            // The WHERE keeps a completed intent completed even when another node completed it after the read above.
            var written = await Execute(c, tx, """
                INSERT INTO filing_intents (source_name, source_sha256, first_page, last_page, target_path, pdf_sha256, state, created_at, updated_at)
                VALUES (@name, @sha, @first, @last, @target, @pdfsha, 'intended', @now, @now)
                ON CONFLICT (source_name, source_sha256, first_page, last_page) DO UPDATE SET
                    target_path = excluded.target_path, pdf_sha256 = excluded.pdf_sha256, state = 'intended', updated_at = excluded.updated_at
                WHERE filing_intents.state <> 'completed'
                """, ct, [.. KeyParameters(key), ("@target", targetRelativePath), ("@pdfsha", pdfSha256), ("@now", now)]);
            return written == 1 ? written : throw new InvalidOperationException(twice);
        }, ct);
    }

    /// <inheritdoc/>
    public Task CompleteFilingAsync(DocumentKey key, string pdfSha256, CancellationToken ct = default)
    {
        key.Validate();
        ArgumentException.ThrowIfNullOrEmpty(pdfSha256);
        var now = Now();
        return WriteAsync(async (c, tx) =>
        {
            var existing = await ReadIntentAsync(c, tx, key, ct, RowLock)
                ?? throw new InvalidOperationException($"No filing intent for document {key}.");
            if (!string.Equals(existing.PdfSha256, pdfSha256, StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"Document {key}: the filed content does not match the intent's SHA-256.");
            if (existing.State == FilingIntentState.Completed) return 0;
            return await Execute(c, tx, $"UPDATE filing_intents SET state = 'completed', updated_at = @now WHERE {KeyMatch}", ct,
                [.. KeyParameters(key), ("@now", now)]);
        }, ct);
    }

    /// <inheritdoc/>
    public async Task<FilingIntent?> FindFilingIntentAsync(DocumentKey key, CancellationToken ct = default)
    {
        key.Validate();
        await using var c = await OpenConnectionAsync(ct);
        return await ReadIntentAsync(c, null, key, ct);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<FilingIntent>> ListOpenFilingIntentsAsync(CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        return await ReadIntentsAsync(c, null, "WHERE state = 'intended' ORDER BY created_at", ct);
    }

    private static async Task<FilingIntent?> ReadIntentAsync(DbConnection c, DbTransaction? tx, DocumentKey key, CancellationToken ct,
        string rowLock = "")
    {
        var found = await ReadIntentsAsync(c, tx, $"WHERE {KeyMatch}{rowLock}", ct, KeyParameters(key));
        return found.Count == 0 ? null : found[0];
    }

    private static async Task<IReadOnlyList<FilingIntent>> ReadIntentsAsync(DbConnection c, DbTransaction? tx, string where,
        CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var reader = await Query(c, tx,
            $"SELECT source_name, source_sha256, first_page, last_page, target_path, pdf_sha256, state, updated_at FROM filing_intents {where}",
            ct, parameters);
        var rows = new List<FilingIntent>();
        while (await reader.ReadAsync(ct))
            rows.Add(new FilingIntent(new DocumentKey(reader.GetString(0), reader.GetString(1), Int(reader, 2), Int(reader, 3)),
                reader.GetString(4), reader.GetString(5),
                reader.GetString(6) == "completed" ? FilingIntentState.Completed : FilingIntentState.Intended, ParseTime(reader.GetString(7))));
        return rows;
    }

    // ---------------------------------------------------------------- review items

    /// <inheritdoc/>
    public Task<ReviewItem> OpenReviewItemAsync(DocumentKey key, IReadOnlyList<string> reasonCodes, string? candidatesJson, CancellationToken ct = default)
    {
        key.Validate();
        ArgumentNullException.ThrowIfNull(reasonCodes);
        foreach (var code in reasonCodes) RequireCode(code, nameof(reasonCodes));
        RequireJson(candidatesJson, nameof(candidatesJson));
        var now = Now();
        return WriteAsync(async (c, tx) =>
        {
            var open = await ReadReviewItemsAsync(c, tx, $"WHERE {KeyMatch} AND state = 'open'{RowLock}", ct, KeyParameters(key));
            var reasons = JsonSerializer.Serialize(reasonCodes);
            string id;
            if (open.Count > 0)
            {
                id = open[0].Id;
                await Execute(c, tx, "UPDATE review_items SET reason_codes_json = @reasons, candidates_json = @candidates WHERE id = @id", ct,
                    ("@reasons", reasons), ("@candidates", candidatesJson), ("@id", id));
            }
            else
            {
                id = "rv-" + Guid.CreateVersion7().ToString("N", CultureInfo.InvariantCulture);
                await Execute(c, tx, $"""
                    INSERT INTO review_items (id, source_name, source_sha256, first_page, last_page, reason_codes_json, candidates_json, state, created_at)
                    VALUES (@id, @name, @sha, @first, @last, @reasons, @candidates, 'open', @now)
                    """, ct, [("@id", id), .. KeyParameters(key), ("@reasons", reasons), ("@candidates", candidatesJson), ("@now", now)]);
            }
            return (await ReadReviewItemsAsync(c, tx, "WHERE id = @id", ct, ("@id", id)))[0];
        }, ct);
    }

    /// <inheritdoc/>
    public async Task<ReviewItem?> GetReviewItemAsync(string id, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        var found = await ReadReviewItemsAsync(c, null, "WHERE id = @id", ct, ("@id", id));
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReviewItem>> ListReviewItemsAsync(ReviewState state, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        return await ReadReviewItemsAsync(c, null, "WHERE state = @state ORDER BY created_at, id", ct, ("@state", Name(state)));
    }

    /// <inheritdoc/>
    public Task CloseReviewItemAsync(string id, string closedBy, string? resolutionJson, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(closedBy);
        RequireJson(resolutionJson, nameof(resolutionJson));
        var now = Now();
        return WriteAsync(async (c, tx) =>
        {
            var changed = await Execute(c, tx, """
                UPDATE review_items SET state = 'closed', closed_at = @now, closed_by = @by, resolution_json = @resolution
                WHERE id = @id AND state = 'open'
                """, ct, ("@now", now), ("@by", closedBy), ("@resolution", resolutionJson), ("@id", id));
            if (changed == 0)
            {
                var found = await ReadReviewItemsAsync(c, tx, "WHERE id = @id", ct, ("@id", id));
                throw found.Count == 0
                    ? new KeyNotFoundException($"No review item {id}.")
                    : new InvalidOperationException($"Review item {id} is already closed.");
            }
            return changed;
        }, ct);
    }

    private static async Task<IReadOnlyList<ReviewItem>> ReadReviewItemsAsync(DbConnection c, DbTransaction? tx, string where,
        CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var reader = await Query(c, tx, $"SELECT {ReviewColumns} FROM review_items {where}", ct, parameters);
        var rows = new List<ReviewItem>();
        while (await reader.ReadAsync(ct)) rows.Add(ReadReviewItem(reader, 0));
        return rows;
    }

    /// <summary>A review item row whose <see cref="ReviewColumns"/> start at column <paramref name="o"/>.</summary>
    private static ReviewItem ReadReviewItem(DbDataReader reader, int o) => new(reader.GetString(o),
        new DocumentKey(reader.GetString(o + 1), reader.GetString(o + 2), Int(reader, o + 3), Int(reader, o + 4)),
        JsonSerializer.Deserialize<string[]>(reader.GetString(o + 5)) ?? [], NullableString(reader, o + 6),
        reader.GetString(o + 7) == "closed" ? ReviewState.Closed : ReviewState.Open, ParseTime(reader.GetString(o + 8)),
        reader.IsDBNull(o + 9) ? null : ParseTime(reader.GetString(o + 9)), NullableString(reader, o + 10), NullableString(reader, o + 11));

    // ---------------------------------------------------------------- plumbing

    private static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, (string Name, object? Value)[] parameters)
    {
        var command = c.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private protected static async Task<int> Execute(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(c, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private protected static async Task<object?> Scalar(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(c, tx, sql, parameters);
        return await command.ExecuteScalarAsync(ct);
    }

    private static async Task<DbDataReader> Query(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        // The reader owns the command: CommandBehavior.Default keeps the connection, which the caller disposes.
        var command = Command(c, tx, sql, parameters);
        return await command.ExecuteReaderAsync(ct);
    }

    /// <summary>An integer column whatever width the driver reads it as (SQLite: always 64-bit; PostgreSQL: as declared).</summary>
    private static int Int(DbDataReader r, int i) => Convert.ToInt32(r.GetValue(i), CultureInfo.InvariantCulture);

    private static long Long(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    private static int? NullableInt(DbDataReader r, int i) => r.IsDBNull(i) ? null : Int(r, i);

    private static (string, object?)[] KeyParameters(DocumentKey key) =>
        [("@name", key.SourceName), ("@sha", key.SourceSha256), ("@first", key.FirstPage), ("@last", key.LastPage)];

    private protected string Now() => FormatTime(_time.GetUtcNow());

    private protected static string FormatTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static double? NullableDouble(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static string Name(BatchStatus s) => s.ToString().ToLowerInvariant();

    private static string Name(SourceStatus s) => s.ToString().ToLowerInvariant();

    private static string Name(ReviewState s) => s.ToString().ToLowerInvariant();

    private static BatchStatus ParseBatchStatus(string s) => Enum.Parse<BatchStatus>(s, ignoreCase: true);

    private static SourceStatus ParseSourceStatus(string s) => Enum.Parse<SourceStatus>(s, ignoreCase: true);

    private static void RequireCode(string? code, string name)
    {
        if (code is null || !CodePattern().IsMatch(code)) throw new ArgumentException($"'{code}' is not a lower_snake_case code.", name);
    }

    private static void RequireJson(string? json, string name)
    {
        if (json is null) return;
        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{name} is not valid JSON: {e.Message}", name);
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex CodePattern();
}
