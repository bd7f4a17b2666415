using System.Security.Cryptography;
using CaptureChain.Corpus.Truth;
using CaptureChain.Filing.Manifest;

namespace CaptureChain.Host.Tests;

/// <summary>What a scan-room operator relies on after one batch: everything accounted for, nothing misfiled.</summary>
public sealed class ProcessBatchTests(ProcessedBatch batch) : IClassFixture<ProcessedBatch>
{
    private IEnumerable<ManifestEntry> Filed => batch.Manifest.Where(e => e.Status == DocumentStatus.Filed);

    [Fact]
    public void Every_input_file_is_in_the_manifest()
    {
        var inputs = Directory.EnumerateFiles(batch.Corpus.InboxDirectory)
            .Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).ToList();
        inputs.Should().HaveCountGreaterThan(10);
        batch.Manifest.Select(e => e.Source).Distinct().Should().BeEquivalentTo(inputs);
    }

    [Fact]
    public void Each_broken_input_is_rejected_with_its_reason_and_kept_intact_in_quarantine()
    {
        foreach (var (name, reason) in batch.BadInputs)
        {
            var entry = batch.Manifest.Should().ContainSingle(e => e.Source == name).Subject;
            entry.Status.Should().Be(DocumentStatus.Rejected, name);
            entry.Reasons.Should().Equal([reason], name);
            entry.Path.Should().StartWith("_quarantine/");
            var kept = Path.Combine(batch.Archive, entry.Path!);
            File.ReadAllBytes(kept).Should().Equal(File.ReadAllBytes(Path.Combine(batch.Corpus.InboxDirectory, name)), name);
            File.Exists(kept + ".reason.json").Should().BeTrue();
        }
    }

    [Fact]
    public void The_good_documents_of_the_batch_are_filed_despite_the_broken_inputs()
    {
        Filed.Should().NotBeEmpty();
        batch.Manifest.Where(e => !batch.BadInputs.ContainsKey(e.Source))
            .Should().OnlyContain(e => e.Status != DocumentStatus.Rejected);
    }

    [Fact]
    public void Documents_are_cut_at_exactly_the_pages_of_the_ground_truth()
    {
        var expected = batch.Corpus.Documents.Select(d => (d.Source, d.FirstPage, d.LastPage));
        var produced = batch.Manifest.Where(e => !batch.BadInputs.ContainsKey(e.Source)).Select(e => (e.Source, e.FirstPage, e.LastPage));
        produced.Should().BeEquivalentTo(expected);
        batch.Corpus.Documents.Should().Contain(d => d.CoverCase != null, "the corpus must hold envelopes for this test to mean something");
    }

    [Fact]
    public void Nothing_is_filed_under_a_wrong_beneficiary_or_for_someone_outside_the_registry()
    {
        var truth = batch.Corpus.Documents.ToDictionary(d => (d.Source, d.FirstPage, d.LastPage));
        foreach (var entry in Filed)
        {
            var expected = truth[(entry.Source, entry.FirstPage, entry.LastPage)];
            expected.BeneficiaryId.Should().NotBeNull($"{entry.Source} was filed for someone not in the registry");
            entry.BeneficiaryId.Should().Be(expected.BeneficiaryId, entry.Source);
            entry.CaseNumber.Should().Be(expected.CaseNumber, entry.Source);
        }
        batch.Corpus.Documents.Should().Contain(d => d.BeneficiaryId == null, "people missing from the registry must be in the corpus");
    }

    [Fact]
    public void Every_filed_document_is_a_searchable_pdf_of_exactly_its_pages()
    {
        var truth = batch.Corpus.Documents.ToDictionary(d => (d.Source, d.FirstPage, d.LastPage));
        foreach (var entry in Filed)
        {
            var path = Path.Combine(batch.Archive, entry.Path!);
            var keptPages = truth[(entry.Source, entry.FirstPage, entry.LastPage)].Pages.Count(p => p.Kind == PageKinds.Document);
            ProcessedBatch.Tool("qpdf", "--show-npages", path).Trim().Should().Be(keptPages.ToString(), entry.Path);
            var text = ProcessedBatch.Tool("pdftotext", "-layout", path, "-");
            text.Count(char.IsLetter).Should().BeGreaterThan(50, $"{entry.Path} must carry a text layer");
            Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))).Should().Be(entry.Sha256);
            entry.Path.Should().StartWith(entry.CaseNumber!.Split('-')[0] + "/" + entry.CaseNumber);
        }
    }

    [Fact]
    public void Turned_pages_are_filed_upright()
    {
        // Independent check: plain tesseract without orientation detection reads an upright page and gets noise from a
        // turned one, so the words of the PDF's text layer must come back from the embedded image as it stands.
        var checkedPages = 0;
        foreach (var entry in batch.Manifest.Where(e => e.Path is not null && e.Status is DocumentStatus.Filed or DocumentStatus.Review))
        {
            var truth = batch.Corpus.Documents.SingleOrDefault(d => d.Source == entry.Source && d.FirstPage == entry.FirstPage && d.LastPage == entry.LastPage);
            if (truth is null) continue;
            var kept = truth.Pages.Where(p => p.Kind == PageKinds.Document).ToList();
            for (var i = 0; i < kept.Count; i++)
            {
                if (kept[i].Rotation == 0 || kept[i].Colour == "vector") continue;
                var pdf = Path.Combine(batch.Archive, entry.Path!);
                var index = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var layer = Words(ProcessedBatch.Tool("pdftotext", "-f", index, "-l", index, pdf, "-"));
                var png = Path.Combine(batch.Root, $"upright-{Guid.NewGuid():N}");
                ProcessedBatch.Tool("pdftoppm", "-f", index, "-l", index, "-r", "150", "-gray", "-png", "-singlefile", pdf, png);
                var seen = Words(ProcessedBatch.Tool("tesseract", png + ".png", "-", "-l", "fra", "--psm", "3"));
                layer.Should().HaveCountGreaterThan(10, $"{entry.Source} page {kept[i].Page} has text");
                layer.Count(seen.Contains).Should().BeGreaterThan(layer.Count / 2,
                    $"{entry.Source} page {kept[i].Page} was scanned turned by {kept[i].Rotation}° and must be filed upright");
                checkedPages++;
            }
        }
        checkedPages.Should().BeGreaterThan(0, "the corpus must contain turned pages that end up in a PDF");

        static HashSet<string> Words(string text) =>
            text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 5 && w.All(char.IsLetter)).ToHashSet();
    }

    [Fact]
    public void Blank_backs_are_removed_and_never_filed_as_documents()
    {
        var blanks = batch.Corpus.Documents.SelectMany(d => d.Pages.Where(p => p.Kind == PageKinds.Blank).Select(p => (d.Source, p.Page)))
            .Concat(batch.Corpus.SheetPages.Where(p => p.Kind == PageKinds.Blank).Select(p => (p.Source, p.Page)))
            .ToHashSet();
        blanks.Should().NotBeEmpty("the corpus has duplex scans with blank backs");
        var contentPages = batch.Corpus.Documents.SelectMany(d => d.Pages.Where(p => p.Kind == PageKinds.Document).Select(p => (d.Source, p.Page)))
            .ToHashSet();
        foreach (var entry in batch.Manifest.Where(e => e.Status != DocumentStatus.Rejected))
        {
            var range = Enumerable.Range(entry.FirstPage, entry.LastPage - entry.FirstPage + 1).Select(p => (entry.Source, p)).ToList();
            range.Any(contentPages.Contains).Should().BeTrue($"{entry.Source} {entry.FirstPage}-{entry.LastPage} must hold a real page, not only blank backs");
            if (entry.Path is null) continue;
            var kept = range.Count(contentPages.Contains);
            ProcessedBatch.Tool("qpdf", "--show-npages", Path.Combine(batch.Archive, entry.Path)).Trim()
                .Should().Be(kept.ToString(System.Globalization.CultureInfo.InvariantCulture), $"blank backs in {entry.Source} are dropped from the PDF");
        }
    }

    [Fact]
    public void Documents_in_review_say_why_and_wait_as_a_pdf()
    {
        var review = batch.Manifest.Where(e => e.Status == DocumentStatus.Review).ToList();
        review.Should().NotBeEmpty("people missing from the registry must go to review");
        foreach (var entry in review)
        {
            entry.Reasons.Should().NotBeEmpty();
            File.Exists(Path.Combine(batch.Archive, entry.Path!)).Should().BeTrue();
        }
    }

    [Fact]
    public void Document_types_are_recognised_by_the_shipped_model()
    {
        var truth = batch.Corpus.Documents.ToDictionary(d => (d.Source, d.FirstPage, d.LastPage));
        var typed = batch.Manifest.Where(e => truth.ContainsKey((e.Source, e.FirstPage, e.LastPage))).ToList();
        var correct = typed.Count(e => e.DocumentType == truth[(e.Source, e.FirstPage, e.LastPage)].DocumentType);
        ((double)correct / typed.Count).Should().BeGreaterThanOrEqualTo(0.9);
    }

    [Fact]
    public void The_batch_report_accounts_for_every_page_read()
    {
        var pages = batch.Corpus.PageCount;
        // Good pages are each read once; a broken TIFF may yield its first pages before it proves truncated.
        batch.Report.PagesRead.Should().BeInRange(pages, pages + 3);
        batch.Report.Summary.Counts.Documents.Should().Be(batch.Manifest.Count);
    }
}
