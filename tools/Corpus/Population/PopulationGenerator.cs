using System.Globalization;
using CaptureChain.Classifier.Identifiers;

namespace CaptureChain.Corpus.Population;

/// <summary>The registry people plus the people who appear on documents without being in the registry.</summary>
public sealed record BeneficiaryPopulation(IReadOnlyList<Person> Registry, IReadOnlyList<Person> Outsiders)
{
    /// <summary>Registry people who share first and last name with at least one other registry person.</summary>
    public IReadOnlyList<Person> RegistryHomonyms { get; } = Registry
        .GroupBy(p => (p.FirstName, p.LastName))
        .Where(g => g.Count() > 1)
        .SelectMany(g => g)
        .ToList();
}

/// <summary>
/// Makes deterministic synthetic beneficiaries from a seed: French names with accents, particles and hyphens,
/// addresses in and around Gironde, NIRs with valid keys (Corsica, overseas and abroad included), CAF numbers,
/// case numbers. Homonyms are made on purpose.
/// </summary>
public sealed class PopulationGenerator
{
    private readonly Random _rng;
    private readonly HashSet<string> _nirs = [];
    private readonly HashSet<string> _cases = [];
    private readonly HashSet<string> _cafs = [];
    private int _nextId = 100_000;

    public PopulationGenerator(int seed) => _rng = new Random(seed);

    /// <summary>
    /// A registry of <paramref name="registrySize"/> people of whom about <paramref name="homonymShare"/> have a homonym
    /// in the registry, plus <paramref name="outsiderCount"/> people not in the registry (some of them homonyms of
    /// registry people: the nastiest case for matching).
    /// </summary>
    public BeneficiaryPopulation Generate(int registrySize, double homonymShare, int outsiderCount)
    {
        if (registrySize < 2) throw new ArgumentOutOfRangeException(nameof(registrySize));
        var registry = new List<Person>(registrySize);
        var pairs = Math.Max(1, (int)Math.Round(registrySize * homonymShare / 2));
        while (registry.Count < registrySize - pairs) registry.Add(NextPerson(inRegistry: true));
        for (var i = 0; i < pairs && registry.Count < registrySize; i++)
        {
            var twin = registry[_rng.Next(registry.Count)];
            registry.Add(HomonymOf(twin, inRegistry: true));
        }
        // Shuffle so homonyms are not all at the end of the CSV.
        for (var i = registry.Count - 1; i > 0; i--)
        {
            var j = _rng.Next(i + 1);
            (registry[i], registry[j]) = (registry[j], registry[i]);
        }

        var outsiders = new List<Person>(outsiderCount);
        for (var i = 0; i < outsiderCount; i++)
            outsiders.Add(i % 4 == 3 ? HomonymOf(registry[_rng.Next(registry.Count)], inRegistry: false) : NextPerson(inRegistry: false));
        return new BeneficiaryPopulation(registry, outsiders);
    }

    /// <summary>One new person with fresh identifiers.</summary>
    public Person NextPerson(bool inRegistry)
    {
        var sex = _rng.Next(100) < 58 ? 'F' : 'M'; // elderly and dependent people are more often women
        var prestation = PickPrestation();
        var birth = PickBirthDate(prestation);
        var first = PickFirstName(sex, birth.Year);
        var last = FrenchNames.LastNames[_rng.Next(FrenchNames.LastNames.Length)];
        return Build(inRegistry, first, last, sex, birth, prestation);
    }

    /// <summary>Someone with the same first and last name as <paramref name="twin"/> but a different birth, NIR and address.</summary>
    public Person HomonymOf(Person twin, bool inRegistry)
    {
        var prestation = PickPrestation();
        DateOnly birth;
        do birth = PickBirthDate(prestation); while (birth == twin.BirthDate);
        return Build(inRegistry, twin.FirstName, twin.LastName, twin.Sex, birth, prestation);
    }

    private Person Build(bool inRegistry, string first, string last, char sex, DateOnly birth, string prestation)
    {
        var (department, commune, place) = FrenchNames.BirthPlaces[PickBirthPlaceIndex()];
        var nir = NewNir(sex, birth, department, commune);
        var (postcode, city) = FrenchNames.Towns[PickTown()];
        var caf = _rng.Next(100) < 78 ? NewCaf() : null;
        var hasCase = inRegistry || _rng.Next(100) < 15; // outsiders rarely have a case number (another département)
        return new Person(
            BeneficiaryId: inRegistry ? NewBeneficiaryId() : null,
            Nir: nir,
            NirInRegistry: _rng.Next(100) >= 3, // the case software sometimes lacks the NIR
            CafNumber: caf,
            LastName: last,
            FirstName: first,
            Sex: sex,
            BirthDate: birth,
            BirthPlace: place,
            CaseNumber: hasCase ? NewCaseNumber(prestation) : null,
            Prestation: hasCase ? prestation : null,
            Address: PickAddress(prestation),
            Postcode: postcode,
            City: city);
    }

