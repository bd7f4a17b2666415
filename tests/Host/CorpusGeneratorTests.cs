using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CaptureChain.Capture.Sheets;
using CaptureChain.Classifier.Identifiers;
using CaptureChain.Corpus;
using CaptureChain.Corpus.Documents;
using CaptureChain.Corpus.Population;
using CaptureChain.Corpus.Scanning;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Host.Tests;

/// <summary>One corpus shared by the tests that only read it (generation is the slow part).</summary>
public sealed class SharedCorpus : IDisposable
{
    public SharedCorpus()
    {
        Directory = Path.Combine(Path.GetTempPath(), "cc-corpus-" + Guid.NewGuid().ToString("N"));
        // High shares so that every case the pipeline must handle occurs in a small corpus.
        Result = CorpusGenerator.Generate(new CorpusOptions(Directory, Seed: 20240501, DocumentCount: 24,
            EnvelopeShare: 0.3, DuplexShare: 0.2, MissingFromRegistryShare: 0.2, HomonymShare: 0.2, RotatedPageShare: 0.1));
    }

    public string Directory { get; }
    public CorpusResult Result { get; }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The corpus generator: determinism, registry per spec, complete truth, legible pages.</summary>
public sealed class CorpusGeneratorTests(SharedCorpus corpus) : IClassFixture<SharedCorpus>
{
    private static readonly string[] SpecColumns =
        ["beneficiary_id", "nir", "caf_number", "last_name", "first_name", "birth_date", "case_number", "prestation", "address", "postcode", "city"];

    [Fact]
    public void Same_seed_gives_the_same_bytes_and_another_seed_does_not()
    {
        var a = TempDir();
        var b = TempDir();
        var c = TempDir();
        try
        {
            CorpusGenerator.Generate(new CorpusOptions(a, Seed: 7, DocumentCount: 8, EnvelopeShare: 0.25, DuplexShare: 0.2));
            // One thread instead of several: the bytes must not depend on the order in which files are rendered.
            CorpusGenerator.Generate(new CorpusOptions(b, Seed: 7, DocumentCount: 8, EnvelopeShare: 0.25, DuplexShare: 0.2, MaxDegreeOfParallelism: 1));
            CorpusGenerator.Generate(new CorpusOptions(c, Seed: 8, DocumentCount: 1));

            var hashesA = Hashes(a);
            hashesA.Keys.Should().Contain(["registry.csv", "truth.jsonl"]);
            hashesA.Keys.Count(k => k.StartsWith("inbox/", StringComparison.Ordinal)).Should().BeGreaterThan(3);
            Hashes(b).Should().Equal(hashesA);
            Hashes(c)["registry.csv"].Should().NotBe(hashesA["registry.csv"]);
        }
        finally
        {
            foreach (var d in new[] { a, b, c }) Directory.Delete(d, recursive: true);
        }
    }

    [Fact]
    public void Registry_follows_the_shared_spec()
    {
        var lines = File.ReadAllLines(corpus.Result.RegistryPath, Encoding.UTF8);
        File.ReadAllBytes(corpus.Result.RegistryPath).Take(3).Should().NotEqual(new byte[] { 0xEF, 0xBB, 0xBF }, "no BOM before the header");
        lines[0].Split(';').Should().Equal(SpecColumns);
        lines.Length.Should().Be(corpus.Result.Registry.Count + 1);

        var rows = lines.Skip(1).Select(SplitCsv).ToList();
        rows.Should().OnlyContain(r => r.Count == SpecColumns.Length);
        var nirs = rows.Select(r => r[1]).Where(n => n.Length > 0).ToList();
        nirs.Should().NotBeEmpty().And.OnlyHaveUniqueItems();
        nirs.Should().OnlyContain(n => IsValidNir(n), "every NIR in the registry carries a valid key");
        rows.Should().OnlyContain(r => Regex.IsMatch(r[0], @"^B\d{6}$"));
        rows.Should().OnlyContain(r => r[2].Length == 0 || Regex.IsMatch(r[2], @"^\d{7}$"));
        rows.Should().OnlyContain(r => IsIsoDate(r[5]));
        rows.Should().OnlyContain(r => Regex.IsMatch(r[6], @"^(APA|PCH|ASH)-20\d\d-\d{5}$") && r[6].StartsWith(r[7] + "-", StringComparison.Ordinal));
        rows.Should().OnlyContain(r => Regex.IsMatch(r[9], @"^\d{5}$"));

        // Homonyms: same first and last name, told apart by birth date and NIR.
        var homonyms = rows.GroupBy(r => (r[3], r[4])).Where(g => g.Count() > 1).ToList();
        homonyms.Should().NotBeEmpty();
        homonyms.Should().OnlyContain(g => g.Select(r => r[5]).Distinct().Count() == g.Count());
    }

