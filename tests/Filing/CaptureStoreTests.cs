using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using Microsoft.Data.Sqlite;

namespace CaptureChain.Filing.Tests;

public sealed class CaptureStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _db;

    public CaptureStoreTests() => _db = _dir.Combine("state", "capture.db");

    public void Dispose() => _dir.Dispose();

    private static readonly string Sha = new('a', 64);

    private static DocumentRecord Document(BatchId batch, string source, int first, int last, DocumentStatus status = DocumentStatus.Review,
        string? path = null, string? pdfSha = null, string? contentHash = null) =>
        new(new DocumentKey(source, Sha, first, last), batch, "/srv/inbox", status, "rib", 0.991, 0.9, "model-2026.05",
            "B100130", "APA-2017-85786", path, pdfSha, contentHash,
            status == DocumentStatus.Filed ? [] : ["beneficiary_ambiguous"], """{"nir":"2 95 10 ** *** *** 93","candidates":2}""");

    [Fact]
    public async Task Everything_recorded_survives_a_reopen()
    {
        BatchId batch;
        var key = new DocumentKey("scan_00012.tif", Sha, 1, 3);
        await using (var store = await SqliteCaptureStore.OpenAsync(_db))
        {
            batch = await store.StartBatchAsync(new BatchStart("process", "/srv/inbox", "agent.durand", "scan-01"));
            await store.MarkSourceAsync(new SourceRecord(batch, "/srv/inbox", "scan_00012.tif", Sha, 123_456, 5, SourceStatus.Decoded, null));
            await store.RecordStepAsync(new JournalStep(batch, "scan_00012.tif", "decode", "ok", """{"pages":5}"""));
            await store.RecordDocumentAsync(Document(batch, "scan_00012.tif", 1, 3, DocumentStatus.Filed,
                "APA/APA-2017-85786 LEFÈVRE Hélène/rib/2026-05-03_rib_001.pdf", new string('b', 64), "content-1"));
            await store.BeginFilingAsync(key, "APA/x/rib/2026-05-03_rib_001.pdf", new string('b', 64));
        }

        await using (var store = await SqliteCaptureStore.OpenAsync(_db))
        {
            (await store.GetBatchAsync(batch))!.Status.Should().Be(BatchStatus.Running);
            (await store.FindSourceAsync("scan_00012.tif", Sha))!.Status.Should().Be(SourceStatus.Decoded);
            (await store.IsSourceDoneAsync("scan_00012.tif", Sha)).Should().BeFalse();
            (await store.ListStepsAsync(batch)).Should().ContainSingle().Which.DetailJson.Should().Be("""{"pages":5}""");
            var doc = (await store.FindDocumentAsync(key))!;
            doc.Path.Should().Be("APA/APA-2017-85786 LEFÈVRE Hélène/rib/2026-05-03_rib_001.pdf");
            doc.TypeConfidence.Should().Be(0.991);
            doc.TypeThreshold.Should().Be(0.9);
            doc.ModelVersion.Should().Be("model-2026.05");
            doc.Reasons.Should().BeEmpty();
            doc.EvidenceJson.Should().Contain("candidates");
            (await store.FindFilingIntentAsync(key))!.State.Should().Be(FilingIntentState.Intended);
            (await store.ListOpenFilingIntentsAsync()).Should().ContainSingle();
        }
    }

    [Fact]
    public async Task Migration_is_idempotent_and_a_newer_schema_is_refused()
    {
        await using (var store = await SqliteCaptureStore.OpenAsync(_db))
            (await store.GetSchemaVersionAsync()).Should().Be(SqliteCaptureStore.SchemaVersion);
        await using (var store = await SqliteCaptureStore.OpenAsync(_db))
        {
            (await store.GetSchemaVersionAsync()).Should().Be(SqliteCaptureStore.SchemaVersion);
            await store.StartBatchAsync(new BatchStart("process", null, null, null));
        }

        // Check from outside: WAL mode on the file, one table set, version stamped.
        await using (var c = new SqliteConnection($"Data Source={_db};Pooling=False"))
        {
            await c.OpenAsync();
            var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode";
            ((string)(await cmd.ExecuteScalarAsync())!).Should().Be("wal");
            cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'documents'";
            ((long)(await cmd.ExecuteScalarAsync())!).Should().Be(1);
            cmd.CommandText = $"PRAGMA user_version = {SqliteCaptureStore.SchemaVersion + 1}";
            await cmd.ExecuteNonQueryAsync();
        }

        var act = () => SqliteCaptureStore.OpenAsync(_db);
        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("newer than this build");
    }

    [Fact]
    public async Task Parallel_writers_in_two_store_instances_all_succeed()
    {
        // Two instances on one file stand for two processes: in-process gates do not help them, the busy timeout does.
        await using var one = await SqliteCaptureStore.OpenAsync(_db);
        await using var two = await SqliteCaptureStore.OpenAsync(_db);
        var batch = await one.StartBatchAsync(new BatchStart("process", "/srv/inbox", null, null));

        var writes = Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? one : two;
            await store.RecordStepAsync(new JournalStep(batch, $"item-{i}", "classify", "ok", null));
            await store.RecordDocumentAsync(Document(batch, $"scan_{i:0000}.tif", 1, 1));
            await store.MarkSourceAsync(new SourceRecord(batch, "/srv/inbox", $"scan_{i:0000}.tif", Sha, i, 1, SourceStatus.Done, null));
            _ = await store.FindDocumentAsync(new DocumentKey($"scan_{i:0000}.tif", Sha, 1, 1));
        }));
        await Task.WhenAll(writes);

        (await two.ListStepsAsync(batch)).Should().HaveCount(400);
        (await one.ListDocumentsAsync(batch)).Should().HaveCount(400);
        var summary = await two.FinishBatchAsync(batch, BatchStatus.Completed);
        summary.Counts.Should().Be(new BatchCounts(400, 0, 400, 0, 400, 0, 0));
    }

    [Fact]
    public async Task A_writer_waits_for_another_process_s_write_lock_instead_of_failing_busy()
    {
        await using var store = await SqliteCaptureStore.OpenAsync(_db);
        var batch = await store.StartBatchAsync(new BatchStart("process", null, null, null));
        await using var other = new SqliteConnection($"Data Source={_db};Pooling=False");
        await other.OpenAsync();
        var hold = other.CreateCommand();
        hold.CommandText = "BEGIN IMMEDIATE";
        await hold.ExecuteNonQueryAsync();

        // Another process holds the write lock for 1.5 s; the store's write must wait, not throw SQLITE_BUSY.
        var write = store.RecordStepAsync(new JournalStep(batch, "a.tif", "decode", "ok", null));
        await Task.Delay(500);
        write.IsCompleted.Should().BeFalse("the write lock is held elsewhere");
        await Task.Delay(1000);
        hold.CommandText = "COMMIT";
        await hold.ExecuteNonQueryAsync();
        await write;

        (await store.ListStepsAsync(batch)).Should().ContainSingle();
    }

    [Fact]
    public async Task Batch_counts_are_live_while_running_and_frozen_at_the_end()
    {
        await using var store = await SqliteCaptureStore.OpenAsync(_db);
        var batch = await store.StartBatchAsync(new BatchStart("process", "/srv/inbox", "agent", "poste-3"));
        await store.MarkSourceAsync(new SourceRecord(batch, "/srv/inbox", "a.tif", Sha, 1, 2, SourceStatus.Done, null));
        await store.MarkSourceAsync(new SourceRecord(batch, "/srv/inbox", "b.tif", Sha, 1, null, SourceStatus.Rejected, "decode_failed"));
        await store.RecordDocumentAsync(Document(batch, "a.tif", 1, 1, DocumentStatus.Filed, "APA/x/1.pdf", Sha));
        await store.RecordDocumentAsync(Document(batch, "a.tif", 2, 2, DocumentStatus.Duplicate));

        (await store.GetBatchAsync(batch))!.Counts.Should().Be(new BatchCounts(2, 1, 2, 1, 0, 0, 1));
        await store.SetBatchPagesReadAsync(batch, 7);
        (await store.GetBatchAsync(batch))!.PagesRead.Should().Be(7);
        await store.SetBatchPagesReadAsync(batch, 12);
        var done = await store.FinishBatchAsync(batch, BatchStatus.Completed);
        done.PagesRead.Should().Be(12);
        done.PagesPerMinute(DateTimeOffset.MaxValue).Should().Be(done.EndedAt > done.StartedAt ? 12 / (done.EndedAt!.Value - done.StartedAt).TotalMinutes : 0,
            "a finished batch's speed is measured between its start and end, whatever the time now");
        await store.RecordDocumentAsync(Document(batch, "c.tif", 1, 1));

        done.EndedAt.Should().NotBeNull();
        done.Status.Should().Be(BatchStatus.Completed);
        (await store.GetBatchAsync(batch))!.Counts.Should().Be(done.Counts, "a finished batch keeps its counts");
        (await store.ListBatchesAsync(BatchStatus.Running)).Should().BeEmpty();
        (await store.IsSourceDoneAsync("b.tif", Sha)).Should().BeTrue("a rejected source is final");
        (await store.IsSourceDoneAsync("a.tif", new string('c', 64))).Should().BeFalse("same name, other content is new work");
    }

    [Fact]
    public async Task Documents_round_trip_with_nulls_and_list_by_inbox_or_batch()
    {
        await using var store = await SqliteCaptureStore.OpenAsync(_db);
        var batch = await store.StartBatchAsync(new BatchStart("process", "/srv/inbox", null, null));
        var other = await store.StartBatchAsync(new BatchStart("watch", "/srv/other", null, null));
        var bare = new DocumentRecord(new DocumentKey("z.pdf", Sha, 2, 4), batch, "/srv/inbox", DocumentStatus.Rejected,
            null, null, null, null, null, null, null, null, null, ["unreadable"], null);
        await store.RecordDocumentAsync(bare);
        await store.RecordDocumentAsync(Document(batch, "a.pdf", 1, 1));
        await store.RecordDocumentAsync(Document(other, "b.pdf", 1, 1) with { Inbox = "/srv/other" });

        var read = (await store.FindDocumentAsync(bare.Key))!;
        read.Should().BeEquivalentTo(bare, o => o.Excluding(d => d.CreatedAt).Excluding(d => d.UpdatedAt));
        read.CreatedAt.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        (await store.ListDocumentsAsync("/srv/inbox")).Select(d => d.Key.SourceName).Should().Equal("a.pdf", "z.pdf");
        (await store.ListDocumentsAsync(other)).Select(d => d.Key.SourceName).Should().Equal("b.pdf");
        (await store.FindDocumentAsync(new DocumentKey("z.pdf", Sha, 2, 5))).Should().BeNull();
    }

    [Fact]
    public async Task A_filed_record_cannot_be_downgraded_or_moved()
    {
        await using var store = await SqliteCaptureStore.OpenAsync(_db);
        var batch = await store.StartBatchAsync(new BatchStart("process", null, null, null));
        var filed = Document(batch, "a.pdf", 1, 2, DocumentStatus.Filed, "APA/x/rib/1.pdf", Sha);
        await store.RecordDocumentAsync(filed);

        await store.RecordDocumentAsync(filed with { ModelVersion = "v2" }); // same place: fine
        var downgrade = () => store.RecordDocumentAsync(filed with { Status = DocumentStatus.Review, Path = null });
        var move = () => store.RecordDocumentAsync(filed with { Path = "APA/y/rib/1.pdf" });
        var noPath = () => store.RecordDocumentAsync(Document(batch, "b.pdf", 1, 1, DocumentStatus.Filed));

        await downgrade.Should().ThrowAsync<InvalidOperationException>();
        await move.Should().ThrowAsync<InvalidOperationException>();
        await noPath.Should().ThrowAsync<ArgumentException>();
        (await store.FindDocumentAsync(filed.Key))!.Path.Should().Be("APA/x/rib/1.pdf");
    }

    [Fact]
    public async Task Content_duplicates_are_found_only_among_filed_documents()
    {
        await using var store = await SqliteCaptureStore.OpenAsync(_db);
        var batch = await store.StartBatchAsync(new BatchStart("process", null, null, null));
        await store.RecordDocumentAsync(Document(batch, "review.pdf", 1, 1, DocumentStatus.Review, contentHash: "h1"));
        (await store.FindFiledByContentAsync("h1")).Should().BeNull();

        await store.RecordDocumentAsync(Document(batch, "filed.pdf", 1, 1, DocumentStatus.Filed, "APA/x/1.pdf", Sha, "h1"));

        (await store.FindFiledByContentAsync("h1"))!.Key.SourceName.Should().Be("filed.pdf");
        (await store.FindFiledByContentAsync("h2")).Should().BeNull();
    }

    [Fact]
    public async Task Filing_intents_refuse_a_second_filing_and_a_different_content()
    {
        await using var store = await SqliteCaptureStore.OpenAsync(_db);
        var key = new DocumentKey("a.pdf", Sha, 1, 1);
        var pdfSha = new string('d', 64);

        await store.BeginFilingAsync(key, "APA/x/001.pdf", pdfSha);
        await store.BeginFilingAsync(key, "APA/x/002.pdf", pdfSha); // name retried: replaces the open intent
        (await store.FindFilingIntentAsync(key))!.TargetPath.Should().Be("APA/x/002.pdf");
        var wrongSha = () => store.CompleteFilingAsync(key, new string('e', 64));
        await wrongSha.Should().ThrowAsync<InvalidOperationException>();

        await store.CompleteFilingAsync(key, pdfSha);
        await store.CompleteFilingAsync(key, pdfSha); // idempotent

        var twice = () => store.BeginFilingAsync(key, "APA/x/003.pdf", pdfSha);
        await twice.Should().ThrowAsync<InvalidOperationException>().WithMessage("*must not be filed twice*");
        (await store.ListOpenFilingIntentsAsync()).Should().BeEmpty();
        var none = () => store.CompleteFilingAsync(new DocumentKey("b.pdf", Sha, 1, 1), pdfSha);
        await none.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task Review_items_open_once_per_document_and_close_with_who_and_what()
    {
        await using var store = await SqliteCaptureStore.OpenAsync(_db);
        var key = new DocumentKey("a.pdf", Sha, 1, 2);

        var item = await store.OpenReviewItemAsync(key, ["beneficiary_ambiguous"], """[{"beneficiary_id":"B1"},{"beneficiary_id":"B2"}]""");
        var again = await store.OpenReviewItemAsync(key, ["beneficiary_ambiguous", "type_low_confidence"], null);

        again.Id.Should().Be(item.Id);
        again.ReasonCodes.Should().Equal("beneficiary_ambiguous", "type_low_confidence");
        item.Id.Should().MatchRegex("^[A-Za-z0-9_-]+$", "it names the review PDF");
        (await store.ListReviewItemsAsync(ReviewState.Open)).Should().ContainSingle();

        await store.CloseReviewItemAsync(item.Id, "agent.martin", """{"beneficiary_id":"B2"}""");

        var closed = (await store.GetReviewItemAsync(item.Id))!;
        closed.State.Should().Be(ReviewState.Closed);
        closed.ClosedBy.Should().Be("agent.martin");
        closed.ResolutionJson.Should().Be("""{"beneficiary_id":"B2"}""");
        var closeAgain = () => store.CloseReviewItemAsync(item.Id, "agent.martin", null);
        await closeAgain.Should().ThrowAsync<InvalidOperationException>();
        (await store.OpenReviewItemAsync(key, ["beneficiary_ambiguous"], null)).Id.Should().NotBe(item.Id, "a closed item is not reopened");
    }

    [Fact]
    public async Task Invalid_json_and_codes_are_refused_before_they_reach_the_journal()
    {
        await using var store = await SqliteCaptureStore.OpenAsync(_db);
        var batch = await store.StartBatchAsync(new BatchStart("process", null, null, null));

        var badJson = () => store.RecordStepAsync(new JournalStep(batch, "a", "decode", "ok", "{not json"));
        var badStage = () => store.RecordStepAsync(new JournalStep(batch, "a", "Decode Stage", "ok", null));
        var unknownBatch = () => store.RecordStepAsync(new JournalStep(BatchId.New(), "a", "decode", "ok", null));

        await badJson.Should().ThrowAsync<ArgumentException>();
        await badStage.Should().ThrowAsync<ArgumentException>();
        await unknownBatch.Should().ThrowAsync<SqliteException>("steps belong to a recorded batch");
        (await store.ListStepsAsync(batch)).Should().BeEmpty();
    }

    [Fact]
    public void Document_record_maps_to_its_manifest_line()
    {
        var doc = Document(BatchId.New(), "scan_00012.tif", 1, 3, DocumentStatus.Filed, "APA/x/rib/2026-05-03_rib_001.pdf", Sha);

        var entry = doc.ToManifestEntry();

        entry.Should().Be(new ManifestEntry("scan_00012.tif", 1, 3, DocumentStatus.Filed, "rib", 0.991, "B100130", "APA-2017-85786",
            "APA/x/rib/2026-05-03_rib_001.pdf", Sha, doc.Reasons));
    }
}
