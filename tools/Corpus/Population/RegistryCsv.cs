using System.Globalization;
using System.Text;

namespace CaptureChain.Corpus.Population;

/// <summary>Writes the beneficiary registry exactly as shared spec §2 describes (UTF-8, <c>;</c>, ISO dates).</summary>
public static class RegistryCsv
{
    /// <summary>The spec's column order, used by default.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["beneficiary_id", "nir", "caf_number", "last_name", "first_name", "birth_date", "case_number", "prestation", "address", "postcode", "city"];

    /// <summary>Writes the registry people; <paramref name="columnOrder"/> may permute the columns (the spec allows any order).</summary>
    public static void Write(string path, IEnumerable<Person> registry, IReadOnlyList<string>? columnOrder = null)
    {
        var columns = columnOrder ?? Columns;
        if (columns.Except(Columns).Any() || Columns.Except(columns).Any())
            throw new ArgumentException("Column order must be a permutation of the spec columns.", nameof(columnOrder));
        var sb = new StringBuilder();
        sb.Append(string.Join(';', columns)).Append('\n');
        foreach (var p in registry)
        {
            if (!p.InRegistry) throw new ArgumentException("Only registry people go into the registry.", nameof(registry));
            sb.Append(string.Join(';', columns.Select(c => Escape(Value(p, c))))).Append('\n');
        }
        // No BOM: the spec says UTF-8, and a BOM would glue itself to the first header name in naive readers.
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    private static string Value(Person p, string column) => column switch
    {
        "beneficiary_id" => p.BeneficiaryId!,
        "nir" => p.NirInRegistry ? p.Nir : "",
        "caf_number" => p.CafNumber ?? "",
        "last_name" => p.LastName,
        "first_name" => p.FirstName,
        "birth_date" => p.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        "case_number" => p.CaseNumber ?? "",
        "prestation" => p.Prestation ?? "",
        "address" => p.Address,
        "postcode" => p.Postcode,
        "city" => p.City,
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    private static string Escape(string value) =>
        value.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
