using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Watching;

namespace CaptureChain.Host.Service;

/// <summary>The service configuration is wrong or incomplete; the message says what to fix.</summary>
public sealed class ServiceConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Command-line values of <c>serve</c>, which win over the configuration file.</summary>
public sealed record ServiceOverrides(
    string? Archive = null, string? Registry = null, string? Model = null, string? Plan = null, string? Store = null,
    int? OcrWorkers = null, string? Bind = null, int? Port = null, string? Inbox = null);

/// <summary>Where <c>serve</c> falls back when neither the file nor the command line say.</summary>
/// <param name="DataFolder">CaptureChain's data folder (default configuration file and archive).</param>
/// <param name="ImportedRegistry">The registry of <c>registry import</c>.</param>
/// <param name="ShippedModel">The shipped document-type model.</param>
public sealed record ServiceFallbacks(string DataFolder, string ImportedRegistry, string ShippedModel);

/// <summary>
/// Reads the service configuration (<c>capturechain.json</c>, format in the README's "Service" section and
/// <c>docs/capturechain.example.json</c>), applies command-line overrides and fallbacks, and validates the result.
/// Relative paths in the file are relative to the file's folder. Unknown keys are refused, so a typo is not ignored.
/// </summary>
public static partial class ServiceConfigurationFile
{
    /// <summary>File name of the default configuration in the data folder.</summary>
    public const string DefaultFileName = "capturechain.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>
    /// The configuration in force: <paramref name="configPath"/> (or <c>&lt;data folder&gt;/capturechain.json</c> when it
    /// exists), then <paramref name="overrides"/>, then <paramref name="fallbacks"/>.
    /// </summary>
    public static ServiceConfiguration Resolve(string? configPath, ServiceOverrides overrides, ServiceFallbacks fallbacks)
    {
        var defaultPath = Path.Combine(fallbacks.DataFolder, DefaultFileName);
        if (configPath is not null && !File.Exists(configPath))
            throw new ServiceConfigurationException($"Configuration file '{configPath}' does not exist.");
        var path = configPath ?? (File.Exists(defaultPath) ? defaultPath : null);
        var file = path is null ? new FileModel() : Read(path);
        var baseFolder = path is null ? Environment.CurrentDirectory : Path.GetDirectoryName(Path.GetFullPath(path))!;
        string? FromFile(string? value) => value is null ? null : Path.GetFullPath(value, baseFolder);
        string? FromCommandLine(string? value) => value is null ? null : Path.GetFullPath(value);

        var archive = FromCommandLine(overrides.Archive) ?? FromFile(file.Archive) ?? Path.Combine(fallbacks.DataFolder, "archive");
        var registry = FromCommandLine(overrides.Registry) ?? FromFile(file.Registry)
            ?? (File.Exists(fallbacks.ImportedRegistry) ? fallbacks.ImportedRegistry
                : throw new ServiceConfigurationException(
                    "No beneficiary registry: set \"registry\" in the configuration, pass --registry FILE, or run ./capturechain registry import FILE first."));
        var model = FromCommandLine(overrides.Model) ?? FromFile(file.Model) ?? fallbacks.ShippedModel;

        var inboxes = new List<InboxProfile>();
        var manifests = new Dictionary<string, string>(StringComparer.Ordinal);
        if (overrides.Inbox is not null)
        {
            var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(overrides.Inbox));
            inboxes.Add(new InboxProfile(SafeName(Path.GetFileName(folder)), folder));
        }
        else
        {
            foreach (var (entry, index) in (file.Inboxes ?? []).Select((e, i) => (e, i)))
            {
                var (profile, manifest) = Profile(entry, index, FromFile);
                inboxes.Add(profile);
                if (manifest is not null) manifests[profile.Name] = manifest;
            }
        }