    private string PickPrestation() => _rng.Next(100) switch { < 55 => "APA", < 85 => "PCH", _ => "ASH" };

    private DateOnly PickBirthDate(string prestation)
    {
        var (from, to) = prestation switch { "PCH" => (1958, 2012), "ASH" => (1925, 1955), _ => (1924, 1962) };
        var year = _rng.Next(from, to + 1);
        var month = _rng.Next(1, 13);
        var day = _rng.Next(1, DateTime.DaysInMonth(year, month) + 1);
        return new DateOnly(year, month, day);
    }

    private string PickFirstName(char sex, int year)
    {
        var list = (sex, year < 1960) switch
        {
            ('F', true) => FrenchNames.OlderWomen,
            ('F', false) => FrenchNames.YoungerWomen,
            (_, true) => FrenchNames.OlderMen,
            _ => FrenchNames.YoungerMen,
        };
        return list[_rng.Next(list.Length)];
    }

    private int PickBirthPlaceIndex()
    {
        // Mostly born in the south-west; a steady share born in Corsica, overseas or abroad so those NIR forms occur.
        var places = FrenchNames.BirthPlaces;
        var roll = _rng.Next(100);
        Func<string, bool> filter = roll switch
        {
            < 60 => d => d is "33" or "24" or "40" or "47" or "17" or "64",
            < 75 => d => d is not ("33" or "24" or "40" or "47" or "17" or "64" or "2A" or "2B" or "97" or "99"),
            < 83 => d => d is "2A" or "2B",
            < 90 => d => d == "97",
            _ => d => d == "99",
        };
        var candidates = Enumerable.Range(0, places.Length).Where(i => filter(places[i].Department)).ToArray();
        return candidates[_rng.Next(candidates.Length)];
    }

    private int PickTown()
    {
        // 85 % live in Gironde (postcodes 33xxx come first in the list).
        var gironde = FrenchNames.Towns.Count(t => t.Postcode.StartsWith("33", StringComparison.Ordinal));
        return _rng.Next(100) < 85 ? _rng.Next(gironde) : _rng.Next(gironde, FrenchNames.Towns.Length);
    }

    private string PickAddress(string prestation)
    {
        var number = _rng.Next(1, 180).ToString(CultureInfo.InvariantCulture) + (_rng.Next(100) < 8 ? (_rng.Next(2) == 0 ? " bis" : " ter") : "");
        var street = FrenchNames.Streets[_rng.Next(FrenchNames.Streets.Length)];
        var roll = _rng.Next(100);
        if (prestation == "ASH" && roll < 60)
            return $"EHPAD {Pick("Les Tilleuls", "Le Bois Fleuri", "Saint-Joseph", "La Roseraie", "Les Jardins d'Aliénor")}, {number} {street}";
        if (roll < 12)
            return $"Résidence {Pick("Les Pins", "Le Parc", "Les Acacias", "Beau Soleil")}, apt {_rng.Next(1, 60)}, {number} {street}";
        return $"{number} {street}";
    }

    private string NewNir(char sex, DateOnly birth, string department, string commune)
    {
        while (true)
        {
            var body = string.Concat(
                sex == 'F' ? "2" : "1",
                (birth.Year % 100).ToString("00", CultureInfo.InvariantCulture),
                birth.Month.ToString("00", CultureInfo.InvariantCulture),
                department,
                commune,
                _rng.Next(1, 1000).ToString("000", CultureInfo.InvariantCulture));
            var nir = Nir.FromBody(body).Value;
            if (_nirs.Add(nir)) return nir;
        }
    }

    private string NewCaf()
    {
        while (true)
        {
            var caf = _rng.Next(1_000_000, 10_000_000).ToString(CultureInfo.InvariantCulture);
            if (_cafs.Add(caf)) return caf;
        }
    }

    private string NewCaseNumber(string prestation)
    {
        while (true)
        {
            var number = $"{prestation}-{_rng.Next(2012, 2026)}-{_rng.Next(1, 100_000):00000}";
            if (_cases.Add(number)) return number;
        }
    }

    private string NewBeneficiaryId()
    {
        _nextId += _rng.Next(1, 40); // gaps, like a real export of a subset
        return "B" + _nextId.ToString(CultureInfo.InvariantCulture);
    }

    private string Pick(params string[] options) => options[_rng.Next(options.Length)];
}
