using System.Text.Json;
using System.Text.Json.Nodes;

namespace CaptureChain.Host.Web.Review;

/// <summary>A type the model considered, with its probability.</summary>
public sealed record TypeChoice(string DocumentType, double Probability);

/// <summary>A registry row the matcher considered, with what pointed to it.</summary>
public sealed record CandidateRef(string BeneficiaryId, string CaseNumber, IReadOnlyList<string> MatchedBy);

/// <summary>One kept page of a document as the pipeline saw it: its number in the source file and how it read.</summary>
public sealed record EvidencePage(int SourcePage, double? OcrConfidence, int? Rotation, string? Problem, JsonObject Raw);

/// <summary>
/// The evidence JSON the pipeline keeps with a document (FilingStage): the type prediction with its top three, the
/// beneficiary match with its candidates, the kept pages, and for a document under review its OCR text. Read leniently:
/// records written by older versions may lack parts.
/// </summary>
public sealed class ReviewEvidence
{
    private ReviewEvidence(JsonObject root) => Root = root;

    /// <summary>The whole object (copied: changing it does not change the record).</summary>
    public JsonObject Root { get; }

    /// <summary>Parses a record's evidence; an empty object when there is none.</summary>
    public static ReviewEvidence Parse(string? json)
    {
        JsonObject? root = null;
        if (!string.IsNullOrWhiteSpace(json))
        {
            try { root = JsonNode.Parse(json) as JsonObject; }
            catch (JsonException) { root = null; }
        }
        return new ReviewEvidence(root ?? []);
    }

    /// <summary>The model's three most probable types, most probable first.</summary>
    public IReadOnlyList<TypeChoice> Top3 =>
        (Root["type"]?["top3"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(t => new TypeChoice(Str(t, "DocumentType") ?? "", Num(t, "Probability") ?? 0))
            .Where(t => t.DocumentType.Length > 0).ToList();

    /// <summary>The predicted type's threshold, if recorded.</summary>
    public double? Threshold => Root["type"] is JsonObject t ? Num(t, "Threshold") : null;

    /// <summary>The matcher's outcome (Matched, NotFound, Ambiguous, Conflict).</summary>
    public string? MatchOutcome => Root["match"] is JsonObject m ? Str(m, "outcome") : null;

    /// <summary>What designated the matched beneficiary.</summary>
    public IReadOnlyList<string> MatchEvidence => Strings(Root["match"]?["evidence"]);

    /// <summary>The matcher's detail codes (why it could not decide).</summary>
    public IReadOnlyList<string> MatchDetails => Strings(Root["match"]?["details"]);

    /// <summary>The cover sheet's case number, if the document came under one.</summary>
    public string? CoverCaseNumber => Str(Root, "cover_case_number");

    /// <summary>The kept pages in order; empty when not recorded.</summary>
    public IReadOnlyList<EvidencePage> Pages =>
        (Root["pages"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(p => new EvidencePage((int)(Num(p, "page") ?? 0), Num(p, "confidence"), (int?)Num(p, "rotation"), Str(p, "problem"), p))
            .ToList();

    /// <summary>The OCR text (pages separated by form feeds), or null when not kept.</summary>
    public string? Text => Str(Root, "text");

    /// <summary>Candidates of a candidates JSON array (the review item's or the evidence's).</summary>
    public static IReadOnlyList<CandidateRef> ParseCandidates(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        try
        {
            return (JsonNode.Parse(json) as JsonArray ?? []).OfType<JsonObject>()
                .Select(c => new CandidateRef(Str(c, "beneficiary_id") ?? "", Str(c, "case_number") ?? "", Strings(c["matched_by"])))
                .Where(c => c.BeneficiaryId.Length > 0).ToList();
        }
        catch (JsonException) { return []; }
    }

    private static string? Str(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static double? Num(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        (node as JsonArray ?? []).Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>().ToList();
}
