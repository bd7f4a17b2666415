using System.Globalization;
using System.Text;
using CaptureChain.Classifier.Identifiers;
using CaptureChain.Classifier.Names;

namespace CaptureChain.Classifier.Registry;

/// <summary>
/// The beneficiary registry exported by the social-aid case software (shared spec §2), indexed for lookup by NIR,
/// CAF number, case number, birth date, postcode and name (typo-tolerant; homonyms come back together).
/// Immutable once built, so it is safe to share between threads.
/// </summary>
public sealed class BeneficiaryRegistry
{
    /// <summary>The columns the file must have, in the spec's order (any order is accepted).</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["beneficiary_id", "nir", "caf_number", "last_name", "first_name", "birth_date", "case_number", "prestation", "address", "postcode", "city"];

    private readonly Dictionary<string, List<Beneficiary>> _byNir = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Beneficiary>> _byCaf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Beneficiary>> _byCase = new(StringComparer.Ordinal);
    private readonly Dictionary<DateOnly, List<Beneficiary>> _byBirthDate = [];
    private readonly Dictionary<string, List<Beneficiary>> _byPostcode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Beneficiary>> _byLastNameKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Beneficiary>> _byFullNameKey = new(StringComparer.Ordinal);
    private readonly Dictionary<int, List<string>> _lastNameKeysByLength = [];

