using System.Diagnostics;
using System.Text.Json;
using CaptureChain.Corpus;
using CaptureChain.Corpus.Output;
using CaptureChain.Corpus.Truth;
using CaptureChain.Filing.Manifest;
using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Records;

namespace CaptureChain.Host.Tests;

/// <summary>
/// One real batch shared by the end-to-end tests: a generated corpus (envelopes, duplex backs, rotated pages,
/// homonyms, people missing from the registry) plus the six broken inputs, run through the whole chain with real
/// Tesseract, zbar, poppler, qpdf and SQLite and the shipped model.
/// </summary>
public sealed class ProcessedBatch : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "cc-batch-" + Guid.NewGuid().ToString("N"));
    public CorpusResult Corpus { get; private set; } = null!;
    public IReadOnlyDictionary<string, string> BadInputs { get; private set; } = null!;
    public IReadOnlyList<ManifestEntry> Manifest { get; private set; } = null!;
    public BatchReport Report { get; private set; } = null!;
    public string Archive => Path.Combine(Root, "archive");

    public static string ShippedModel => Path.Combine(AppContext.BaseDirectory, "models", "doctype.zip");

    public async Task InitializeAsync()
    {
        Corpus = CorpusGenerator.Generate(new CorpusOptions(Path.Combine(Root, "corpus"), Seed: 424242, DocumentCount: 14,
            EnvelopeShare: 0.3, DuplexShare: 0.2, MissingFromRegistryShare: 0.3, HomonymShare: 0.2, RotatedPageShare: 0.1));
        BadInputs = CaptureChain.Corpus.Output.BadInputs.WriteAll(Corpus.InboxDirectory);
        await using var run = await CaptureRun.OpenAsync(new CaptureOptions(Archive, Corpus.RegistryPath, ShippedModel, OcrWorkers: 2));
        Report = await run.ProcessInboxAsync(Corpus.InboxDirectory, CaptureDefaults.None, null, CancellationToken.None);
        Manifest = await run.WriteManifestAsync(Corpus.InboxDirectory, Path.Combine(Archive, "manifest.jsonl"), CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    /// <summary>Runs a command-line tool and returns its standard output; fails the test on a non-zero exit.</summary>
    public static string Tool(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        p.ExitCode.Should().Be(0, $"{file} {string.Join(' ', args)} failed: {error}");
        return output;
    }
}
