using System.Data.Common;
using System.Globalization;

namespace CaptureChain.Filing.Store;

// The bulk jobs' backlog (SQLite schema v4, PostgreSQL v1): files to digitise, claimed under leases that expire so that
// a dead node's files are taken over, and the jobs' time windows.
public abstract partial class SqlCaptureStore
{
    private const string BacklogColumns =
        "id, job, relative_path, size_bytes, state, attempts, node, lease_until, window_id, pages, reason, completed_at";

    /// <summary>Rows per multi-row INSERT (and ids per IN list): well under SQLite's oldest limit of 999 parameters.</summary>
    private const int BacklogInsertChunk = 150;

    /// <inheritdoc/>
    public Task<int> AddBacklogFilesAsync(string job, IReadOnlyList<BacklogFile> files, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(job);
        ArgumentNullException.ThrowIfNull(files);
        foreach (var f in files)
        {
            ArgumentNullException.ThrowIfNull(f);
            ArgumentException.ThrowIfNullOrEmpty(f.RelativePath);
        }
        var now = Now();
        return WriteAsync(async (c, tx) =>
        {
            await EnsureBacklogJobAsync(c, tx, job, now, ct);
            var added = 0;
            for (var start = 0; start < files.Count; start += BacklogInsertChunk)
            {
                var chunk = files.Skip(start).Take(BacklogInsertChunk).ToList();
                var parameters = new List<(string, object?)> { ("@job", job), ("@now", now) };
                var rows = new List<string>(chunk.Count);
                for (var i = 0; i < chunk.Count; i++)
                {
                    rows.Add($"(@job, @p{i}, @s{i}, @m{i}, 'pending', 0, 0, @now)");
                    parameters.Add(($"@p{i}", chunk[i].RelativePath));
                    parameters.Add(($"@s{i}", chunk[i].SizeBytes));
                    parameters.Add(($"@m{i}", FormatTime(chunk[i].ModifiedAt)));
                }
                added += await Execute(c, tx, $"""
                    INSERT INTO backlog_items (job, relative_path, size_bytes, modified_at, state, attempts, pages, created_at)
                    VALUES {string.Join(", ", rows)}
                    ON CONFLICT (job, relative_path) DO NOTHING
                    """, ct, [.. parameters]);
            }
            return added;
        }, ct);
    }

    /// <inheritdoc/>
    public Task MarkBacklogEnumeratedAsync(string job, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(job);
        var now = Now();
        return WriteAsync(async (c, tx) =>
        {
            await EnsureBacklogJobAsync(c, tx, job, now, ct);
            return await Execute(c, tx, "UPDATE backlog_jobs SET enumerated = 1, updated_at = @now WHERE job = @job", ct,
                ("@job", job), ("@now", now));
        }, ct);
    }

    private static Task<int> EnsureBacklogJobAsync(DbConnection c, DbTransaction tx, string job, string now, CancellationToken ct) =>
        Execute(c, tx, "INSERT INTO backlog_jobs (job, enumerated, created_at, updated_at) VALUES (@job, 0, @now, @now) ON CONFLICT (job) DO NOTHING",
            ct, ("@job", job), ("@now", now));

