using System.Text.Json.Serialization;

namespace CaptureChain.Filing.Manifest;

/// <summary>Outcome of one output document (shared spec §5); serialised lower-case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DocumentStatus>))]
public enum DocumentStatus
{
    /// <summary>In its case folder.</summary>
    [JsonStringEnumMemberName("filed")] Filed,

    /// <summary>Waiting for a person.</summary>
    [JsonStringEnumMemberName("review")] Review,

    /// <summary>Unreadable or invalid input, kept in quarantine with its reason.</summary>
    [JsonStringEnumMemberName("rejected")] Rejected,

    /// <summary>Same content already filed.</summary>
    [JsonStringEnumMemberName("duplicate")] Duplicate,
}

/// <summary>Lower-case names of <see cref="DocumentStatus"/> as written in the manifest and the store.</summary>
public static class DocumentStatusNames
{
    /// <summary>"filed", "review", "rejected" or "duplicate".</summary>
    public static string ToName(this DocumentStatus status) => status switch
    {
        DocumentStatus.Filed => "filed",
        DocumentStatus.Review => "review",
        DocumentStatus.Rejected => "rejected",
        DocumentStatus.Duplicate => "duplicate",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Parses a lower-case status name.</summary>
    public static DocumentStatus Parse(string name) => name switch
    {
        "filed" => DocumentStatus.Filed,
        "review" => DocumentStatus.Review,
        "rejected" => DocumentStatus.Rejected,
        "duplicate" => DocumentStatus.Duplicate,
        _ => throw new FormatException($"unknown document status '{name}'"),
    };
}

/// <summary>
/// One line of the manifest (shared spec §5). Unknown values are JSON null; <see cref="Reasons"/> is an empty array for
/// a filed document. Pages are 1-based and inclusive in the source file's numbering.
/// </summary>
public sealed record ManifestEntry(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("first_page")] int FirstPage,
    [property: JsonPropertyName("last_page")] int LastPage,
    [property: JsonPropertyName("status")] DocumentStatus Status,
    [property: JsonPropertyName("document_type")] string? DocumentType,
    [property: JsonPropertyName("type_confidence")] double? TypeConfidence,
    [property: JsonPropertyName("beneficiary_id")] string? BeneficiaryId,
    [property: JsonPropertyName("case_number")] string? CaseNumber,
    [property: JsonPropertyName("path")] string? Path,
    [property: JsonPropertyName("sha256")] string? Sha256,
    [property: JsonPropertyName("reasons")] IReadOnlyList<string> Reasons);
