using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Host.Tests;

/// <summary><c>./capturechain scan</c> end to end: the real program, its SANE worker, SANE's real test backend.</summary>
public sealed class ScanCommandTests
{
    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CaptureChain.Host.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["OMP_THREAD_LIMIT"] = "1";
        info.Environment["CAPTURECHAIN_DATA"] = Path.Combine(Path.GetTempPath(), "cc-data-" + Guid.NewGuid().ToString("N"));
        info.Environment["SANE_CONFIG_DIR"] = SaneTestWorkers.ConfigDirectory; // inherited by the worker processes
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try { await process.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"capturechain {string.Join(' ', args)} did not finish");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string Registry(string dir)
    {
        var path = Path.Combine(dir, "registry.csv");
        File.WriteAllText(path, "beneficiary_id;nir;caf_number;last_name;first_name;birth_date;case_number;prestation;address;postcode;city\n"
            + "B100001;295109912611193;1234567;DUPONT;Marie;1950-01-02;APA-2024-00001;APA;1 rue des Lilas;86000;Poitiers\n");
        return path;
    }

    [Fact]
    public async Task Scanning_the_feeder_captures_all_ten_pages_into_one_scan_batch_that_accounts_for_every_page()
    {
        var dir = Directory.CreateTempSubdirectory("cc-scan-cli-").FullName;
        var archive = Path.Combine(dir, "archive");
        var (exit, output) = await RunAsync("scan", "--device", "test:0", "--source", "adf", "--archive", archive, "--registry", Registry(dir),
            "--station", "Poste 1", "--operator", "alice");
        exit.Should().Be(0, output);
        output.Should().Contain("completed: feeder empty after 10 page(s)");

        await using var store = await SqliteCaptureStore.OpenAsync(Path.Combine(archive, ".capturechain", "capture.db"));
        var batch = (await store.ListBatchesAsync()).Should().ContainSingle("the whole feeder is one batch").Subject;
        batch.Kind.Should().Be("scan");
        batch.Operator.Should().Be("alice");
        batch.Station.Should().Be("Poste 1");
        batch.Status.Should().Be(BatchStatus.Completed);
        batch.PagesRead.Should().Be(10);
        batch.Inbox.Should().Be(Path.Combine(archive, ".capturechain", "scans"));

        // The journal keeps how the scan ended and where every page went; the buckets add up to the pages scanned.
        var scanStep = (await store.ListStepsAsync(batch.Id)).Should().ContainSingle(s => s.Stage == "scan").Subject;
        scanStep.Outcome.Should().Be("completed");
        using var detail = JsonDocument.Parse(scanStep.DetailJson!);
        int Field(string name) => detail.RootElement.GetProperty(name).GetInt32();
        Field("pages_scanned").Should().Be(10);
        (Field("in_documents") + Field("sheets") + Field("blank") + Field("rejected")).Should().Be(10);

        // One source for the whole scan, named for the manifest like the spec's scan_00012.tif, kept as a 10-page TIFF
        // whose SHA-256 is the documents' source key.
        var documents = await store.ListDocumentsAsync(batch.Id);
        documents.Should().NotBeEmpty();
        var source = documents.Select(d => d.Key.SourceName).Distinct().Should().ContainSingle().Subject;
        source.Should().MatchRegex(@"^scan_\d{8}-\d{6}_Poste-1\.tif$");
        var file = Path.Combine(batch.Inbox!, source);
        TiffDirectory.CountPages(file).Should().Be(10);
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file)));
        documents.Should().OnlyContain(d => d.Key.SourceSha256 == sha);
        documents.Should().OnlyContain(d => d.Key.FirstPage >= 1 && d.Key.LastPage <= 10);
        if (documents.All(d => d.Status != DocumentStatus.Rejected))
            documents.Sum(d => d.Key.LastPage - d.Key.FirstPage + 1).Should().BeGreaterThanOrEqualTo(Field("in_documents"));
        (await store.FindSourceAsync(source, sha))!.Status.Should().BeOneOf(SourceStatus.Done, SourceStatus.Rejected);

        var manifest = await ManifestWriter.ReadAsync(Path.Combine(archive, "manifest.jsonl"));
        manifest.Select(e => (e.Source, e.FirstPage, e.LastPage, e.Status))
            .Should().BeEquivalentTo(documents.Select(d => (d.Key.SourceName, d.Key.FirstPage, d.Key.LastPage, d.Status)));
        Directory.EnumerateDirectories(Path.Combine(batch.Inbox!, ".spool")).Should().BeEmpty("the spool goes once the scan is recorded");
        output.Should().MatchRegex(@"pages scanned\s*│\s*10");
    }

    [Fact]
    public async Task Scan_list_shows_the_test_devices_and_an_absent_device_stops_with_exit_1()
    {
        var (listExit, list) = await RunAsync("scan", "--list");
        listExit.Should().Be(0, list);
        list.Should().Contain("test:0").And.Contain("test:1");

        var dir = Directory.CreateTempSubdirectory("cc-scan-cli-").FullName;
        var (exit, output) = await RunAsync("scan", "--device", "nosuch:0", "--archive", Path.Combine(dir, "archive"), "--registry", Registry(dir));
        exit.Should().Be(1, output);
        output.Should().Contain("Scanner nosuch:0: Invalid argument").And.Contain("--list");
        Regex.IsMatch(output, "Unhandled exception", RegexOptions.IgnoreCase).Should().BeFalse();
    }
}
