using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;

namespace CaptureChain.Host.Tests.Web;

/// <summary>
/// The review API on real documents: the item view (top three types, candidates and why, highlighted identifiers, page
/// images), confirming (filed at once into the case folder, exactly once), split, merge, rotate, reject, the journal
/// and the training examples, registry search, and the batch dashboard.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class ReviewActionTests(ReviewSite site)
{
    private Task<WebSession> Reviewer => site.SessionAsync("reviewer");

    private static string Url(ReviewItem item, string action = "") => $"/api/review/items/{item.Id}{(action.Length > 0 ? "/" + action : "")}";

    [Fact]
    public async Task The_item_view_shows_why_the_top_three_types_the_candidates_and_the_identifiers_in_the_text()
    {
        var item = (await site.OpenItemsAsync(ReviewSite.MartinThanks)).Single().Item;
        var view = await (await Reviewer).JsonAsync(HttpMethod.Get, Url(item));

        view.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()).Should().Contain("name_only");
        view.GetProperty("reasons")[0].GetProperty("explanation").GetString().Should().NotBeNullOrWhiteSpace();
        var top3 = view.GetProperty("prediction").GetProperty("top3").EnumerateArray().ToList();
        top3.Should().HaveCount(3);
        top3.Select(t => t.GetProperty("probability").GetDouble()).Should().BeInDescendingOrder().And.OnlyContain(p => p >= 0 && p <= 1);
        top3.Select(t => t.GetProperty("probability").GetDouble()).Sum().Should().BeLessThanOrEqualTo(1.0001);
        top3[0].GetProperty("document_type").GetString().Should().Be(view.GetProperty("document").GetProperty("document_type").GetString());

        // Homonyms: both Jeanne MARTIN come back, told apart by birth date and case number, each with why it matched.
        var candidates = view.GetProperty("candidates").EnumerateArray().ToList();
        candidates.Select(c => c.GetProperty("case_number").GetString())
            .Should().BeEquivalentTo([ReviewSite.JeanneMartinA.CaseNumber, ReviewSite.JeanneMartinB.CaseNumber]);
        candidates.Select(c => c.GetProperty("birth_date").GetString()).Should().BeEquivalentTo(["12/04/1938", "30/09/1945"]);
        candidates.Should().OnlyContain(c => c.GetProperty("matched_by").EnumerateArray().Any(m => m.GetProperty("code").GetString() == "name"));

        var text = view.GetProperty("text").GetString()!;
        text.Should().Contain("MARTIN");
        var highlights = view.GetProperty("highlights").EnumerateArray().ToList();
        highlights.Should().Contain(h => h.GetProperty("kind").GetString() == "name"
            && text.Substring(h.GetProperty("offset").GetInt32(), h.GetProperty("length").GetInt32()).Contains("MARTIN"));
        view.GetProperty("document").GetProperty("page_count").GetInt32().Should().Be(1);

        var png = await (await Reviewer).Http.GetByteArrayAsync(Url(item, "pages/1") + "?dpi=72");
        png.Take(8).Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A);
        (await (await Reviewer).Http.GetAsync(Url(item, "pages/2"))).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // Seeing the item is journaled (who saw which personal data).
        (await site.Store.ListReviewJournalAsync(item.Id)).Should().Contain(e => e.Action == "view" && e.Actor == "reviewer");
    }

    [Fact]
    public async Task Confirming_files_the_document_at_once_into_its_case_folder_exactly_once()
    {
        var entry = (await site.OpenItemsAsync(ReviewSite.RouxLetter)).Single();
        var item = entry.Item;
        var reviewPdf = Path.Combine(site.Archive, entry.Document!.Path!);
        File.Exists(reviewPdf).Should().BeTrue();
        var session = await Reviewer;

        var refused = await session.SendAsync(HttpMethod.Post, Url(item, "confirm"), new { document_type = "courrier", beneficiary_id = "B999", case_number = "APA-0000-00000" });
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a beneficiary outside the registry is refused");

        var answer = await session.JsonAsync(HttpMethod.Post, Url(item, "confirm"),
            new { document_type = "courrier", beneficiary_id = ReviewSite.LouisRoux.Id, case_number = ReviewSite.LouisRoux.CaseNumber });
        var path = answer.GetProperty("path").GetString()!;
        path.Should().StartWith(ReviewSite.CaseFolder(ReviewSite.LouisRoux, "courrier") + "/");

        var filed = Path.Combine(site.Archive, path);
        ProcessedBatch.Tool("qpdf", "--show-npages", filed).Trim().Should().Be("1");
        ProcessedBatch.Tool("pdftotext", filed, "-").Should().Contain("ROUX");
        var record = (await site.Store.FindDocumentAsync(item.Key))!;
        record.Status.Should().Be(DocumentStatus.Filed);
        record.Path.Should().Be(path);
        record.BeneficiaryId.Should().Be(ReviewSite.LouisRoux.Id);
        record.Reasons.Should().BeEmpty();
        record.PdfSha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(filed))));
        (await site.Store.FindFilingIntentAsync(item.Key))!.State.Should().Be(FilingIntentState.Completed);
        File.Exists(reviewPdf).Should().BeFalse("the review copy is gone once the document is in its folder");

        var closed = (await site.Store.GetReviewItemAsync(item.Id))!;
        closed.State.Should().Be(ReviewState.Closed);
        closed.ClosedBy.Should().Be("reviewer");
        var line = (await site.Store.ListReviewJournalAsync(item.Id)).Single(e => e.Action is "confirm" or "correct");
        line.Actor.Should().Be("reviewer");
        JsonDocument.Parse(line.BeforeJson!).RootElement.GetProperty("status").GetString().Should().Be("review");
        JsonDocument.Parse(line.AfterJson!).RootElement.GetProperty("path").GetString().Should().Be(path);
        var example = (await site.Store.ListTrainingExamplesAsync()).Single(e => e.ReviewItemId == item.Id);
        example.DocumentType.Should().Be("courrier");
        example.Text.Should().Contain("ROUX");
        var manifest = File.ReadAllLines(site.ManifestPath).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("source").GetString() == ReviewSite.RouxLetter);
        manifest.GetProperty("status").GetString().Should().Be("filed", "the manifest follows the decision");
        manifest.GetProperty("path").GetString().Should().Be(path);

        // Twice is refused, and nothing is filed twice.
        var again = await session.SendAsync(HttpMethod.Post, Url(item, "confirm"),
            new { document_type = "courrier", beneficiary_id = ReviewSite.LouisRoux.Id, case_number = ReviewSite.LouisRoux.CaseNumber });
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        Directory.GetFiles(Path.GetDirectoryName(filed)!).Should().ContainSingle();
    }

    [Fact]
    public async Task Split_cuts_a_document_into_two_documents_under_review()
    {
        var entry = (await site.OpenItemsAsync(ReviewSite.DurandFile)).Single();
        entry.Item.Key.FirstPage.Should().Be(1);
        entry.Item.Key.LastPage.Should().Be(3);
        var session = await Reviewer;
        (await session.SendAsync(HttpMethod.Post, Url(entry.Item, "split"), new { page = 1 })).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var answer = await session.JsonAsync(HttpMethod.Post, Url(entry.Item, "split"), new { page = 3 });
        answer.GetProperty("opened_items").GetArrayLength().Should().Be(2);

        var parts = await site.OpenItemsAsync(ReviewSite.DurandFile);
        parts.Select(p => (p.Item.Key.FirstPage, p.Item.Key.LastPage)).Should().Equal((1, 2), (3, 3));
        ProcessedBatch.Tool("qpdf", "--show-npages", Path.Combine(site.Archive, parts[0].Document!.Path!)).Trim().Should().Be("2");
        ProcessedBatch.Tool("qpdf", "--show-npages", Path.Combine(site.Archive, parts[1].Document!.Path!)).Trim().Should().Be("1");
        ProcessedBatch.Tool("pdftotext", Path.Combine(site.Archive, parts[1].Document!.Path!), "-").Should().Contain("BANCAIRE");
        parts.Should().OnlyContain(p => p.Item.ReasonCodes.Contains("split_by_reviewer"));
        parts[1].Document!.DocumentType.Should().Be("rib", "each part is classified again on its own text");
        entry.Document!.DocumentType.Should().NotBe(parts[0].Document!.DocumentType, "the first part lost the bank details that misled the model");

        (await site.Store.FindDocumentAsync(entry.Item.Key)).Should().BeNull("the cut document is replaced by its parts");
        (await site.Store.GetReviewItemAsync(entry.Item.Id))!.State.Should().Be(ReviewState.Closed);
        File.Exists(Path.Combine(site.Archive, entry.Document!.Path!)).Should().BeFalse();
        (await site.Store.ListReviewJournalAsync(entry.Item.Id)).Should().Contain(e => e.Action == "split" && e.Actor == "reviewer");

        var first = await session.SendAsync(HttpMethod.Post, Url(parts[0].Item, "merge-previous"));
        first.StatusCode.Should().Be(HttpStatusCode.Conflict, "nothing precedes the first part in its file");
    }

    [Fact]
    public async Task Merge_joins_a_document_with_the_one_before_it()
    {
        var items = await site.OpenItemsAsync(ReviewSite.BernardFile);
        items.Select(p => (p.Item.Key.FirstPage, p.Item.Key.LastPage)).Should().Equal((1, 1), (3, 3));
        var view = await (await Reviewer).JsonAsync(HttpMethod.Get, Url(items[1].Item));
        view.GetProperty("can_merge_previous").GetBoolean().Should().BeTrue();

        var answer = await (await Reviewer).JsonAsync(HttpMethod.Post, Url(items[1].Item, "merge-previous"));
        var merged = await site.OpenItemsAsync(ReviewSite.BernardFile);
        merged.Should().ContainSingle();
        merged[0].Item.Id.Should().Be(answer.GetProperty("opened_items")[0].GetString());
        (merged[0].Item.Key.FirstPage, merged[0].Item.Key.LastPage).Should().Be((1, 3));
        var pdf = Path.Combine(site.Archive, merged[0].Document!.Path!);
        ProcessedBatch.Tool("qpdf", "--show-npages", pdf).Trim().Should().Be("2", "the separator sheet is not a page of either document");
        var text = ProcessedBatch.Tool("pdftotext", pdf, "-");
        text.IndexOf("renouvellement", StringComparison.Ordinal).Should().BeLessThan(text.IndexOf("justificatif", StringComparison.Ordinal));
        merged[0].Item.ReasonCodes.Should().Contain("merged_by_reviewer");
        foreach (var old in items)
        {
            (await site.Store.GetReviewItemAsync(old.Item.Id))!.State.Should().Be(ReviewState.Closed);
            (await site.Store.ListReviewJournalAsync(old.Item.Id)).Should().Contain(e => e.Action == "merge");
        }
    }

    [Fact]
    public async Task Rotate_turns_one_page_and_the_document_stays_in_review()
    {
        var entry = (await site.OpenItemsAsync(ReviewSite.PetitRib)).Single();
        var before = Path.Combine(site.Archive, entry.Document!.Path!);
        ProcessedBatch.Tool("pdfinfo", before).Should().MatchRegex(@"Page rot:\s+0");

        await (await Reviewer).JsonAsync(HttpMethod.Post, Url(entry.Item, "rotate"), new { page = 1, quarter_turns = 1 });
        var after = (await site.Store.FindDocumentAsync(entry.Item.Key))!;
        after.Status.Should().Be(DocumentStatus.Review);
        after.Path.Should().NotBe(entry.Document.Path, "the review PDF is never changed in place");
        ProcessedBatch.Tool("pdfinfo", Path.Combine(site.Archive, after.Path!)).Should().MatchRegex(@"Page rot:\s+90");
        File.Exists(before).Should().BeFalse();
        (await site.Store.GetReviewItemAsync(entry.Item.Id))!.State.Should().Be(ReviewState.Open);
        (await site.Store.ListReviewJournalAsync(entry.Item.Id)).Should().Contain(e => e.Action == "rotate");
        var png = await (await Reviewer).Http.GetByteArrayAsync(Url(entry.Item, "pages/1") + "?dpi=72");
        png.Length.Should().BeGreaterThan(1000);
    }

    [Fact]
    public async Task Reject_keeps_the_document_in_quarantine_with_the_reason()
    {
        var entry = (await site.OpenItemsAsync(ReviewSite.GarciaNote)).Single();
        var answer = await (await Reviewer).JsonAsync(HttpMethod.Post, Url(entry.Item, "reject"), new { comment = "Document illisible, à renumériser" });
        var path = answer.GetProperty("path").GetString()!;
        path.Should().StartWith("_quarantine/");
        var kept = Path.Combine(site.Archive, path);
        File.Exists(kept).Should().BeTrue();
        var reason = JsonDocument.Parse(File.ReadAllText(kept + ".reason.json")).RootElement;
        reason.GetProperty("reason").GetString().Should().Be("rejected_by_reviewer");
        reason.GetProperty("message").GetString().Should().Be("Document illisible, à renumériser");
        var record = (await site.Store.FindDocumentAsync(entry.Item.Key))!;
        record.Status.Should().Be(DocumentStatus.Rejected);
        record.Reasons.Should().Equal("rejected_by_reviewer");
        (await site.Store.ListTrainingExamplesAsync()).Should().NotContain(e => e.ReviewItemId == entry.Item.Id, "a rejected document teaches no type");
    }

    [Fact]
    public async Task The_queue_filters_by_batch_reason_and_type_and_sorts_by_urgency()
    {
        var session = await Reviewer;
        var all = (await session.JsonAsync(HttpMethod.Get, "/api/review/items")).GetProperty("items").EnumerateArray().ToList();
        all.Should().NotBeEmpty();
        all.Select(i => i.GetProperty("created_at").GetDateTimeOffset()).Should().BeInAscendingOrder();

        var batch = site.Report.Summary.Id.ToString();
        (await session.JsonAsync(HttpMethod.Get, $"/api/review/items?batch={batch}")).GetProperty("count").GetInt32().Should().Be(all.Count);
        (await session.JsonAsync(HttpMethod.Get, $"/api/review/items?batch={Guid.NewGuid()}")).GetProperty("count").GetInt32().Should().Be(0);

        var lowConfidence = (await session.JsonAsync(HttpMethod.Get, "/api/review/items?reason=type_low_confidence")).GetProperty("items").EnumerateArray().ToList();
        lowConfidence.Should().NotBeEmpty().And.OnlyContain(i => i.GetProperty("reasons").EnumerateArray().Any(r => r.GetProperty("code").GetString() == "type_low_confidence"));
        lowConfidence.Count.Should().BeLessThan(all.Count);

        var courrier = (await session.JsonAsync(HttpMethod.Get, "/api/review/items?type=courrier")).GetProperty("items").EnumerateArray().ToList();
        courrier.Should().OnlyContain(i => i.GetProperty("document_type").GetString() == "courrier");

        var urgent = (await session.JsonAsync(HttpMethod.Get, "/api/review/items?sort=urgent")).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("document_type").GetString()).ToList();
        var rank = (string? t) => t is "jugement_protection" or "demande_apa" or "demande_mdph" or "notification_decision" ? 0 : 1;
        urgent.Select(rank).Should().BeInAscendingOrder();
    }

    [Fact]
    public async Task Registry_search_finds_people_by_name_nir_case_number_and_birth_date()
    {
        var session = await Reviewer;
        async Task<List<string>> Find(string q) => (await session.JsonAsync(HttpMethod.Get, "/api/registry/search?q=" + Uri.EscapeDataString(q)))
            .GetProperty("results").EnumerateArray().Select(r => r.GetProperty("beneficiary_id").GetString()!).ToList();

        (await Find("martin jeanne")).Should().BeEquivalentTo(["B001", "B002"]);
        (await Find("Martin 30/09/1945")).Should().Equal("B002");
        (await Find("1945-09-30")).Should().Equal("B002");
        (await Find("DUR")).Should().Equal("B003");
        (await Find("Lucie Bernart")).Should().Equal(["B004"], "typos are tolerated");
        (await Find(ReviewSite.PaulDurand.CaseNumber)).Should().Equal("B003");
        (await Find("00457")).Should().Equal("B002");
        var nir = ReviewSite.MarcPetit.Nir.Value;
        (await Find($"{nir[0]} {nir[1..3]} {nir[3..5]} {nir[5..7]} {nir[7..10]} {nir[10..13]} {nir[13..]}")).Should().Equal("B005");
        (await Find("x")).Should().BeEmpty();
    }

    [Fact]
    public async Task The_dashboard_shows_live_progress_counts_errors_and_the_batch_report()
    {
        var session = await site.SessionAsync("operator");
        var running = await site.Store.StartBatchAsync(new BatchStart("scan", "/srv/scan/poste-2", "amelie", "poste-2"));
        await site.Store.SetBatchPagesReadAsync(running, 30);
        try
        {
            var live = (await session.JsonAsync(HttpMethod.Get, "/api/batches?status=running")).GetProperty("batches").EnumerateArray().ToList();
            var batch = live.Single(b => b.GetProperty("id").GetString() == running.ToString());
            batch.GetProperty("pages_read").GetInt64().Should().Be(30);
            batch.GetProperty("pages_per_minute").GetDouble().Should().BeGreaterThan(0);
            batch.GetProperty("station").GetString().Should().Be("poste-2");
        }
        finally
        {
            await site.Store.FinishBatchAsync(running, BatchStatus.Completed);
        }

        var id = site.Report.Summary.Id.ToString();
        var all = (await session.JsonAsync(HttpMethod.Get, "/api/batches")).GetProperty("batches").EnumerateArray().ToList();
        var processed = all.Single(b => b.GetProperty("id").GetString() == id);
        processed.GetProperty("status").GetString().Should().Be("completed");
        processed.GetProperty("counts").GetProperty("filed").GetInt32().Should().Be(site.Report.Summary.Counts.Filed);
        processed.GetProperty("counts").GetProperty("review").GetInt32().Should().Be(site.Report.Summary.Counts.Review);
        processed.GetProperty("pages_read").GetInt64().Should().Be(site.Report.PagesRead);

        var report = await session.JsonAsync(HttpMethod.Get, $"/api/batches/{id}/report");
        var documents = await site.Store.ListDocumentsAsync(site.Report.Summary.Id);
        report.GetProperty("documents").GetArrayLength().Should().Be(documents.Count);
        report.GetProperty("by_status").EnumerateArray().Single(s => s.GetProperty("status").GetString() == "filed").GetProperty("count").GetInt32()
            .Should().Be(documents.Count(d => d.Status == DocumentStatus.Filed));
        report.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("source").GetString())
            .Should().BeEquivalentTo(documents.Where(d => d.Status == DocumentStatus.Rejected).Select(d => d.Key.SourceName));
        report.GetProperty("reasons").EnumerateArray().Should().Contain(r => r.GetProperty("code").GetString() == "name_only"
            && r.GetProperty("explanation").GetString()!.Length > 10);
        report.GetRawText().Should().NotContain("MARTIN").And.NotContain(ReviewSite.AnneLeroy.Nir.Value, "operators see no personal data");
        (await session.SendAsync(HttpMethod.Get, $"/api/batches/{Guid.NewGuid()}/report")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}

