using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;

namespace CaptureChain.Filing.Tests;

/// <summary>The review desk's part of the store (queue, decisions, journal, training examples, statistics, users), the same on both stores.</summary>
public abstract class ReviewDeskStoreContract(IStoreLocation location) : StoreTestBase(location)
{
    private static readonly string Sha = new('a', 64);

    private static DocumentRecord Review(BatchId batch, string source, int first, int last, string type = "rib", double? confidence = 0.62) =>
        new(new DocumentKey(source, Sha, first, last), batch, "/srv/inbox", DocumentStatus.Review, type, confidence, 0.9, "model-1",
            null, null, null, null, null, ["type_low_confidence"], null);

    [Fact]
    public async Task The_queue_filters_by_batch_type_and_reason_and_joins_each_item_to_its_document()
    {
        await using var store = await OpenStoreAsync();
        var batch = await store.StartBatchAsync(new BatchStart("process", "/srv/inbox", null, null));
        var other = await store.StartBatchAsync(new BatchStart("process", "/srv/inbox", null, null));
        await store.RecordDocumentAsync(Review(batch, "a.pdf", 1, 2));
        await store.RecordDocumentAsync(Review(batch, "a.pdf", 3, 3, "avis_imposition"));
        await store.RecordDocumentAsync(Review(other, "b.pdf", 1, 1));
        var first = await store.OpenReviewItemAsync(new DocumentKey("a.pdf", Sha, 1, 2), ["type_low_confidence"], null);
        await Task.Delay(2);
        var second = await store.OpenReviewItemAsync(new DocumentKey("a.pdf", Sha, 3, 3), ["beneficiary_ambiguous", "type_low_confidence"], null);
        await Task.Delay(2);
        var third = await store.OpenReviewItemAsync(new DocumentKey("b.pdf", Sha, 1, 1), ["beneficiary_unknown"], null);
        await store.OpenReviewItemAsync(new DocumentKey("orphan.pdf", Sha, 1, 1), ["type_low_confidence"], null);

        var all = await store.ListReviewQueueAsync(new ReviewQueueFilter());
        all.Select(e => e.Item.Key.SourceName).Should().Equal("a.pdf", "a.pdf", "b.pdf", "orphan.pdf");
        all[0].Document!.Key.Should().Be(first.Key);
        all[0].Document!.TypeConfidence.Should().Be(0.62);
        all[3].Document.Should().BeNull("an item without a record still shows");
        (await store.ListReviewQueueAsync(new ReviewQueueFilter(Batch: other))).Should().ContainSingle().Which.Item.Id.Should().Be(third.Id);
        (await store.ListReviewQueueAsync(new ReviewQueueFilter(DocumentType: "avis_imposition"))).Should().ContainSingle().Which.Item.Id.Should().Be(second.Id);
        (await store.ListReviewQueueAsync(new ReviewQueueFilter(Reason: "beneficiary_ambiguous"))).Should().ContainSingle().Which.Item.Id.Should().Be(second.Id);
        (await store.ListReviewQueueAsync(new ReviewQueueFilter(Reason: "beneficiary"))).Should().BeEmpty("a code matches whole");
        (await store.ListReviewQueueAsync(new ReviewQueueFilter(Reason: "type_low_confidence", Limit: 1))).Should().ContainSingle()
            .Which.Item.Id.Should().Be(first.Id);
        (await store.ListReviewQueueAsync(new ReviewQueueFilter(State: ReviewState.Closed))).Should().BeEmpty();

        (await store.FindOpenReviewItemAsync(second.Key))!.Id.Should().Be(second.Id);
        (await store.FindPreviousDocumentAsync(second.Key))!.Key.Should().Be(first.Key);
        (await store.FindPreviousDocumentAsync(first.Key)).Should().BeNull();
    }

    [Fact]
    public async Task The_dashboard_counts_come_from_sql_counts_of_the_journal_and_of_open_items()
    {
        await using var store = await OpenStoreAsync();
        var sample = await store.OpenReviewItemAsync(new DocumentKey("a.pdf", Sha, 1, 1), ["quality_sample"], null);
        var other = await store.OpenReviewItemAsync(new DocumentKey("b.pdf", Sha, 1, 1), ["quality_sample_extra", "type_low_confidence"], null);
        var third = await store.OpenReviewItemAsync(new DocumentKey("c.pdf", Sha, 1, 1), ["type_low_confidence", "quality_sample"], null);
        async Task Journal(ReviewItem item, string action) =>
            await store.RecordReviewJournalAsync(new ReviewJournalEntry(item.Id, item.Key, action, "agent.martin", null, null));
        await Journal(sample, "viewed");
        await Journal(sample, "confirm");
        await Journal(other, "correct");
        await Journal(other, "confirm");
        await Journal(third, "quality_confirmed");

        (await store.CountReviewActionsAsync(["confirm", "correct"])).Should().Be(new ReviewActionCount(3, 2), "three lines on two items");
        (await store.CountReviewActionsAsync(["quality_confirmed"])).Should().Be(new ReviewActionCount(1, 1));
        (await store.CountReviewActionsAsync(["quality_corrected"])).Should().Be(new ReviewActionCount(0, 0));
        (await store.CountReviewActionsAsync([])).Should().Be(new ReviewActionCount(0, 0));
        (await store.CountOpenReviewItemsAsync("quality_sample")).Should().Be(2, "a code matches whole, wherever it stands in the list");
        (await store.CountOpenReviewItemsAsync("type_low_confidence")).Should().Be(2);
    }

