using System.Collections.Concurrent;
using CaptureChain.Capture.Intake;
using CaptureChain.Classifier.Typing;
using CaptureChain.Ocr;

namespace CaptureChain.Pipeline.Training;

/// <summary>A sample file that could not be read, with why.</summary>
public sealed record UnreadableSample(string Path, string Reason);

/// <summary>
/// Reads a training folder laid out as <c>DIR/&lt;document_type&gt;/*</c> into labelled texts, one document per file:
/// images or PDFs go through the same decoding and OCR as production so the model learns the text it will really see;
/// <c>.txt</c> files are taken as OCR text already (pages separated by form feeds), which is how labelled examples from
/// the review page are added. A file whose name starts with <see cref="CorrectionPrefix"/> is a reviewer's label: it is
/// always trained on and weighted up.
/// </summary>
public static class SampleTexts
{
    /// <summary>File-name prefix of examples exported from review decisions (<c>DIR/&lt;type&gt;/review-&lt;id&gt;.txt</c>).</summary>
    public const string CorrectionPrefix = "review-";

    /// <summary>
    /// Where the OCR text of a sample is kept, keyed by the file's content: retraining (after corrections, or with
    /// other options) does not recognise unchanged samples again. Delete the folder to force a new OCR.
    /// </summary>
    private static string CachePath(string directory, string hash) => Path.Combine(directory, ".ocr-cache", $"{hash}.{Tesseract}.txt");

    private static string FileHash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    // The cache is only valid for the same recognition: a new Tesseract version recognises again.
    private static readonly string Tesseract = OcrEngine.TesseractVersion.Replace('/', '_');

    /// <summary>The per-type folders of a samples folder (hidden folders such as the OCR cache are not types).</summary>
    public static IEnumerable<string> TypeFolders(string directory) =>
        Directory.EnumerateDirectories(directory).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal);

    /// <summary>The sample files of a samples folder with their type, in a stable order.</summary>
    public static IReadOnlyList<(string Type, string File)> Files(string directory) =>
        TypeFolders(directory)
            .SelectMany(typeDir => Directory.EnumerateFiles(typeDir).Where(f => !Path.GetFileName(f).StartsWith('.'))
                .Order(StringComparer.Ordinal).Select(f => (Type: Path.GetFileName(typeDir), File: f)))
            .ToList();

    /// <summary>The labelled texts of every readable sample, and the samples that could not be read.</summary>
    public static async Task<(IReadOnlyList<LabelledText> Samples, IReadOnlyList<UnreadableSample> Unreadable)> ReadAsync(
        string directory, OcrEnginePool engines, IProgress<int>? progress, CancellationToken ct)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"Samples folder '{directory}' does not exist.");
        var files = Files(directory);
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
                    var hash = FileHash(file);
                    var name = Path.GetFileName(file);
                    LabelledText Labelled(string text) => new(text, type)
                    {
                        SampleId = hash,
                        SourceName = type + "/" + name,
                        IsCorrection = name.StartsWith(CorrectionPrefix, StringComparison.Ordinal),
                    };
                    if (string.Equals(Path.GetExtension(file), ".txt", StringComparison.OrdinalIgnoreCase))
                    {
                        texts[i] = Labelled(await File.ReadAllTextAsync(file, token).ConfigureAwait(false));
                        progress?.Report(Interlocked.Increment(ref done));
                        return;
                    }
                    var cached = CachePath(directory, hash);
                    if (File.Exists(cached))
                    {
                        texts[i] = Labelled(await File.ReadAllTextAsync(cached, token).ConfigureAwait(false));
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
                    texts[i] = Labelled(DocumentPages.Join(pages));
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
