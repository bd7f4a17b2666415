using System.Security.Cryptography;
using CaptureChain.Corpus;
using CaptureChain.Filing.Manifest;

namespace CaptureChain.Host.Tests;

/// <summary>A batch killed with SIGKILL half-way and run again files each document exactly once.</summary>
public sealed class ResumeAfterKillTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cc-resume-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Killing_process_halfway_and_running_it_again_files_each_document_exactly_once()
    {
        var corpus = CorpusGenerator.Generate(new CorpusOptions(Path.Combine(_root, "corpus"), Seed: 77, DocumentCount: 10, EnvelopeShare: 0.2));
        var archive = Path.Combine(_root, "archive");
        string[] args = ["process", "--inbox", corpus.InboxDirectory, "--archive", archive, "--registry", corpus.RegistryPath,
            "--model", ProcessedBatch.ShippedModel, "--workers", "2"];

        using (var first = CommandLineRunner.Start(args))
        {
            _ = first.StandardOutput.ReadToEndAsync();
            _ = first.StandardError.ReadToEndAsync();
            // Kill as soon as the first document has been filed: the batch is then certainly half done.
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (CaseFolderPdfs(archive).Count == 0 && !first.HasExited && DateTime.UtcNow < deadline)
                await Task.Delay(100);
            first.HasExited.Should().BeFalse("the batch must still be running when it is killed");
            first.Kill(entireProcessTree: true); // SIGKILL: no cleanup code runs
            await first.WaitForExitAsync();
        }
        var filedBeforeKill = CaseFolderPdfs(archive).Count;
        filedBeforeKill.Should().BeGreaterThan(0);

        var (exit, output) = await CommandLineRunner.RunAsync(TimeSpan.FromMinutes(10), args);
        exit.Should().Be(0, output);

        var manifest = await ManifestWriter.ReadAsync(Path.Combine(archive, "manifest.jsonl"));
        manifest.Select(e => (e.Source, e.FirstPage, e.LastPage)).Should().OnlyHaveUniqueItems()
            .And.BeEquivalentTo(corpus.Documents.Select(d => (d.Source, d.FirstPage, d.LastPage)));

        var filed = manifest.Where(e => e.Status == DocumentStatus.Filed).ToList();
        var pdfs = CaseFolderPdfs(archive);
        pdfs.Should().HaveCount(filed.Count, "every filed document is in its case folder once, and nothing else is");
        pdfs.Select(p => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(p)))).Should().OnlyHaveUniqueItems();
        filed.Select(e => Path.Combine(archive, e.Path!)).Should().BeEquivalentTo(pdfs);
        filed.Count.Should().BeGreaterThan(filedBeforeKill, "the second run must have finished what the first one left");
    }

    // Case folders only: review, quarantine and the store's working files are kept apart (leading '_' or '.').
    private static List<string> CaseFolderPdfs(string archive) => !Directory.Exists(archive) ? [] :
        Directory.EnumerateFiles(archive, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(archive, f).Split('/').Any(part => part.StartsWith('_') || part.StartsWith('.')))
            .Where(f => f.EndsWith(".pdf", StringComparison.Ordinal)).ToList();

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
