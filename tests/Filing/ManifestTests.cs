using System.Globalization;
using System.Text;
using System.Text.Json;
using CaptureChain.Filing.Manifest;

namespace CaptureChain.Filing.Tests;

public sealed class ManifestTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly ManifestEntry Filed = new("scan_00012.tif", 1, 3, DocumentStatus.Filed, "rib", 0.991, "B100130", "APA-2017-85786",
        "APA/APA-2017-85786 LEFÈVRE Hélène/rib/2026-05-03_rib_001.pdf", new string('f', 64), []);

    private static readonly ManifestEntry Review = new("lot 2/scan_00013.tif", 4, 4, DocumentStatus.Review, null, null, null, null,
        "_review/rv-1.pdf", null, ["beneficiary_unknown", "type_low_confidence"]);

    [Fact]
    public async Task An_input_once_unreadable_is_listed_by_what_became_of_it_since_and_as_rejected_while_it_stays_unreadable()
    {
        var batch = Store.BatchId.New();
        Store.DocumentRecord Record(string source, string sha, int first, DocumentStatus status) =>
            new(new Store.DocumentKey(source, sha, first, first), batch, "/srv/share", status, null, null, null, null, null, null, null, null, null,
                status == DocumentStatus.Rejected ? ["file_unreadable"] : [], null);
        var unknown = Store.DocumentKey.UnknownContent;
        var read = new string('a', 64);
        Store.DocumentRecord[] bySource =
        [
            Record("a.tif", unknown, 1, DocumentStatus.Rejected), Record("a.tif", read, 1, DocumentStatus.Filed), Record("a.tif", read, 2, DocumentStatus.Review),
            Record("b.tif", unknown, 1, DocumentStatus.Rejected),
            Record("c.tif", read, 1, DocumentStatus.Filed),
            Record("d.tif", unknown, 1, DocumentStatus.Rejected), Record("d.tif", new string('b', 64), 1, DocumentStatus.Filed),
        ];

        var current = new List<Store.DocumentRecord>();
        await foreach (var record in ManifestWriter.Current(bySource.ToAsyncEnumerable())) current.Add(record);

        current.Select(r => (r.Key.SourceName, r.Key.FirstPage, r.Status)).Should().Equal(
            ("a.tif", 1, DocumentStatus.Filed), ("a.tif", 2, DocumentStatus.Review),
            ("b.tif", 1, DocumentStatus.Rejected),
            ("c.tif", 1, DocumentStatus.Filed),
            ("d.tif", 1, DocumentStatus.Filed));
    }

    [Fact]
    public async Task Lines_have_the_spec_field_names_in_order_with_nulls_and_lower_case_status()
    {
        var path = _dir.Combine("manifest.jsonl");
        var culture = CultureInfo.CurrentCulture;
        try
        {
            // A French machine writes decimal commas in ToString(); the manifest must not.
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("fr-FR");
            await ManifestWriter.WriteAsync(path, [Filed, Review]);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }

        var lines = await File.ReadAllLinesAsync(path);
        lines.Should().HaveCount(2);
        using var first = JsonDocument.Parse(lines[0]);
        first.RootElement.EnumerateObject().Select(p => p.Name).Should().Equal(
            "source", "first_page", "last_page", "status", "document_type", "type_confidence", "beneficiary_id", "case_number", "path",
            "sha256", "reasons");
        var f = first.RootElement;
        f.GetProperty("source").GetString().Should().Be("scan_00012.tif");
        f.GetProperty("first_page").GetInt32().Should().Be(1);
        f.GetProperty("last_page").GetInt32().Should().Be(3);
        f.GetProperty("status").GetString().Should().Be("filed");
        f.GetProperty("type_confidence").GetDouble().Should().Be(0.991);
        f.GetProperty("path").GetString().Should().Be("APA/APA-2017-85786 LEFÈVRE Hélène/rib/2026-05-03_rib_001.pdf");
        f.GetProperty("reasons").ValueKind.Should().Be(JsonValueKind.Array);
        f.GetProperty("reasons").GetArrayLength().Should().Be(0);
        lines[0].Should().Contain("\"type_confidence\":0.991").And.Contain("LEFÈVRE Hélène", "accents are not escaped");

        using var second = JsonDocument.Parse(lines[1]);
        var r = second.RootElement;
        r.GetProperty("status").GetString().Should().Be("review");
        foreach (var name in new[] { "document_type", "type_confidence", "beneficiary_id", "case_number", "sha256" })
            r.GetProperty(name).ValueKind.Should().Be(JsonValueKind.Null, $"{name} is unknown");
        r.GetProperty("reasons").EnumerateArray().Select(e => e.GetString()).Should().Equal("beneficiary_unknown", "type_low_confidence");
    }

    [Fact]
    public async Task File_is_utf8_without_bom_one_line_per_entry_and_reads_back()
    {
        var path = _dir.Combine("out", "manifest.jsonl");

        await ManifestWriter.WriteAsync(path, [Filed, Review, Filed with { Status = DocumentStatus.Duplicate, Path = null, Reasons = ["duplicate_content"] }]);

        var bytes = await File.ReadAllBytesAsync(path);
        bytes.Take(3).Should().NotEqual(new byte[] { 0xEF, 0xBB, 0xBF });
        var text = Encoding.UTF8.GetString(bytes);
        text.Should().EndWith("\n").And.NotContain("\r");
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(3);
        text.Should().Contain("\"status\":\"duplicate\"");
        (await ManifestWriter.ReadAsync(path)).Should().BeEquivalentTo(
            [Filed, Review, Filed with { Status = DocumentStatus.Duplicate, Path = null, Reasons = ["duplicate_content"] }],
            o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Rewriting_replaces_the_manifest_atomically_and_leaves_no_temporary_file()
    {
        var path = _dir.Combine("manifest.jsonl");
        await ManifestWriter.WriteAsync(path, [Filed, Review]);

        await ManifestWriter.WriteAsync(path, [Review]);

        (await File.ReadAllLinesAsync(path)).Should().ContainSingle();
        Directory.GetFiles(_dir.Path).Should().Equal(path);
    }

    [Fact]
    public async Task A_failed_write_keeps_the_previous_manifest()
    {
        var path = _dir.Combine("manifest.jsonl");
        await ManifestWriter.WriteAsync(path, [Filed]);

        static IEnumerable<ManifestEntry> Failing()
        {
            yield return Review;
            throw new InvalidOperationException("pipeline fault while listing");
        }
        var act = () => ManifestWriter.WriteAsync(path, Failing());

        await act.Should().ThrowAsync<InvalidOperationException>();
        (await ManifestWriter.ReadAsync(path)).Should().BeEquivalentTo([Filed]);
        Directory.GetFiles(_dir.Path).Should().Equal(path);
    }

    [Fact]
    public void Status_names_are_lower_case_both_ways()
    {
        foreach (var status in Enum.GetValues<DocumentStatus>())
        {
            var name = status.ToName();
            name.Should().Be(status.ToString().ToLowerInvariant());
            DocumentStatusNames.Parse(name).Should().Be(status);
            JsonSerializer.Serialize(status).Should().Be($"\"{name}\"");
        }
    }
}
