using System.Globalization;
using System.Net;
using System.Text;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using CaptureChain.Pipeline;
using Microsoft.Extensions.Logging;

namespace CaptureChain.Host.Service.Bulk;

/// <summary>
/// The report of a bulk window (HTML and CSV under <c>&lt;archive&gt;/reports/bulk/&lt;job&gt;/</c>): each file
/// recorded in the window with its outcome, pages and documents filed, sent to review, duplicate or rejected, with the
/// reason codes. Written once across the cluster (the store says which node), after the window's close (or as soon as
/// its backlog is finished), together with the job's manifest.
/// </summary>
public static class BulkWindowReport
{
    /// <summary>File name (without extension) of a window's report: its start in UTC.</summary>
    public static string FileStem(BulkWindow window) => window.OpensAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH-mm-ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes the window's report if it is due (window closed or backlog finished, and no file of the job still in
    /// flight under a live lease) and no other node wrote it; rewrites the job's manifest in any case. Returns the
    /// report's HTML path when this call wrote it.
    /// </summary>
    public static async Task<string?> TryWriteAsync(CaptureRun run, BulkJobDefinition job, BulkWindow window, string archive, bool backlogFinished,
        TimeProvider time, ILogger log, CancellationToken ct)
    {
        var store = run.Store;
        var manifest = job.ManifestPath(archive);
        await run.WriteManifestLockedAsync(job.Source, manifest, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (now < window.ClosesAt && !backlogFinished) return null;
        var claimed = await store.ListBacklogItemsAsync(job.Name, BacklogItemState.Claimed, limit: 1000, ct: ct).ConfigureAwait(false);
        if (claimed.Any(i => i.LeaseUntil is { } lease && lease > now)) return null; // another node is still finishing: it reports
        if (!await store.MarkBulkWindowReportedAsync(window.Id, ct).ConfigureAwait(false)) return null;

        var items = await store.ListBacklogItemsCompletedInAsync(window.Id, ct).ConfigureAwait(false);
        var documents = (await store.ListDocumentsAsync(Path.GetFullPath(job.Source), ct).ConfigureAwait(false))
            .ToLookup(d => d.Key.SourceName, StringComparer.Ordinal);
        var rows = items.Select(i => Row.Of(i, documents[i.RelativePath].ToList())).ToList();
        var folder = job.ReportFolder(archive);
        Directory.CreateDirectory(folder);
        var stem = Path.Combine(folder, FileStem(window));
        var progress = await store.GetBacklogProgressAsync(job.Name, ct).ConfigureAwait(false);
        await WriteAtomicallyAsync(stem + ".csv", Csv(rows), ct).ConfigureAwait(false);
        await WriteAtomicallyAsync(stem + ".html", Html(job, window, rows, progress, now), ct).ConfigureAwait(false);
        log.LogInformation("Bulk job {Job}: report of window {Window} written ({Files} file(s)): {Report}", job.Name, window.Id, rows.Count, stem + ".html");
        return stem + ".html";
    }

    private sealed record Row(string Path, string Outcome, int Pages, int Filed, int Review, int Duplicate, int Rejected, string Reasons, DateTimeOffset? CompletedAt)
    {
        public static Row Of(BacklogItem item, IReadOnlyList<DocumentRecord> documents)
        {
            int Count(DocumentStatus s) => documents.Count(d => d.Status == s);
            var reasons = documents.SelectMany(d => d.Reasons).Append(item.Reason).OfType<string>().Distinct(StringComparer.Ordinal);
            return new Row(item.RelativePath, item.State.ToString().ToLowerInvariant(), item.Pages, Count(DocumentStatus.Filed), Count(DocumentStatus.Review),
                Count(DocumentStatus.Duplicate), Count(DocumentStatus.Rejected), string.Join(' ', reasons), item.CompletedAt);
        }
    }

    private static string Csv(IReadOnlyList<Row> rows)
    {
        var csv = new StringBuilder("path,outcome,pages,filed,review,duplicate,rejected,reasons,completed_at\n");
        foreach (var r in rows)
            csv.Append(CultureInfo.InvariantCulture, $"{Quote(r.Path)},{r.Outcome},{r.Pages},{r.Filed},{r.Review},{r.Duplicate},{r.Rejected},{Quote(r.Reasons)},{r.CompletedAt?.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\n");
        return csv.ToString();
    }

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Html(BulkJobDefinition job, BulkWindow window, IReadOnlyList<Row> rows, BacklogProgress progress, DateTimeOffset now)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Bulk {{E(job.Name)}} {{E(FileStem(window))}}</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}td.n{text-align:right}</style></head><body>
            <h1>Bulk job {{E(job.Name)}}</h1>
            <p>Window {{window.OpensAt.UtcDateTime:yyyy-MM-dd HH:mm}} to {{window.ClosesAt.UtcDateTime:yyyy-MM-dd HH:mm}} UTC; report written {{now.UtcDateTime:yyyy-MM-dd HH:mm:ss}} UTC.</p>
            <table><tr><th>files</th><th>done</th><th>rejected</th><th>pages</th><th>documents filed</th><th>review</th><th>duplicate</th><th>rejected documents</th></tr>
            <tr><td class="n">{{rows.Count}}</td><td class="n">{{rows.Count(r => r.Outcome == "done")}}</td><td class="n">{{rows.Count(r => r.Outcome == "rejected")}}</td>
            <td class="n">{{rows.Sum(r => r.Pages)}}</td><td class="n">{{rows.Sum(r => r.Filed)}}</td><td class="n">{{rows.Sum(r => r.Review)}}</td>
            <td class="n">{{rows.Sum(r => r.Duplicate)}}</td><td class="n">{{rows.Sum(r => r.Rejected)}}</td></tr></table>
            <p>Whole backlog: {{progress.Finished}} of {{progress.Total}} file(s) finished, {{progress.Pending}} pending{{(progress.Enumerated ? "" : " (source not fully listed yet)")}}.</p>
            <table><tr><th>file</th><th>outcome</th><th>pages</th><th>filed</th><th>review</th><th>duplicate</th><th>rejected</th><th>reasons</th></tr>

            """);
        foreach (var r in rows)
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(r.Path)}</td><td>{r.Outcome}</td><td class=\"n\">{r.Pages}</td><td class=\"n\">{r.Filed}</td><td class=\"n\">{r.Review}</td><td class=\"n\">{r.Duplicate}</td><td class=\"n\">{r.Rejected}</td><td>{E(r.Reasons)}</td></tr>\n");
        html.Append("</table></body></html>\n");
        return html.ToString();
    }

    private static async Task WriteAtomicallyAsync(string path, string content, CancellationToken ct)
    {
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        await File.WriteAllTextAsync(temporary, content, new UTF8Encoding(false), ct).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }
}
