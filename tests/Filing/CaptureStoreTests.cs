using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CaptureChain.Filing.Tests;

/// <summary>The capture journal's behaviour, the same on both stores (<see cref="SqliteCaptureStoreTests"/>, <see cref="PostgresCaptureStoreTests"/>).</summary>
public abstract class CaptureStoreContract(IStoreLocation location) : StoreTestBase(location)
{
    protected static readonly string Sha = new('a', 64);

    protected static DocumentRecord Document(BatchId batch, string source, int first, int last, DocumentStatus status = DocumentStatus.Review,
        string? path = null, string? pdfSha = null, string? contentHash = null) =>
        new(new DocumentKey(source, Sha, first, last), batch, "/srv/inbox", status, "rib", 0.991, 0.9, "model-2026.05",
            "B100130", "APA-2017-85786", path, pdfSha, contentHash,
            status == DocumentStatus.Filed ? [] : ["beneficiary_ambiguous"], """{"nir":"2 95 10 ** *** *** 93","candidates":2}""");

    [Fact]
    public async Task Everything_recorded_survives_a_reopen()
    {
        BatchId batch;
        var key = new DocumentKey("scan_00012.tif", Sha, 1, 3);
        await using (var store = await OpenStoreAsync())
        {
            batch = await store.StartBatchAsync(new BatchStart("process", "/srv/inbox", "agent.durand", "scan-01"));
            await store.MarkSourceAsync(new SourceRecord(batch, "/srv/inbox", "scan_00012.tif", Sha, 123_456, 5, SourceStatus.Decoded, null));
            await store.RecordStepAsync(new JournalStep(batch, "scan_00012.tif", "decode", "ok", """{"pages":5}"""));
            await store.RecordDocumentAsync(Document(batch, "scan_00012.tif", 1, 3, DocumentStatus.Filed,
                "APA/APA-2017-85786 LEFÈVRE Hélène/rib/2026-05-03_rib_001.pdf", new string('b', 64), "content-1"));
            await store.BeginFilingAsync(key, "APA/x/rib/2026-05-03_rib_001.pdf", new string('b', 64));
        }

        await using (var store = await OpenStoreAsync())
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
    public async Task An_inbox_is_streamed_page_by_page_in_key_order_and_read_for_some_sources_only()
    {
        await using var store = await OpenStoreAsync();
        var batch = await store.StartBatchAsync(new BatchStart("bulk", "/srv/legacy", null, null));
        string[] sources = ["b/2.tif", "a/1.tif", "c/3.tif", "a/10.tif"];
        foreach (var source in sources)
            for (var first = 1; first <= 3; first += 2) await store.RecordDocumentAsync(Document(batch, source, first, first + 1) with { Inbox = "/srv/legacy" });
        await store.RecordDocumentAsync(Document(batch, "a/0.tif", 1, 2) with { Inbox = "/srv/other" });

        var streamed = new List<DocumentRecord>();
        await foreach (var document in store.StreamDocumentsAsync("/srv/legacy", pageSize: 3)) streamed.Add(document);

        streamed.Should().HaveCount(8, "every document of the inbox once, none of another inbox");
        streamed.Select(d => d.Key).Should().OnlyHaveUniqueItems();
        streamed.Select(d => (d.Key.SourceName, d.Key.FirstPage)).Should().Equal(
            ("a/1.tif", 1), ("a/1.tif", 3), ("a/10.tif", 1), ("a/10.tif", 3), ("b/2.tif", 1), ("b/2.tif", 3), ("c/3.tif", 1), ("c/3.tif", 3));
        (await store.ListDocumentsAsync("/srv/legacy", ["c/3.tif", "a/1.tif", "nothing.tif"])).Select(d => (d.Key.SourceName, d.Key.FirstPage))
            .Should().Equal(("a/1.tif", 1), ("a/1.tif", 3), ("c/3.tif", 1), ("c/3.tif", 3));
        (await store.ListDocumentsAsync("/srv/legacy", Array.Empty<string>())).Should().BeEmpty();
    }

    [Fact]
    public async Task A_named_lock_is_held_by_one_store_instance_at_a_time_and_others_names_do_not_wait()
    {
        // Two instances on one database stand for two nodes (or two processes on one machine).
        await using var one = await OpenStoreAsync();
        await using var two = await OpenStoreAsync();

        var held = await one.AcquireLockAsync("filing-stripe-7");
        var waiting = two.AcquireLockAsync("filing-stripe-7");
        await using (await two.AcquireLockAsync("filing-stripe-8")) { } // another name is free meanwhile
        (await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(400)))).Should().NotBeSameAs(waiting, "the lock is held by the other instance");

