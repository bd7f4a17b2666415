using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using CaptureChain.Capture.Sheets;
using CaptureChain.Corpus.Documents;
using CaptureChain.Corpus.Output;
using CaptureChain.Corpus.Population;
using CaptureChain.Corpus.Scanning;
using CaptureChain.Corpus.Truth;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Corpus;

/// <summary>
/// What to generate. <see cref="DocumentCount"/> counts expected output documents (envelopes hold several).
/// <see cref="EnvelopeShare"/> and <see cref="DuplexShare"/> are shares of input files; the registry and homonym
/// shares are shares of documents' subjects. <see cref="ShuffleRegistryColumns"/> writes the registry columns in a
/// seed-dependent order (the spec allows any order); the default keeps the spec's order. <see cref="UnseparatedShare"/>
/// is the share of input files that hold 2–4 documents of one person scanned in a row without any sheet (automatic
/// separation must find the cuts); 0, the default, draws nothing so that existing seeds give the same corpus.
/// </summary>
public sealed record CorpusOptions(
    string OutputDirectory,
    int Seed,
    int DocumentCount,
    double EnvelopeShare = 0.15,
    double DuplexShare = 0.05,
    double MissingFromRegistryShare = 0.05,
    double HomonymShare = 0.1,
    bool IncludeBornDigitalPdf = true,
    int? RegistrySize = null,
    double RotatedPageShare = 0.03,
    IReadOnlyList<string>? DocumentTypes = null,
    bool ScanNoise = true,
    int MaxDegreeOfParallelism = 0,
    bool ShuffleRegistryColumns = false,
    double UnseparatedShare = 0);

/// <summary>Where the corpus went and what is in it.</summary>
public sealed record CorpusResult(
    string InboxDirectory,
    string RegistryPath,
    string TruthPath,
    IReadOnlyList<Person> Registry,
    IReadOnlyList<TruthDocument> Documents,
    IReadOnlyList<TruthSheetPage> SheetPages,
    int FileCount,
    int PageCount,
    TimeSpan Elapsed);

/// <summary>
/// Generates the test and demo corpus: an inbox of scanned-looking French social-aid documents (PNG, JPEG, TIFF,
/// scanned and born-digital PDF, envelopes with cover and separator sheets, duplex scans with blank backs), the
/// beneficiary registry CSV (shared spec §2) and truth.jsonl. The same options give the same bytes.
/// </summary>
public static class CorpusGenerator
{
    private enum FileFormat { Png, Jpeg, Tiff, ScannedPdf, BornDigitalPdf }

    private sealed record DocPlan(DocumentSpec Spec, ComposedDocument Composed, int[] QuarterTurns);

    private sealed record FilePlan(int Index, string Name, FileFormat Format, ImageFileFormat TiffCompression, ScanProfile Profile,
        Person Subject, bool Envelope, bool Duplex, IReadOnlyList<DocPlan> Documents, int Seed, bool Unseparated = false);

    // One corpus is drawn at a time in a process (each with every core): cairo's FreeType font cache fails under
    // several generators drawing at once (test fixtures of one assembly do), even with the per-page retries.
    private static readonly Lock DrawingGate = new();

