using System.Globalization;
using CaptureChain.Classifier.Identifiers;
using CaptureChain.Classifier.Names;
using CaptureChain.Classifier.Registry;

namespace CaptureChain.Host.Web.Review;

/// <summary>
/// The reviewer's search in the beneficiary registry: one box that takes a name (typo-tolerant, accents ignored, a
/// prefix of the last name is enough), a NIR, a case number (or part of it), a CAF number or a birth date
/// (<c>12/03/1950</c> or <c>1950-03-12</c>), in any combination; every criterion given must hold.
/// </summary>
public static class RegistrySearch
{
    /// <summary>Most rows returned.</summary>
    public const int MaxResults = 25;

    /// <summary>The registry rows that fit <paramref name="query"/>, at most <see cref="MaxResults"/>.</summary>
    public static IReadOnlyList<Beneficiary> Find(BeneficiaryRegistry registry, string? query)
    {
        ArgumentNullException.ThrowIfNull(registry);
        query = (query ?? "").Trim();
        if (query.Length < 2) return [];
        var criteria = new List<IReadOnlyCollection<Beneficiary>>();

        // A NIR may be typed with spaces: try the whole query first.
        if (Nir.TryParse(query, out var wholeNir)) return Limit(registry.ByNir(wholeNir));

        var words = new List<string>();
        foreach (var token in query.Split([' ', '\t', ',', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (Nir.TryParse(token, out var nir)) criteria.Add(registry.ByNir(nir).ToList());
            else if (TryDate(token, out var date)) criteria.Add(registry.ByBirthDate(date).ToList());
            else if (token.Length == 7 && token.All(char.IsAsciiDigit)) criteria.Add(registry.ByCafNumber(token).ToList());
            else if (token.Any(char.IsAsciiDigit))
            {
                var wanted = IdentifierExtractor.CanonicalCaseNumber(token);
                criteria.Add(registry.All.Where(b => IdentifierExtractor.CanonicalCaseNumber(b.CaseNumber).Contains(wanted, StringComparison.Ordinal)).ToList());
            }
            else words.Add(token);
        }
        if (words.Count > 0) criteria.Add(ByName(registry, words));
        if (criteria.Count == 0) return [];

        IEnumerable<Beneficiary> result = criteria[0];
        foreach (var other in criteria.Skip(1))
        {
            var set = new HashSet<Beneficiary>(other, ReferenceEqualityComparer.Instance);
            result = result.Where(set.Contains);
        }
        return Limit(result);
    }

    private static List<Beneficiary> ByName(BeneficiaryRegistry registry, List<string> words)
    {
        var name = words.Count == 1 ? new PersonName(words[0], null) : new PersonName(words[0], string.Join(' ', words.Skip(1)));
        var found = registry.ByName(name, orderKnown: false).ToList();
        if (found.Count > 0) return found;
        // Nothing close enough: take the beginning of a last name ("DUP" for DUPONT), and of the first name if given.
        var lastKey = NameComparer.Key(words[0]);
        var firstKey = words.Count > 1 ? NameComparer.Key(string.Join(' ', words.Skip(1))) : "";
        if (lastKey.Length < 2) return [];
        return registry.All.Where(b => NameComparer.Key(b.LastName).StartsWith(lastKey, StringComparison.Ordinal)
            && (firstKey.Length == 0 || NameComparer.Key(b.FirstName).StartsWith(firstKey, StringComparison.Ordinal))).ToList();
    }

    private static bool TryDate(string token, out DateOnly date) =>
        DateOnly.TryParseExact(token, ["dd/MM/yyyy", "d/M/yyyy", "yyyy-MM-dd", "dd.MM.yyyy", "dd-MM-yyyy"], CultureInfo.InvariantCulture,
            DateTimeStyles.None, out date);

    private static IReadOnlyList<Beneficiary> Limit(IEnumerable<Beneficiary> rows) =>
        rows.Distinct().OrderBy(b => b.LastName, StringComparer.Ordinal).ThenBy(b => b.FirstName, StringComparer.Ordinal)
            .ThenBy(b => b.CaseNumber, StringComparer.Ordinal).Take(MaxResults).ToList();
}