        await held.DisposeAsync();
        var second = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        var third = one.AcquireLockAsync("filing-stripe-7");
        (await Task.WhenAny(third, Task.Delay(TimeSpan.FromMilliseconds(400)))).Should().NotBeSameAs(third, "now the second instance holds it");
        await second.DisposeAsync();
        await (await third.WaitAsync(TimeSpan.FromSeconds(10))).DisposeAsync();

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await using (await one.AcquireLockAsync("filing-stripe-9"))
        {
            var gaveUp = () => two.AcquireLockAsync("filing-stripe-9", cancel.Token);
            await gaveUp.Should().ThrowAsync<OperationCanceledException>("a wait for a lock ends with its cancellation");
        }
    }

    [Fact]
    public async Task Parallel_writers_in_two_store_instances_all_succeed()
    {
        // Two instances on one file stand for two processes: in-process gates do not help them, the busy timeout does.
        await using var one = await OpenStoreAsync();
        await using var two = await OpenStoreAsync();
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
    public async Task Batch_counts_are_live_while_running_and_frozen_at_the_end()
    {
        await using var store = await OpenStoreAsync();
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
        await using var store = await OpenStoreAsync();
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
        await using var store = await OpenStoreAsync();
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
        await using var store = await OpenStoreAsync();
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
        await using var store = await OpenStoreAsync();
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
        await using var store = await OpenStoreAsync();
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
        await using var store = await OpenStoreAsync();
        var batch = await store.StartBatchAsync(new BatchStart("process", null, null, null));

        var badJson = () => store.RecordStepAsync(new JournalStep(batch, "a", "decode", "ok", "{not json"));
        var badStage = () => store.RecordStepAsync(new JournalStep(batch, "a", "Decode Stage", "ok", null));
        var unknownBatch = () => store.RecordStepAsync(new JournalStep(BatchId.New(), "a", "decode", "ok", null));

        await badJson.Should().ThrowAsync<ArgumentException>();
        await badStage.Should().ThrowAsync<ArgumentException>();
        await unknownBatch.Should().ThrowAsync<DbException>("steps belong to a recorded batch");
        (await store.ListStepsAsync(batch)).Should().BeEmpty();
    }

    [Fact]
    public async Task Text_fingerprints_are_kept_and_listed_newest_first_for_filed_documents_of_one_beneficiary_and_type()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 11, 23, 20, 0, 0, TimeSpan.Zero));
        await using var store = await OpenStoreAsync(time);
        var batch = await store.StartBatchAsync(new BatchStart("bulk", null, null, null));
        async Task Record(DocumentRecord d) { await store.RecordDocumentAsync(d); time.Advance(TimeSpan.FromSeconds(1)); }

        await Record(Document(batch, "old.pdf", 1, 1, DocumentStatus.Filed, "APA/x/1.pdf", Sha) with { TextFingerprint = "fp-old" });
        await Record(Document(batch, "review.pdf", 1, 1) with { TextFingerprint = "fp-review" });
        await Record(Document(batch, "bare.pdf", 1, 1, DocumentStatus.Filed, "APA/x/2.pdf", Sha));
        await Record(Document(batch, "type.pdf", 1, 1, DocumentStatus.Filed, "APA/x/3.pdf", Sha) with { DocumentType = "avis_imposition", TextFingerprint = "fp-type" });
        await Record(Document(batch, "person.pdf", 1, 1, DocumentStatus.Filed, "APA/x/4.pdf", Sha) with { BeneficiaryId = "B2", TextFingerprint = "fp-person" });
        await Record(Document(batch, "new.pdf", 1, 2, DocumentStatus.Filed, "APA/x/5.pdf", Sha) with { TextFingerprint = "fp-new" });

        var found = await store.ListFiledFingerprintsAsync("B100130", "rib");

        found.Select(d => (d.Key.SourceName, d.TextFingerprint)).Should().Equal(("new.pdf", "fp-new"), ("old.pdf", "fp-old"));
        (await store.ListFiledFingerprintsAsync("B2", "rib")).Should().ContainSingle().Which.TextFingerprint.Should().Be("fp-person");
        (await store.ListFiledFingerprintsAsync("B9", "rib")).Should().BeEmpty();

        // The upsert path keeps it too: a record updated later carries its new fingerprint, and null clears it.
        await store.RecordDocumentAsync(Document(batch, "review.pdf", 1, 1) with { TextFingerprint = "fp-review-2" });
        (await store.FindDocumentAsync(new DocumentKey("review.pdf", Sha, 1, 1)))!.TextFingerprint.Should().Be("fp-review-2");
        await store.RecordDocumentAsync(Document(batch, "review.pdf", 1, 1));
        (await store.FindDocumentAsync(new DocumentKey("review.pdf", Sha, 1, 1)))!.TextFingerprint.Should().BeNull();
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