/// <summary>Decisions racing each other, and the quality-control items of documents already filed.</summary>
[Collection(WebCollection.Name)]
public sealed class ReviewDecisionEdgeTests(ReviewSite site)
{
    [Fact]
    public async Task Two_reviewers_confirming_at_once_file_the_document_once()
    {
        var item = (await site.OpenItemsAsync(ReviewSite.LeroyLetter)).Single().Item;
        var body = new { document_type = "courrier", beneficiary_id = ReviewSite.AnneLeroy.Id, case_number = ReviewSite.AnneLeroy.CaseNumber };
        var first = await site.SessionAsync("reviewer");
        var second = await site.SessionAsync("reviewer2");
        var answers = await Task.WhenAll(
            first.SendAsync(HttpMethod.Post, $"/api/review/items/{item.Id}/confirm", body),
            second.SendAsync(HttpMethod.Post, $"/api/review/items/{item.Id}/confirm", body));
        answers.Select(a => a.StatusCode).Should().BeEquivalentTo([HttpStatusCode.OK, HttpStatusCode.Conflict]);

        var record = (await site.Store.FindDocumentAsync(item.Key))!;
        record.Status.Should().Be(DocumentStatus.Filed);
        var folder = Path.Combine(site.Archive, ReviewSite.CaseFolder(ReviewSite.AnneLeroy, "courrier"));
        Directory.GetFiles(folder).Should().ContainSingle().Which.Should().Be(Path.Combine(site.Archive, record.Path!));
        (await site.Store.ListReviewJournalAsync(item.Id)).Count(e => e.Action is "confirm" or "correct").Should().Be(1);
    }