    [Fact]
    public void Population_has_consistent_nirs_including_corsica_overseas_and_abroad()
    {
        var population = new PopulationGenerator(99).Generate(400, 0.1, 20);
        var people = population.Registry.Concat(population.Outsiders).ToList();
        foreach (var p in people)
        {
            Nir.TryParse(p.Nir, out _).Should().BeTrue();
            p.Nir[0].Should().Be(p.Sex == 'F' ? '2' : '1');
            p.Nir.Substring(1, 2).Should().Be((p.BirthDate.Year % 100).ToString("00", CultureInfo.InvariantCulture));
            p.Nir.Substring(3, 2).Should().Be(p.BirthDate.Month.ToString("00", CultureInfo.InvariantCulture));
        }
        var departments = people.Select(p => p.Nir.Substring(5, 2)).ToHashSet();
        departments.Should().Contain(["2A", "2B", "97", "99"]);
        people.Select(p => p.LastName).Should().Contain(n => n.Contains(' ') || n.Contains('\''), "particles such as « de », « Le »");
        people.Select(p => p.FirstName + p.LastName).Should().Contain(n => n.Contains('-'));
        people.Select(p => p.FirstName + p.LastName).Should().Contain(n => n.Any(c => c > 127), "accents");
        population.Outsiders.Should().OnlyContain(p => !p.InRegistry);
        population.Outsiders.Should().Contain(o => population.Registry.Any(r => r.FirstName == o.FirstName && r.LastName == o.LastName),
            "some people outside the registry are homonyms of registry people");
    }

    [Fact]
    public void Truth_covers_every_page_of_every_inbox_file()
    {
        var truth = File.ReadAllLines(corpus.Result.TruthPath).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var files = Directory.GetFiles(corpus.Result.InboxDirectory).Select(Path.GetFileName).ToList();
        files.Should().HaveCount(corpus.Result.FileCount);
        var registryIds = corpus.Result.Registry.Select(p => p.BeneficiaryId).ToHashSet();

        var totalPages = 0;
        foreach (var file in files)
        {
            var lines = truth.Where(t => t.GetProperty("source").GetString() == file).ToList();
            lines.Should().NotBeEmpty($"{file} has ground truth");
            var pageCount = PageCount(Path.Combine(corpus.Result.InboxDirectory, file!));
            totalPages += pageCount;
            var covered = new List<int>();
            foreach (var line in lines)
            {
                if (line.GetProperty("record").GetString() == "page")
                {
                    covered.Add(line.GetProperty("page").GetInt32());
                    continue;
                }
                var pages = line.GetProperty("pages").EnumerateArray().Select(p => p.GetProperty("page").GetInt32()).ToList();
                pages.Should().Equal(Enumerable.Range(line.GetProperty("first_page").GetInt32(), pages.Count));
                pages.Last().Should().Be(line.GetProperty("last_page").GetInt32());
                covered.AddRange(pages);
            }
            covered.Order().Should().Equal(Enumerable.Range(1, pageCount), $"every page of {file} is described exactly once");
        }
        totalPages.Should().Be(corpus.Result.PageCount);

        var documents = truth.Where(t => t.GetProperty("record").GetString() == "document").ToList();
        documents.Should().HaveCount(24);
        documents.Select(d => d.GetProperty("document_type").GetString()).Should().OnlyContain(t => DocumentTypes.All.Contains(t!));
        foreach (var d in documents)
        {
            var id = d.GetProperty("beneficiary_id");
            var status = d.GetProperty("expected_status").GetString();
            if (id.ValueKind == JsonValueKind.Null) status.Should().Be("review", "nobody outside the registry can be filed");
            else registryIds.Should().Contain(id.GetString());
            if (status == "filed") d.GetProperty("identified_by").GetArrayLength().Should().BeGreaterThan(0);
        }
        documents.Should().Contain(d => d.GetProperty("beneficiary_id").ValueKind == JsonValueKind.Null);
        documents.Should().Contain(d => d.GetProperty("cover_case").ValueKind == JsonValueKind.String);
        truth.Should().Contain(t => t.GetProperty("record").GetString() == "page" && t.GetProperty("kind").GetString() == "blank");
        truth.Should().Contain(t => t.GetProperty("record").GetString() == "page" && t.GetProperty("kind").GetString() == "separator");
        documents.SelectMany(d => d.GetProperty("pages").EnumerateArray()).Should().Contain(p => p.GetProperty("rotation").GetInt32() != 0);
    }

