using System.Security.Cryptography;
using System.Text.Json;
using CaptureChain.Filing.Archive;
using CaptureChain.Filing.Plan;

namespace CaptureChain.Filing.Tests;

public sealed class CaseFolderArchiveTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _root;
    private readonly FilingTarget _target;

    public CaseFolderArchiveTests()
    {
        _root = _dir.Combine("archive");
        _target = FilingPlan.Default.Render(new FilingContext("B100130", "APA-2017-85786", "APA", "DUPONT", "Marie", "rib",
            new DateOnly(2026, 5, 3))).Target!;
    }

    public void Dispose() => _dir.Dispose();

    private string MakeFile(string name, int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        var path = _dir.Combine(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public async Task Files_a_document_under_the_first_sequence_number_with_its_bytes()
    {
        var archive = new CaseFolderArchive(_root);
        var pdf = MakeFile("doc.pdf", 10_000, 1);

        var filed = await archive.FileAsync(pdf, _target, null, CancellationToken.None);

        filed.RelativePath.Should().Be("APA/APA-2017-85786 DUPONT Marie/rib/2026-05-03_rib_001.pdf");
        filed.Sha256.Should().Be(Sha(pdf));
        File.ReadAllBytes(archive.ResolvePath(filed.RelativePath)).Should().Equal(File.ReadAllBytes(pdf));
        File.Exists(pdf).Should().BeTrue("the work file is the caller's");
        Directory.GetFiles(Path.GetDirectoryName(archive.ResolvePath(filed.RelativePath))!).Should().HaveCount(1, "no temporary file is left");
    }

    [Fact]
    public async Task Sequence_continues_after_the_highest_existing_number_and_ignores_other_series()
    {
        var archive = new CaseFolderArchive(_root);
        var folder = Directory.CreateDirectory(archive.ResolvePath(_target.RelativeFolder)).FullName;
        File.WriteAllText(Path.Combine(folder, "2026-05-03_rib_005.pdf"), "existing");
        File.WriteAllText(Path.Combine(folder, "2026-05-04_rib_009.pdf"), "other date");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "unrelated");

        var filed = await archive.FileAsync(MakeFile("doc.pdf", 100, 2), _target, null, CancellationToken.None);

        filed.RelativePath.Should().EndWith("/2026-05-03_rib_006.pdf");
        File.ReadAllText(Path.Combine(folder, "2026-05-03_rib_005.pdf")).Should().Be("existing");
    }

    [Fact]
    public async Task Twenty_parallel_filings_into_one_folder_get_twenty_distinct_names()
    {
        var archive = new CaseFolderArchive(_root);
        var sources = Enumerable.Range(0, 20).Select(i => MakeFile($"doc{i}.pdf", 5_000 + i, 100 + i)).ToArray();

        var filed = await Task.WhenAll(sources.Select(s => Task.Run(() => archive.FileAsync(s, _target, null, CancellationToken.None))));

        filed.Select(f => f.RelativePath).Should().OnlyHaveUniqueItems();
        filed.Select(f => Path.GetFileName(f.RelativePath)).Should()
            .BeEquivalentTo(Enumerable.Range(1, 20).Select(i => $"2026-05-03_rib_{i:000}.pdf"));
        for (var i = 0; i < 20; i++)
            Sha(archive.ResolvePath(filed[i].RelativePath)).Should().Be(Sha(sources[i]), "each name holds the file it was given");
        Directory.GetFiles(archive.ResolvePath(_target.RelativeFolder)).Should().HaveCount(20);
    }

    [Fact]
    public async Task Two_archive_instances_sharing_a_folder_never_take_the_same_name()
    {
        // Separate lock domains, as two processes have: only the no-replace rename keeps them apart. Callbacks run under
        // a domain's lock, so holding every callback until two have started means one from each domain has chosen a
        // name from the same (empty) folder: they collide for sure and one must retry.
        var first = new CaseFolderArchive(_root, null, CaseFolderArchive.NewLocks());
        var second = new CaseFolderArchive(_root, null, CaseFolderArchive.NewLocks());
        var sources = Enumerable.Range(0, 16).Select(i => MakeFile($"doc{i}.pdf", 3_000, 200 + i)).ToArray();
        var attempts = 0;
        var twoChosen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        FilingIntentCallback slow = async (_, _, ct) =>
        {
            if (Interlocked.Increment(ref attempts) == 2) twoChosen.SetResult();
            await twoChosen.Task.WaitAsync(ct);
        };

        var filed = await Task.WhenAll(sources.Select((s, i) => Task.Run(() =>
            (i % 2 == 0 ? first : second).FileAsync(s, _target, slow, CancellationToken.None))));

        filed.Select(f => f.RelativePath).Should().OnlyHaveUniqueItems();
        for (var i = 0; i < sources.Length; i++)
            Sha(first.ResolvePath(filed[i].RelativePath)).Should().Be(Sha(sources[i]));
        Directory.GetFiles(first.ResolvePath(_target.RelativeFolder)).Should().HaveCount(16);
        attempts.Should().BeGreaterThan(16, "the two domains chose the same first name and one retried");
    }

    [Fact]
    public async Task A_name_taken_by_another_process_after_the_scan_is_never_overwritten()
    {
        var archive = new CaseFolderArchive(_root);
        var pdf = MakeFile("doc.pdf", 1_000, 3);
        var intents = new List<string>();

        var filed = await archive.FileAsync(pdf, _target, (relativePath, sha, ct) =>
        {
            intents.Add(relativePath);
            // Another process takes exactly the chosen name between our scan and our rename.
            if (intents.Count == 1) File.WriteAllText(archive.ResolvePath(relativePath), "someone else's document");
            return Task.CompletedTask;
        }, CancellationToken.None);

        intents.Should().Equal(_target.RelativePath(1), _target.RelativePath(2));
        filed.RelativePath.Should().Be(_target.RelativePath(2));
        File.ReadAllText(archive.ResolvePath(_target.RelativePath(1))).Should().Be("someone else's document");
        Sha(archive.ResolvePath(filed.RelativePath)).Should().Be(Sha(pdf));
    }

    [Fact]
    public async Task A_hand_built_target_cannot_escape_its_folder()
    {
        var archive = new CaseFolderArchive(_root);
        var pdf = MakeFile("doc.pdf", 10, 11);

        var escape = () => archive.FileAsync(pdf, _target with { FileNamePrefix = "../../" }, null, CancellationToken.None);
        var reserved = () => archive.FileAsync(pdf, _target with { RelativeFolder = "_quarantine/x" }, null, CancellationToken.None);
        var climb = () => archive.FileAsync(pdf, _target with { RelativeFolder = "APA/../.." }, null, CancellationToken.None);

        await escape.Should().ThrowAsync<ArgumentException>();
        await reserved.Should().ThrowAsync<ArgumentException>();
        await climb.Should().ThrowAsync<ArgumentException>();
        Directory.EnumerateFiles(_dir.Path, "*", SearchOption.AllDirectories).Should().ContainSingle("only the work file exists");
    }

    [Fact]
    public async Task Check_tells_complete_missing_and_different_apart()
    {
        var archive = new CaseFolderArchive(_root);
        var filed = await archive.FileAsync(MakeFile("doc.pdf", 500, 4), _target, null, CancellationToken.None);

        (await archive.CheckAsync(filed.RelativePath, filed.Sha256, CancellationToken.None)).Should().Be(FiledFileState.Complete);
        (await archive.CheckAsync(filed.RelativePath, new string('0', 64), CancellationToken.None)).Should().Be(FiledFileState.Different);
        (await archive.CheckAsync(_target.RelativePath(9), filed.Sha256, CancellationToken.None)).Should().Be(FiledFileState.Missing);
    }

    [Theory]
    [InlineData("../outside.pdf")]
    [InlineData("/etc/passwd")]
    [InlineData("APA/./x.pdf")]
    [InlineData("APA\\x.pdf")]
    public void Paths_that_leave_the_archive_are_refused(string relative)
    {
        var archive = new CaseFolderArchive(_root);

        var act = () => archive.ResolvePath(relative);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task Quarantine_keeps_the_original_bytes_and_the_reason_and_leaves_the_inbox_file()
    {
        var now = new DateTimeOffset(2026, 5, 3, 22, 30, 0, TimeSpan.Zero);
        var archive = new CaseFolderArchive(_root, new FixedTime(now));
        var inbox = Directory.CreateDirectory(_dir.Combine("inbox", "site nord")).FullName;
        var source = Path.Combine(inbox, "scan_0001.tif");
        File.WriteAllBytes(source, [0x49, 0x49, 0x2A, 0x00, 0xFF, 0x00, 0x13]);

        var q = await archive.QuarantineAsync(source, "site nord/scan_0001.tif", "decode_failed", "TIFF tronqué après 7 octets");

        q.RelativePath.Should().Be("_quarantine/2026-05-03/site nord/scan_0001.tif");
        q.ReasonRelativePath.Should().Be("_quarantine/2026-05-03/site nord/scan_0001.tif.reason.json");
        File.ReadAllBytes(archive.ResolvePath(q.RelativePath)).Should().Equal(File.ReadAllBytes(source));
        File.Exists(source).Should().BeTrue("quarantine copies unless asked to move");
        var reasonText = File.ReadAllText(archive.ResolvePath(q.ReasonRelativePath));
        reasonText.Should().Contain("tronqué", "accents are written as they are");
        using var reason = JsonDocument.Parse(reasonText);
        reason.RootElement.GetProperty("source").GetString().Should().Be("site nord/scan_0001.tif");
        reason.RootElement.GetProperty("reason").GetString().Should().Be("decode_failed");
        reason.RootElement.GetProperty("message").GetString().Should().Be("TIFF tronqué après 7 octets");
        reason.RootElement.GetProperty("sha256").GetString().Should().Be(Sha(source)).And.Be(q.Sha256);
        reason.RootElement.GetProperty("size_bytes").GetInt64().Should().Be(7);
        reason.RootElement.GetProperty("quarantined_at").GetString().Should().StartWith("2026-05-03T22:30:00");
    }

    [Fact]
    public async Task Quarantine_again_is_idempotent_and_a_different_file_of_the_same_name_gets_its_own_copy()
    {
        var archive = new CaseFolderArchive(_root);
        var source = MakeFile("scan.tif", 300, 5);

        var first = await archive.QuarantineAsync(source, "scan.tif", "decode_failed", "first");
        var again = await archive.QuarantineAsync(source, "scan.tif", "decode_failed", "first");
        File.WriteAllBytes(source, [1, 2, 3]);
        var changed = await archive.QuarantineAsync(source, "scan.tif", "unsupported_format", "second");

        again.RelativePath.Should().Be(first.RelativePath);
        changed.RelativePath.Should().NotBe(first.RelativePath).And.EndWith("/scan~2.tif");
        File.ReadAllBytes(archive.ResolvePath(changed.RelativePath)).Should().Equal(1, 2, 3);
        File.ReadAllBytes(archive.ResolvePath(first.RelativePath)).Should().HaveCount(300, "the first copy is never replaced");
        Directory.GetFiles(Path.GetDirectoryName(archive.ResolvePath(first.RelativePath))!).Should().HaveCount(4);
    }

    [Fact]
    public async Task Quarantine_move_deletes_the_inbox_file_only_after_the_copy()
    {
        var archive = new CaseFolderArchive(_root);
        var source = MakeFile("bad.pdf", 64, 6);
        var bytes = File.ReadAllBytes(source);

        var q = await archive.QuarantineAsync(source, "../../bad.pdf", "pdf_encrypted", "password", QuarantineMode.Move);

        File.Exists(source).Should().BeFalse();
        File.ReadAllBytes(archive.ResolvePath(q.RelativePath)).Should().Equal(bytes);
        q.RelativePath.Should().MatchRegex("^_quarantine/\\d{4}-\\d{2}-\\d{2}/bad.pdf$", "'..' in an inbox name cannot climb out");
    }

    [Fact]
    public async Task Quarantine_refuses_a_reason_that_is_not_a_code()
    {
        var archive = new CaseFolderArchive(_root);

        var act = () => archive.QuarantineAsync(MakeFile("x", 1, 7), "x", "Decode Failed", "m");

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task Review_documents_go_to_the_review_folder_under_their_id()
    {
        var archive = new CaseFolderArchive(_root);
        var pdf = MakeFile("doc.pdf", 800, 8);

        var placed = await archive.PlaceForReviewAsync(pdf, "rv-0193abc", CancellationToken.None);
        var again = await archive.PlaceForReviewAsync(pdf, "rv-0193abc", CancellationToken.None);

        placed.RelativePath.Should().Be("_review/rv-0193abc.pdf");
        again.Should().Be(placed);
        Sha(archive.ResolvePath(placed.RelativePath)).Should().Be(Sha(pdf));
        var clash = () => archive.PlaceForReviewAsync(MakeFile("other.pdf", 10, 9), "rv-0193abc", CancellationToken.None);
        await clash.Should().ThrowAsync<IOException>();
        var traversal = () => archive.PlaceForReviewAsync(pdf, "../x", CancellationToken.None);
        await traversal.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task Stale_temporary_files_are_removed_but_fresh_ones_are_kept()
    {
        var now = DateTimeOffset.UtcNow;
        var archive = new CaseFolderArchive(_root, new FixedTime(now));
        var folder = Directory.CreateDirectory(archive.ResolvePath(_target.RelativeFolder)).FullName;
        var stale = Path.Combine(folder, ".cc-tmp-1-old");
        var fresh = Path.Combine(folder, ".cc-tmp-1-new");
        File.WriteAllText(stale, "x");
        File.WriteAllText(fresh, "y");
        File.SetLastWriteTimeUtc(stale, now.UtcDateTime.AddHours(-3));
        await archive.FileAsync(MakeFile("doc.pdf", 10, 10), _target, null, CancellationToken.None);

        archive.RemoveStaleTemporaryFiles(TimeSpan.FromHours(1)).Should().Be(1);

        File.Exists(stale).Should().BeFalse();
        File.Exists(fresh).Should().BeTrue();
        Directory.GetFiles(folder).Should().HaveCount(2);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
