using System.Diagnostics;

namespace CaptureChain.Ocr.Tests;

public sealed class OcrWorkerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ocr-worker-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Noise_page_hits_the_deadline_without_holding_the_worker_and_the_worker_goes_on()
    {
        var deadline = TimeSpan.FromSeconds(3);
        using var worker = new OcrWorker(new OcrOptions(PageDeadline: deadline));
        using var noise = TestPages.Noise(0.1); // full A4 at 300 dpi: Tesseract's layout analysis runs for minutes
        var pdf = Path.Combine(_folder, "noise.pdf");
        var clock = Stopwatch.StartNew();

        var outcome = worker.Process(noise, pdf, CancellationToken.None);

        clock.Stop();
        outcome.Cleanup.IsBlank.Should().BeFalse();
        outcome.Result!.DeadlineExceeded.Should().BeTrue();
        // Behaviour, not speed: the engine lets go soon after the deadline, not after the minutes Tesseract would
        // take (margins are wide because a loaded test machine slows the work around the wait).
        outcome.Result.Elapsed.Should().BeLessThan(deadline + TimeSpan.FromSeconds(15));
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60));
        outcome.Result.Words.Should().BeEmpty();
        // The page is not lost: its PDF holds the image, without text.
        outcome.Result.PdfPath.Should().Be(pdf);
        Poppler.PageSize(pdf).Pages.Should().Be(1);

        // The stuck engine was abandoned; the worker carries on with a fresh one.
        using var card = TestPages.Card("APA-2021-00314", "Hélène Dupré");
        var next = worker.Process(card, null, CancellationToken.None);
        worker.EnginesReplaced.Should().Be(1);
        next.Result!.DeadlineExceeded.Should().BeFalse();
        TestPages.WordTexts(next.Result).Should().Contain(["APA-2021-00314", "Hélène"]);
    }

    [Fact]
    public void Engine_deadline_on_a_noise_page_is_a_typed_result()
    {
        var deadline = TimeSpan.FromSeconds(2);
        using var engine = new OcrEngine(new OcrOptions(PageDeadline: deadline));
        using var noise = TestPages.Noise(0.5, seed: 11);
        var clock = Stopwatch.StartNew();

        var result = engine.Recognize(noise, null, CancellationToken.None);

        result.DeadlineExceeded.Should().BeTrue();
        result.Text.Trim().Should().BeEmpty();
        clock.Elapsed.Should().BeLessThan(deadline + TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Pool_workers_recognise_different_pages_in_parallel()
    {
        using var pool = new OcrEnginePool(size: 2);
        var cases = Enumerable.Range(0, 6).Select(i => $"PCH-2025-{i * 111 + 7:D5}").ToArray();

        var outcomes = await Task.WhenAll(cases.Select(caseNumber => Task.Run(async () =>
        {
            using var card = TestPages.Card(caseNumber, "Agnès Lefèvre");
            return (caseNumber, outcome: await pool.ProcessAsync(card, Path.Combine(_folder, caseNumber + ".pdf"), CancellationToken.None));
        })));

        foreach (var (caseNumber, outcome) in outcomes)
        {
            TestPages.WordTexts(outcome.Result!).Should().Contain([caseNumber, "Agnès", "Lefèvre"]);
            Poppler.Text(outcome.Result!.PdfPath!).Should().Contain(caseNumber);
        }
        pool.Created.Should().Be(2, "six pages wait for two workers at once");
        pool.Size.Should().Be(2);
    }

    [Fact]
    public void Pool_lease_returns_the_worker_on_dispose()
    {
        using var pool = new OcrEnginePool(size: 1);
        OcrWorker first;
        using (var lease = pool.Rent(CancellationToken.None)) first = lease.Worker;

        using var again = pool.Rent(CancellationToken.None);
        again.Worker.Should().BeSameAs(first);
        using var blocked = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var act = () => pool.Rent(blocked.Token);
        act.Should().Throw<OperationCanceledException>("the only worker is leased");
        using var defaultPool = new OcrEnginePool();
        defaultPool.Size.Should().Be(Environment.ProcessorCount);
    }

}

/// <summary>Runs alone (after the parallel tests) so that the process's memory is this test's alone.</summary>
[CollectionDefinition(nameof(EngineReuseTests), DisableParallelization = true)]
public sealed class EngineReuseCollection;

[Collection(nameof(EngineReuseTests))]
public sealed class EngineReuseTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ocr-reuse-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void One_engine_reads_thirty_pages_in_a_row_correctly()
    {
        using var engine = new OcrEngine();
        long? memoryAfterWarmUp = null;
        for (var i = 0; i < 30; i++)
        {
            var caseNumber = $"APA-2024-{i * 37 + 101:D5}";
            using var card = TestPages.Card(caseNumber, i % 2 == 0 ? "Hélène Dupré" : "Jérôme Bénard");
            var pdf = i % 5 == 0 ? Path.Combine(_folder, $"card-{i}.pdf") : null;

            var result = engine.Recognize(card, pdf, CancellationToken.None);

            TestPages.WordTexts(result).Should().Contain(caseNumber, $"page {i} must show its own case number");
            TestPages.WordTexts(result).Should().Contain(i % 2 == 0 ? "Hélène" : "Jérôme");
            if (pdf is not null) Poppler.Text(pdf).Should().Contain(caseNumber);
            if (i == 9) memoryAfterWarmUp = CurrentRss();
        }
        // Loose: a leaked page (image, copy, results: several MB) per page would show as well over 40 MB in 20
        // pages; measured growth without leaks is a few MB while malloc's arenas settle.
        (CurrentRss() - memoryAfterWarmUp!.Value).Should().BeLessThan(30L << 20);
    }

    private static long CurrentRss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}
