using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using CaptureChain.Host.Service.Bulk;

namespace CaptureChain.Host.Tests.Service;

/// <summary>
/// A window's report (CSV and HTML) read from the real SQLite store a few files at a time: every file of the window
/// once, in completion order, with its documents' outcomes, and the HTML's totals over all of them.
/// </summary>
public sealed class BulkWindowReportTests(ScratchStore scratch) : IClassFixture<ScratchStore>
{
    private string Source => Path.Combine(scratch.Root, "legacy");
    private string Archive => Path.Combine(scratch.Root, "archive");

    private DocumentRecord Document(BatchId batch, string source, int first, DocumentStatus status, params string[] reasons) =>
        new(new DocumentKey(source, new string('c', 64), first, first), batch, Source, status, "avis_imposition", 0.99, 0.9, "m-1",
            status == DocumentStatus.Filed ? "B001" : null, null, status == DocumentStatus.Filed ? $"APA/x/{source}-{first}.pdf" : null,
            status == DocumentStatus.Filed ? new string('d', 64) : null, null, reasons, null);

    [Fact]
    public async Task A_window_read_two_files_at_a_time_lists_each_file_once_with_its_documents_and_totals()
    {
        var job = new BulkJobDefinition("archives", Source, new BulkWindowSchedule("0 0 20 * * ?", TimeSpan.FromHours(10)));
        var now = DateTimeOffset.UtcNow;
        var window = await scratch.Store.OpenBulkWindowAsync(job.Name, now.AddHours(-1), now.AddHours(9));
        var other = await scratch.Store.OpenBulkWindowAsync(job.Name, now.AddDays(-1), now.AddDays(-1).AddHours(10));
        var files = Enumerable.Range(1, 6).Select(i => new BacklogFile($"boite-{i}/scan, n°{i}.tif", 1000, now)).ToList();
        await scratch.Store.AddBacklogFilesAsync(job.Name, files);
        var batch = await scratch.Store.StartBatchAsync(new BatchStart("bulk", Source, null, null));

        // File 6 got its outcome in another window: not in this report.
        var items = await scratch.Store.ClaimBacklogItemsAsync(job.Name, "node-a", 5, TimeSpan.FromMinutes(5), window.Id);
        var earlier = await scratch.Store.ClaimBacklogItemsAsync(job.Name, "node-a", 1, TimeSpan.FromMinutes(5), other.Id);
        earlier.Single().RelativePath.Should().Be(files[5].RelativePath);
        // Completed in the order 3, 1, 5, 2, 4 with their documents recorded first.
        (string Path, BacklogItemState State, int Pages, DocumentRecord[] Documents)[] outcomes =
        [
            (files[2].RelativePath, BacklogItemState.Done, 3,
                [Document(batch, files[2].RelativePath, 1, DocumentStatus.Filed), Document(batch, files[2].RelativePath, 2, DocumentStatus.Review, "type_low_confidence")]),
            (files[0].RelativePath, BacklogItemState.Done, 2, [Document(batch, files[0].RelativePath, 1, DocumentStatus.Filed)]),
            (files[4].RelativePath, BacklogItemState.Rejected, 0, [Document(batch, files[4].RelativePath, 1, DocumentStatus.Rejected, "file_unreadable")]),
            (files[1].RelativePath, BacklogItemState.Done, 1, [Document(batch, files[1].RelativePath, 1, DocumentStatus.Duplicate, "duplicate_rescan")]),
            (files[3].RelativePath, BacklogItemState.Done, 4, [Document(batch, files[3].RelativePath, 1, DocumentStatus.Filed), Document(batch, files[3].RelativePath, 3, DocumentStatus.Filed)]),
        ];
        foreach (var (path, state, pages, documents) in outcomes)
        {
            foreach (var d in documents) await scratch.Store.RecordDocumentAsync(d);
            var item = items.Single(i => i.RelativePath == path);
            (await scratch.Store.CompleteBacklogItemAsync(item.Id, "node-a", state, pages, state == BacklogItemState.Rejected ? "file_unreadable" : null)).Should().BeTrue();
            await Task.Delay(2);
        }
        (await scratch.Store.CompleteBacklogItemAsync(earlier[0].Id, "node-a", BacklogItemState.Done, 9, null)).Should().BeTrue();
        await scratch.Store.RecordDocumentAsync(Document(batch, files[5].RelativePath, 1, DocumentStatus.Filed));

        var (html, count) = await BulkWindowReport.WriteAsync(scratch.Store, job, window, Archive, now, pageSize: 2);

        count.Should().Be(5);
        var csv = await File.ReadAllLinesAsync(Path.ChangeExtension(html, ".csv"));
        csv[0].Should().Be("path,outcome,pages,filed,review,duplicate,rejected,reasons,completed_at");
        csv.Skip(1).Select(l => l[..(l.LastIndexOf(',') + 1)]).Should().Equal(
            "\"boite-3/scan, n°3.tif\",done,3,1,1,0,0,type_low_confidence,",
            "\"boite-1/scan, n°1.tif\",done,2,1,0,0,0,,",
            "\"boite-5/scan, n°5.tif\",rejected,0,0,0,0,1,file_unreadable,",
            "\"boite-2/scan, n°2.tif\",done,1,0,0,1,0,duplicate_rescan,",
            "\"boite-4/scan, n°4.tif\",done,4,2,0,0,0,,");
        var text = await File.ReadAllTextAsync(html);
        // Totals: 5 files, 4 done, 1 rejected, 10 pages, 4 filed, 1 review, 1 duplicate, 1 rejected document.
        text.Should().Contain("""<tr><td class="n">5</td><td class="n">4</td><td class="n">1</td>""")
            .And.Contain("""<td class="n">10</td><td class="n">4</td><td class="n">1</td>""")
            .And.Contain("""<td class="n">1</td><td class="n">1</td></tr></table>""")
            .And.Contain(System.Net.WebUtility.HtmlEncode("boite-4/scan, n°4.tif")).And.NotContain("boite-6").And.EndWith("</table></body></html>\n");
        Directory.EnumerateFiles(job.ReportFolder(Archive)).Select(Path.GetFileName).Should().BeEquivalentTo(
            [BulkWindowReport.FileStem(window) + ".csv", BulkWindowReport.FileStem(window) + ".html"], "no temporary file is left behind");
    }
}
