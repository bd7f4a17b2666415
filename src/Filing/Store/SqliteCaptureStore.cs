using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CaptureChain.Filing.Store;

/// <summary>
/// <see cref="ICaptureStore"/> on one SQLite file: WAL mode, synchronous=FULL (a journaled filing intent must be on disk
/// before the file is renamed), a busy timeout for other processes, a connection per operation from the driver's pool,
/// and in-process writers serialised so they never spin on SQLITE_BUSY. The schema is versioned with PRAGMA user_version.
/// The SQL itself is shared with the PostgreSQL store (<see cref="SqlCaptureStore"/>).
/// </summary>
public sealed class SqliteCaptureStore : SqlCaptureStore
{
    /// <summary>Schema version this build writes (PRAGMA user_version).</summary>
    public const int SchemaVersion = 4;

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
        // v4: re-scan fingerprints of documents, and the shared backlog of bulk jobs with their windows
        FingerprintColumn + BacklogSchema,
    ];

    private const string ReviewDeskSchema = """
        CREATE TABLE users (
            name TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            security_stamp TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE review_journal (
            id INTEGER PRIMARY KEY,
            review_item_id TEXT NOT NULL,
            source_name TEXT NOT NULL,
            source_sha256 TEXT NOT NULL,
            first_page INTEGER NOT NULL,
            last_page INTEGER NOT NULL,
            action TEXT NOT NULL,
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            before_json TEXT,
            after_json TEXT
        );
        CREATE INDEX review_journal_item ON review_journal (review_item_id);

        CREATE TABLE training_examples (
            id INTEGER PRIMARY KEY,
            review_item_id TEXT NOT NULL,
            source_name TEXT NOT NULL,
            source_sha256 TEXT NOT NULL,
            first_page INTEGER NOT NULL,
            last_page INTEGER NOT NULL,
            document_type TEXT NOT NULL,
            predicted_type TEXT,
            corrected INTEGER NOT NULL,
            model_version TEXT,
            text TEXT NOT NULL,
            labelled_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        CREATE INDEX documents_status ON documents (status);
        """;

    private const string FingerprintColumn = """
        ALTER TABLE documents ADD COLUMN text_fingerprint TEXT;
        CREATE INDEX documents_fingerprint ON documents (beneficiary_id, document_type) WHERE text_fingerprint IS NOT NULL;
        """;

    private const string BacklogSchema = """
        CREATE TABLE backlog_jobs (
            job TEXT PRIMARY KEY,
            enumerated INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE backlog_items (
            id INTEGER PRIMARY KEY,
            job TEXT NOT NULL,
            relative_path TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            modified_at TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            node TEXT,
            lease_until TEXT,
            window_id TEXT,
            pages INTEGER NOT NULL DEFAULT 0,
            reason TEXT,
            completed_at TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (job, relative_path)
        );
        CREATE INDEX backlog_items_claim ON backlog_items (job, state, id);
        CREATE INDEX backlog_items_open ON backlog_items (job, id) WHERE state IN ('pending', 'claimed');
        CREATE INDEX backlog_items_window ON backlog_items (window_id, completed_at);

        CREATE TABLE bulk_windows (
            id TEXT PRIMARY KEY,
            job TEXT NOT NULL,
            opens_at TEXT NOT NULL,
            closes_at TEXT NOT NULL,
            reported INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            UNIQUE (job, opens_at)
        );
        CREATE INDEX bulk_windows_open ON bulk_windows (closes_at);
        """;

    /// <summary>The migration scripts, v1 first (for the upgrade tests).</summary>
    internal static IReadOnlyList<string> MigrationScripts => Migrations;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    private SqliteCaptureStore(string path, TimeProvider time) : base(time)
    {
        DatabasePath = path;
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
        return await OpenMigratedAsync(store, ct);
    }

    /// <summary>How often a lock held by another process (or thread) is tried again.</summary>
    private static readonly TimeSpan LockRetry = TimeSpan.FromMilliseconds(20);

    /// <inheritdoc/>
    public override async Task<IAsyncDisposable> AcquireLockAsync(string name, CancellationToken ct = default)
    {
        // An exclusive open (flock on Linux) of a file named by the lock's key: conflicts between processes and between
        // two opens in one process alike, and is released by the kernel if the process dies.
        var folder = Path.Combine(Path.GetDirectoryName(DatabasePath)!, "locks");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, LockKey(name).ToString("x16", CultureInfo.InvariantCulture) + ".lock");
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1); }
            catch (IOException) { await Task.Delay(LockRetry, ct); } // real time: the store's clock may be a test's fake
        }
    }

    /// <inheritdoc/>
    public override async Task<int> GetSchemaVersionAsync(CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        return Convert.ToInt32(await Scalar(c, null, "PRAGMA user_version", ct), CultureInfo.InvariantCulture);
    }

    private protected override async Task MigrateAsync(CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            await using var c = (SqliteConnection)await OpenConnectionAsync(ct);
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

    /// <summary>Releases the pooled connections so the file can be moved or deleted.</summary>
    public override ValueTask DisposeAsync()
    {
        using (var c = new SqliteConnection(_connectionString)) SqliteConnection.ClearPool(c);
        _writeGate.Dispose();
        return ValueTask.CompletedTask;
    }

    // Writes are serialised (one IMMEDIATE transaction at a time): rows read inside one cannot change under it.
    private protected override string RowLock => "";

    private protected override string SkipLocked => "";

    // SQLite has no clock of its own: leases are measured on this process's TimeProvider (one node, one clock).
    private protected override (string Now, string LeaseUntil, (string, object?)[] Parameters) LeaseClock(DateTimeOffset now, TimeSpan lease) =>
        ("@lease_now", "@lease_until", [("@lease_now", FormatTime(now)), ("@lease_until", FormatTime(now + lease))]);

    private protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken ct)
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
    private protected override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            // Microsoft.Data.Sqlite's async methods run synchronously, and waiting for another process's lock can take
            // up to the busy timeout: run on the pool so the caller's thread is never held.
            return await Task.Run(async () =>
            {
                await using var c = (SqliteConnection)await OpenConnectionAsync(ct);
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
}