        var configuration = new ServiceConfiguration(archive, registry, model, inboxes)
        {
            PlanPath = FromCommandLine(overrides.Plan) ?? FromFile(file.Plan),
            // A PostgreSQL connection string is not a path: kept as written.
            StorePath = Bulk.BulkConfiguration.IsPostgres(overrides.Store) ? overrides.Store
                : Bulk.BulkConfiguration.IsPostgres(file.Store) ? file.Store
                : FromCommandLine(overrides.Store) ?? FromFile(file.Store),
            OcrWorkers = overrides.OcrWorkers ?? file.OcrWorkers,
            ConcurrentBatches = file.ConcurrentBatches ?? 1,
            ShutdownGrace = Seconds(file.ShutdownGraceSeconds, "shutdownGraceSeconds", 30, minimum: 0),
            Web = new WebEndpoint(overrides.Bind ?? file.Web?.Bind ?? WebEndpoint.Default.Bind, overrides.Port ?? file.Web?.Port ?? WebEndpoint.Default.Port),
            Manifests = manifests,
            Node = Blank(file.Node) ?? Bulk.BulkJobDefinition.DefaultNodeName(),
            BulkJobs = (file.BulkJobs ?? []).Select((b, i) => BulkJob(b, i, FromFile)).ToList(),
            RetrainingCron = file.Retraining is null ? null : Cron(file.Retraining.Cron, "retraining"),
            RetrainingSamples = file.Retraining is null ? null
                : FromFile(file.Retraining.Samples) ?? throw new ServiceConfigurationException("retraining.samples is required (the deployment's training samples, DIR/<document_type>/*)"),
            RetrainingRegistry = FromFile(file.Retraining?.Registry),
        };
        Validate(configuration);
        return configuration;
    }

    private static FileModel Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<FileModel>(stream, Json) ?? new FileModel();
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}{(e.Path is { Length: > 0 } p ? $", at {p}" : "")})" : "";
            // The serializer names our internal types; say what the operator wrote instead.
            var unknown = UnmappedKey().Match(e.Message);
            if (unknown.Success) throw new ServiceConfigurationException($"Configuration file '{path}': unknown key \"{unknown.Groups[1].Value}\"{where}.", e);
            throw new ServiceConfigurationException($"Configuration file '{path}' is not valid{where}: {FirstSentence(e.Message)}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ServiceConfigurationException($"Configuration file '{path}' cannot be read: {e.Message}", e);
        }
    }

    private static (InboxProfile Profile, string? Manifest) Profile(InboxModel entry, int index, Func<string?, string?> resolve)
    {
        var label = entry.Name is { Length: > 0 } n ? $"inbox '{n}'" : $"inboxes[{index}]";
        var name = entry.Name ?? throw new ServiceConfigurationException($"{label}: \"name\" is required.");
        if (!NamePattern().IsMatch(name))
            throw new ServiceConfigurationException($"{label}: the name may hold letters, digits, '.', '_' and '-' (it names batches and manifest files).");
        var path = resolve(entry.Path) ?? throw new ServiceConfigurationException($"{label}: \"path\" is required.");
        var marker = entry.CompletionMarker;
        if (marker is not null && (marker.Length < 2 || !marker.StartsWith('.') || marker.IndexOfAny(['/', '\\']) >= 0))
            throw new ServiceConfigurationException($"{label}: \"completionMarker\" is a file-name suffix such as \".done\" or \".ok\".");
        var handling = entry.AfterProcessing switch
        {
            null or "keep" => ProcessedFileHandling.Keep,
            "delete" => ProcessedFileHandling.Delete,
            var other => throw new ServiceConfigurationException($"{label}: \"afterProcessing\" is \"keep\" or \"delete\", not \"{other}\"."),
        };
        var maxFiles = entry.MaxFilesPerBatch ?? 200;
        if (maxFiles < 1) throw new ServiceConfigurationException($"{label}: \"maxFilesPerBatch\" must be at least 1.");
        var profile = new InboxProfile(name, path)
        {
            Defaults = new CaptureDefaults(Blank(entry.CaseNumber), Blank(entry.Operator), Blank(entry.Station) ?? name),
            QuietPeriod = Seconds(entry.QuietSeconds, $"{label}: quietSeconds", 5, minimum: 0),
            CompletionMarker = marker,
            PollInterval = Seconds(entry.PollSeconds, $"{label}: pollSeconds", 10, minimum: 0.1),
            WatchEvents = entry.WatchEvents ?? true,
            DropWindow = Seconds(entry.DropWindowSeconds, $"{label}: dropWindowSeconds", 30, minimum: 0),
            MaxFilesPerBatch = maxFiles,
            AfterProcessing = handling,
        };
        return (profile, resolve(entry.Manifest));
    }

    private static Bulk.BulkJobDefinition BulkJob(BulkJobModel entry, int index, Func<string?, string?> resolve)
    {
        var label = entry.Name is { Length: > 0 } n ? $"bulk job '{n}'" : $"bulkJobs[{index}]";
        var name = entry.Name ?? throw new ServiceConfigurationException($"{label}: \"name\" is required.");
        if (!NamePattern().IsMatch(name))
            throw new ServiceConfigurationException($"{label}: the name may hold letters, digits, '.', '_' and '-' (it names batches, reports and the manifest).");
        var source = resolve(entry.Source) ?? throw new ServiceConfigurationException($"{label}: \"source\" (the folder tree to digitise) is required.");
        var window = entry.Window ?? throw new ServiceConfigurationException($"{label}: \"window\" {{ \"cron\", \"duration\" }} is required.");
        var cron = Cron(window.Cron, $"{label}: window");
        if (!TimeSpan.TryParse(window.Duration ?? "", System.Globalization.CultureInfo.InvariantCulture, out var duration)
            || duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(7))
            throw new ServiceConfigurationException($"{label}: \"window.duration\" is a time span such as \"10:00:00\" (more than zero, at most 7 days).");
        var parallelism = entry.Parallelism;
        if (parallelism is < 1 or > 256) throw new ServiceConfigurationException($"{label}: \"parallelism\" takes a whole number from 1 to 256.");
        var defaults = entry.Defaults;
        var folderPattern = Blank(entry.FolderPattern);
        try { if (folderPattern is not null) Pipeline.Legacy.FolderNamePattern.Parse(folderPattern); }
        catch (Pipeline.Legacy.FolderNamePatternException e) { throw new ServiceConfigurationException($"{label}: \"folderPattern\": {e.Message}", e); }
        return new Bulk.BulkJobDefinition(name, source, new Bulk.BulkWindowSchedule(cron, duration))
        {
            Archive = resolve(entry.Archive),
            PlanPath = resolve(entry.Plan),
            Defaults = new CaptureDefaults(Blank(defaults?.Case), Blank(defaults?.Operator), Blank(defaults?.Station) ?? name),
            FolderPattern = folderPattern,
            Parallelism = parallelism,
            Lease = Seconds(entry.LeaseSeconds, $"{label}: leaseSeconds", 60, minimum: 5),
            CloseGrace = Seconds(entry.CloseGraceSeconds, $"{label}: closeGraceSeconds", 120, minimum: 0),
            PollInterval = Seconds(entry.PollSeconds, $"{label}: pollSeconds", 5, minimum: 0.2),
        };
    }

    private static string Cron(string? expression, string what)
    {
        var trimmed = expression?.Trim();
        if (string.IsNullOrEmpty(trimmed) || !Quartz.CronExpression.TryParse(trimmed, out _))
            throw new ServiceConfigurationException($"{what}: \"cron\" is a Quartz cron expression, seconds first, such as \"0 0 20 * * ?\" (every day at 20:00).");
        return trimmed;
    }

    private static void Validate(ServiceConfiguration c)
    {
        var jobs = c.BulkJobs.GroupBy(j => j.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (jobs is not null) throw new ServiceConfigurationException($"Two bulk jobs are named '{jobs.Key}'.");
        foreach (var job in c.BulkJobs)
        {
            var source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(job.Source));
            var jobArchive = Path.TrimEndingDirectorySeparator(Path.GetFullPath(job.Archive ?? c.Archive));
            if (Inside(source, jobArchive) || Inside(jobArchive, source))
                throw new ServiceConfigurationException($"Bulk job '{job.Name}': its source and the archive must not contain one another.");
        }
        if (c.OcrWorkers is < 1 or > 256) throw new ServiceConfigurationException("\"ocrWorkers\" takes a whole number from 1 to 256.");
        if (c.ConcurrentBatches is < 1 or > 64) throw new ServiceConfigurationException("\"concurrentBatches\" takes a whole number from 1 to 64.");
        if (c.Web.Port is < 0 or > 65535) throw new ServiceConfigurationException("The web port takes a number from 0 to 65535.");
        if (c.Web.Bind is not ("localhost" or "*") && !IPAddress.TryParse(c.Web.Bind, out _))
            throw new ServiceConfigurationException($"The web bind address is \"localhost\", \"*\" (every interface) or an IP address, not \"{c.Web.Bind}\".");
        if (c.Web.Bind == "localhost" && c.Web.Port == 0)
            throw new ServiceConfigurationException("Port 0 (any free port) needs an IP bind address such as 127.0.0.1.");

        var names = c.Inboxes.GroupBy(i => i.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (names is not null) throw new ServiceConfigurationException($"Two inboxes are named '{names.Key}'.");
        var archive = Path.TrimEndingDirectorySeparator(Path.GetFullPath(c.Archive));
        foreach (var inbox in c.Inboxes)
        {
            var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(inbox.Path));
            if (Inside(folder, archive) || Inside(archive, folder))
                throw new ServiceConfigurationException($"Inbox '{inbox.Name}' and the archive must not contain one another.");
            var other = c.Inboxes.FirstOrDefault(o => o != inbox && (Inside(folder, Path.GetFullPath(o.Path)) || Inside(Path.GetFullPath(o.Path), folder)));
            if (other is not null) throw new ServiceConfigurationException($"Inboxes '{inbox.Name}' and '{other.Name}' must not contain one another.");
        }
        var manifest = c.Inboxes.GroupBy(c.ManifestPath, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (manifest is not null)
            throw new ServiceConfigurationException($"Inboxes {string.Join(" and ", manifest.Select(i => $"'{i.Name}'"))} would write the same manifest.");
    }

    private static bool Inside(string folder, string root)
    {
        folder = Path.TrimEndingDirectorySeparator(folder);
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        return folder == root || folder.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static TimeSpan Seconds(double? value, string what, double fallback, double minimum)
    {
        var seconds = value ?? fallback;
        if (double.IsNaN(seconds) || seconds < minimum || seconds > 86_400)
            throw new ServiceConfigurationException($"\"{what}\" takes a number of seconds from {minimum} to 86400.");
        return TimeSpan.FromSeconds(seconds);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string SafeName(string folderName)
    {
        var name = Regex.Replace(folderName, "[^A-Za-z0-9._-]", "_");
        return name.Length == 0 ? "inbox" : name;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnmappedKey();

    // ---- file format (camelCase JSON); every member optional, validated above ----------------------------------

    private sealed class FileModel
    {
        public string? Archive { get; set; }
        public string? Registry { get; set; }
        public string? Model { get; set; }
        public string? Plan { get; set; }
        public string? Store { get; set; }
        public int? OcrWorkers { get; set; }
        public int? ConcurrentBatches { get; set; }
        public double? ShutdownGraceSeconds { get; set; }
        public WebModel? Web { get; set; }
        public List<InboxModel>? Inboxes { get; set; }
        public string? Node { get; set; }
        public List<BulkJobModel>? BulkJobs { get; set; }
        public RetrainingModel? Retraining { get; set; }
        [JsonPropertyName("$schema")] public string? Schema { get; set; }
        [JsonPropertyName("_comment")] public string? Comment { get; set; }
    }

    private sealed class WebModel
    {
        public string? Bind { get; set; }
        public int? Port { get; set; }
    }

    private sealed class InboxModel
    {
        public string? Name { get; set; }
        public string? Path { get; set; }
        public string? CaseNumber { get; set; }
        public string? Operator { get; set; }
        public string? Station { get; set; }
        public double? QuietSeconds { get; set; }
        public string? CompletionMarker { get; set; }
        public double? PollSeconds { get; set; }
        public bool? WatchEvents { get; set; }
        public double? DropWindowSeconds { get; set; }
        public int? MaxFilesPerBatch { get; set; }
        public string? AfterProcessing { get; set; }
        public string? Manifest { get; set; }
        [JsonPropertyName("_comment")] public string? Comment { get; set; }
    }

    private sealed class BulkJobModel
    {
        public string? Name { get; set; }
        public string? Source { get; set; }
        public string? Archive { get; set; }
        public string? Plan { get; set; }
        public BulkDefaultsModel? Defaults { get; set; }
        public string? FolderPattern { get; set; }
        public BulkWindowModel? Window { get; set; }
        public int? Parallelism { get; set; }
        public double? LeaseSeconds { get; set; }
        public double? CloseGraceSeconds { get; set; }
        public double? PollSeconds { get; set; }
        [JsonPropertyName("_comment")] public string? Comment { get; set; }
    }

    private sealed class BulkDefaultsModel
    {
        public string? Case { get; set; }
        public string? Operator { get; set; }
        public string? Station { get; set; }
    }

    private sealed class BulkWindowModel
    {
        public string? Cron { get; set; }
        public string? Duration { get; set; }
    }

    private sealed class RetrainingModel
    {
        public string? Cron { get; set; }
        public string? Samples { get; set; }
        public string? Registry { get; set; }
    }
}