/// <summary>The journal on SQLite, and what only SQLite has (PRAGMA user_version, WAL, another process's write lock).</summary>
public sealed class SqliteCaptureStoreTests() : CaptureStoreContract(new SqliteLocation())
{
    [Fact]
    public async Task Migration_is_idempotent_and_a_newer_schema_is_refused()
    {
        await using (var store = await SqliteCaptureStore.OpenAsync(Location.Value))
            (await store.GetSchemaVersionAsync()).Should().Be(SqliteCaptureStore.SchemaVersion);
        await using (var store = await SqliteCaptureStore.OpenAsync(Location.Value))
        {
            (await store.GetSchemaVersionAsync()).Should().Be(SqliteCaptureStore.SchemaVersion);
            await store.StartBatchAsync(new BatchStart("process", null, null, null));
        }

        // Check from outside: WAL mode on the file, one table set, version stamped.
        await using (var c = new SqliteConnection($"Data Source={Location.Value};Pooling=False"))
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

        var act = () => SqliteCaptureStore.OpenAsync(Location.Value);
        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("newer than this build");
    }

    [Fact]
    public async Task A_version_3_file_is_upgraded_in_place_keeping_its_documents()
    {
        // A store written by the previous build: schema v3 and one filed document.
        Directory.CreateDirectory(Path.GetDirectoryName(Location.Value)!);
        await using (var c = new SqliteConnection($"Data Source={Location.Value};Pooling=False"))
        {
            await c.OpenAsync();
            var cmd = c.CreateCommand();
            cmd.CommandText = string.Join("\n", SqliteCaptureStore.MigrationScripts.Take(3)) + """
                PRAGMA user_version = 3;
                INSERT INTO batches (id, kind, started_at, status) VALUES ('0192f3a4-1b2c-7d3e-8f40-5a6b7c8d9e0f', 'process', '2026-01-01T00:00:00.0000000Z', 'completed');
                INSERT INTO documents (source_name, source_sha256, first_page, last_page, batch_id, inbox, status, document_type, beneficiary_id,
                    path, pdf_sha256, reasons_json, created_at, updated_at)
                VALUES ('old.tif', 'aaaa', 1, 1, '0192f3a4-1b2c-7d3e-8f40-5a6b7c8d9e0f', '/srv/inbox', 'filed', 'rib', 'B1', 'APA/x/1.pdf', 'bbbb', '[]',
                    '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:00.0000000Z');
                """;
            await cmd.ExecuteNonQueryAsync();
        }

        await using var store = await SqliteCaptureStore.OpenAsync(Location.Value);

        (await store.GetSchemaVersionAsync()).Should().Be(4);
        var old = (await store.FindDocumentAsync(new DocumentKey("old.tif", "aaaa", 1, 1)))!;
        old.Path.Should().Be("APA/x/1.pdf");
        old.TextFingerprint.Should().BeNull();
        (await store.ListFiledFingerprintsAsync("B1", "rib")).Should().BeEmpty();
        (await store.AddBacklogFilesAsync("job", [new BacklogFile("a.tif", 1, DateTimeOffset.UtcNow)])).Should().Be(1);
    }

