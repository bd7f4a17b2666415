using CaptureChain.Pipeline.Records;

namespace CaptureChain.Host.Service.Bulk;

/// <summary>
/// When a bulk job works: a window opens at each firing of <paramref name="Cron"/> (Quartz cron, seconds first, local
/// time, e.g. <c>0 0 20 * * ?</c>) and lasts <paramref name="Duration"/>.
/// </summary>
public sealed record BulkWindowSchedule(string Cron, TimeSpan Duration)
{
    /// <summary>
    /// The start of the window open at <paramref name="now"/>, or null when none is: the latest firing at or before
    /// <paramref name="now"/> that is less than <see cref="Duration"/> ago.
    /// </summary>
    public DateTimeOffset? OpenWindowStart(DateTimeOffset now)
    {
        var cron = new Quartz.CronExpression(Cron);
        // The first firing after (now - duration) is the only one whose window can still be open at now.
        var start = cron.GetNextValidTimeAfter(now - Duration - TimeSpan.FromSeconds(1));
        return start is { } s && s <= now && now < s + Duration ? s : null;
    }

    /// <summary>The next firing strictly after <paramref name="after"/>, or null when the expression never fires again.</summary>
    public DateTimeOffset? NextStart(DateTimeOffset after) =>
        new Quartz.CronExpression(Cron).GetNextValidTimeAfter(after);
}

/// <summary>
/// A scheduled bulk job: a legacy archive (folder tree) digitised in time windows by every node of the service, with
/// its filing defaults. Read from the <c>bulkJobs</c> section of <c>capturechain.json</c>.
/// </summary>
/// <param name="Name">Job name (letters, digits, '.', '_', '-'): names the backlog, batches, reports and manifest.</param>
/// <param name="Source">Root of the folder tree (absolute); backlog paths are relative to it.</param>
/// <param name="Window">When the job works.</param>
public sealed record BulkJobDefinition(string Name, string Source, BulkWindowSchedule Window)
{
    /// <summary>Archive of this job, or null for the service's.</summary>
    public string? Archive { get; init; }

    /// <summary>Filing plan of this job, or null for the service's.</summary>
    public string? PlanPath { get; init; }

    /// <summary>Case, operator and station imposed on every document (the station defaults to the job's name).</summary>
    public CaptureDefaults Defaults { get; init; } = CaptureDefaults.None;

    /// <summary>Folder-name pattern giving per-file hints (case number, beneficiary), or null.</summary>
    public string? FolderPattern { get; init; }

    /// <summary>Files in flight per node at once (a settled file's place is claimed again at once), or null for the node's OCR workers plus one.</summary>
    public int? Parallelism { get; init; }

    /// <summary>How long a claim holds without renewal: a dead node's files are taken over after this.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>At the window's close, how long files in flight may take to finish before they are parked.</summary>
    public TimeSpan CloseGrace { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a node looks for open windows and new work.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Claims a file may get before it is given up as <c>bulk_attempts_exhausted</c> (a file that kills every node).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The job's manifest: <c>&lt;archive&gt;/manifests/&lt;job&gt;.jsonl</c>.</summary>
    public string ManifestPath(string archive) => Path.Combine(Archive ?? archive, "manifests", Name + ".jsonl");

    /// <summary>Folder of the job's window reports: <c>&lt;archive&gt;/reports/bulk/&lt;job&gt;</c>.</summary>
    public string ReportFolder(string archive) => Path.Combine(Archive ?? archive, "reports", "bulk", Name);

    /// <summary>Host name and process id: unique among live nodes.</summary>
    public static string DefaultNodeName() => $"{Environment.MachineName}-{Environment.ProcessId}";
}