    private BeneficiaryRegistry(IReadOnlyList<Beneficiary> all)
    {
        All = all;
        foreach (var b in all)
        {
            if (b.Nir is { } nir) Add(_byNir, nir.Value, b);
            if (!string.IsNullOrEmpty(b.CafNumber)) Add(_byCaf, b.CafNumber, b);
            Add(_byCase, IdentifierExtractor.CanonicalCaseNumber(b.CaseNumber), b);
            if (b.BirthDate is { } date) Add(_byBirthDate, date, b);
            if (b.Postcode.Length > 0) Add(_byPostcode, b.Postcode, b);
            foreach (var key in new[] { NameComparer.Key(b.LastName), NameComparer.ParticleFreeKey(b.LastName) }.Distinct())
            {
                if (key.Length == 0) continue;
                if (!_byLastNameKey.ContainsKey(key)) Add(_lastNameKeysByLength, key.Length, key);
                Add(_byLastNameKey, key, b);
            }
            Add(_byFullNameKey, FullNameKey(b.LastName, b.FirstName), b);
        }
        CasePrefixes = all.Select(b => IdentifierExtractor.CanonicalCaseNumber(b.CaseNumber))
            .Select(c => new string(c.TakeWhile(char.IsAsciiLetterUpper).ToArray()))
            .Where(p => p.Length >= 2)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Every row, in file order.</summary>
    public IReadOnlyList<Beneficiary> All { get; }

    /// <summary>Number of rows.</summary>
    public int Count => All.Count;

    /// <summary>The letter prefixes of the registry's case numbers ("APA", "PCH"), for the identifier extractor.</summary>
    public IReadOnlyList<string> CasePrefixes { get; }

    /// <summary>Builds a registry from rows already in memory.</summary>
    public static BeneficiaryRegistry FromBeneficiaries(IEnumerable<Beneficiary> beneficiaries) => new(beneficiaries.ToList());

    /// <summary>Rows with this NIR.</summary>
    public IReadOnlyList<Beneficiary> ByNir(Nir nir) => Get(_byNir, nir.Value);

    /// <summary>Rows with this CAF number (a household shares one: several people can come back).</summary>
    public IReadOnlyList<Beneficiary> ByCafNumber(string cafNumber) => Get(_byCaf, cafNumber.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>Rows with this case number (compared in canonical form).</summary>
    public IReadOnlyList<Beneficiary> ByCaseNumber(string caseNumber) => Get(_byCase, IdentifierExtractor.CanonicalCaseNumber(caseNumber));

    /// <summary>Rows with this birth date.</summary>
    public IReadOnlyList<Beneficiary> ByBirthDate(DateOnly birthDate) => Get(_byBirthDate, birthDate);

    /// <summary>Rows with this postcode.</summary>
    public IReadOnlyList<Beneficiary> ByPostcode(string postcode) => Get(_byPostcode, postcode);

    /// <summary>Rows whose normalised last and first names are exactly these (accents, case, hyphens ignored).</summary>
    public IReadOnlyList<Beneficiary> ByExactName(string lastName, string firstName) => Get(_byFullNameKey, FullNameKey(lastName, firstName));

    /// <summary>
    /// Rows whose name can be <paramref name="name"/> as read on a page (typo-tolerant, particles optional; a name
    /// without first name matches on the last name). Homonyms all come back: a name never designates one person.
    /// </summary>
    public IReadOnlyList<Beneficiary> ByName(PersonName name, bool orderKnown = true)
    {
        var result = new List<Beneficiary>();
        var seen = new HashSet<Beneficiary>(ReferenceEqualityComparer.Instance);
        var lastNames = orderKnown || name.FirstName is null ? [name.LastName] : new[] { name.LastName, name.FirstName };
        foreach (var last in lastNames)
        {
            foreach (var b in CandidatesByLastName(last))
                if (seen.Add(b) && NameComparer.SameName(name, b.Name, orderKnown)) result.Add(b);
        }
        return result;
    }

    /// <summary>Groups of rows of different beneficiaries who share exactly the same normalised first and last name.</summary>
    public IReadOnlyList<IReadOnlyList<Beneficiary>> Homonyms() =>
        _byFullNameKey.Values.Where(g => g.Select(b => b.BeneficiaryId).Distinct(StringComparer.Ordinal).Count() > 1)
            .Select(g => (IReadOnlyList<Beneficiary>)g).ToList();

    private IEnumerable<Beneficiary> CandidatesByLastName(string lastName)
    {
        var queries = new[] { NameComparer.Key(lastName), NameComparer.ParticleFreeKey(lastName) }.Where(k => k.Length > 0).Distinct();
        var yielded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var query in queries)
        {
            var tolerance = NameComparer.Tolerance(query.Length);
            for (var length = Math.Max(1, query.Length - tolerance); length <= query.Length + tolerance; length++)
            {
                if (!_lastNameKeysByLength.TryGetValue(length, out var keys)) continue;
                foreach (var key in keys)
                {
                    if (!yielded.Add(key)) continue;
                    var max = NameComparer.Tolerance(Math.Min(key.Length, query.Length));
                    if (NameComparer.Distance(query, key, max) > max) { yielded.Remove(key); continue; }
                    foreach (var b in _byLastNameKey[key]) yield return b;
                }
            }
        }
    }

    private static string FullNameKey(string lastName, string firstName) => NameComparer.Key(lastName) + "|" + NameComparer.Key(firstName);

    private static void Add<TKey>(Dictionary<TKey, List<Beneficiary>> index, TKey key, Beneficiary b) where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list)) index[key] = list = [];
        if (!list.Contains(b)) list.Add(b);
    }

    private static void Add(Dictionary<int, List<string>> index, int key, string value)
    {
        if (!index.TryGetValue(key, out var list)) index[key] = list = [];
        list.Add(value);
    }

    private static IReadOnlyList<Beneficiary> Get<TKey>(Dictionary<TKey, List<Beneficiary>> index, TKey key) where TKey : notnull =>
        index.TryGetValue(key, out var list) ? list : [];

    /// <summary>
    /// Loads the registry CSV (UTF-8, <c>;</c>, header, columns in any order, extra columns ignored). Bad values on a
    /// line are reported and the line is loaded without them, or skipped when it cannot identify anyone. A missing
    /// column, a missing header or a non-UTF-8 file throws <see cref="RegistryFormatException"/>.
    /// </summary>
    public static RegistryLoadResult Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new RegistryFormatException($"Registry file '{path}' does not exist."); }
        string text;
        try { text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException)
        {
            throw new RegistryFormatException(
                $"Registry file '{Path.GetFileName(path)}' is not valid UTF-8 (an export in Windows-1252/Latin-1?): re-export it as UTF-8.");
        }
        return Parse(text, Path.GetFileName(path));
    }

    /// <summary>Parses registry CSV text; see <see cref="Load"/>.</summary>
    public static RegistryLoadResult Parse(string csvText, string sourceName = "registry")
    {
        if (csvText.Length > 0 && csvText[0] == '\uFEFF') csvText = csvText[1..];
        var records = CsvRecords(csvText).GetEnumerator();
        if (!records.MoveNext() || records.Current.Fields.All(string.IsNullOrWhiteSpace))
            throw new RegistryFormatException($"Registry '{sourceName}' is empty: expected a header line '{string.Join(';', Columns)}'.");

        var header = records.Current.Fields.Select(h => h.Trim().ToLowerInvariant()).ToList();
        var duplicates = header.Where(h => h.Length > 0).GroupBy(h => h).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
            throw new RegistryFormatException($"Registry '{sourceName}': column(s) {string.Join(", ", duplicates)} appear twice in the header.");
        var missing = Columns.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            var hint = header.Count == 1 && header[0].Contains(',') ? " The file looks comma-separated; the registry uses ';'." : "";
            throw new RegistryFormatException(
                $"Registry '{sourceName}' is missing required column(s): {string.Join(", ", missing)}. " +
                $"Expected (any order, extra columns ignored): {string.Join(';', Columns)}.{hint}");
        }
        var index = Columns.ToDictionary(c => c, c => header.IndexOf(c), StringComparer.Ordinal);

        var problems = new List<RegistryLineProblem>();
        var rows = new List<Beneficiary>();
        var seenRows = new HashSet<(string, string)>();
        var nirOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        var caseOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            if (fields.All(string.IsNullOrWhiteSpace)) continue;
            if (fields.Count < header.Count)
            {
                problems.Add(new(line, "wrong_column_count", null, $"Line {line} has {fields.Count} fields, the header has {header.Count}.", true));
                continue;
            }
            string Value(string column) => fields[index[column]].Trim();

            var id = Value("beneficiary_id");
            var last = Value("last_name");
            var first = Value("first_name");
            var caseNumber = Value("case_number");
            var missingValues = new[] { ("beneficiary_id", id), ("last_name", last), ("first_name", first), ("case_number", caseNumber) }
                .Where(v => v.Item2.Length == 0).Select(v => v.Item1).ToList();
            if (missingValues.Count > 0)
            {
                problems.Add(new(line, "missing_value", missingValues[0], $"Line {line}: no {string.Join(", ", missingValues)}; line skipped.", true));
                continue;
            }

            Nir? nir = null;
            var nirText = Value("nir");
            if (nirText.Length > 0)
            {
                if (Nir.TryParse(nirText, out var parsed)) nir = parsed;
                else
                {
                    var compact = nirText.Replace(" ", "", StringComparison.Ordinal);
                    var wellFormed = compact.Length == 15 && Nir.IsWellFormedBody(compact[..13]) && compact[13..].All(char.IsAsciiDigit);
                    problems.Add(wellFormed
                        ? new(line, "bad_nir_key", "nir", $"Line {line} ({id}): the NIR key does not match its 13 digits; NIR ignored for this line.", false)
                        : new(line, "malformed_nir", "nir", $"Line {line} ({id}): the NIR is not 15 characters (13 + key); NIR ignored for this line.", false));
                }
            }

            string? caf = Value("caf_number").Replace(" ", "", StringComparison.Ordinal);
            if (caf.Length == 0) caf = null;
            else if (caf.Length != 7 || !caf.All(char.IsAsciiDigit))
            {
                problems.Add(new(line, "bad_caf_number", "caf_number", $"Line {line} ({id}): the CAF number is not 7 digits; ignored.", false));
                caf = null;
            }

            DateOnly? birth = null;
            var birthText = Value("birth_date");
            if (birthText.Length > 0)
            {
                if (DateOnly.TryParseExact(birthText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) birth = d;
                else problems.Add(new(line, "bad_birth_date", "birth_date", $"Line {line} ({id}): birth date '{Mask(birthText)}' is not yyyy-MM-dd; ignored.", false));
            }

            var postcode = Value("postcode");
            if (postcode.Length > 0 && (postcode.Length != 5 || !postcode.All(char.IsAsciiDigit)))
                problems.Add(new(line, "bad_postcode", "postcode", $"Line {line} ({id}): postcode is not 5 digits.", false));

            var canonicalCase = IdentifierExtractor.CanonicalCaseNumber(caseNumber);
            if (!seenRows.Add((id, canonicalCase)))
            {
                problems.Add(new(line, "duplicate_line", null, $"Line {line}: beneficiary {id} with case {caseNumber} appears again; line skipped.", true));
                continue;
            }
            if (nir is { } n && nirOwners.TryGetValue(n.Value, out var nirOwner) && nirOwner != id)
                problems.Add(new(line, "duplicate_nir", "nir", $"Line {line}: beneficiaries {nirOwner} and {id} have the same NIR; documents with it will go to review.", false));
            else if (nir is { } n2) nirOwners[n2.Value] = id;
            if (caseOwners.TryGetValue(canonicalCase, out var caseOwner) && caseOwner != id)
                problems.Add(new(line, "duplicate_case_number", "case_number", $"Line {line}: case {caseNumber} belongs to {caseOwner} and {id}; documents with it will go to review.", false));
            else caseOwners[canonicalCase] = id;

            rows.Add(new Beneficiary(id, nir, caf, last, first, birth, caseNumber, Value("prestation"), Value("address"), postcode, Value("city")));
        }
        return new RegistryLoadResult(new BeneficiaryRegistry(rows), problems);
    }

    private static string Mask(string value) => value.Length <= 4 ? "••••" : value[..2] + new string('•', value.Length - 2);

    /// <summary>RFC 4180 records with <c>;</c>: quoted fields may hold <c>;</c>, quotes ("") and line breaks.</summary>
    private static IEnumerable<(int Line, List<string> Fields)> CsvRecords(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                if (c == '"') { inQuotes = false; i++; continue; }
                if (c == '\n') line++;
                field.Append(c);
                i++;
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0: inQuotes = true; break;
                case ';': fields.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    yield return (recordLine, fields);
                    fields = [];
                    line++;
                    recordLine = line;
                    break;
                default: field.Append(c); break;
            }
            i++;
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (recordLine, fields);
        }
    }
}