    [Fact]
    public async Task A_decision_closes_the_item_records_the_document_the_journal_and_a_training_example_together()
    {
        await using var store = await OpenStoreAsync();
        var batch = await store.StartBatchAsync(new BatchStart("process", "/srv/inbox", null, null));
        var document = Review(batch, "a.pdf", 1, 1);
        await store.RecordDocumentAsync(document);
        var item = await store.OpenReviewItemAsync(document.Key, ["type_low_confidence"], null);
        await store.RecordReviewJournalAsync(new ReviewJournalEntry(item.Id, document.Key, "viewed", "agent.martin", null, null));
        var filed = document with { Status = DocumentStatus.Filed, DocumentType = "avis_imposition", Path = "APA/x/1.pdf", PdfSha256 = Sha, Reasons = [] };

        await store.CompleteReviewAsync(new ReviewDecision(item.Id, filed, "agent.martin", """{"type":"avis_imposition"}""",
            new ReviewJournalEntry(item.Id, document.Key, "filed", "agent.martin", """{"type":"rib"}""", """{"type":"avis_imposition"}"""),
            new TrainingExample(item.Id, document.Key, "avis_imposition", "rib", true, "model-1", "AVIS D'IMPOT 2025", "agent.martin")));

        (await store.GetReviewItemAsync(item.Id))!.State.Should().Be(ReviewState.Closed);
        (await store.FindDocumentAsync(document.Key))!.Status.Should().Be(DocumentStatus.Filed);
        var journal = await store.ListReviewJournalAsync(item.Id);
        journal.Select(j => j.Action).Should().Equal("viewed", "filed");
        journal[1].AfterJson.Should().Be("""{"type":"avis_imposition"}""");
        (await store.ListReviewJournalAsync()).Should().HaveCount(2);
        var example = (await store.ListTrainingExamplesAsync()).Should().ContainSingle().Subject;
        example.Should().BeEquivalentTo(new { DocumentType = "avis_imposition", PredictedType = "rib", Corrected = true, Text = "AVIS D'IMPOT 2025" });
        (await store.ListTrainingExamplesAsync(afterId: example.Id)).Should().BeEmpty();

        var again = () => store.CompleteReviewAsync(new ReviewDecision(item.Id, filed, "agent.durand", "{}",
            new ReviewJournalEntry(item.Id, document.Key, "filed", "agent.durand", null, null), null));
        await again.Should().ThrowAsync<InvalidOperationException>("a closed item is decided once");
        (await store.ListReviewJournalAsync(item.Id)).Should().HaveCount(2, "the refused decision left nothing behind");
    }

    [Fact]
    public async Task A_split_replaces_a_document_under_review_by_its_parts_and_an_update_keeps_it_under_review()
    {
        await using var store = await OpenStoreAsync();
        var batch = await store.StartBatchAsync(new BatchStart("process", "/srv/inbox", null, null));
        var whole = Review(batch, "a.pdf", 1, 4);
        await store.RecordDocumentAsync(whole);
        var item = await store.OpenReviewItemAsync(whole.Key, ["type_low_confidence"], null);

        var parts = await store.ReplaceReviewDocumentsAsync(new ReviewReplacement([whole.Key],
            [new ReviewReplacementPart(Review(batch, "a.pdf", 1, 2), ["split_by_reviewer"], null),
             new ReviewReplacementPart(Review(batch, "a.pdf", 3, 4), ["split_by_reviewer"], """[{"beneficiary_id":"B1"}]""")],
            "agent.martin", """{"split_after":2}""", [new ReviewJournalEntry(item.Id, whole.Key, "split", "agent.martin", null, null)]));

        parts.Select(p => (p.Key.FirstPage, p.Key.LastPage)).Should().Equal((1, 2), (3, 4));
        parts.Should().OnlyContain(p => p.State == ReviewState.Open && p.ReasonCodes.SequenceEqual(new[] { "split_by_reviewer" }));
        (await store.FindDocumentAsync(whole.Key)).Should().BeNull();
        (await store.GetReviewItemAsync(item.Id))!.State.Should().Be(ReviewState.Closed);
        (await store.ListDocumentsAsync(batch)).Should().HaveCount(2);

        var rotated = Review(batch, "a.pdf", 3, 4) with { PdfSha256 = new string('f', 64) };
        await store.UpdateReviewDocumentAsync(rotated, new ReviewJournalEntry(parts[1].Id, rotated.Key, "rotated", "agent.martin", null, null));
        (await store.FindDocumentAsync(rotated.Key))!.PdfSha256.Should().Be(new string('f', 64));

        var again = () => store.ReplaceReviewDocumentsAsync(new ReviewReplacement([whole.Key],
            [new ReviewReplacementPart(Review(batch, "a.pdf", 1, 4), ["merged_by_reviewer"], null)], "agent.martin", "{}", []));
        await again.Should().ThrowAsync<KeyNotFoundException>("the whole is gone");
    }

