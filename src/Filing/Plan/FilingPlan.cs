using System.Text;
using CaptureChain.Filing.Archive;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace CaptureChain.Filing.Plan;

/// <summary>
/// The plan de classement: how a document's case facts become a folder and file name in the archive. Read from a JSON
/// file the deployment edits (<see cref="Load"/>); <see cref="Default"/> is the shipped plan
/// <c>{prestation}/{case_number} {last_name:upper} {first_name:title}/{type_folder}/{date:yyyy-MM-dd}_{document_type}_{seq:000}.pdf</c>.
/// </summary>
/// <remarks>
/// File format (comments and trailing commas allowed; unknown properties are errors so typos do not pass silently):
/// <code>
/// {
///   "schema": 1,
///   "description": "free text",
///   "path": "{prestation}/{case_number} {last_name:upper} {first_name:title}/{type_folder}/{date:yyyy-MM-dd}_{document_type}_{seq:000}.pdf",
///   "path_by_prestation": { "ASE": "ASE/{case_number}/{type_folder}/{date:yyyy}_{document_type}_{seq:0000}.pdf" },
///   "document_types": { "rib": { "folder": "Banque", "retention": "dua_5_ans" } },
///   "default_retention": "dua_10_ans",
///   "allow_unlisted_types": true
/// }
/// </code>
/// A type's <c>folder</c> may contain '/' (nested folders) when <c>{type_folder}</c> is a whole path segment.
/// </remarks>
public sealed partial class FilingPlan
{
    /// <summary>The schema version this build reads.</summary>
    public const int SchemaVersion = 1;

    private const string DefaultResourceName = "CaptureChain.Filing.default-filing-plan.json";

    private static readonly Lazy<FilingPlan> DefaultPlan = new(LoadDefault);