    [Fact]
    public async Task A_quality_sample_is_confirmed_or_corrected_and_the_filed_document_never_moves()
    {
        var filed = (await site.Store.ListDocumentsAsync(site.Report.Summary.Id)).Single(d => d.Key.SourceName == ReviewSite.LeroyCertificate);
        filed.Status.Should().Be(DocumentStatus.Filed);
        var candidates = JsonSerializer.Serialize(new[] { new { beneficiary_id = ReviewSite.AnneLeroy.Id, case_number = ReviewSite.AnneLeroy.CaseNumber, matched_by = new[] { "nir" } } });
        var session = await site.SessionAsync("reviewer");
        var dashboard = await site.SessionAsync("operator");
        var quality0 = await dashboard.JsonAsync(HttpMethod.Get, "/api/batches/quality");

        var sample = await site.Store.OpenReviewItemAsync(filed.Key, ["quality_sample"], candidates);
        (await dashboard.JsonAsync(HttpMethod.Get, "/api/batches/quality")).GetProperty("samples_waiting").GetInt32()
            .Should().Be(quality0.GetProperty("samples_waiting").GetInt32() + 1);
        var view = await session.JsonAsync(HttpMethod.Get, $"/api/review/items/{sample.Id}");
        view.GetProperty("quality_sample").GetBoolean().Should().BeTrue();
        view.GetProperty("can_edit").GetBoolean().Should().BeFalse();
        view.GetProperty("text").GetString().Should().Contain("CERTIFICAT");
        (await session.SendAsync(HttpMethod.Post, $"/api/review/items/{sample.Id}/split", new { page = 2 })).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await session.SendAsync(HttpMethod.Post, $"/api/review/items/{sample.Id}/reject", new { comment = "non" })).StatusCode.Should().Be(HttpStatusCode.Conflict);