    [Fact]
    public void Envelope_sheets_decode_as_the_truth_says()
    {
        // Read back the sheets of every envelope TIFF with the real barcode reader.
        var truth = File.ReadAllLines(corpus.Result.TruthPath).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var sheetLines = truth.Where(t => t.GetProperty("record").GetString() == "page" && t.GetProperty("kind").GetString() is "cover" or "separator")
            .Where(t => t.GetProperty("source").GetString()!.EndsWith(".tif", StringComparison.Ordinal)).ToList();
        sheetLines.Should().NotBeEmpty("the fixture has envelopes saved as TIFF");
        foreach (var group in sheetLines.GroupBy(t => t.GetProperty("source").GetString()!))
        {
            using var reader = new TiffPageReader(Path.Combine(corpus.Result.InboxDirectory, group.Key));
            var wanted = group.ToDictionary(t => t.GetProperty("page").GetInt32());
            for (var page = 1; page <= wanted.Keys.Max(); page++)
            {
                using var image = reader.ReadNext()!;
                if (!wanted.TryGetValue(page, out var line)) continue;
                var sheet = SheetDetector.Detect(image);
                if (line.GetProperty("kind").GetString() == "cover")
                    sheet.Should().Be(new CoverSheet(line.GetProperty("case_number").GetString()!), $"{group.Key} page {page}");
                else
                    sheet.Should().BeOfType<SeparatorSheet>($"{group.Key} page {page}");
            }
        }
    }

    [Fact]
    public void Pdfs_are_valid_and_born_digital_ones_have_a_text_layer()
    {
        var pdfs = Directory.GetFiles(corpus.Result.InboxDirectory, "*.pdf");
        pdfs.Should().NotBeEmpty();
        foreach (var pdf in pdfs) Run("qpdf", $"--check \"{pdf}\"").ExitCode.Should().Be(0, pdf);

        var bornDigital = corpus.Result.Documents.FirstOrDefault(d => d.BornDigital);
        if (bornDigital is null)
        {
            var dir = TempDir();
            try
            {
                var person = corpus.Result.Registry[0];
                var path = Path.Combine(dir, "x.pdf");
                DocumentRenderer.RenderPdf(new DocumentSpec(DocumentTypes.NotificationDecision, person, 5), path);
                Normalise(Run("pdftotext", $"\"{path}\" -").Output).Should().Contain(Normalise(person.CaseNumber!));
            }
            finally { Directory.Delete(dir, true); }
            return;
        }
        var text = Run("pdftotext", $"\"{Path.Combine(corpus.Result.InboxDirectory, bornDigital.Source)}\" -").Output;
        Normalise(text).Should().Contain(Normalise(bornDigital.Printed.Name!));
    }

