using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CaptureChain.Corpus;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Watching;

namespace CaptureChain.Host.Tests.Service;

/// <summary><c>./capturechain serve</c> as a child process: its output, its health URL, SIGTERM and SIGKILL.</summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServeProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>serve --config <paramref name="configPath"/></c>.</summary>
    public static ServeProcess Start(string configPath) => new(CommandLineRunner.Start("serve", "--config", configPath));

    /// <summary>Everything printed so far.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits until the service is up and returns its health URL.</summary>
    public async Task<Uri> WaitUntilServingAsync(TimeSpan timeout)
    {
        await Wait.UntilAsync(() => HealthLine().IsMatch(Output) || HasExited, timeout, "the service to start");
        HasExited.Should().BeFalse($"serve must keep running; it printed:\n{Output}");
        return new Uri(HealthLine().Match(Output).Groups[1].Value);
    }

    /// <summary>Sends SIGTERM, as systemd does to stop a service.</summary>
    public void Terminate() => ServeCorpus.Tool("kill", "-TERM", _process.Id.ToString());

    /// <summary>SIGKILL: no code of the service runs any more.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Waits for the exit and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"serve did not exit within {timeout}; it printed:\n{Output}"); }
        _process.WaitForExit(); // drains the output events
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"Health: (http://\S+/health)")]
    private static partial Regex HealthLine();
}

/// <summary>Polling with a deadline: a hang fails the test with what was awaited instead of blocking the run.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"Waited {timeout} for {what}.");
            await Task.Delay(100);
        }
    }
}

/// <summary>
/// Single-page documents (one file each) generated once for the service tests, with their registry, and the checks every
/// service test makes on an archive: each document once in the manifest and once in its case folder.
/// </summary>
public sealed class ServeCorpus : IDisposable
{
    public ServeCorpus()
    {
        Corpus = CorpusGenerator.Generate(new CorpusOptions(Path.Combine(Root, "corpus"), Seed: 4711, DocumentCount: 8,
            EnvelopeShare: 0, DuplexShare: 0, IncludeBornDigitalPdf: false, RotatedPageShare: 0, ScanNoise: false,
            DocumentTypes: ["rib", "certificat_medical", "justificatif_domicile", "piece_identite", "facture_etablissement"]));
        Corpus.Documents.Should().OnlyContain(d => d.FirstPage == 1 && d.LastPage == 1, "the service tests use single-page files");
        Corpus.Documents.Select(d => d.Source).Should().OnlyHaveUniqueItems();
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "cc-serve-" + Guid.NewGuid().ToString("N"));
    public CorpusResult Corpus { get; }

    /// <summary>The generated files, largest first.</summary>
    public IReadOnlyList<string> Sources => Corpus.Documents.Select(d => d.Source)
        .OrderByDescending(s => new FileInfo(PathOf(s)).Length).ThenBy(s => s, StringComparer.Ordinal).ToList();

    public string PathOf(string source) => Path.Combine(Corpus.InboxDirectory, source);

    /// <summary>A test's own folders and configuration; the inbox is watched with short quiet periods.</summary>
    public ServiceFolders NewService(string name, double quietSeconds = 1, double graceSeconds = 30, int maxFilesPerBatch = 200)
    {
        var root = Path.Combine(Root, name);
        var folders = new ServiceFolders(root, Path.Combine(root, "inbox"), Path.Combine(root, "archive"), Path.Combine(root, "capturechain.json"));
        Directory.CreateDirectory(folders.Inbox);
        folders.WriteConfig(Corpus.RegistryPath, quietSeconds, graceSeconds, maxFilesPerBatch);
        return folders;
    }

