using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using CaptureChain.Corpus.Documents;
using CaptureChain.Corpus.Population;

namespace CaptureChain.Corpus.Truth;

/// <summary>Page kinds in the ground truth.</summary>
public static class PageKinds
{
    public const string Document = "document", Separator = "separator", Cover = "cover", Blank = "blank";
}

/// <summary>
/// One page of an input file: what it is and how it was scanned. Rotation is the clockwise rotation applied to the
/// page image in degrees (0, 90, 180, 270); Colour is grey, bitonal, colour, or vector (born-digital PDF).
/// </summary>
public sealed record TruthPage(int Page, string Kind, int Rotation, int Dpi, string Colour);

/// <summary>
/// One expected output document (one manifest line, shared spec §5). <see cref="LastPage"/> is the last content
/// page: a trailing blank back is reported as a separate page record.
/// </summary>
public sealed record TruthDocument(
    string Source,
    int FirstPage,
    int LastPage,
    string DocumentType,
    string? BeneficiaryId,
    string? CaseNumber,
    string ExpectedStatus,
    string? ReviewCause,
    IReadOnlyList<string> IdentifiedBy,
    string SubjectName,
    bool BornDigital,
    string? CoverCase,
    PrintedIdentifiers Printed,
    IReadOnlyList<TruthPage> Pages)
{
    [JsonPropertyOrder(-1)] public string Record => "document";
}

/// <summary>A page that belongs to no document: cover sheet, separator sheet, or a trailing blank back.</summary>
public sealed record TruthSheetPage(string Source, int Page, string Kind, int Rotation, string? CaseNumber)
{
    [JsonPropertyOrder(-1)] public string Record => "page";
}

/// <summary>Decides what a careful pipeline must do with a document, from what is printed on it.</summary>
public static class ExpectedOutcome
{
    public const string Filed = "filed", Review = "review";

    /// <summary>
    /// "filed" only when the subject is in the registry and the paper (or the envelope's cover sheet) carries
    /// something that singles them out: NIR, CAF number or case number known to the registry, name with birth date,
    /// or name with the registry address. A name alone never suffices: homonyms exist.
    /// </summary>
    public static (string Status, string? ReviewCause, IReadOnlyList<string> IdentifiedBy) For(Person subject, PrintedIdentifiers printed, bool coverSheetOfSubject)
    {
        if (!subject.InRegistry) return (Review, "beneficiary_not_in_registry", []);
        var by = new List<string>();
        if (printed.Nir is not null && printed.Nir == subject.Nir && subject.NirInRegistry) by.Add("nir");
        if (printed.CafNumber is not null && printed.CafNumber == subject.CafNumber) by.Add("caf_number");
        if (printed.CaseNumber is not null && printed.CaseNumber == subject.CaseNumber) by.Add("case_number");
        if (printed.Name is not null && printed.BirthDate == subject.BirthDate) by.Add("name+birth_date");
        if (printed.Name is not null && printed.Address) by.Add("name+address");
        if (coverSheetOfSubject) by.Add("cover_sheet");
        if (by.Count > 0) return (Filed, null, by);
        return (Review, printed.Name is null ? "subject_not_named" : "name_only", by);
    }
}

/// <summary>Writes truth.jsonl: document lines and page lines, in file then page order.</summary>
public static class TruthJson
{
    /// <summary>snake_case, no indentation, accents kept readable.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Line(TruthDocument document) => JsonSerializer.Serialize(document, Options);
    public static string Line(TruthSheetPage page) => JsonSerializer.Serialize(page, Options);
}