    [Fact]
    public void Tesseract_reads_the_names_and_identifiers_printed_on_scanned_pages()
    {
        var person = corpus.Result.Registry.First(p => p.CafNumber is not null && !p.LastName.Contains(' '));
        var profile = new ScanProfile(Dpi: 300, Mode: ScanColourMode.Grey, MaxSkewDegrees: 1.0, PaperLevel: 242, InkLevel: 35,
            Unevenness: 0.05, BlurPasses: 1, Grain: 4, Speckles: 300);
        var dir = TempDir();
        try
        {
            // demande_apa variant 1 (table form), rib, notification: three layouts, three sets of identifiers.
            var cases = new (DocumentSpec Spec, Func<PrintedIdentifiers, string[]> Expected)[]
            {
                (new DocumentSpec(DocumentTypes.DemandeApa, person, FirstSeedWith(DocumentTypes.DemandeApa, person, 1, p => p.Nir is not null), Variant: 1, Scan: profile),
                    p => [p.Nir!, p.BirthDate!.Value.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)]),
                (new DocumentSpec(DocumentTypes.Rib, person, 11, Scan: profile with { Mode = ScanColourMode.Bitonal }), p => [p.Iban!, p.Bic!]),
                (new DocumentSpec(DocumentTypes.NotificationDecision, person, 12, Scan: profile with { Mode = ScanColourMode.Colour, TintBlue = 0.93 }), p => [p.CaseNumber!]),
            };
            foreach (var (spec, expected) in cases)
            {
                var printed = DocumentRenderer.Describe(spec).Printed;
                var pages = DocumentRenderer.Render(spec);
                var png = Path.Combine(dir, spec.DocumentType + ".png");
                try { pages[0].Save(png, ImageFileFormat.Png); }
                finally { foreach (var p in pages) p.Dispose(); }

                var text = Normalise(Run("tesseract", $"\"{png}\" stdout -l fra --dpi 300").Output);
                text.Should().Contain(Normalise(person.LastName), $"the {spec.DocumentType} names the person");
                foreach (var identifier in expected(printed))
                    text.Should().Contain(Normalise(identifier), $"the {spec.DocumentType} prints {identifier}");
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Training_samples_cover_every_type()
    {
        var dir = TempDir();
        try
        {
            var counts = CorpusGenerator.GenerateTrainingSamples(dir, perType: 1, seed: 3);
            counts.Keys.Should().BeEquivalentTo(DocumentTypes.All);
            foreach (var type in DocumentTypes.All)
            {
                var files = Directory.GetFiles(Path.Combine(dir, type));
                files.Should().ContainSingle();
                PageImage.ReadHeader(File.ReadAllBytes(files[0]))!.Width.Should().BeGreaterThan(1000);
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static bool IsValidNir(string text) => Nir.TryParse(text, out _);

    private static bool IsIsoDate(string text) => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static int FirstSeedWith(string type, Person person, int variant, Func<PrintedIdentifiers, bool> wanted) =>
        Enumerable.Range(1, 200).First(seed => wanted(DocumentRenderer.Describe(new DocumentSpec(type, person, seed, Variant: variant)).Printed));

    private static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cc-corpus-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static Dictionary<string, string> Hashes(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static int PageCount(string path) => Path.GetExtension(path) switch
    {
        ".tif" => TiffDirectory.CountPages(path),
        ".pdf" => int.Parse(Regex.Match(Run("pdfinfo", $"\"{path}\"").Output, @"Pages:\s+(\d+)").Groups[1].Value, CultureInfo.InvariantCulture),
        _ => 1,
    };

    /// <summary>Upper case without accents or spaces: OCR and printers disagree on both.</summary>
    private static string Normalise(string text) =>
        new(Person.StripAccents(text).ToUpperInvariant().Where(char.IsLetterOrDigit).ToArray());

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ';') { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        fields.Add(sb.ToString());
        return fields;
    }

    private static (int ExitCode, string Output) Run(string tool, string arguments)
    {
        var psi = new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["OMP_THREAD_LIMIT"] = "1"; // NATIVE_NOTES: Debian's Tesseract oversubscribes cores otherwise
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + (process.ExitCode == 0 ? "" : stderr.Result));
    }
}

/// <summary>Multi-document files without any sheet, for automatic separation.</summary>
public sealed class UnseparatedCorpusTests
{
    [Fact]
    public void Unseparated_files_hold_several_documents_of_one_person_and_no_sheet()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cc-corpus-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = CorpusGenerator.Generate(new CorpusOptions(dir, Seed: 5, DocumentCount: 9, EnvelopeShare: 0, DuplexShare: 0,
                IncludeBornDigitalPdf: false, ScanNoise: false, UnseparatedShare: 1));

            // Every file is a stack of 2-4 documents, but the last document may be left alone in its own file.
            var files = result.Documents.GroupBy(d => d.Source).Where(f => f.Key.StartsWith("stack_", StringComparison.Ordinal)).ToList();
            files.Should().OnlyContain(f => f.Count() >= 2 && f.Count() <= 4);
            files.Sum(f => f.Count()).Should().BeGreaterThanOrEqualTo(8);
            result.SheetPages.Should().BeEmpty();
            foreach (var file in files)
            {
                file.Select(d => d.SubjectName).Distinct().Should().ContainSingle();
                file.Select(d => d.DocumentType).Should().OnlyHaveUniqueItems();
                file.Should().OnlyContain(d => d.CoverCase == null);
                // The documents follow each other page after page.
                var ordered = file.OrderBy(d => d.FirstPage).ToList();
                ordered[0].FirstPage.Should().Be(1);
                for (var i = 1; i < ordered.Count; i++) ordered[i].FirstPage.Should().Be(ordered[i - 1].LastPage + 1);
            }
            // The default draws nothing more: the same seed without the option gives no stack.
            var plain = CorpusGenerator.Generate(new CorpusOptions(dir + "-plain", Seed: 5, DocumentCount: 3, ScanNoise: false));
            plain.Documents.Should().NotContain(d => d.Source.StartsWith("stack_", StringComparison.Ordinal));
            Directory.Delete(dir + "-plain", true);
        }
        finally { Directory.Delete(dir, true); }
    }
}

/// <summary>Why the generator drops canvases in cairo error: cairo errors are sticky and silently stop all drawing.</summary>
public sealed class CanvasErrorTests
{
    [Fact]
    public void A_canvas_in_cairo_error_says_so_and_ignores_drawing_and_clearing()
    {
        using var canvas = CaptureChain.Capture.Rendering.PageCanvas.Raster(36);
        canvas.Error.Should().BeNull();
        canvas.FillRect(0, 0, 50, 50);

        canvas.Text(10, 10, "x", double.NaN); // an invalid font matrix: cairo's error is set for good
        canvas.Clear();

        canvas.Error.Should().NotBeNull();
        canvas.ToGray8().Pixels[0].Should().Be(0, "the black square drawn before the error is still there: Clear did nothing");
    }
}