    /// <summary>Runs a command-line tool; fails the test on a non-zero exit.</summary>
    public static void Tool(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        p.ExitCode.Should().Be(0, $"{file} {string.Join(' ', args)} failed: {error}");
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

/// <summary>One test's inbox, archive and configuration file, and what can be read from them.</summary>
public sealed record ServiceFolders(string Root, string Inbox, string Archive, string ConfigPath)
{
    public string ManifestPath => Path.Combine(Archive, "manifest.jsonl");

    public void WriteConfig(string registry, double quietSeconds, double graceSeconds, int maxFilesPerBatch = 200) =>
        File.WriteAllText(ConfigPath, JsonSerializer.Serialize(new
        {
            archive = "archive",
            registry,
            model = Path.Combine(AppContext.BaseDirectory, "models", "doctype.zip"),
            ocrWorkers = 1,
            shutdownGraceSeconds = graceSeconds,
            web = new { bind = "127.0.0.1", port = 0 },
            inboxes = new[]
            {
                new { name = "station-test", path = "inbox", quietSeconds, pollSeconds = 0.5, dropWindowSeconds = 3, maxFilesPerBatch },
            },
        }));

    /// <summary>The manifest as written by the service (empty before its first write).</summary>
    public IReadOnlyList<ManifestEntry> Manifest() =>
        File.Exists(ManifestPath) ? ManifestWriter.ReadAsync(ManifestPath).GetAwaiter().GetResult() : [];

    /// <summary>Input files in claim folders (claimed and not settled).</summary>
    public IReadOnlyList<string> ClaimedFiles()
    {
        var claims = Path.Combine(Inbox, InboxClaim.ClaimsFolderName);
        return !Directory.Exists(claims) ? [] :
            Directory.EnumerateFiles(claims, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != ".owner.lock").ToList();
    }

    /// <summary>Files moved to <c>.processed</c>, by their inbox name.</summary>
    public IReadOnlyList<string> ProcessedNames()
    {
        var processed = Path.Combine(Inbox, InboxClaim.ProcessedFolderName);
        return !Directory.Exists(processed) ? [] :
            Directory.EnumerateFiles(processed, "*", SearchOption.AllDirectories)
                .Select(f => string.Join('/', Path.GetRelativePath(processed, f).Split('/').Skip(1))).ToList();
    }

    /// <summary>PDFs in case folders (not review, quarantine or the store's files).</summary>
    public IReadOnlyList<string> CaseFolderPdfs() => !Directory.Exists(Archive) ? [] :
        Directory.EnumerateFiles(Archive, "*.pdf", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(Archive, f).Split('/').Any(part => part.StartsWith('_') || part.StartsWith('.'))).ToList();

    /// <summary>Every output PDF so far, review included.</summary>
    public int OutputPdfCount() => !Directory.Exists(Archive) ? 0 :
        Directory.EnumerateFiles(Archive, "*.pdf", SearchOption.AllDirectories)
            .Count(f => !Path.GetRelativePath(Archive, f).Split('/').Any(part => part.StartsWith('.')));

    /// <summary>Batches with a working folder now (started and not ended).</summary>
    public int BatchesAtWork()
    {
        var work = Path.Combine(Archive, ".capturechain", "work");
        return Directory.Exists(work) ? Directory.EnumerateDirectories(work).Count() : 0;
    }

    /// <summary>True once every source has its manifest lines and nothing is left in a claim.</summary>
    public bool AllDone(IEnumerable<string> sources)
    {
        try { return ClaimedFiles().Count == 0 && sources.All(s => Manifest().Any(e => e.Source == s)); }
        catch (IOException) { return false; } // the manifest is being replaced
    }

    /// <summary>The journal's claim settlements (stage <c>watch</c>) of every batch, and the batches, read after the services stopped.</summary>
    public async Task<(IReadOnlyList<JournalStep> Settlements, IReadOnlyList<BatchSummary> Batches)> JournalAsync()
    {
        await using var store = await SqliteCaptureStore.OpenAsync(Path.Combine(Archive, ".capturechain", "capture.db"));
        var batches = await store.ListBatchesAsync();
        var steps = new List<JournalStep>();
        foreach (var batch in batches) steps.AddRange((await store.ListStepsAsync(batch.Id)).Where(s => s.Stage == CaptureRun.WatchStage));
        return (steps, batches);
    }

    /// <summary>
    /// Each expected document is in the manifest exactly once under its inbox name, each filed one is once in its case
    /// folder (no second copy anywhere), and each source was settled by exactly one claim.
    /// </summary>
    public async Task ShouldHaveEachDocumentOnceAsync(ServeCorpus corpus, IReadOnlyCollection<string> sources)
    {
        var manifest = Manifest();
        var expected = corpus.Corpus.Documents.Where(d => sources.Contains(d.Source)).Select(d => (d.Source, d.FirstPage, d.LastPage));
        manifest.Select(e => (e.Source, e.FirstPage, e.LastPage)).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(expected);
        manifest.Should().OnlyContain(e => e.Status != DocumentStatus.Rejected, "every file was complete when it was taken");

        var filed = manifest.Where(e => e.Status == DocumentStatus.Filed).ToList();
        var pdfs = CaseFolderPdfs();
        pdfs.Should().HaveCount(filed.Count, "every filed document is in its case folder once, and nothing else is");
        pdfs.Select(p => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(p)))).Should().OnlyHaveUniqueItems();
        filed.Select(e => Path.Combine(Archive, e.Path!)).Should().BeEquivalentTo(pdfs);

        ProcessedNames().Should().BeEquivalentTo(sources, "each file leaves its claim once, when its outcome is recorded");
        foreach (var source in sources)
            File.ReadAllBytes(Directory.EnumerateFiles(Path.Combine(Inbox, InboxClaim.ProcessedFolderName), Path.GetFileName(source), SearchOption.AllDirectories).Single())
                .Should().Equal(File.ReadAllBytes(corpus.PathOf(source)), "the file processed is the whole file dropped");

        var (settlements, _) = await JournalAsync();
        // Every batch over a claim journals each of its files when it ends: a file processed twice shows twice.
        settlements.Select(s => s.Item).Should().BeEquivalentTo(sources, "each source is processed by exactly one batch");
        settlements.Should().OnlyContain(s => s.Outcome == "moved_to_processed");
    }
}
