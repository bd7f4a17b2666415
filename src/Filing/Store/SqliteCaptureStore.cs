using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CaptureChain.Filing.Manifest;
using Microsoft.Data.Sqlite;

namespace CaptureChain.Filing.Store;

/// <summary>
/// <see cref="ICaptureStore"/> on one SQLite file: WAL mode, synchronous=FULL (a journaled filing intent must be on disk
/// before the file is renamed), a busy timeout for other processes, a connection per operation from the driver's pool,
/// and in-process writers serialised so they never spin on SQLITE_BUSY. The schema is versioned with PRAGMA user_version.
/// SQL stays portable (TEXT timestamps in UTC ISO 8601, ON CONFLICT upserts) for the PostgreSQL implementation.
/// </summary>
public sealed partial class SqliteCaptureStore : ICaptureStore
{
    /// <summary>Schema version this build writes (PRAGMA user_version).</summary>
    public const int SchemaVersion = 3;

    /// <summary>How long a statement waits for another process's lock before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private static readonly string[] Migrations =
    [
        // v1
        """
        CREATE TABLE batches (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            inbox TEXT,
            operator TEXT,
            station TEXT,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL,
            sources_count INTEGER NOT NULL DEFAULT 0,
            sources_rejected INTEGER NOT NULL DEFAULT 0,
            documents_count INTEGER NOT NULL DEFAULT 0,
            filed_count INTEGER NOT NULL DEFAULT 0,
            review_count INTEGER NOT NULL DEFAULT 0,
            rejected_count INTEGER NOT NULL DEFAULT 0,
            duplicate_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX batches_status ON batches (status);

        CREATE TABLE sources (
            relative_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            batch_id TEXT NOT NULL REFERENCES batches (id),
            inbox TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            page_count INTEGER,
            status TEXT NOT NULL,
            reason TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (relative_name, sha256)
        );
        CREATE INDEX sources_batch ON sources (batch_id);

        CREATE TABLE documents (
            source_name TEXT NOT NULL,
            source_sha256 TEXT NOT NULL,
            first_page INTEGER NOT NULL,
            last_page INTEGER NOT NULL,
            batch_id TEXT NOT NULL REFERENCES batches (id),
            inbox TEXT NOT NULL,
            status TEXT NOT NULL,
            document_type TEXT,
            type_confidence REAL,
            type_threshold REAL,
            model_version TEXT,
            beneficiary_id TEXT,
            case_number TEXT,
            path TEXT,
            pdf_sha256 TEXT,
            content_hash TEXT,
            reasons_json TEXT NOT NULL,
            evidence_json TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (source_name, source_sha256, first_page, last_page)
        );
        CREATE INDEX documents_batch ON documents (batch_id);
        CREATE INDEX documents_inbox ON documents (inbox);
        CREATE INDEX documents_content ON documents (content_hash);

        CREATE TABLE steps (
            id INTEGER PRIMARY KEY,
            batch_id TEXT NOT NULL REFERENCES batches (id),
            item TEXT NOT NULL,
            stage TEXT NOT NULL,
            outcome TEXT NOT NULL,
            detail_json TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX steps_batch_item ON steps (batch_id, item);

        CREATE TABLE filing_intents (
            source_name TEXT NOT NULL,
            source_sha256 TEXT NOT NULL,
            first_page INTEGER NOT NULL,
            last_page INTEGER NOT NULL,
            target_path TEXT NOT NULL,
            pdf_sha256 TEXT NOT NULL,
            state TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (source_name, source_sha256, first_page, last_page)
        );
        CREATE INDEX filing_intents_state ON filing_intents (state);

        CREATE TABLE review_items (
            id TEXT PRIMARY KEY,
            source_name TEXT NOT NULL,
            source_sha256 TEXT NOT NULL,
            first_page INTEGER NOT NULL,
            last_page INTEGER NOT NULL,
            reason_codes_json TEXT NOT NULL,
            candidates_json TEXT,
            state TEXT NOT NULL,
            created_at TEXT NOT NULL,
            closed_at TEXT,
            closed_by TEXT,
            resolution_json TEXT
        );
        CREATE INDEX review_items_key ON review_items (source_name, source_sha256, first_page, last_page);
        CREATE INDEX review_items_state ON review_items (state);
        """,
        // v2: pages read per batch, for the batch report and pages per minute
        """
        ALTER TABLE batches ADD COLUMN pages_read INTEGER NOT NULL DEFAULT 0;
        """,
        // v3: the review desk (journal of every correction and view, training examples) and web users
        ReviewDeskSchema,
    ];

