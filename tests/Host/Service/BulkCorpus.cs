using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using CaptureChain.Corpus;
using CaptureChain.Corpus.Truth;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using CaptureChain.Pipeline;

namespace CaptureChain.Host.Tests.Service;

/// <summary>
/// A legacy archive for the bulk tests: single-page documents generated once, copied into a folder tree several levels
/// deep (as a département's archive boxes), with the registry; and the checks every bulk test makes.
/// </summary>
public sealed partial class BulkCorpus : IDisposable
{
    private readonly Lazy<(CorpusResult Corpus, string Tree, IReadOnlyDictionary<string, TruthDocument> ByPath)>[] _sets;

    public BulkCorpus()
    {
        _sets = [new(() => Make("small", 4712, 14)), new(() => Make("large", 4713, 200))];
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "cc-bulk-" + Guid.NewGuid().ToString("N"));

    /// <summary>14 documents (the window test).</summary>
    public (CorpusResult Corpus, string Tree, IReadOnlyDictionary<string, TruthDocument> ByPath) Small => _sets[0].Value;

    /// <summary>200 documents (the cluster test).</summary>
    public (CorpusResult Corpus, string Tree, IReadOnlyDictionary<string, TruthDocument> ByPath) Large => _sets[1].Value;

    private (CorpusResult, string, IReadOnlyDictionary<string, TruthDocument>) Make(string name, int seed, int documents)
    {
        var corpus = CorpusGenerator.Generate(new CorpusOptions(Path.Combine(Root, name, "corpus"), Seed: seed, DocumentCount: documents * 3 / 2 + 6,
            EnvelopeShare: 0, DuplexShare: 0, IncludeBornDigitalPdf: false, RotatedPageShare: 0, ScanNoise: false,
            DocumentTypes: ["rib", "certificat_medical", "justificatif_domicile", "piece_identite", "facture_etablissement"]));
        // Single-page files only (one document each, no sheet): cheap to process, so the tests stay short.
        var sheeted = corpus.SheetPages.Select(p => p.Source).ToHashSet(StringComparer.Ordinal);
        var chosen = corpus.Documents.GroupBy(d => d.Source)
            .Where(g => g.Count() == 1 && g.Single() is { FirstPage: 1, LastPage: 1 } && !sheeted.Contains(g.Key))
            .Select(g => g.Single()).OrderBy(d => d.Source, StringComparer.Ordinal).Take(documents).ToList();
        chosen.Should().HaveCount(documents, "the corpus has enough single-page files");
        // Boxes and folders, as legacy archives are kept; a hidden file and folder that must not be taken as input.
        var tree = Path.Combine(Root, name, "legacy");
        var byPath = new Dictionary<string, TruthDocument>(StringComparer.Ordinal);
        foreach (var (document, i) in chosen.Select((d, i) => (d, i)))
        {
            var relative = $"boite-{i % 3:00}/dossier-{i % 7:000}/{Path.GetFileName(document.Source)}";
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(tree, relative))!);
            File.Copy(Path.Combine(corpus.InboxDirectory, document.Source), Path.Combine(tree, relative));
            byPath.Add(relative, document);
        }
        File.WriteAllText(Path.Combine(tree, ".DS_Store"), "not a scan");
        Directory.CreateDirectory(Path.Combine(tree, ".trash"));
        File.WriteAllText(Path.Combine(tree, ".trash", "old.txt"), "not a scan");
        return (corpus, tree, byPath);
    }

    /// <summary>Writes a serve configuration with one bulk job over <paramref name="tree"/>.</summary>
    public static void WriteConfig(string path, string registry, string tree, string? store, string cron, string duration, int parallelism,
        double leaseSeconds, double closeGraceSeconds, double shutdownGraceSeconds = 30) =>
        File.WriteAllText(path, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["archive"] = "archive",
            ["registry"] = registry,
            ["model"] = Path.Combine(AppContext.BaseDirectory, "models", "doctype.zip"),
            ["store"] = store,
            ["ocrWorkers"] = 1,
            ["shutdownGraceSeconds"] = shutdownGraceSeconds,
            ["web"] = new { bind = "127.0.0.1", port = 0 },
            ["bulkJobs"] = new[]
            {
                new
                {
                    name = "legacy", source = tree, defaults = new { @operator = "night-shift" },
                    window = new { cron, duration }, parallelism, leaseSeconds, closeGraceSeconds, pollSeconds = 1,
                },
            },
        }));

    /// <summary>The job's manifest as written (empty before its first write or while it is being replaced).</summary>
    public static IReadOnlyList<ManifestEntry> Manifest(string archive)
    {
        var path = Path.Combine(archive, "manifests", "legacy.jsonl");
        try { return File.Exists(path) ? ManifestWriter.ReadAsync(path).GetAwaiter().GetResult() : []; }
        catch (IOException) { return []; }
    }

    /// <summary>The window reports written so far (HTML).</summary>
    public static IReadOnlyList<string> Reports(string archive)
    {
        var folder = Path.Combine(archive, "reports", "bulk", "legacy");
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.html").Order(StringComparer.Ordinal).ToList() : [];
    }

    /// <summary>
    /// Every document of the tree is in the manifest exactly once with its truth's pages; each filed one is once in its
    /// case folder and nowhere else (no PDF twice); each file was settled once by the bulk work (journal, stage
    /// <c>bulk</c>: only later runs finding it already done may add <c>already_done</c>); every backlog item is done.
    /// </summary>
    public static async Task ShouldHaveEachDocumentOnceAsync(IReadOnlyDictionary<string, TruthDocument> truth, string archive, ICaptureStore store,
        bool nodeKilled = false)
    {
        var manifest = Manifest(archive);
        manifest.Select(e => (e.Source, e.FirstPage, e.LastPage)).Should().OnlyHaveUniqueItems()
            .And.BeEquivalentTo(truth.Select(t => (t.Key, t.Value.FirstPage, t.Value.LastPage)), "every document exactly once, none skipped");
        manifest.Should().OnlyContain(e => e.Status != DocumentStatus.Rejected);

        var filed = manifest.Where(e => e.Status == DocumentStatus.Filed).ToList();
        var pdfs = Directory.EnumerateFiles(archive, "*.pdf", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(archive, f).Split('/').Any(part => part.StartsWith('_') || part.StartsWith('.'))).ToList();
        pdfs.Should().HaveCount(filed.Count, "every filed document is in its case folder once, and nothing else is");
        filed.Select(e => Path.Combine(archive, e.Path!)).Should().BeEquivalentTo(pdfs);
        Directory.EnumerateFiles(archive, "*.pdf", SearchOption.AllDirectories).Where(f => !f.Contains("/.", StringComparison.Ordinal))
            .Select(p => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(p)))).Should().OnlyHaveUniqueItems("no document is placed twice");
        filed.GroupBy(e => (e.Source, e.FirstPage)).Should().OnlyContain(g => g.Select(e => e.CaseNumber).Distinct().Count() == 1,
            "no document is in two case folders");

        var batches = (await store.ListBatchesAsync()).Where(b => b.Kind == CaptureRun.BulkKind).ToList();
        var settlements = new List<JournalStep>();
        foreach (var batch in batches) settlements.AddRange((await store.ListStepsAsync(batch.Id)).Where(s => s.Stage == CaptureRun.BulkKind));
        settlements.Should().OnlyContain(s => s.Outcome == "done" || s.Outcome == "already_done",
            $"the bulk batches ({batches.Count} of {(await store.ListBatchesAsync()).Count}) journal each settlement");
        settlements.Select(s => s.Item).Distinct().Should().BeEquivalentTo(truth.Keys, "every file is settled, none skipped");
        var processed = settlements.Where(s => s.Outcome == "done").Select(s => s.Item).ToList();
        processed.Should().OnlyHaveUniqueItems("no file is processed to its outcome twice across windows and nodes");
        // A node killed between the journal's outcome and its own record of it leaves the file to be found already done.
        if (!nodeKilled) processed.Should().BeEquivalentTo(truth.Keys);

        var items = await store.ListBacklogItemsAsync("legacy", limit: 100_000);
        items.Select(i => i.RelativePath).Should().BeEquivalentTo(truth.Keys, "the backlog holds the tree's files, hidden ones excepted");
        items.Should().OnlyContain(i => i.State == BacklogItemState.Done && i.Pages == 1);
        var progress = await store.GetBacklogProgressAsync("legacy");
        progress.Should().BeEquivalentTo(new BacklogProgress("legacy", truth.Count, 0, 0, truth.Count, 0, truth.Count, true));
    }

    /// <summary>Counts of files parked at windows' closes, from the nodes' logs.</summary>
    public static int ParkedInLogs(string output) => ParkedLine().Matches(output).Sum(m => int.Parse(m.Groups[1].Value));

    [GeneratedRegex(@"(\d+) parked")]
    private static partial Regex ParkedLine();

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