        var confirmed = await session.JsonAsync(HttpMethod.Post, $"/api/review/items/{sample.Id}/confirm",
            new { document_type = filed.DocumentType, beneficiary_id = ReviewSite.AnneLeroy.Id, case_number = ReviewSite.AnneLeroy.CaseNumber });
        confirmed.GetProperty("path").GetString().Should().Be(filed.Path);
        (await site.Store.ListReviewJournalAsync(sample.Id)).Should().Contain(e => e.Action == "quality_confirmed");

        var second = await site.Store.OpenReviewItemAsync(filed.Key, ["quality_sample"], candidates);
        second.Id.Should().NotBe(sample.Id);
        var corrected = await session.JsonAsync(HttpMethod.Post, $"/api/review/items/{second.Id}/confirm",
            new { document_type = "courrier", beneficiary_id = ReviewSite.AnneLeroy.Id, case_number = ReviewSite.AnneLeroy.CaseNumber });
        corrected.GetProperty("message").GetString().Should().Contain("erreur de classement");
        (await site.Store.ListReviewJournalAsync(second.Id)).Should().Contain(e => e.Action == "quality_corrected");
        var after = (await site.Store.FindDocumentAsync(filed.Key))!;
        after.Status.Should().Be(DocumentStatus.Filed);
        after.Path.Should().Be(filed.Path, "a filed document is never moved by a review decision");
        File.Exists(Path.Combine(site.Archive, filed.Path!)).Should().BeTrue();
        var example = (await site.Store.ListTrainingExamplesAsync()).Single(e => e.ReviewItemId == second.Id);
        example.Corrected.Should().BeTrue();
        example.DocumentType.Should().Be("courrier");
        example.Text.Should().Contain("CERTIFICAT");

        // The dashboard's measured precision of automatic filing counts both checks: one confirmed, one found wrong.
        var quality = await dashboard.JsonAsync(HttpMethod.Get, "/api/batches/quality");
        var confirmedNow = quality.GetProperty("confirmed").GetInt32();
        var wrongNow = quality.GetProperty("found_wrong").GetInt32();
        confirmedNow.Should().Be(quality0.GetProperty("confirmed").GetInt32() + 1);
        wrongNow.Should().Be(quality0.GetProperty("found_wrong").GetInt32() + 1);
        quality.GetProperty("samples_waiting").GetInt32().Should().Be(quality0.GetProperty("samples_waiting").GetInt32());
        quality.GetProperty("precision").GetDouble().Should().BeApproximately((double)confirmedNow / (confirmedNow + wrongNow), 1e-4);
        quality.GetProperty("precision_lower_95").GetDouble().Should().BeLessThan(quality.GetProperty("precision").GetDouble());
    }
}