    /// <summary>Writes <c>inbox/*</c>, <c>registry.csv</c> and <c>truth.jsonl</c> under <see cref="CorpusOptions.OutputDirectory"/>.</summary>
    public static CorpusResult Generate(CorpusOptions options, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.DocumentCount, 1);
        var clock = Stopwatch.StartNew();
        var types = options.DocumentTypes ?? Documents.DocumentTypes.All;
        var unknown = types.Except(Documents.DocumentTypes.All).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"Unknown document types: {string.Join(", ", unknown)}", nameof(options));

        var rng = new Random(options.Seed);
        var registrySize = options.RegistrySize ?? Math.Max(30, options.DocumentCount * 3 / 2);
        var outsiders = Math.Max(2, (int)Math.Ceiling(options.DocumentCount * options.MissingFromRegistryShare * 1.5));
        var population = new PopulationGenerator(rng.Next()).Generate(registrySize, options.HomonymShare, outsiders);

        var inbox = Path.Combine(options.OutputDirectory, "inbox");
        Directory.CreateDirectory(inbox);
        var registryPath = Path.Combine(options.OutputDirectory, "registry.csv");
        RegistryCsv.Write(registryPath, population.Registry,
            options.ShuffleRegistryColumns ? RegistryCsv.Columns.OrderBy(_ => rng.Next()).ToList() : null);

        var plans = Plan(options, types, population, rng);

        var documents = new ConcurrentBag<TruthDocument>();
        var sheets = new ConcurrentBag<TruthSheetPage>();
        var pageCount = 0;
        lock (DrawingGate)
        using (var pool = new CanvasPool())
        {
            Parallel.ForEach(plans,
                new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = options.MaxDegreeOfParallelism > 0 ? options.MaxDegreeOfParallelism : Environment.ProcessorCount },
                plan =>
                {
                    var (docs, sheetPages, pages) = WriteFile(plan, inbox, pool);
                    foreach (var d in docs) documents.Add(d);
                    foreach (var s in sheetPages) sheets.Add(s);
                    Interlocked.Add(ref pageCount, pages);
                });
        }

        var orderedDocs = documents.OrderBy(d => d.Source, StringComparer.Ordinal).ThenBy(d => d.FirstPage).ToList();
        var orderedSheets = sheets.OrderBy(s => s.Source, StringComparer.Ordinal).ThenBy(s => s.Page).ToList();
        var truthPath = Path.Combine(options.OutputDirectory, "truth.jsonl");
        var sb = new StringBuilder();
        // Lines sorted by file and page, documents and loose pages interleaved, so the file reads like the inbox.
        var lines = orderedDocs.Select(d => (d.Source, d.FirstPage, TruthJson.Line(d)))
            .Concat(orderedSheets.Select(s => (s.Source, FirstPage: s.Page, TruthJson.Line(s))))
            .OrderBy(l => l.Source, StringComparer.Ordinal).ThenBy(l => l.FirstPage);
        foreach (var (_, _, line) in lines) sb.Append(line).Append('\n');
        File.WriteAllText(truthPath, sb.ToString(), new UTF8Encoding(false));

        return new CorpusResult(inbox, registryPath, truthPath, population.Registry, orderedDocs, orderedSheets, plans.Count, pageCount, clock.Elapsed);
    }

    /// <summary>
    /// Writes training samples <c>&lt;directory&gt;/&lt;document_type&gt;/&lt;n&gt;.png|.jpg|.tif</c>, one document per file, in every
    /// layout variant with scan noise, for <c>train</c>. By default each sample is the whole document, as the
    /// classifier sees it in production (a one-page document as PNG when bitonal or JPEG otherwise, a longer one as a
    /// multi-page TIFF); <paramref name="firstPagesOnly"/> writes only first pages (the format of earlier versions).
    /// </summary>
    public static IReadOnlyDictionary<string, int> GenerateTrainingSamples(string directory, int perType, int seed, CancellationToken ct = default,
        bool firstPagesOnly = false, IReadOnlyList<string>? documentTypes = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perType, 1);
        var types = documentTypes ?? DocumentTypes.All;
        var rng = new Random(seed);
        var population = new PopulationGenerator(rng.Next()).Generate(Math.Max(30, perType * 4), 0.1, 10);
        var people = population.Registry.Concat(population.Outsiders).ToList();
        var jobs = new List<(string Type, int N, DocumentSpec Spec)>();
        foreach (var type in types)
        {
            Directory.CreateDirectory(Path.Combine(directory, type));
            for (var n = 0; n < perType; n++)
            {
                var profile = ScanProfile.Random(rng);
                // Cycle the layout variants so that every variant is in the training set, not only the likely ones.
                jobs.Add((type, n, new DocumentSpec(type, people[rng.Next(people.Count)], rng.Next(), Variant: n, Scan: profile)));
            }
        }
        var counts = new ConcurrentDictionary<string, int>();
        // Templates compose with shared state: compose every draft here, in order, and only draw in parallel
        // (composing in parallel mixed pages of different documents and mislabelled samples).
        var drafts = jobs.Select(job => (Job: job, Draft: Templates.Compose(job.Spec))).ToList();
        lock (DrawingGate)
        {
            using var pool = new CanvasPool();
            Parallel.ForEach(drafts, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount }, item =>
            {
                var (job, draft) = item;
                var profile = job.Spec.Scan!;
                var pageCount = firstPagesOnly ? 1 : draft.Pages.Count;
                var pages = new List<PageImage>(pageCount);
                try
                {
                    for (var i = 0; i < pageCount; i++)
                    {
                        var grey = DocumentRenderer.DrawGrey(draft, i, profile.Dpi, pool, out var w, out var h);
                        pages.Add(ScanNoise.FromCleanGrey(grey, w, h, profile.Dpi, profile, DocumentRenderer.PageRandom(job.Spec.Seed, i, "scan")));
                    }
                    var path = Path.Combine(directory, job.Type, $"{job.N:0000}");
                    if (pages.Count > 1)
                        PageImage.SaveMultipageTiff(path + ".tif", pages, profile.Mode switch
                        {
                            ScanColourMode.Bitonal => ImageFileFormat.TiffG4,
                            ScanColourMode.Colour => ImageFileFormat.TiffJpeg,
                            _ => ImageFileFormat.TiffLzw,
                        });
                    else if (pages[0].Depth == 1) pages[0].Save(path + ".png", ImageFileFormat.Png);
                    else File.WriteAllBytes(path + ".jpg", pages[0].EncodeJpeg(85));
                }
                finally
                {
                    foreach (var page in pages) page.Dispose();
                }
                counts.AddOrUpdate(job.Type, 1, (_, c) => c + 1);
            });
        }
        return counts;
    }

    // ---- planning: every random decision happens here, sequentially, so rendering can run in parallel ----------

    private static List<FilePlan> Plan(CorpusOptions options, IReadOnlyList<string> types, BeneficiaryPopulation population, Random rng)
    {
        var plans = new List<FilePlan>();
        var homonyms = population.RegistryHomonyms;
        var planned = 0;
        var index = 0;
        while (planned < options.DocumentCount)
        {
            index++;
            var remaining = options.DocumentCount - planned;
            var envelope = remaining >= 2 && rng.NextDouble() < options.EnvelopeShare;
            // Drawn only when asked for, so that corpora of existing seeds stay byte-identical.
            var unseparated = !envelope && remaining >= 2 && options.UnseparatedShare > 0 && rng.NextDouble() < options.UnseparatedShare;
            var profile = options.ScanNoise ? ScanProfile.Random(rng) : ScanProfile.Clean with { Dpi = rng.Next(100) < 85 ? 300 : 200 };
            var fileSeed = rng.Next();
            if (unseparated)
            {
                // Several documents of one person fed in one go, no sheet between them: a TIFF or a scanned PDF.
                var subject = PickSubject(options, population, homonyms, rng);
                var count = Math.Min(remaining, rng.Next(2, 5));
                var docs = types.OrderBy(_ => rng.Next()).Take(count)
                    .Select(t => PlanDocument(t, subject, profile, rng, options, allowRotation: true)).ToList();
                var pdf = rng.Next(100) < 40;
                plans.Add(new FilePlan(index, $"stack_{index:00000}.{(pdf ? "pdf" : "tif")}", pdf ? FileFormat.ScannedPdf : FileFormat.Tiff,
                    TiffCompressionFor(profile, rng), profile, subject, Envelope: false, Duplex: false, docs, fileSeed, Unseparated: true));
                planned += docs.Count;
                continue;
            }
            if (envelope)
            {
                var subject = rng.NextDouble() < options.HomonymShare && homonyms.Count > 0
                    ? homonyms[rng.Next(homonyms.Count)]
                    : population.Registry[rng.Next(population.Registry.Count)];
                var count = Math.Min(remaining, rng.Next(2, 5));
                var docs = types.OrderBy(_ => rng.Next()).Take(count)
                    .Select(t => PlanDocument(t, subject, profile, rng, options, allowRotation: true)).ToList();
                // Envelopes come off a production scanner: a TIFF (G4 when bitonal) or a scanned PDF.
                var pdf = rng.Next(100) < 40;
                var compression = TiffCompressionFor(profile, rng);
                plans.Add(new FilePlan(index, $"scan_{index:00000}.{(pdf ? "pdf" : "tif")}", pdf ? FileFormat.ScannedPdf : FileFormat.Tiff,
                    compression, profile, subject, Envelope: true, Duplex: false, docs, fileSeed));
                planned += docs.Count;
                continue;
            }

            var person = PickSubject(options, population, homonyms, rng);
            var type = types[rng.Next(types.Count)];
            if (options.IncludeBornDigitalPdf && Documents.DocumentTypes.OftenBornDigital.Contains(type) && rng.Next(100) < 15)
            {
                var spec = new DocumentSpec(type, person, rng.Next());
                var composed = DocumentRenderer.Describe(spec);
                plans.Add(new FilePlan(index, $"doc_{index:00000}.pdf", FileFormat.BornDigitalPdf, ImageFileFormat.TiffLzw, ScanProfile.Clean,
                    person, false, false, [new DocPlan(spec, composed, new int[composed.PageCount])], fileSeed));
                planned++;
                continue;
            }
            var duplex = rng.NextDouble() < options.DuplexShare;
            var doc = PlanDocument(type, person, profile, rng, options, allowRotation: true);
            var format = doc.Composed.PageCount > 1 || duplex
                ? (rng.Next(100) < 55 ? FileFormat.ScannedPdf : FileFormat.Tiff)
                : rng.Next(100) switch { < 25 => FileFormat.Png, < 45 => FileFormat.Jpeg, < 70 => FileFormat.Tiff, _ => FileFormat.ScannedPdf };
            if (format == FileFormat.Jpeg && profile.Mode == ScanColourMode.Bitonal)
                profile = profile with { Mode = ScanColourMode.Grey }; // nobody saves a thresholded scan as JPEG
            var ext = format switch { FileFormat.Png => "png", FileFormat.Jpeg => "jpg", FileFormat.Tiff => "tif", _ => "pdf" };
            plans.Add(new FilePlan(index, $"scan_{index:00000}.{ext}", format, TiffCompressionFor(profile, rng), profile, person,
                Envelope: false, duplex, [doc with { Spec = doc.Spec with { Scan = profile } }], fileSeed));
            planned++;
        }
        return plans;
    }

    private static Person PickSubject(CorpusOptions options, BeneficiaryPopulation population, IReadOnlyList<Person> homonyms, Random rng)
    {
        var roll = rng.NextDouble();
        if (roll < options.MissingFromRegistryShare && population.Outsiders.Count > 0)
            return population.Outsiders[rng.Next(population.Outsiders.Count)];
        if (roll < options.MissingFromRegistryShare + options.HomonymShare && homonyms.Count > 0)
            return homonyms[rng.Next(homonyms.Count)];
        return population.Registry[rng.Next(population.Registry.Count)];
    }

    private static DocPlan PlanDocument(string type, Person subject, ScanProfile profile, Random rng, CorpusOptions options, bool allowRotation)
    {
        var spec = new DocumentSpec(type, subject, rng.Next(), Scan: profile);
        var composed = DocumentRenderer.Describe(spec);
        var turns = new int[composed.PageCount];
        for (var i = 0; i < turns.Length; i++)
            if (allowRotation && rng.NextDouble() < options.RotatedPageShare)
                turns[i] = rng.Next(100) < 60 ? 2 : rng.Next(2) == 0 ? 1 : 3;
        return new DocPlan(spec, composed, turns);
    }

    // What production scanners write: G4 for bitonal, JPEG-in-TIFF for colour (LZW colour runs to 5+ MB a page),
    // LZW or JPEG for grey.
    private static ImageFileFormat TiffCompressionFor(ScanProfile profile, Random rng) => profile.Mode switch
    {
        ScanColourMode.Bitonal => ImageFileFormat.TiffG4,
        ScanColourMode.Colour => ImageFileFormat.TiffJpeg,
        _ => rng.Next(100) < 40 ? ImageFileFormat.TiffLzw : ImageFileFormat.TiffJpeg,
    };

    // ---- rendering one input file ---------------------------------------------------------------------------

    private static (List<TruthDocument> Docs, List<TruthSheetPage> Sheets, int Pages) WriteFile(FilePlan plan, string inbox, CanvasPool pool)
    {
        var path = Path.Combine(inbox, plan.Name);
        var docs = new List<TruthDocument>();
        var sheets = new List<TruthSheetPage>();
        if (plan.Format == FileFormat.BornDigitalPdf)
        {
            var d = plan.Documents[0];
            var composed = DocumentRenderer.RenderPdf(d.Spec, path);
            var pages = Enumerable.Range(1, composed.PageCount).Select(p => new TruthPage(p, PageKinds.Document, 0, 0, "vector")).ToList();
            docs.Add(Truth(plan, d, 1, composed.PageCount, pages, bornDigital: true, cover: null));
            return (docs, sheets, composed.PageCount);
        }

        var profile = plan.Profile;
        var colour = profile.Mode switch { ScanColourMode.Bitonal => "bitonal", ScanColourMode.Colour => "colour", _ => "grey" };
        var images = new List<PageImage>();
        var fileRng = new Random(plan.Seed);
        try
        {
            if (plan.Envelope)
            {
                images.Add(SheetPage(new CoverSheet(plan.Subject.CaseNumber!), profile, fileRng, pool));
                sheets.Add(new TruthSheetPage(plan.Name, images.Count, PageKinds.Cover, 0, plan.Subject.CaseNumber));
            }
            for (var di = 0; di < plan.Documents.Count; di++)
            {
                var d = plan.Documents[di];
                if (plan.Envelope && di > 0)
                {
                    images.Add(SheetPage(new SeparatorSheet(), profile, fileRng, pool));
                    sheets.Add(new TruthSheetPage(plan.Name, images.Count, PageKinds.Separator, 0, null));
                }
                var draft = Templates.Compose(d.Spec);
                var first = images.Count + 1;
                var pages = new List<TruthPage>();
                for (var i = 0; i < draft.Pages.Count; i++)
                {
                    if (plan.Duplex && i > 0)
                        pages.Add(new TruthPage(images.Count, PageKinds.Blank, 0, profile.Dpi, colour)); // back of the previous sheet, inside the range
                    var grey = DocumentRenderer.DrawGrey(draft, i, profile.Dpi, pool, out var w, out var h);
                    var front = plan.Duplex ? (byte[])grey.Clone() : null;
                    images.Add(ScanNoise.FromCleanGrey(grey, w, h, profile.Dpi, profile, DocumentRenderer.PageRandom(d.Spec.Seed, i, "scan"), d.QuarterTurns[i]));
                    pages.Add(new TruthPage(images.Count, PageKinds.Document, d.QuarterTurns[i] * 90, profile.Dpi, colour));
                    if (plan.Duplex)
                        images.Add(ScanNoise.BlankBack(front, w, h, profile.Dpi, profile, DocumentRenderer.PageRandom(d.Spec.Seed, i, "back")));
                }
                var last = pages.Last(p => p.Kind == PageKinds.Document).Page;
                docs.Add(Truth(plan, d, first, last, pages, bornDigital: false, cover: plan.Envelope ? plan.Subject.CaseNumber : null));
                if (plan.Duplex)
                    sheets.Add(new TruthSheetPage(plan.Name, images.Count, PageKinds.Blank, 0, null)); // trailing back
            }

            switch (plan.Format)
            {
                case FileFormat.Png:
                    images[0].Save(path, ImageFileFormat.Png);
                    break;
                case FileFormat.Jpeg:
                    File.WriteAllBytes(path, images[0].EncodeJpeg(70 + fileRng.Next(0, 21)));
                    break;
                case FileFormat.Tiff:
                    PageImage.SaveMultipageTiff(path, images, plan.TiffCompression);
                    break;
                default:
                    ScannedPdfWriter.Write(path, images);
                    break;
            }
            return (docs, sheets, images.Count);
        }
        finally
        {
            foreach (var image in images) image.Dispose();
        }
    }

    private static PageImage SheetPage(BatchSheet sheet, ScanProfile profile, Random rng, CanvasPool pool)
    {
        var canvas = pool.Rent(profile.Dpi);
        try
        {
            SheetPainter.Paint(canvas, sheet);
            if (canvas.Error is { } error) throw new InvalidOperationException($"cairo failed drawing a batch sheet: {error}");
            var (grey, w, h) = canvas.ToGray8();
            // Sheets are printed on clean paper and fed like the rest: same scanner, no extra dust.
            return ScanNoise.FromCleanGrey(grey, w, h, profile.Dpi, profile with { Speckles = Math.Min(profile.Speckles, 100) }, rng);
        }
        finally { pool.Return(canvas); }
    }

    private static TruthDocument Truth(FilePlan plan, DocPlan d, int first, int last, IReadOnlyList<TruthPage> pages, bool bornDigital, string? cover)
    {
        var subject = d.Spec.Subject;
        var (status, cause, by) = ExpectedOutcome.For(subject, d.Composed.Printed, coverSheetOfSubject: cover is not null);
        return new TruthDocument(
            Source: plan.Name,
            FirstPage: first,
            LastPage: last,
            DocumentType: d.Spec.DocumentType,
            BeneficiaryId: subject.BeneficiaryId,
            CaseNumber: subject.InRegistry ? subject.CaseNumber : null,
            ExpectedStatus: status,
            ReviewCause: cause,
            IdentifiedBy: by,
            SubjectName: subject.FullName(),
            BornDigital: bornDigital,
            CoverCase: cover,
            Printed: d.Composed.Printed,
            Pages: pages);
    }
}
