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

        var (html, files) = await WriteAsync(store, job, window, archive, now, ct: ct).ConfigureAwait(false);
        log.LogInformation("Bulk job {Job}: report of window {Window} written ({Files} file(s)): {Report}", job.Name, window.Id, files, html);
        return html;
    }

    /// <summary>
    /// Writes the report of <paramref name="window"/> (CSV and HTML, each replaced at once) reading its files
    /// <paramref name="pageSize"/> at a time with their documents, so a window of a hundred thousand files is never
    /// held in memory. Returns the HTML path and the number of files.
    /// </summary>
    public static async Task<(string Html, long Files)> WriteAsync(ICaptureStore store, BulkJobDefinition job, BulkWindow window, string archive,
        DateTimeOffset now, int pageSize = 1000, CancellationToken ct = default)
    {
        var folder = job.ReportFolder(archive);
        Directory.CreateDirectory(folder);
        var stem = Path.Combine(folder, FileStem(window));
        var inbox = Path.GetFullPath(job.Source);
        var temporary = stem + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        var totals = new Totals();
        try
        {
            // One pass: CSV lines, and the HTML table's rows into a side file (the HTML's totals come before its rows).
            await using (var csv = Writer(temporary + ".csv"))
            await using (var rows = Writer(temporary + ".rows"))
            {
                await csv.WriteAsync(CsvHeader.AsMemory(), ct).ConfigureAwait(false);
                BacklogItem? after = null;
                while (true)
                {
                    var page = await store.ListBacklogItemsCompletedInAsync(window.Id, after, pageSize, ct).ConfigureAwait(false);
                    if (page.Count == 0) break;
                    var documents = (await store.ListDocumentsAsync(inbox, page.Select(i => i.RelativePath).ToList(), ct).ConfigureAwait(false))
                        .ToLookup(d => d.Key.SourceName, StringComparer.Ordinal);
                    foreach (var item in page)
                    {
                        var row = Row.Of(item, documents[item.RelativePath].ToList());
                        totals.Add(row);
                        await csv.WriteAsync(CsvLine(row).AsMemory(), ct).ConfigureAwait(false);
                        await rows.WriteAsync(HtmlRow(row).AsMemory(), ct).ConfigureAwait(false);
                    }
                    if (page.Count < pageSize) break;
                    after = page[^1];
                }
            }
            var progress = await store.GetBacklogProgressAsync(job.Name, ct).ConfigureAwait(false);
            await using (var html = Writer(temporary + ".html"))
            {
                await html.WriteAsync(HtmlHead(job, window, totals, progress, now).AsMemory(), ct).ConfigureAwait(false);
                await html.FlushAsync(ct).ConfigureAwait(false);
                await using (var rows = File.OpenRead(temporary + ".rows"))
                    await rows.CopyToAsync(html.BaseStream, ct).ConfigureAwait(false);
                await html.WriteAsync("</table></body></html>\n".AsMemory(), ct).ConfigureAwait(false);
            }
            File.Move(temporary + ".csv", stem + ".csv", overwrite: true);
            File.Move(temporary + ".html", stem + ".html", overwrite: true);
            return (stem + ".html", totals.Files);
        }
        finally
        {
            foreach (var leftover in new[] { ".csv", ".rows", ".html" }) File.Delete(temporary + leftover);
        }
    }

    private static StreamWriter Writer(string path) =>
        new(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true), new UTF8Encoding(false));

    /// <summary>The window's sums, gathered while its rows are written.</summary>
    private sealed class Totals
    {
        public long Files, Done, Rejected, Pages, Filed, Review, Duplicate, RejectedDocuments;

        public void Add(Row r)
        {
            Files++;
            if (r.Outcome == "rejected") Rejected++; else Done++;
            Pages += r.Pages;
            Filed += r.Filed;
            Review += r.Review;
            Duplicate += r.Duplicate;
            RejectedDocuments += r.Rejected;
        }
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

    private const string CsvHeader = "path,outcome,pages,filed,review,duplicate,rejected,reasons,completed_at\n";

    private static string CsvLine(Row r) => string.Create(CultureInfo.InvariantCulture,
        $"{Quote(r.Path)},{r.Outcome},{r.Pages},{r.Filed},{r.Review},{r.Duplicate},{r.Rejected},{Quote(r.Reasons)},{r.CompletedAt?.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\n");

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string HtmlRow(Row r) => string.Create(CultureInfo.InvariantCulture,
        $"<tr><td>{E(r.Path)}</td><td>{r.Outcome}</td><td class=\"n\">{r.Pages}</td><td class=\"n\">{r.Filed}</td><td class=\"n\">{r.Review}</td><td class=\"n\">{r.Duplicate}</td><td class=\"n\">{r.Rejected}</td><td>{E(r.Reasons)}</td></tr>\n");

    private static string HtmlHead(BulkJobDefinition job, BulkWindow window, Totals t, BacklogProgress progress, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $$"""
            <!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Bulk {{E(job.Name)}} {{E(FileStem(window))}}</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}td.n{text-align:right}</style></head><body>
            <h1>Bulk job {{E(job.Name)}}</h1>
            <p>Window {{window.OpensAt.UtcDateTime:yyyy-MM-dd HH:mm}} to {{window.ClosesAt.UtcDateTime:yyyy-MM-dd HH:mm}} UTC; report written {{now.UtcDateTime:yyyy-MM-dd HH:mm:ss}} UTC.</p>
            <table><tr><th>files</th><th>done</th><th>rejected</th><th>pages</th><th>documents filed</th><th>review</th><th>duplicate</th><th>rejected documents</th></tr>
            <tr><td class="n">{{t.Files}}</td><td class="n">{{t.Done}}</td><td class="n">{{t.Rejected}}</td>
            <td class="n">{{t.Pages}}</td><td class="n">{{t.Filed}}</td><td class="n">{{t.Review}}</td>
            <td class="n">{{t.Duplicate}}</td><td class="n">{{t.RejectedDocuments}}</td></tr></table>
            <p>Whole backlog: {{progress.Finished}} of {{progress.Total}} file(s) finished, {{progress.Pending}} pending{{(progress.Enumerated ? "" : " (source not fully listed yet)")}}.</p>
            <table><tr><th>file</th><th>outcome</th><th>pages</th><th>filed</th><th>review</th><th>duplicate</th><th>rejected</th><th>reasons</th></tr>

            """);
}