    [Fact]
    public async Task Statistics_count_documents_batches_reviews_pages_and_the_confidence_histogram()
    {
        await using var store = await OpenStoreAsync();
        var batch = await store.StartBatchAsync(new BatchStart("process", "/srv/inbox", null, null));
        await store.SetBatchPagesReadAsync(batch, 9);
        await store.RecordDocumentAsync(Review(batch, "a.pdf", 1, 1, confidence: 0.3));
        await store.RecordDocumentAsync(Review(batch, "a.pdf", 2, 2, confidence: 0.7));
        await store.RecordDocumentAsync(Review(batch, "a.pdf", 3, 3, confidence: 0.95) with
            { Status = DocumentStatus.Filed, Path = "APA/x/3.pdf", PdfSha256 = Sha, Reasons = [] });
        await store.RecordDocumentAsync(Review(batch, "a.pdf", 4, 4, confidence: null));
        await store.OpenReviewItemAsync(new DocumentKey("a.pdf", Sha, 1, 1), ["type_low_confidence"], null);
        var done = await store.StartBatchAsync(new BatchStart("process", null, null, null));
        await store.SetBatchPagesReadAsync(done, 3);
        await store.FinishBatchAsync(done, BatchStatus.Completed);

        var stats = await store.GetStatisticsAsync([0.5, 0.9, 1.0]);

        stats.Documents[DocumentStatus.Review].Should().Be(3);
        stats.Documents[DocumentStatus.Filed].Should().Be(1);
        stats.Documents[DocumentStatus.Duplicate].Should().Be(0);
        stats.Batches[BatchStatus.Running].Should().Be(1);
        stats.Batches[BatchStatus.Completed].Should().Be(1);
        stats.OpenReviewItems.Should().Be(1);
        stats.PagesRead.Should().Be(12);
        stats.ConfidenceAtOrBelow.Should().Equal(1, 2, 3);
        stats.ConfidenceCount.Should().Be(3);
        stats.ConfidenceSum.Should().BeApproximately(1.95, 1e-9);
    }

    [Fact]
    public async Task Users_are_added_once_updated_listed_by_name_and_removed()
    {
        await using var store = await OpenStoreAsync();
        var admin = new UserAccount("admin", UserRole.Admin, "hash-1", "stamp-1", false);

        (await store.AddUserAsync(admin)).Should().BeTrue();
        (await store.AddUserAsync(admin with { Role = UserRole.Operator })).Should().BeFalse("the name is taken");
        (await store.AddUserAsync(new UserAccount("bernard", UserRole.Reviewer, "hash-2", "stamp-2", false))).Should().BeTrue();
        (await store.UpdateUserAsync(admin with { PasswordHash = "hash-3", SecurityStamp = "stamp-3", Disabled = true })).Should().BeTrue();
        (await store.UpdateUserAsync(new UserAccount("nobody", UserRole.Admin, "h", "s", false))).Should().BeFalse();

        var found = (await store.FindUserAsync("admin"))!;
        found.Should().BeEquivalentTo(new { Role = UserRole.Admin, PasswordHash = "hash-3", SecurityStamp = "stamp-3", Disabled = true });
        found.UpdatedAt.Should().BeOnOrAfter(found.CreatedAt);
        (await store.ListUsersAsync()).Select(u => u.Name).Should().Equal("admin", "bernard");
        (await store.DeleteUserAsync("admin")).Should().BeTrue();
        (await store.DeleteUserAsync("admin")).Should().BeFalse();
        (await store.FindUserAsync("admin")).Should().BeNull();
    }
}

/// <summary>The review desk on SQLite.</summary>
public sealed class SqliteReviewDeskStoreTests() : ReviewDeskStoreContract(new SqliteLocation());

/// <summary>The review desk on PostgreSQL.</summary>
public sealed class PostgresReviewDeskStoreTests() : ReviewDeskStoreContract(new PostgresLocation());
