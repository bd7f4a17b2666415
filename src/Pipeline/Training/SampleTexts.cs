using System.Collections.Concurrent;
using CaptureChain.Capture.Intake;
using CaptureChain.Classifier.Typing;
using CaptureChain.Ocr;

namespace CaptureChain.Pipeline.Training;

/// <summary>A sample file that could not be read, with why.</summary>
public sealed record UnreadableSample(string Path, string Reason);

/// <summary>
/// Reads a training folder laid out as <c>DIR/&lt;document_type&gt;/*</c> (images or PDFs, one document per file) into
/// labelled texts, through the same decoding and OCR as production so the model learns the text it will really see.
/// </summary>
public static class SampleTexts
{
    /// <summary>
    /// Where the OCR text of a sample is kept, keyed by the file's content: retraining (after corrections, or with
    /// other options) does not recognise unchanged samples again. Delete the folder to force a new OCR.
    /// </summary>
    private static string CachePath(string directory, string file)
    {
        using var stream = File.OpenRead(file);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
        return Path.Combine(directory, ".ocr-cache", $"{hash}.{Tesseract}.txt");
    }

    // The cache is only valid for the same recognition: a new Tesseract version recognises again.
    private static readonly string Tesseract = OcrEngine.TesseractVersion.Replace('/', '_');

    /// <summary>The per-type folders of a samples folder (hidden folders such as the OCR cache are not types).</summary>
    public static IEnumerable<string> TypeFolders(string directory) =>
        Directory.EnumerateDirectories(directory).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal);

    /// <summary>The labelled texts of every readable sample, and the samples that could not be read.</summary>
    public static async Task<(IReadOnlyList<LabelledText> Samples, IReadOnlyList<UnreadableSample> Unreadable)> ReadAsync(
        string directory, OcrEnginePool engines, IProgress<int>? progress, CancellationToken ct)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"Samples folder '{directory}' does not exist.");
        var files = TypeFolders(directory)
            .SelectMany(typeDir => Directory.EnumerateFiles(typeDir).Where(f => !Path.GetFileName(f).StartsWith('.'))
                .Order(StringComparer.Ordinal).Select(f => (Type: Path.GetFileName(typeDir), File: f)))
            .ToList();
        var decoder = new SourceDecoder();
        var texts = new ConcurrentDictionary<int, LabelledText>();
        var unreadable = new ConcurrentBag<UnreadableSample>();
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), new ParallelOptions { MaxDegreeOfParallelism = engines.Size, CancellationToken = ct },
            async (i, token) =>
            {
                var (type, file) = files[i];
                try
                {
                    var cached = CachePath(directory, file);
                    if (File.Exists(cached))
                    {
                        texts[i] = new LabelledText(await File.ReadAllTextAsync(cached, token).ConfigureAwait(false), type);
                        progress?.Report(Interlocked.Increment(ref done));
                        return;
                    }
                    var pages = new List<string>();
                    await foreach (var page in decoder.ReadPagesAsync(file, token).ConfigureAwait(false))
                        using (page)
                        {
                            if (page.TextLayer is { } layer) { pages.Add(layer); continue; }
                            var outcome = await engines.ProcessAsync(page.Image, null, token).ConfigureAwait(false);
                            if (outcome.Result is { } result) pages.Add(result.Text);
                        }
                    texts[i] = new LabelledText(string.Join("\n\f\n", pages), type);
                    Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
                    await File.WriteAllTextAsync(cached, texts[i].Text, token).ConfigureAwait(false);
                }
                catch (SourceRejectedException e)
                {
                    unreadable.Add(new UnreadableSample(file, e.Rejection.Code));
                }
                progress?.Report(Interlocked.Increment(ref done));
            }).ConfigureAwait(false);
        return (texts.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToList(), unreadable.ToList());
    }
}
