using System.Net.Http.Json;
using System.Text.Json;
using CaptureChain.Filing.Store;

namespace CaptureChain.Host.Tests.Service;

[CollectionDefinition("serve")]
public sealed class ServeCollection : ICollectionFixture<ServeCorpus>;

/// <summary>
/// Issue 4's acceptance for the service, through the real <c>./capturechain serve</c> processes (real Tesseract, zbar,
/// qpdf and SQLite): a slowly copied file is processed once, after it is complete; two services on one folder never
/// process a file twice; a service killed mid-batch, or stopped with SIGTERM mid-batch, loses nothing when started again.
/// </summary>
[Collection("serve")]
public sealed class ServeTests(ServeCorpus corpus)
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Processing = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task A_file_copied_slowly_into_a_watched_folder_is_processed_once_after_it_is_complete()
    {
        var service = corpus.NewService("slow-copy", quietSeconds: 3);
        var source = corpus.Sources[0];
        var content = File.ReadAllBytes(corpus.PathOf(source));
        var target = Path.Combine(service.Inbox, source);
        await using var serve = ServeProcess.Start(service.ConfigPath);
        var health = await serve.WaitUntilServingAsync(Startup);
        using var http = new HttpClient();

        // Written in 10 chunks over about 4 s, like a scanner writing to a share; each pause is well under the quiet period.
        await using (var writer = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
        {
            var chunk = (content.Length + 9) / 10;
            for (var i = 0; i < 10; i++)
            {
                await writer.WriteAsync(content.AsMemory(i * chunk, Math.Min(chunk, content.Length - i * chunk)));
                await writer.FlushAsync();
                await Task.Delay(400);
                File.Exists(target).Should().BeTrue($"the file is still growing after chunk {i + 1} of 10: it must not be claimed");
                service.ClaimedFiles().Should().BeEmpty();
                if (i == 5)
                {
                    var state = await http.GetFromJsonAsync<JsonElement>(health);
                    state.GetProperty("status").GetString().Should().Be("ok");
                    state.GetProperty("queue").GetProperty("waiting_files").GetInt32().Should().Be(1, "the service sees the file and waits");
                    state.GetProperty("queue").GetProperty("ready_files").GetInt32().Should().Be(0);
                    state.GetProperty("running_batches").GetArrayLength().Should().Be(0);
                }
            }
        }

        await Wait.UntilAsync(() => service.AllDone([source]), Processing, "the file to be processed");
        serve.Terminate();
        (await serve.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, serve.Output);

        await service.ShouldHaveEachDocumentOnceAsync(corpus, [source]);
        serve.Output.Should().Contain("took claim").And.Contain("pages/min");
    }

    [Fact]
    public async Task Two_services_watching_the_same_folder_never_process_a_file_twice()
    {
        var service = corpus.NewService("two-services", maxFilesPerBatch: 2);
        var sources = corpus.Sources.Take(6).ToList();
        await using var first = ServeProcess.Start(service.ConfigPath);
        await using var second = ServeProcess.Start(service.ConfigPath);
        await first.WaitUntilServingAsync(Startup);
        await second.WaitUntilServingAsync(Startup);

        // Three waves of two files: both services list the folder at the same moments and race for the same files.
        foreach (var wave in sources.Chunk(2))
        {
            foreach (var source in wave) File.Copy(corpus.PathOf(source), Path.Combine(service.Inbox, source));
            await Task.Delay(1500);
        }
        await Wait.UntilAsync(() => service.AllDone(sources), Processing, "both services to process the six files");
        first.Terminate();
        second.Terminate();
        (await first.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, first.Output);
        (await second.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, second.Output);

        await service.ShouldHaveEachDocumentOnceAsync(corpus, sources);
        var (settlements, batches) = await service.JournalAsync();
        settlements.GroupBy(s => s.Batch).Should().OnlyContain(g => g.Count() <= 2, "maxFilesPerBatch is 2");
        batches.Where(b => b.Kind == "watch").Should().OnlyContain(b => b.Status == BatchStatus.Completed && b.Station == "station-test");
        // Which service did what is in the journal; both usually take part, neither is required to.
        var byService = settlements.GroupBy(s => JsonDocument.Parse(s.DetailJson!).RootElement.GetProperty("service").GetString());
        Console.WriteLine("files per service: " + string.Join(", ", byService.Select(g => $"{g.Key}={g.Count()}")));
    }

    [Fact]
    public async Task A_service_killed_mid_batch_and_started_again_loses_nothing_and_files_each_document_once()
    {
        var service = corpus.NewService("killed");
        var sources = corpus.Sources.Skip(1).Take(3).ToList();
        await using (var killed = ServeProcess.Start(service.ConfigPath))
        {
            await killed.WaitUntilServingAsync(Startup);
            foreach (var source in sources) File.Copy(corpus.PathOf(source), Path.Combine(service.Inbox, source));
            // Kill as soon as the first document has an output: the batch is then certainly half done.
            await Wait.UntilAsync(() => service.OutputPdfCount() > 0 || killed.HasExited, Processing, "the first document's output");
            await killed.KillAsync(); // SIGKILL: no cleanup code runs
        }
        service.ClaimedFiles().Should().NotBeEmpty("the killed batch had not finished: its files are still claimed");
        service.Manifest().Select(e => e.Source).Should().NotContain(s => !sources.Contains(s));

        await using var restarted = ServeProcess.Start(service.ConfigPath);
        await restarted.WaitUntilServingAsync(Startup);
        await Wait.UntilAsync(() => service.AllDone(sources), Processing, "the restarted service to finish the claim");
        restarted.Terminate();
        (await restarted.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, restarted.Output);

        restarted.Output.Should().Contain("resuming orphaned claim");
        await service.ShouldHaveEachDocumentOnceAsync(corpus, sources);
        var (_, batches) = await service.JournalAsync();
        batches.Should().Contain(b => b.Status == BatchStatus.Running, "the killed batch never ended");
        batches.Should().Contain(b => b.Status == BatchStatus.Completed);
    }

    [Fact]
    public async Task On_SIGTERM_a_batch_finishes_within_the_grace_or_is_parked_and_finished_at_the_next_start()
    {
        var service = corpus.NewService("sigterm", graceSeconds: 60);
        var early = corpus.Sources[^1];
        var late = corpus.Sources.Skip(4).Take(3).ToList();

        // 1. Grace long enough: the batch under way finishes, then the service exits 0.
        await using (var serve = ServeProcess.Start(service.ConfigPath))
        {
            await serve.WaitUntilServingAsync(Startup);
            File.Copy(corpus.PathOf(early), Path.Combine(service.Inbox, early));
            await Wait.UntilAsync(() => service.ClaimedFiles().Count > 0, Processing, "the file to be claimed");
            serve.Terminate();
            (await serve.WaitForExitAsync(TimeSpan.FromSeconds(120))).Should().Be(0, serve.Output);
            serve.Output.Should().Contain("get 60 s to finish");
        }
        service.ClaimedFiles().Should().BeEmpty("the batch finished within the grace");
        service.Manifest().Select(e => e.Source).Should().Equal(early);

        // 2. No grace: the batch under way is cancelled and its files stay parked in their claim.
        service.WriteConfig(corpus.Corpus.RegistryPath, quietSeconds: 1, graceSeconds: 0);
        await using (var serve = ServeProcess.Start(service.ConfigPath))
        {
            await serve.WaitUntilServingAsync(Startup);
            foreach (var source in late) File.Copy(corpus.PathOf(source), Path.Combine(service.Inbox, source));
            await Wait.UntilAsync(() => service.ClaimedFiles().Count > 0 && service.BatchesAtWork() > 0, Processing, "the drop's batch to start");
            serve.Terminate();
            (await serve.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, serve.Output);
            serve.Output.Should().Contain("interrupted by shutdown");
        }
        service.ClaimedFiles().Should().NotBeEmpty("the interrupted batch's files are parked, not lost");

        // 3. The next start adopts the parked claim and finishes it.
        service.WriteConfig(corpus.Corpus.RegistryPath, quietSeconds: 1, graceSeconds: 30);
        await using (var serve = ServeProcess.Start(service.ConfigPath))
        {
            await serve.WaitUntilServingAsync(Startup);
            await Wait.UntilAsync(() => service.AllDone([early, .. late]), Processing, "the parked claim to be finished");
            serve.Terminate();
            (await serve.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, serve.Output);
            serve.Output.Should().Contain("resuming orphaned claim");
        }
        await service.ShouldHaveEachDocumentOnceAsync(corpus, [early, .. late]);
        var (_, batches) = await service.JournalAsync();
        batches.Should().Contain(b => b.Status == BatchStatus.Interrupted, "the cancelled batch is recorded as interrupted");
    }
}