    /// <inheritdoc/>
    public Task<IReadOnlyList<BacklogItem>> ClaimBacklogItemsAsync(string job, string node, int count, TimeSpan lease, string windowId,
        int maxAttempts = 3, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(job);
        ArgumentException.ThrowIfNullOrEmpty(node);
        ArgumentException.ThrowIfNullOrEmpty(windowId);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var now = _time.GetUtcNow();
        var clock = LeaseClock(now, lease);
        var skip = SkipLocked;
        var claimable = $"job = @job AND (state = 'pending' OR (state = 'claimed' AND lease_until < {clock.Now}))";
        return WriteAsync<IReadOnlyList<BacklogItem>>(async (c, tx) =>
        {
            var claimed = new List<BacklogItem>();
            while (claimed.Count < count)
            {
                // The next items in backlog order, locked (others' skipped). One already claimed maxAttempts times without
                // an outcome killed (or outlived) every node that read it: it is rejected instead, and the loop picks
                // further items in its place. SET expressions all see the row as it was, so the CASEs agree.
                var picked = 0;
                await using var reader = await Query(c, tx, $"""
                    UPDATE backlog_items SET
                        state = CASE WHEN attempts >= @max THEN 'rejected' ELSE 'claimed' END,
                        reason = CASE WHEN attempts >= @max THEN 'bulk_attempts_exhausted' ELSE reason END,
                        node = CASE WHEN attempts >= @max THEN NULL ELSE @node END,
                        lease_until = CASE WHEN attempts >= @max THEN NULL ELSE {clock.LeaseUntil} END,
                        completed_at = CASE WHEN attempts >= @max THEN @completed ELSE NULL END,
                        attempts = CASE WHEN attempts >= @max THEN attempts ELSE attempts + 1 END,
                        window_id = @window
                    WHERE id IN (SELECT id FROM backlog_items WHERE {claimable} ORDER BY id LIMIT @count{skip})
                    RETURNING {BacklogColumns}
                    """, ct, [.. clock.Parameters, ("@job", job), ("@node", node), ("@window", windowId), ("@max", maxAttempts),
                    ("@completed", FormatTime(now)), ("@count", count - claimed.Count)]);
                while (await reader.ReadAsync(ct))
                {
                    picked++;
                    var item = ReadBacklogItem(reader);
                    if (item.State == BacklogItemState.Claimed) claimed.Add(item);
                }
                if (picked == 0) break;
            }
            // RETURNING has no order of its own.
            claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
            return claimed;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<long>> RenewBacklogLeasesAsync(string node, IReadOnlyList<long> items, TimeSpan lease, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        if (items.Count == 0) return Task.FromResult<IReadOnlyList<long>>([]);
        var clock = LeaseClock(_time.GetUtcNow(), lease);
        return WriteAsync<IReadOnlyList<long>>(async (c, tx) =>
        {
            var held = new List<long>();
            foreach (var chunk in items.Distinct().Chunk(BacklogInsertChunk))
            {
                var (inList, ids) = IdList(chunk);
                await using var reader = await Query(c, tx, $"""
                    UPDATE backlog_items SET lease_until = {clock.LeaseUntil}
                    WHERE node = @node AND state = 'claimed' AND id IN ({inList})
                    RETURNING id
                    """, ct, [.. clock.Parameters, ("@node", node), .. ids]);
                while (await reader.ReadAsync(ct)) held.Add(Long(reader, 0));
            }
            held.Sort();
            return held;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<bool> CompleteBacklogItemAsync(long item, string node, BacklogItemState outcome, int pages, string? reason,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        if (outcome is not (BacklogItemState.Done or BacklogItemState.Rejected))
            throw new ArgumentException("An outcome is done or rejected.", nameof(outcome));
        ArgumentOutOfRangeException.ThrowIfNegative(pages);
        if (reason is not null) RequireCode(reason, nameof(reason));
        var now = Now();
        return WriteAsync(async (c, tx) => await Execute(c, tx, """
            UPDATE backlog_items SET state = @state, pages = @pages, reason = @reason, completed_at = @now, lease_until = NULL
            WHERE id = @id AND node = @node AND state = 'claimed'
            """, ct, ("@state", Name(outcome)), ("@pages", pages), ("@reason", reason), ("@now", now), ("@id", item), ("@node", node)) == 1, ct);
    }

    /// <inheritdoc/>
    public Task<int> ReleaseBacklogItemsAsync(string node, IReadOnlyList<long> items, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) return Task.FromResult(0);
        return WriteAsync(async (c, tx) =>
        {
            var released = 0;
            foreach (var chunk in items.Distinct().Chunk(BacklogInsertChunk))
            {
                var (inList, ids) = IdList(chunk);
                // The claim counted an attempt; a release is not a failure, so it is given back.
                released += await Execute(c, tx, $"""
                    UPDATE backlog_items SET state = 'pending', node = NULL, lease_until = NULL,
                        attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END
                    WHERE node = @node AND state = 'claimed' AND id IN ({inList})
                    """, ct, [("@node", node), .. ids]);
            }
            return released;
        }, ct);
    }

    /// <inheritdoc/>
    public async Task<BacklogProgress> GetBacklogProgressAsync(string job, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(job);
        await using var c = await OpenConnectionAsync(ct);
        // One pass over the job's rows (a backlog can hold a million files), grouped by state.
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long pagesDone = 0;
        await using (var reader = await Query(c, null,
            "SELECT state, COUNT(*), COALESCE(SUM(pages), 0) FROM backlog_items WHERE job = @job GROUP BY state", ct, ("@job", job)))
        {
            while (await reader.ReadAsync(ct))
            {
                counts[reader.GetString(0)] = Long(reader, 1);
                if (reader.GetString(0) == "done") pagesDone = Long(reader, 2);
            }
        }
        var enumerated = Convert.ToInt64(await Scalar(c, null, "SELECT COUNT(*) FROM backlog_jobs WHERE job = @job AND enumerated = 1", ct, ("@job", job)), CultureInfo.InvariantCulture) > 0;
        long Count(BacklogItemState s) => counts.GetValueOrDefault(Name(s));
        return new BacklogProgress(job, counts.Values.Sum(), Count(BacklogItemState.Pending), Count(BacklogItemState.Claimed),
            Count(BacklogItemState.Done), Count(BacklogItemState.Rejected), pagesDone, enumerated);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BacklogItem>> ListBacklogItemsAsync(string job, BacklogItemState? state = null, long afterId = 0, int limit = 1000,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(job);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var c = await OpenConnectionAsync(ct);
        return await ReadBacklogItemsAsync(c,
            "WHERE job = @job AND id > @after" + (state is null ? "" : " AND state = @state") + " ORDER BY id LIMIT @limit", ct,
            ("@job", job), ("@after", afterId), ("@state", state is { } s ? Name(s) : null), ("@limit", limit));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BacklogItem>> ListBacklogItemsCompletedInAsync(string windowId, BacklogItem? after = null, int limit = 1000,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(windowId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var c = await OpenConnectionAsync(ct);
        const string finished = "WHERE window_id = @window AND state IN ('done', 'rejected')";
        const string order = " ORDER BY completed_at, id LIMIT @limit";
        // Keyset paging on the window index (window_id, completed_at): a page costs the same at the millionth row as at the first.
        return after is { CompletedAt: { } at }
            ? await ReadBacklogItemsAsync(c, finished + " AND (completed_at, id) > (@at, @id)" + order, ct,
                ("@window", windowId), ("@at", FormatTime(at)), ("@id", after.Id), ("@limit", limit))
            : await ReadBacklogItemsAsync(c, finished + order, ct, ("@window", windowId), ("@limit", limit));
    }

    /// <inheritdoc/>
    public async Task<BulkWindowTotals> GetBulkWindowTotalsAsync(string windowId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(windowId);
        await using var c = await OpenConnectionAsync(ct);
        await using var reader = await Query(c, null,
            "SELECT COUNT(*), COALESCE(SUM(pages), 0), MAX(completed_at) FROM backlog_items WHERE window_id = @window AND state IN ('done', 'rejected')",
            ct, ("@window", windowId));
        await reader.ReadAsync(ct);
        return new BulkWindowTotals(Long(reader, 0), Long(reader, 1), reader.IsDBNull(2) ? null : ParseTime(reader.GetString(2)));
    }

    /// <inheritdoc/>
    public Task<BulkWindow> OpenBulkWindowAsync(string job, DateTimeOffset opensAt, DateTimeOffset closesAt, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(job);
        if (closesAt <= opensAt) throw new ArgumentException("A window closes after it opens.", nameof(closesAt));
        var now = Now();
        var id = "bw-" + Guid.CreateVersion7().ToString("N", CultureInfo.InvariantCulture);
        return WriteAsync(async (c, tx) =>
        {
            await Execute(c, tx, """
                INSERT INTO bulk_windows (id, job, opens_at, closes_at, reported, created_at) VALUES (@id, @job, @opens, @closes, 0, @now)
                ON CONFLICT (job, opens_at) DO NOTHING
                """, ct, ("@id", id), ("@job", job), ("@opens", FormatTime(opensAt)), ("@closes", FormatTime(closesAt)), ("@now", now));
            return (await ReadBulkWindowsAsync(c, tx, "WHERE job = @job AND opens_at = @opens", ct, ("@job", job), ("@opens", FormatTime(opensAt))))[0];
        }, ct);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BulkWindow>> ListOpenBulkWindowsAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await OpenConnectionAsync(ct);
        return await ReadBulkWindowsAsync(c, null, "WHERE opens_at <= @now AND closes_at > @now ORDER BY opens_at, job", ct, ("@now", FormatTime(now)));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BulkWindow>> ListBulkWindowsAsync(string job, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(job);
        await using var c = await OpenConnectionAsync(ct);
        return await ReadBulkWindowsAsync(c, null, "WHERE job = @job ORDER BY opens_at", ct, ("@job", job));
    }

    /// <inheritdoc/>
    public Task<bool> MarkBulkWindowReportedAsync(string windowId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(windowId);
        return WriteAsync(async (c, tx) =>
            await Execute(c, tx, "UPDATE bulk_windows SET reported = 1 WHERE id = @id AND reported = 0", ct, ("@id", windowId)) == 1, ct);
    }

    private async Task<IReadOnlyList<BacklogItem>> ReadBacklogItemsAsync(DbConnection c, string where, CancellationToken ct,
        params (string, object?)[] parameters)
    {
        await using var reader = await Query(c, null, $"SELECT {BacklogColumns} FROM backlog_items {where}", ct, parameters);
        var rows = new List<BacklogItem>();
        while (await reader.ReadAsync(ct)) rows.Add(ReadBacklogItem(reader));
        return rows;
    }

    private static BacklogItem ReadBacklogItem(DbDataReader r) => new(
        Long(r, 0), r.GetString(1), r.GetString(2), Long(r, 3), Enum.Parse<BacklogItemState>(r.GetString(4), ignoreCase: true), Int(r, 5),
        NullableString(r, 6), r.IsDBNull(7) ? null : ParseTime(r.GetString(7)), NullableString(r, 8), Int(r, 9), NullableString(r, 10),
        r.IsDBNull(11) ? null : ParseTime(r.GetString(11)));

    private static async Task<IReadOnlyList<BulkWindow>> ReadBulkWindowsAsync(DbConnection c, DbTransaction? tx, string where,
        CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var reader = await Query(c, tx, $"SELECT id, job, opens_at, closes_at FROM bulk_windows {where}", ct, parameters);
        var rows = new List<BulkWindow>();
        while (await reader.ReadAsync(ct))
            rows.Add(new BulkWindow(reader.GetString(0), reader.GetString(1), ParseTime(reader.GetString(2)), ParseTime(reader.GetString(3))));
        return rows;
    }

    private static (string InList, (string, object?)[] Parameters) IdList(long[] ids) =>
        (string.Join(", ", ids.Select((_, i) => $"@i{i}")), ids.Select((id, i) => ($"@i{i}", (object?)id)).ToArray());

    private static string Name(BacklogItemState s) => s.ToString().ToLowerInvariant();
}