    private static readonly JsonSerializerOptions ReadOptions = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
    };

    private readonly FilingTemplate _path;
    private readonly IReadOnlyDictionary<string, FilingTemplate> _pathByPrestation;
    private readonly IReadOnlyDictionary<string, DocumentTypeRule> _types;

    private FilingPlan(string source, string? description, FilingTemplate path, IReadOnlyDictionary<string, FilingTemplate> pathByPrestation,
        IReadOnlyDictionary<string, DocumentTypeRule> types, string? defaultRetention, bool allowUnlistedTypes)
    {
        Source = source;
        Description = description;
        _path = path;
        _pathByPrestation = pathByPrestation;
        _types = types;
        DefaultRetention = defaultRetention;
        AllowUnlistedTypes = allowUnlistedTypes;
    }

    /// <summary>Where the plan came from (file path or "embedded default"), for messages.</summary>
    public string Source { get; }

    /// <summary>The plan's free-text description.</summary>
    public string? Description { get; }

    /// <summary>The template used when no prestation-specific one applies.</summary>
    public string PathTemplate => _path.Text;

    /// <summary>Retention label of types that do not name their own.</summary>
    public string? DefaultRetention { get; }

    /// <summary>Whether a document type missing from <c>document_types</c> is filed under its own slug.</summary>
    public bool AllowUnlistedTypes { get; }

    /// <summary>The document types the plan lists, with their folder and retention label.</summary>
    public IReadOnlyDictionary<string, DocumentTypeRule> DocumentTypes => _types;

    /// <summary>The shipped plan (embedded resource <c>default-filing-plan.json</c>).</summary>
    public static FilingPlan Default => DefaultPlan.Value;

    /// <summary>Loads and validates a plan file; throws <see cref="FilingPlanException"/> listing every problem.</summary>
    public static FilingPlan Load(string path)
    {
        string json;
        try { json = File.ReadAllText(path, Encoding.UTF8); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FilingPlanException($"Filing plan {path}: cannot read the file ({e.Message})");
        }
        return Parse(json, path);
    }

    /// <summary>Parses and validates plan JSON; <paramref name="source"/> names it in error messages.</summary>
    public static FilingPlan Parse(string json, string source)
    {
        PlanFile? file;
        try
        {
            file = JsonSerializer.Deserialize<PlanFile>(json, ReadOptions);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}" : "";
            throw new FilingPlanException($"Filing plan {source}: invalid JSON{where}: {e.Message}");
        }
        if (file is null) throw new FilingPlanException($"Filing plan {source}: the file is empty (null)");

        var errors = new List<string>();
        if (file.Schema is null) errors.Add($"\"schema\" is missing (this version reads schema {SchemaVersion})");
        else if (file.Schema != SchemaVersion) errors.Add($"\"schema\" is {file.Schema}; this version reads schema {SchemaVersion}");

        var path = FilingTemplate.Parse(file.Path, "\"path\"", errors);
        var byPrestation = new Dictionary<string, FilingTemplate>(StringComparer.OrdinalIgnoreCase);
        foreach (var (prestation, text) in file.PathByPrestation ?? [])
        {
            if (string.IsNullOrWhiteSpace(prestation)) { errors.Add("\"path_by_prestation\": empty prestation key"); continue; }
            var template = FilingTemplate.Parse(text, $"\"path_by_prestation\".\"{prestation}\"", errors);
            if (template is null) continue;
            if (!byPrestation.TryAdd(prestation.Trim(), template))
                errors.Add($"\"path_by_prestation\": prestation \"{prestation}\" is listed twice (keys ignore case)");
        }

        var templates = new List<(string Where, FilingTemplate T)>();
        if (path is not null) templates.Add(("\"path\"", path));
        templates.AddRange(byPrestation.Select(kv => ($"\"path_by_prestation\".\"{kv.Key}\"", kv.Value)));

        var types = new Dictionary<string, DocumentTypeRule>(StringComparer.Ordinal);
        foreach (var (slug, rule) in file.DocumentTypes ?? [])
        {
            if (!SlugPattern().IsMatch(slug))
            {
                errors.Add($"\"document_types\": \"{slug}\" is not a document-type slug (lower_snake_case)");
                continue;
            }
            var folder = rule?.Folder ?? slug;
            var folderSegments = folder.Split('/');
            if (folderSegments.Any(s => PathSegment.Sanitize(s) != s || s.Length == 0))
            {
                errors.Add($"\"document_types\".\"{slug}\": folder \"{folder}\" is not a valid folder name (no empty parts, '..', leading or trailing dots or spaces, control characters or <>:\"|?*\\)");
                continue;
            }
            if (folderSegments.Length > 1)
                foreach (var (where, t) in templates.Where(x => x.T.Uses("type_folder") && !x.T.IsWholeSegment("type_folder")))
                    errors.Add($"\"document_types\".\"{slug}\": folder \"{folder}\" has several levels, so {{type_folder}} must be a whole path segment in {where}");
            var retention = rule?.Retention;
            if (retention is not null && PathSegment.Sanitize(retention) != retention)
                errors.Add($"\"document_types\".\"{slug}\": retention label \"{retention}\" cannot be used in a path (it changes when sanitised)");
            types[slug] = new DocumentTypeRule(folder, retention);
        }
        if (file.DefaultRetention is { } defaultRetention && PathSegment.Sanitize(defaultRetention) != defaultRetention)
            errors.Add($"\"default_retention\": \"{defaultRetention}\" cannot be used in a path (it changes when sanitised)");
        if (file.AllowUnlistedTypes == false && types.Count == 0)
            errors.Add("\"allow_unlisted_types\" is false but \"document_types\" lists no type: nothing could be filed");

        if (errors.Count > 0 || path is null)
            throw new FilingPlanException($"Filing plan {source} is invalid:\n - " + string.Join("\n - ", errors));

        return new FilingPlan(source, file.Description, path, byPrestation, types, file.DefaultRetention, file.AllowUnlistedTypes ?? true);
    }

    /// <summary>The retention label of a document type (its own, else the plan's default), or null.</summary>
    public string? RetentionFor(string documentType) =>
        _types.TryGetValue(documentType, out var rule) && rule.Retention is not null ? rule.Retention : DefaultRetention;

    /// <summary>The template that applies to a prestation.</summary>
    public string TemplateFor(string prestation) =>
        (_pathByPrestation.TryGetValue(prestation.Trim(), out var t) ? t : _path).Text;

    /// <summary>
    /// Renders the folder and file-name pattern of one document. Every value is sanitised; an empty value the template
    /// needs gives <see cref="FilingReasons.FieldMissing"/> rather than a half-named folder.
    /// </summary>
    public FilingRenderResult Render(FilingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var documentType = PathSegment.Sanitize(context.DocumentType);
        if (documentType.Length == 0) return FilingRenderResult.NotPlaced(FilingReasons.FieldMissing, "document_type");
        if (!_types.TryGetValue(documentType, out var rule) && !AllowUnlistedTypes)
            return FilingRenderResult.NotPlaced(FilingReasons.TypeNotInPlan, documentType);
        var template = _pathByPrestation.TryGetValue((context.Prestation ?? "").Trim(), out var specific) ? specific : _path;
        var retention = RetentionFor(documentType);

        var folders = new List<string>();
        string? prefix = null, suffix = null;
        for (var s = 0; s < template.Segments.Count; s++)
        {
            var segment = template.Segments[s];
            var isFileName = s == template.Segments.Count - 1;

            // A multi-level type folder is a whole segment by validation: its parts are already valid folder names.
            if (segment is [{ IsPlaceholder: true, Name: "type_folder" }] && rule is not null && rule.Folder.Contains('/'))
            {
                folders.AddRange(rule.Folder.Split('/'));
                continue;
            }

            var before = new StringBuilder();
            var after = new StringBuilder();
            var seen = false;
            foreach (var token in segment)
            {
                if (!token.IsPlaceholder) { (seen ? after : before).Append(token.Text); continue; }
                if (token.Name == "seq") { seen = true; continue; }
                var value = token.Name == "date"
                    ? FilingTemplate.FormatDate(context.Date, token.Format)
                    : FilingTemplate.FormatText(token.Name switch
                    {
                        "retention" => retention ?? "",
                        "type_folder" => rule?.Folder ?? documentType,
                        "document_type" => documentType,
                        "beneficiary_id" => context.BeneficiaryId ?? "",
                        "case_number" => context.CaseNumber ?? "",
                        "prestation" => context.Prestation ?? "",
                        "last_name" => context.LastName ?? "",
                        "first_name" => context.FirstName ?? "",
                        _ => throw new InvalidOperationException($"placeholder {token.Name} passed validation but has no value"),
                    }, token.Format);
                var cleaned = PathSegment.CleanValue(value).Trim();
                if (cleaned.Trim('.').Length == 0) return FilingRenderResult.NotPlaced(FilingReasons.FieldMissing, token.Name);
                (seen ? after : before).Append(cleaned);
            }

            if (!isFileName)
            {
                var folder = PathSegment.Finish(before.ToString());
                if (folder.Length == 0) return FilingRenderResult.NotPlaced(FilingReasons.FieldMissing, $"segment {s + 1}");
                folders.Add(folder);
            }
            else
            {
                suffix = PathSegment.CleanValue(after.ToString()).TrimEnd(' ', '.');
                var budget = PathSegment.MaxBytes - Encoding.UTF8.GetByteCount(suffix) - 9;
                prefix = PathSegment.Truncate(PathSegment.CleanValue(before.ToString()).TrimStart(' ', '.'), budget);
            }
        }

        if (CaseFolderArchiveLayout.IsReservedTopFolder(folders[0]))
            return FilingRenderResult.NotPlaced(FilingReasons.PathReserved, folders[0]);
        return FilingRenderResult.Placed(new FilingTarget(string.Join('/', folders), prefix!, template.SeqWidth, suffix!, documentType, retention));
    }

    private static FilingPlan LoadDefault()
    {
        using var stream = typeof(FilingPlan).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"embedded resource {DefaultResourceName} is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd(), "embedded default");
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex SlugPattern();

    /// <summary>JSON shape of a plan file.</summary>
    private sealed class PlanFile
    {
        [JsonPropertyName("schema")] public int? Schema { get; set; }
        [JsonPropertyName("description")] public string? Description { get; set; }
        [JsonPropertyName("path")] public string? Path { get; set; }
        [JsonPropertyName("path_by_prestation")] public Dictionary<string, string>? PathByPrestation { get; set; }
        [JsonPropertyName("document_types")] public Dictionary<string, DocumentTypeFile?>? DocumentTypes { get; set; }
        [JsonPropertyName("default_retention")] public string? DefaultRetention { get; set; }
        [JsonPropertyName("allow_unlisted_types")] public bool? AllowUnlistedTypes { get; set; }
    }

    /// <summary>JSON shape of one document-type entry.</summary>
    private sealed class DocumentTypeFile
    {
        [JsonPropertyName("folder")] public string? Folder { get; set; }
        [JsonPropertyName("retention")] public string? Retention { get; set; }
    }
}

/// <summary>How the plan files one document type: its folder name (may hold '/') and retention label.</summary>
public sealed record DocumentTypeRule(string Folder, string? Retention);