    private const string DocumentColumns =
        "source_name, source_sha256, first_page, last_page, batch_id, inbox, status, document_type, type_confidence, type_threshold, " +
        "model_version, beneficiary_id, case_number, path, pdf_sha256, content_hash, reasons_json, evidence_json, created_at, updated_at";

    private const string KeyMatch = "source_name = $name AND source_sha256 = $sha AND first_page = $first AND last_page = $last";

    private const string BatchColumns =
        "id, kind, inbox, operator, station, started_at, ended_at, status, sources_count, sources_rejected, documents_count, " +
        "filed_count, review_count, rejected_count, duplicate_count, pages_read";

    private const string ReviewColumns =
        "id, source_name, source_sha256, first_page, last_page, reason_codes_json, candidates_json, state, created_at, closed_at, closed_by, resolution_json";

    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    private SqliteCaptureStore(string path, TimeProvider time)
    {
        DatabasePath = path;
        _time = time;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    /// <summary>Absolute path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Opens (creating if needed) the store at <paramref name="path"/> and brings its schema up to date.</summary>
    public static async Task<SqliteCaptureStore> OpenAsync(string path, TimeProvider? time = null, CancellationToken ct = default)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var store = new SqliteCaptureStore(full, time ?? TimeProvider.System);
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

    /// <summary>The schema version recorded in the file.</summary>
    public async Task<int> GetSchemaVersionAsync(CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        return Convert.ToInt32(await Scalar(c, null, "PRAGMA user_version", ct), CultureInfo.InvariantCulture);
    }

    private async Task MigrateAsync(CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            await using var c = await OpenConnectionAsync(ct);
            // WAL is a property of the file: set once, outside any transaction; readers then never block the writer.
            var mode = (string?)await Scalar(c, null, "PRAGMA journal_mode=WAL", ct);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"SQLite refused WAL mode for {DatabasePath} (journal_mode={mode})");

            // IMMEDIATE: two processes opening a fresh file at once migrate one after the other.
            await using var tx = c.BeginTransaction(deferred: false);
            var version = Convert.ToInt32(await Scalar(c, tx, "PRAGMA user_version", ct), CultureInfo.InvariantCulture);
            if (version > SchemaVersion)
                throw new InvalidOperationException(
                    $"The capture store {DatabasePath} has schema version {version}, newer than this build ({SchemaVersion}); upgrade CaptureChain.");
            for (var v = version + 1; v <= SchemaVersion; v++)
                await Execute(c, tx, Migrations[v - 1], ct);
            if (version != SchemaVersion)
                await Execute(c, tx, $"PRAGMA user_version = {SchemaVersion.ToString(CultureInfo.InvariantCulture)}", ct);
            tx.Commit();
        }
        finally
        {
            _writeGate.Release();
        }
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
                VALUES ($id, $kind, $inbox, $operator, $station, $at, 'running')
                """, ct, ("$id", id.ToString()), ("$kind", start.Kind), ("$inbox", start.Inbox), ("$operator", start.Operator),
                ("$station", start.Station), ("$at", Now()));
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
                UPDATE batches SET ended_at = $at, status = $status, sources_count = $s, sources_rejected = $sr,
                    documents_count = $d, filed_count = $f, review_count = $r, rejected_count = $rj, duplicate_count = $dup
                WHERE id = $id
                """, ct, ("$at", Now()), ("$status", Name(status)), ("$s", counts.Sources), ("$sr", counts.SourcesRejected),
                ("$d", counts.Documents), ("$f", counts.Filed), ("$r", counts.Review), ("$rj", counts.Rejected),
                ("$dup", counts.Duplicate), ("$id", batch.ToString()));
            if (changed == 0) throw new KeyNotFoundException($"No batch {batch}.");
            return (await ReadBatchesAsync(c, tx, "WHERE id = $id", ct, ("$id", batch.ToString())))[0];
        }, ct);
    }

    /// <inheritdoc/>
    public Task SetBatchPagesReadAsync(BatchId batch, long pagesRead, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pagesRead);
        return WriteAsync(async (c, tx) =>
        {
            await Execute(c, tx, "UPDATE batches SET pages_read = $p WHERE id = $id", ct, ("$p", pagesRead), ("$id", batch.ToString()));
            return 0;
        }, ct);
    }

    /// <inheritdoc/>
    public async Task<BatchSummary?> GetBatchAsync(BatchId batch, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        var found = await ReadBatchesAsync(c, null, "WHERE id = $id", ct, ("$id", batch.ToString()));
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BatchSummary>> ListBatchesAsync(BatchStatus? status = null, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        return status is { } s
            ? await ReadBatchesAsync(c, null, "WHERE status = $status ORDER BY started_at DESC, id DESC", ct, ("$status", Name(s)))
            : await ReadBatchesAsync(c, null, "ORDER BY started_at DESC, id DESC", ct);
    }

    private async Task<IReadOnlyList<BatchSummary>> ReadBatchesAsync(SqliteConnection c, SqliteTransaction? tx, string where,
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
                    new BatchCounts(reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10), reader.GetInt32(11),
                        reader.GetInt32(12), reader.GetInt32(13), reader.GetInt32(14)))
                { PagesRead = reader.GetInt64(15) });
            }
        }
        // Counts are frozen at the end; while a batch runs they are computed from the journal.
        for (var i = 0; i < rows.Count; i++)
            if (rows[i].Status == BatchStatus.Running)
                rows[i] = rows[i] with { Counts = await CountAsync(c, tx, rows[i].Id, ct) };
        return rows;
    }

    private static async Task<BatchCounts> CountAsync(SqliteConnection c, SqliteTransaction? tx, BatchId batch, CancellationToken ct)
    {
        await using var reader = await Query(c, tx, """
            SELECT
              (SELECT COUNT(*) FROM sources WHERE batch_id = $id),
              (SELECT COUNT(*) FROM sources WHERE batch_id = $id AND status = 'rejected'),
              (SELECT COUNT(*) FROM documents WHERE batch_id = $id),
              (SELECT COUNT(*) FROM documents WHERE batch_id = $id AND status = 'filed'),
              (SELECT COUNT(*) FROM documents WHERE batch_id = $id AND status = 'review'),
              (SELECT COUNT(*) FROM documents WHERE batch_id = $id AND status = 'rejected'),
              (SELECT COUNT(*) FROM documents WHERE batch_id = $id AND status = 'duplicate')
            """, ct, ("$id", batch.ToString()));
        await reader.ReadAsync(ct);
        return new BatchCounts(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3),
            reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6));
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
            VALUES ($name, $sha, $batch, $inbox, $size, $pages, $status, $reason, $now, $now)
            ON CONFLICT (relative_name, sha256) DO UPDATE SET
                batch_id = excluded.batch_id, inbox = excluded.inbox, size_bytes = excluded.size_bytes,
                page_count = excluded.page_count, status = excluded.status, reason = excluded.reason, updated_at = excluded.updated_at
            """, ct, ("$name", source.RelativeName), ("$sha", source.Sha256), ("$batch", source.Batch.ToString()),
            ("$inbox", source.Inbox), ("$size", source.SizeBytes), ("$pages", source.PageCount), ("$status", Name(source.Status)),
            ("$reason", source.Reason), ("$now", now)), ct);
    }

    /// <inheritdoc/>
    public async Task<SourceRecord?> FindSourceAsync(string relativeName, string sha256, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        await using var reader = await Query(c, null, """
            SELECT batch_id, inbox, relative_name, sha256, size_bytes, page_count, status, reason
            FROM sources WHERE relative_name = $name AND sha256 = $sha
            """, ct, ("$name", relativeName), ("$sha", sha256));
        if (!await reader.ReadAsync(ct)) return null;
        return new SourceRecord(BatchId.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetInt32(5), ParseSourceStatus(reader.GetString(6)), NullableString(reader, 7));
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
            INSERT INTO steps (batch_id, item, stage, outcome, detail_json, at) VALUES ($batch, $item, $stage, $outcome, $detail, $at)
            """, ct, ("$batch", step.Batch.ToString()), ("$item", step.Item), ("$stage", step.Stage), ("$outcome", step.Outcome),
            ("$detail", step.DetailJson), ("$at", now)), ct);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<JournalStep>> ListStepsAsync(BatchId batch, string? item = null, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        var sql = "SELECT batch_id, item, stage, outcome, detail_json, at FROM steps WHERE batch_id = $batch" +
                  (item is null ? "" : " AND item = $item") + " ORDER BY id";
        await using var reader = await Query(c, null, sql, ct, ("$batch", batch.ToString()), ("$item", item));
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
        return WriteAsync(async (c, tx) =>
        {
            await using (var reader = await Query(c, tx, $"SELECT status, path FROM documents WHERE {KeyMatch}", ct, KeyParameters(document.Key)))
            {
                if (await reader.ReadAsync(ct) && reader.GetString(0) == "filed"
                    && (document.Status != DocumentStatus.Filed || NullableString(reader, 1) != document.Path))
                    throw new InvalidOperationException(
                        $"Document {document.Key} is filed; its record cannot become {document.Status.ToName()} or change its path.");
            }
            return await Execute(c, tx, $"""
                INSERT INTO documents ({DocumentColumns})
                VALUES ($name, $sha, $first, $last, $batch, $inbox, $status, $type, $confidence, $threshold, $model, $beneficiary,
                        $case, $path, $pdfsha, $content, $reasons, $evidence, $now, $now)
                ON CONFLICT (source_name, source_sha256, first_page, last_page) DO UPDATE SET
                    batch_id = excluded.batch_id, inbox = excluded.inbox, status = excluded.status, document_type = excluded.document_type,
                    type_confidence = excluded.type_confidence, type_threshold = excluded.type_threshold,
                    model_version = excluded.model_version, beneficiary_id = excluded.beneficiary_id, case_number = excluded.case_number,
                    path = excluded.path, pdf_sha256 = excluded.pdf_sha256, content_hash = excluded.content_hash,
                    reasons_json = excluded.reasons_json, evidence_json = excluded.evidence_json, updated_at = excluded.updated_at
                """, ct, [.. KeyParameters(document.Key),
                ("$batch", document.Batch.ToString()), ("$inbox", document.Inbox), ("$status", document.Status.ToName()),
                ("$type", document.DocumentType), ("$confidence", document.TypeConfidence), ("$threshold", document.TypeThreshold),
                ("$model", document.ModelVersion), ("$beneficiary", document.BeneficiaryId), ("$case", document.CaseNumber),
                ("$path", document.Path), ("$pdfsha", document.PdfSha256), ("$content", document.ContentHash),
                ("$reasons", JsonSerializer.Serialize(document.Reasons)), ("$evidence", document.EvidenceJson), ("$now", now)]);
        }, ct);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DocumentRecord>> ListDocumentsAsync(BatchId batch, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        return await ReadDocumentsAsync(c, null, "WHERE batch_id = $batch ORDER BY source_name, first_page, last_page", ct,
            ("$batch", batch.ToString()));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DocumentRecord>> ListDocumentsAsync(string inbox, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inbox);
        await using var c = await OpenConnectionAsync(ct);
        return await ReadDocumentsAsync(c, null, "WHERE inbox = $inbox ORDER BY source_name, first_page, last_page", ct, ("$inbox", inbox));
    }

    /// <inheritdoc/>
    public async Task<DocumentRecord?> FindFiledByContentAsync(string contentHash, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        await using var c = await OpenConnectionAsync(ct);
        var found = await ReadDocumentsAsync(c, null,
            "WHERE content_hash = $content AND status = 'filed' ORDER BY created_at, source_name, first_page LIMIT 1", ct, ("$content", contentHash));
        return found.Count == 0 ? null : found[0];
    }

    private static async Task<IReadOnlyList<DocumentRecord>> ReadDocumentsAsync(SqliteConnection c, SqliteTransaction? tx, string where,
        CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var reader = await Query(c, tx, $"SELECT {DocumentColumns} FROM documents {where}", ct, parameters);
        var rows = new List<DocumentRecord>();
        while (await reader.ReadAsync(ct)) rows.Add(ReadDocument(reader, 0));
        return rows;
    }

    /// <summary>A document row whose <see cref="DocumentColumns"/> start at column <paramref name="o"/>.</summary>
    private static DocumentRecord ReadDocument(DbDataReader reader, int o) => new(
        new DocumentKey(reader.GetString(o), reader.GetString(o + 1), reader.GetInt32(o + 2), reader.GetInt32(o + 3)),
        BatchId.Parse(reader.GetString(o + 4)), reader.GetString(o + 5), DocumentStatusNames.Parse(reader.GetString(o + 6)),
        NullableString(reader, o + 7), NullableDouble(reader, o + 8), NullableDouble(reader, o + 9), NullableString(reader, o + 10),
        NullableString(reader, o + 11), NullableString(reader, o + 12), NullableString(reader, o + 13), NullableString(reader, o + 14),
        NullableString(reader, o + 15), JsonSerializer.Deserialize<string[]>(reader.GetString(o + 16)) ?? [], NullableString(reader, o + 17))
    {
        CreatedAt = ParseTime(reader.GetString(o + 18)),
        UpdatedAt = ParseTime(reader.GetString(o + 19)),
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
            var existing = await ReadIntentAsync(c, tx, key, ct);
            if (existing is { State: FilingIntentState.Completed })
                throw new InvalidOperationException($"Document {key} is already filed; it must not be filed twice.");
            return await Execute(c, tx, """
                INSERT INTO filing_intents (source_name, source_sha256, first_page, last_page, target_path, pdf_sha256, state, created_at, updated_at)
                VALUES ($name, $sha, $first, $last, $target, $pdfsha, 'intended', $now, $now)
                ON CONFLICT (source_name, source_sha256, first_page, last_page) DO UPDATE SET
                    target_path = excluded.target_path, pdf_sha256 = excluded.pdf_sha256, state = 'intended', updated_at = excluded.updated_at
                """, ct, [.. KeyParameters(key), ("$target", targetRelativePath), ("$pdfsha", pdfSha256), ("$now", now)]);
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
            var existing = await ReadIntentAsync(c, tx, key, ct)
                ?? throw new InvalidOperationException($"No filing intent for document {key}.");
            if (!string.Equals(existing.PdfSha256, pdfSha256, StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"Document {key}: the filed content does not match the intent's SHA-256.");
            if (existing.State == FilingIntentState.Completed) return 0;
            return await Execute(c, tx, $"UPDATE filing_intents SET state = 'completed', updated_at = $now WHERE {KeyMatch}", ct,
                [.. KeyParameters(key), ("$now", now)]);
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

    private static async Task<FilingIntent?> ReadIntentAsync(SqliteConnection c, SqliteTransaction? tx, DocumentKey key, CancellationToken ct)
    {
        var found = await ReadIntentsAsync(c, tx, $"WHERE {KeyMatch}", ct, KeyParameters(key));
        return found.Count == 0 ? null : found[0];
    }

    private static async Task<IReadOnlyList<FilingIntent>> ReadIntentsAsync(SqliteConnection c, SqliteTransaction? tx, string where,
        CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var reader = await Query(c, tx,
            $"SELECT source_name, source_sha256, first_page, last_page, target_path, pdf_sha256, state, updated_at FROM filing_intents {where}",
            ct, parameters);
        var rows = new List<FilingIntent>();
        while (await reader.ReadAsync(ct))
            rows.Add(new FilingIntent(new DocumentKey(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3)),
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
            var open = await ReadReviewItemsAsync(c, tx, $"WHERE {KeyMatch} AND state = 'open'", ct, KeyParameters(key));
            var reasons = JsonSerializer.Serialize(reasonCodes);
            string id;
            if (open.Count > 0)
            {
                id = open[0].Id;
                await Execute(c, tx, "UPDATE review_items SET reason_codes_json = $reasons, candidates_json = $candidates WHERE id = $id", ct,
                    ("$reasons", reasons), ("$candidates", candidatesJson), ("$id", id));
            }
            else
            {
                id = "rv-" + Guid.CreateVersion7().ToString("N", CultureInfo.InvariantCulture);
                await Execute(c, tx, $"""
                    INSERT INTO review_items (id, source_name, source_sha256, first_page, last_page, reason_codes_json, candidates_json, state, created_at)
                    VALUES ($id, $name, $sha, $first, $last, $reasons, $candidates, 'open', $now)
                    """, ct, [("$id", id), .. KeyParameters(key), ("$reasons", reasons), ("$candidates", candidatesJson), ("$now", now)]);
            }
            return (await ReadReviewItemsAsync(c, tx, "WHERE id = $id", ct, ("$id", id)))[0];
        }, ct);
    }

    /// <inheritdoc/>
    public async Task<ReviewItem?> GetReviewItemAsync(string id, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        var found = await ReadReviewItemsAsync(c, null, "WHERE id = $id", ct, ("$id", id));
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReviewItem>> ListReviewItemsAsync(ReviewState state, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        return await ReadReviewItemsAsync(c, null, "WHERE state = $state ORDER BY created_at, id", ct, ("$state", Name(state)));
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
                UPDATE review_items SET state = 'closed', closed_at = $now, closed_by = $by, resolution_json = $resolution
                WHERE id = $id AND state = 'open'
                """, ct, ("$now", now), ("$by", closedBy), ("$resolution", resolutionJson), ("$id", id));
            if (changed == 0)
            {
                var found = await ReadReviewItemsAsync(c, tx, "WHERE id = $id", ct, ("$id", id));
                throw found.Count == 0
                    ? new KeyNotFoundException($"No review item {id}.")
                    : new InvalidOperationException($"Review item {id} is already closed.");
            }
            return changed;
        }, ct);
    }

    private static async Task<IReadOnlyList<ReviewItem>> ReadReviewItemsAsync(SqliteConnection c, SqliteTransaction? tx, string where,
        CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var reader = await Query(c, tx, $"SELECT {ReviewColumns} FROM review_items {where}", ct, parameters);
        var rows = new List<ReviewItem>();
        while (await reader.ReadAsync(ct)) rows.Add(ReadReviewItem(reader, 0));
        return rows;
    }

    /// <summary>A review item row whose <see cref="ReviewColumns"/> start at column <paramref name="o"/>.</summary>
    private static ReviewItem ReadReviewItem(DbDataReader reader, int o) => new(reader.GetString(o),
        new DocumentKey(reader.GetString(o + 1), reader.GetString(o + 2), reader.GetInt32(o + 3), reader.GetInt32(o + 4)),
        JsonSerializer.Deserialize<string[]>(reader.GetString(o + 5)) ?? [], NullableString(reader, o + 6),
        reader.GetString(o + 7) == "closed" ? ReviewState.Closed : ReviewState.Open, ParseTime(reader.GetString(o + 8)),
        reader.IsDBNull(o + 9) ? null : ParseTime(reader.GetString(o + 9)), NullableString(reader, o + 10), NullableString(reader, o + 11));

    // ---------------------------------------------------------------- plumbing

    /// <summary>Releases the pooled connections so the file can be moved or deleted.</summary>
    public ValueTask DisposeAsync()
    {
        using (var c = new SqliteConnection(_connectionString)) SqliteConnection.ClearPool(c);
        _writeGate.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken ct)
    {
        var c = new SqliteConnection(_connectionString);
        try
        {
            await c.OpenAsync(ct);
            // Per connection: wait for other processes' locks instead of failing, and fsync every commit (FULL) so a
            // journaled intent is durable before the archive renames the file it describes.
            await Execute(c, null, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = FULL;", ct);
            return c;
        }
        catch
        {
            await c.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in one IMMEDIATE transaction; in-process writers take turns.</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            // Microsoft.Data.Sqlite's async methods run synchronously, and waiting for another process's lock can take
            // up to the busy timeout: run on the pool so the caller's thread is never held.
            return await Task.Run(async () =>
            {
                await using var c = await OpenConnectionAsync(ct);
                // IMMEDIATE takes the write lock up front: a deferred transaction that later upgrades can fail with
                // SQLITE_BUSY without waiting, whatever the busy timeout.
                await using var tx = c.BeginTransaction(deferred: false);
                var result = await work(c, tx);
                tx.Commit();
                return result;
            }, ct);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, (string Name, object? Value)[] parameters)
    {
        var command = c.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static async Task<int> Execute(SqliteConnection c, SqliteTransaction? tx, string sql, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(c, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object?> Scalar(SqliteConnection c, SqliteTransaction? tx, string sql, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(c, tx, sql, parameters);
        return await command.ExecuteScalarAsync(ct);
    }

    private static async Task<DbDataReader> Query(SqliteConnection c, SqliteTransaction? tx, string sql, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        // The reader owns the command: CommandBehavior.Default keeps the connection, which the caller disposes.
        var command = Command(c, tx, sql, parameters);
        return await command.ExecuteReaderAsync(ct);
    }

    private static (string, object?)[] KeyParameters(DocumentKey key) =>
        [("$name", key.SourceName), ("$sha", key.SourceSha256), ("$first", key.FirstPage), ("$last", key.LastPage)];

    private string Now() => FormatTime(_time.GetUtcNow());

    private static string FormatTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

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