    [Fact]
    public async Task A_writer_waits_for_another_process_s_write_lock_instead_of_failing_busy()
    {
        await using var store = await OpenStoreAsync();
        var batch = await store.StartBatchAsync(new BatchStart("process", null, null, null));
        await using var other = new SqliteConnection($"Data Source={Location.Value};Pooling=False");
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
}

/// <summary>The journal on PostgreSQL, and what only PostgreSQL has (versions table, nodes racing on one database).</summary>
public sealed class PostgresCaptureStoreTests() : CaptureStoreContract(new PostgresLocation())
{
    private string ConnectionString => Location.Value;

    [Fact]
    public async Task Migration_is_idempotent_and_a_newer_schema_is_refused()
    {
        await using (var store = await PostgresCaptureStore.OpenAsync(ConnectionString))
            (await store.GetSchemaVersionAsync()).Should().Be(PostgresCaptureStore.SchemaVersion);
        await using (var store = await PostgresCaptureStore.OpenAsync(ConnectionString))
        {
            (await store.GetSchemaVersionAsync()).Should().Be(PostgresCaptureStore.SchemaVersion);
            await store.StartBatchAsync(new BatchStart("process", null, null, null));
        }
        (await ScalarAsync("SELECT COUNT(*) FROM capture_schema_versions")).Should().Be(PostgresCaptureStore.SchemaVersion);
        (await ScalarAsync("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'backlog_items'")).Should().Be(1);

        await ScalarAsync($"INSERT INTO capture_schema_versions (version, applied_at) VALUES ({PostgresCaptureStore.SchemaVersion + 1}, 'later') RETURNING 1");
        var act = () => PostgresCaptureStore.OpenAsync(ConnectionString);
        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("newer than this build");
    }

