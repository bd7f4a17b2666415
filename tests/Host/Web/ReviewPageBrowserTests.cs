using System.Security.Cryptography;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using Microsoft.Playwright;

namespace CaptureChain.Host.Tests.Web;

/// <summary>Debian's chromium driven by Playwright (headless; Playwright never downloads a browser here).</summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string Executable = "/usr/bin/chromium";

    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        File.Exists(Executable).Should().BeTrue("chromium is installed by scripts/install-deps.sh test");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        Playwright?.Dispose();
    }
}

/// <summary>
/// The review page in a real browser, by keyboard only: log in, open a low-confidence item, correct its type and
/// beneficiary, file it, and find the PDF in the right case folder on disk; and a right suggestion filed with one key.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class ReviewPageBrowserTests(ReviewSite site, Chromium chromium) : IClassFixture<Chromium>
{
    private async Task<IPage> LoggedInPageAsync(string path, string user = "reviewer", string ready = "#type-choices")
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = site.BaseUrl, ViewportSize = new ViewportSize { Width = 1440, Height = 900 }, Locale = "fr-FR",
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync(path);
        page.Url.Should().Contain("/login?returnUrl=", "without a session the page sends to the login form");
        await page.FillAsync("#name", user);
        await page.FillAsync("#password", ReviewSite.Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**" + path);
        await page.Locator(ready).WaitForAsync();
        return page;
    }

    [Fact]
    public async Task A_reviewer_corrects_type_and_beneficiary_by_keyboard_and_the_pdf_lands_in_the_case_folder()
    {
        var entry = (await site.OpenItemsAsync(ReviewSite.LetterMartin)).Single();
        entry.Item.ReasonCodes.Should().Contain("type_low_confidence", "the shipped model is unsure of this attestation's type");
        entry.Document!.TypeConfidence.Should().BeLessThan(entry.Document.TypeThreshold!.Value);
        entry.Document.DocumentType.Should().NotBe("justificatif_domicile");
        var target = ReviewSite.JeanneMartinB; // the homonym born in 1945: only the birth date tells them apart

        var page = await LoggedInPageAsync("/review/" + entry.Item.Id);
        await page.Locator("#reasons").Filter(new() { HasText = "type_low_confidence" }).WaitForAsync();
        (await page.Locator("#candidates .choice").CountAsync()).Should().Be(2);

        // T: type chooser; typing filters; Entrée picks.
        await page.Keyboard.PressAsync("t");
        await page.Locator("#type-search").WaitForAsync();
        await page.Keyboard.TypeAsync("domicile");
        await page.Locator("#type-results li.active", new() { HasText = "Justificatif de domicile" }).WaitForAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#type-choices .choice.selected[data-type='justificatif_domicile']").WaitForAsync();

        // B: beneficiary search by name and birth date; Entrée picks the first result.
        await page.Keyboard.PressAsync("b");
        await page.Locator("#beneficiary-search").WaitForAsync();
        await page.Keyboard.TypeAsync("martin 30/09/1945");
        await page.Locator("#beneficiary-results li.active", new() { HasText = target.CaseNumber }).WaitForAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator($"#candidates .choice.selected[data-case='{target.CaseNumber}']").WaitForAsync();
        await page.Locator("#selection", new() { HasText = target.CaseNumber }).WaitForAsync();

        await WriteScreenshotAsync(page);

        // Entrée: filed at once, and the next item opens by itself.
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#flash-ok", new() { HasText = "Classé" }).WaitForAsync();
        await page.WaitForURLAsync(url => !url.Contains(entry.Item.Id, StringComparison.Ordinal));

        var record = (await site.Store.FindDocumentAsync(entry.Item.Key))!;
        record.Status.Should().Be(DocumentStatus.Filed);
        record.DocumentType.Should().Be("justificatif_domicile");
        record.BeneficiaryId.Should().Be(target.Id);
        record.CaseNumber.Should().Be(target.CaseNumber);
        record.Path.Should().StartWith(ReviewSite.CaseFolder(target, "justificatif_domicile") + "/");
        var pdf = Path.Combine(site.Archive, record.Path!);
        File.Exists(pdf).Should().BeTrue();
        ProcessedBatch.Tool("qpdf", "--show-npages", pdf).Trim().Should().Be("1");
        ProcessedBatch.Tool("pdftotext", pdf, "-").Should().Contain("HÉBERGEMENT").And.Contain("MARTIN");
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(pdf))).Should().Be(record.PdfSha256);

        var journal = (await site.Store.ListReviewJournalAsync(entry.Item.Id)).Single(e => e.Action == "correct");
        journal.Actor.Should().Be("reviewer");
        journal.BeforeJson.Should().Contain(entry.Document.DocumentType!);
        journal.AfterJson.Should().Contain("justificatif_domicile").And.Contain(target.CaseNumber);
        var example = (await site.Store.ListTrainingExamplesAsync()).Single(e => e.ReviewItemId == entry.Item.Id);
        example.DocumentType.Should().Be("justificatif_domicile");
        example.PredictedType.Should().Be(entry.Document.DocumentType);
        example.Corrected.Should().BeTrue();
        example.Text.Should().Contain("HÉBERGEMENT");
    }

    [Fact]
    public async Task A_right_suggestion_is_filed_with_a_single_keystroke()
    {
        var entry = (await site.OpenItemsAsync(ReviewSite.MoreauForm)).Single();
        var page = await LoggedInPageAsync("/review/" + entry.Item.Id);
        await page.Locator($"#candidates .choice.selected[data-case='{ReviewSite.HenriMoreau.CaseNumber}']").WaitForAsync();

        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#flash-ok", new() { HasText = "Classé" }).WaitForAsync();

        var record = (await site.Store.FindDocumentAsync(entry.Item.Key))!;
        record.Status.Should().Be(DocumentStatus.Filed);
        record.BeneficiaryId.Should().Be(ReviewSite.HenriMoreau.Id);
        record.DocumentType.Should().Be(entry.Document!.DocumentType, "the suggested type was kept");
        File.Exists(Path.Combine(site.Archive, record.Path!)).Should().BeTrue();
        (await site.Store.GetReviewItemAsync(entry.Item.Id))!.State.Should().Be(ReviewState.Closed);
        (await site.Store.ListReviewJournalAsync(entry.Item.Id)).Should().Contain(e => e.Action == "confirm");
    }

    [Fact]
    public async Task An_operator_follows_a_bulk_jobs_progress_on_the_dashboard()
    {
        // A legacy backlog of 5 files in a window opened 2 minutes ago: 2 done (3 and 5 pages), 1 rejected, 1 in flight, 1 pending.
        var job = ReviewSite.BulkJob.Name;
        var store = site.Store;
        var now = DateTimeOffset.UtcNow;
        await store.AddBacklogFilesAsync(job, Enumerable.Range(1, 5).Select(i => new BacklogFile($"boite-{i}/scan.tif", 10_000, now)).ToList());
        await store.MarkBacklogEnumeratedAsync(job);
        var window = await store.OpenBulkWindowAsync(job, now.AddMinutes(-2), now.AddHours(8));
        var claimed = await store.ClaimBacklogItemsAsync(job, "capture-01", 4, TimeSpan.FromMinutes(10), window.Id);
        claimed.Should().HaveCount(4);
        (await store.CompleteBacklogItemAsync(claimed[0].Id, "capture-01", BacklogItemState.Done, 3, null)).Should().BeTrue();
        (await store.CompleteBacklogItemAsync(claimed[1].Id, "capture-01", BacklogItemState.Done, 5, null)).Should().BeTrue();
        (await store.CompleteBacklogItemAsync(claimed[2].Id, "capture-01", BacklogItemState.Rejected, 0, "file_unreadable")).Should().BeTrue();

        var status = (await (await site.SessionAsync("operator")).JsonAsync(HttpMethod.Get, "/api/bulk")).GetProperty("jobs").EnumerateArray()
            .Single(j => j.GetProperty("job").GetString() == job);
        status.GetProperty("pages_per_minute").GetDouble().Should().BeGreaterThan(0, "8 pages were done since the window opened");

        var page = await LoggedInPageAsync("/batches", "operator", $".bulk-job[data-job='{job}']");
        var card = page.Locator($".bulk-job[data-job='{job}']");
        (await card.InnerTextAsync()).Should().Contain("3 / 5 fichier(s)").And.Contain("8 page(s)").And.Contain("en cours : 1, rejetés : 1");
        var bar = card.Locator("[role=progressbar]");
        (await bar.GetAttributeAsync("aria-valuenow")).Should().Be("3");
        (await bar.GetAttributeAsync("aria-valuemax")).Should().Be("5");
        (await bar.Locator("span").EvaluateAllAsync<string[]>("spans => spans.map(s => s.className)")).Should().Equal("done", "rejected", "claimed", "pending");
        (await card.Locator(".bulk-rate").InnerTextAsync()).Should()
            .Be(status.GetProperty("pages_per_minute").GetDouble().ToString(System.Globalization.CultureInfo.GetCultureInfo("fr-FR")) + " pages/min");
        (await card.Locator(".bulk-end").InnerTextAsync()).Should().NotStartWith("inconnue", "the backlog is listed and has a rate: its end is estimated")
            .And.Contain(status.GetProperty("estimated_end").GetDateTimeOffset().ToLocalTime().Year.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The README's picture of the review page: written to docs/ when CAPTURECHAIN_SCREENSHOT=1, else to the temp folder.</summary>
    private static async Task WriteScreenshotAsync(IPage page)
    {
        var root = Environment.GetEnvironmentVariable("CAPTURECHAIN_ROOT") ?? FindRepositoryRoot();
        var path = Environment.GetEnvironmentVariable("CAPTURECHAIN_SCREENSHOT") == "1" && root is not null
            ? Path.Combine(root, "docs", "review-page.png")
            : Path.Combine(Path.GetTempPath(), "cc-review-page.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Type = ScreenshotType.Png });
        new FileInfo(path).Length.Should().BeLessThan(1_000_000);
    }

    private static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CaptureChain.sln"))) return dir.FullName;
        return null;
    }
}