    [Fact]
    public async Task Nodes_starting_together_on_an_empty_database_migrate_once()
    {
        var opening = Enumerable.Range(0, 4).Select(_ => Task.Run(() => CaptureStores.OpenAsync(ConnectionString))).ToList();
        var stores = await Task.WhenAll(opening);
        try
        {
            foreach (var store in stores) (await ((PostgresCaptureStore)store).GetSchemaVersionAsync()).Should().Be(PostgresCaptureStore.SchemaVersion);
            (await ScalarAsync("SELECT COUNT(*) FROM capture_schema_versions")).Should().Be(PostgresCaptureStore.SchemaVersion);
            var batch = await stores[0].StartBatchAsync(new BatchStart("process", null, null, null));
            (await stores[3].GetBatchAsync(batch)).Should().NotBeNull();
        }
        finally
        {
            foreach (var store in stores) await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_nodes_racing_to_file_one_document_complete_it_once()
    {
        // After a lease takeover two nodes can hold the same document with different PDFs (other names, other bytes).
        await using var one = await CaptureStores.OpenAsync(ConnectionString);
        await using var two = await CaptureStores.OpenAsync(ConnectionString);
        for (var round = 0; round < 25; round++)
        {
            var key = new DocumentKey($"race-{round}.tif", Sha, 1, 1);
            var attempts = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
            {
                var store = i % 2 == 0 ? one : two;
                var pdfSha = new string((char)('a' + i), 64);
                try
                {
                    await store.BeginFilingAsync(key, $"APA/x/{round}-{i}.pdf", pdfSha);
                    await store.CompleteFilingAsync(key, pdfSha);
                    return pdfSha;
                }
                catch (InvalidOperationException)
                {
                    return null; // refused: filed by the other, or its intent replaced by the other's
                }
            })).ToList();
            var winners = (await Task.WhenAll(attempts)).Where(w => w is not null).ToList();

            winners.Should().ContainSingle($"round {round} completes exactly once");
            var intent = (await one.FindFilingIntentAsync(key))!;
            intent.State.Should().Be(FilingIntentState.Completed);
            intent.PdfSha256.Should().Be(winners[0]);
        }
        (await two.ListOpenFilingIntentsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_filed_record_stays_filed_when_another_node_records_the_document_at_the_same_time()
    {
        await using var one = await CaptureStores.OpenAsync(ConnectionString);
        await using var two = await CaptureStores.OpenAsync(ConnectionString);
        var batch = await one.StartBatchAsync(new BatchStart("bulk", null, null, null));
        for (var round = 0; round < 20; round++)
        {
            var filed = Document(batch, $"doc-{round}.tif", 1, 1, DocumentStatus.Filed, $"APA/x/{round}.pdf", Sha);
            var review = Document(batch, $"doc-{round}.tif", 1, 1);
            var results = await Task.WhenAll(
                Task.Run(async () => { try { await one.RecordDocumentAsync(filed); return true; } catch (InvalidOperationException) { return false; } }),
                Task.Run(async () => { try { await two.RecordDocumentAsync(review); return true; } catch (InvalidOperationException) { return false; } }));

            results[0].Should().BeTrue("filing a document under review is allowed");
            var stored = (await one.FindDocumentAsync(filed.Key))!;
            stored.Status.Should().Be(DocumentStatus.Filed, $"round {round}: a filed record is never turned back into review");
            stored.Path.Should().Be(filed.Path);
            // The review write either came first (and was then filed over) or was refused; it never wins.
        }
    }

    [Fact]
    public async Task The_switch_takes_a_url_and_the_description_hides_the_password()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        var url = $"postgresql://{builder.Username}:s3cr%40t@/{builder.Database}?host={Uri.EscapeDataString(builder.Host!)}&port={builder.Port}";

        CaptureStores.IsPostgres(url).Should().BeTrue();
        CaptureStores.IsPostgres(ConnectionString).Should().BeTrue();
        CaptureStores.IsPostgres("/srv/archive/.capturechain/capture.db").Should().BeFalse();
        CaptureStores.Describe(url).Should().NotContain("s3cr").And.Contain("***");
        CaptureStores.Describe("Host=db1;Username=cc;Password=s3cret;Database=capture").Should().Be("Host=db1;Username=cc;Password=***;Database=capture");
        new Npgsql.NpgsqlConnectionStringBuilder(CaptureStores.ToNpgsqlConnectionString(url)).Password.Should().Be("s3cr@t");
        var remote = new Npgsql.NpgsqlConnectionStringBuilder(
            CaptureStores.ToNpgsqlConnectionString("postgres://capture:pw@db1.cd93.local:5433/capture_chain?sslmode=require&Maximum%20Pool%20Size=40"));
        (remote.Host, remote.Port, remote.Database, remote.Username, remote.SslMode, remote.MaxPoolSize)
            .Should().Be(("db1.cd93.local", 5433, "capture_chain", "capture", Npgsql.SslMode.Require, 40));
        CaptureStores.Describe("postgres://capture:pw@db1:5433/capture_chain").Should().Be("postgres://capture:***@db1:5433/capture_chain");

        // Trust authentication on the test server: the password is not checked, the URL's other parts are.
        await using var store = await CaptureStores.OpenAsync(url);
        store.Should().BeOfType<PostgresCaptureStore>().Which.Description.Should().NotContain("s3cr");
        await store.StartBatchAsync(new BatchStart("process", null, null, null));
        (await ScalarAsync("SELECT COUNT(*) FROM batches")).Should().Be(1);
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var c = new Npgsql.NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, c);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
