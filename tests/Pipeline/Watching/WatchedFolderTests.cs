using System.Collections.Concurrent;
using System.Diagnostics;
using CaptureChain.Filing.Store;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Stages;
using CaptureChain.Pipeline.Watching;

namespace CaptureChain.Pipeline.Tests.Watching;

/// <summary>
/// The watched folder on real files with short quiet periods: a file is taken only once completely written, one drop
/// makes one claim, and two watchers (or a watcher and a dead owner's leftovers) never take a file twice.
/// </summary>
public sealed class WatchedFolderTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly ScratchFolder _scratch = new();

    private string Inbox => Directory.CreateDirectory(_scratch.File("inbox")).FullName;

    private InboxProfile Profile(TimeSpan? quiet = null) => new("station-1", Inbox)
    {
        QuietPeriod = quiet ?? TimeSpan.FromMilliseconds(800),
        PollInterval = TimeSpan.FromMilliseconds(200),
        DropWindow = TimeSpan.FromSeconds(5),
    };

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Waits for work and claims it, again until a claim comes (a drop can be taken by a quicker peer).</summary>
    private static async Task<InboxClaim> NextClaimAsync(WatchedFolder folder, CancellationToken ct)
    {
        while (true)
        {
            await folder.WaitForWorkAsync(ct);
            if (folder.TryClaim() is { } claim) return claim;
        }
    }

    [Fact]
    public async Task A_file_written_in_chunks_is_claimed_once_and_only_after_it_stops_growing()
    {
        using var folder = new WatchedFolder(Profile(quiet: TimeSpan.FromMilliseconds(1500)));
        using var cts = new CancellationTokenSource(Patience);
        var claiming = Task.Run(() => NextClaimAsync(folder, cts.Token));
        var path = Path.Combine(Inbox, "scan_00001.tif");
        var content = Bytes(12 * 8192, seed: 1);
        DateTime finished;
        // Shared for reading, like a copy over a share: only the quiet period can tell the file is still growing.
        await using (var writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
        {
            for (var chunk = 0; chunk < 12; chunk++)
            {
                await writer.WriteAsync(content.AsMemory(chunk * 8192, 8192));
                await writer.FlushAsync();
                await Task.Delay(250);
                File.Exists(path).Should().BeTrue($"the file is still being written (chunk {chunk + 1} of 12) and must not be claimed");
                claiming.IsCompleted.Should().BeFalse("nothing is complete while the file grows");
            }
            finished = DateTime.UtcNow;
        }

        using var claim = await claiming;
        var claimedAfter = DateTime.UtcNow - finished;
        claim.Files.Should().ContainSingle().Which.RelativeName.Should().Be("scan_00001.tif");
        File.ReadAllBytes(claim.Files[0].FullPath).Should().Equal(content, "the claimed file is the whole file");
        claimedAfter.Should().BeGreaterThan(TimeSpan.FromMilliseconds(1000), "the quiet period runs from the last write");
        File.Exists(path).Should().BeFalse("the claim moved it out of the inbox");
        folder.TryClaim().Should().BeNull("a claimed file is not claimed again");
    }

    [Fact]
    public async Task With_a_completion_marker_a_file_is_taken_only_once_its_marker_is_written_after_it()
    {
        var profile = Profile() with { CompletionMarker = ".done", QuietPeriod = TimeSpan.Zero };
        using var folder = new WatchedFolder(profile);
        var path = Path.Combine(Inbox, "scan_00002.pdf");
        File.WriteAllBytes(path, Bytes(4096, seed: 2));
        File.WriteAllText(path + ".done", "");
        // A marker older than the file (left from an earlier drop of that name) marks nothing.
        File.SetLastWriteTimeUtc(path + ".done", DateTime.UtcNow.AddMinutes(-5));
        await Task.Delay(300);
        folder.Scan().Should().BeEquivalentTo(new { Ready = Array.Empty<string>(), Waiting = 1, ClaimNow = false });

        File.SetLastWriteTimeUtc(path + ".done", DateTime.UtcNow.AddSeconds(1));
        var scan = folder.Scan();
        scan.Ready.Should().Equal(path);
        scan.ClaimNow.Should().BeTrue();

        using var claim = folder.TryClaim();
        claim.Should().NotBeNull();
        claim!.Files.Select(f => f.RelativeName).Should().Equal("scan_00002.pdf"); // the marker is never input
        File.Exists(path + ".done").Should().BeFalse("the marker goes once its file is claimed");
    }

    [Fact]
    public async Task One_drop_makes_one_claim_keeping_inbox_names_and_dot_folders_and_hidden_files_are_not_input()
    {
        using var folder = new WatchedFolder(Profile());
        Directory.CreateDirectory(Path.Combine(Inbox, "accueil"));
        Directory.CreateDirectory(Path.Combine(Inbox, ".cache"));
        File.WriteAllBytes(Path.Combine(Inbox, "a.pdf"), Bytes(100, 3));
        File.WriteAllBytes(Path.Combine(Inbox, "accueil", "b.tif"), Bytes(100, 4));
        File.WriteAllBytes(Path.Combine(Inbox, ".cache", "c.pdf"), Bytes(100, 5));
        File.WriteAllBytes(Path.Combine(Inbox, ".partial.pdf"), Bytes(100, 6));

        using var cts = new CancellationTokenSource(Patience);
        using var claim = await NextClaimAsync(folder, cts.Token);

        claim.Files.Select(f => f.RelativeName).Should().Equal("a.pdf", "accueil/b.tif");
        claim.Files.Should().OnlyContain(f => f.FullPath.StartsWith(Path.Combine(Inbox, InboxClaim.ClaimsFolderName, claim.Id) + "/"));
        File.Exists(Path.Combine(Inbox, ".cache", "c.pdf")).Should().BeTrue();
        File.Exists(Path.Combine(Inbox, ".partial.pdf")).Should().BeTrue();
        // The stage's name for a claimed file is the inbox name: the manifest's source and the journal's key.
        new InboxFile(BatchId.New(), Inbox, claim.Files[1].FullPath, CaptureDefaults.None).RelativeName.Should().Be("accueil/b.tif");
        new InboxFile(BatchId.New(), Inbox, Path.Combine(Inbox, "accueil", "x.pdf"), CaptureDefaults.None).RelativeName.Should().Be("accueil/x.pdf");
    }

    [Fact]
    public void Two_claims_renaming_the_same_files_at_once_take_each_file_exactly_once()
    {
        var names = Enumerable.Range(1, 200).Select(i => $"scan_{i:00000}.tif").ToList();
        var content = Bytes(64 * 1024, seed: 14);
        foreach (var name in names) File.WriteAllBytes(Path.Combine(Inbox, name), content);
        using var first = InboxClaim.Create(Inbox);
        using var second = InboxClaim.Create(Inbox);
        var start = new Barrier(2);
        var took = new List<string>[2] { [], [] };
        Parallel.For(0, 2, side =>
        {
            var claim = side == 0 ? first : second;
            start.SignalAndWait();
            // Same order on both sides: they contend for every file at the same moment.
            foreach (var name in names)
                if (claim.TryTake(Path.Combine(Inbox, name))) took[side].Add(name);
        });

        took[0].Should().NotIntersectWith(took[1], "a file renamed by one claim is gone for the other");
        took[0].Concat(took[1]).Should().BeEquivalentTo(names, "every file is taken by one of them");
        first.Files.Select(f => f.RelativeName).Concat(second.Files.Select(f => f.RelativeName)).Should().BeEquivalentTo(names);
    }

    [Fact]
    public async Task Two_watchers_on_the_same_folder_never_claim_a_file_twice()
    {
        using var a = new WatchedFolder(Profile(quiet: TimeSpan.FromMilliseconds(300)) with { DropWindow = TimeSpan.FromMilliseconds(300), MaxFilesPerBatch = 4 });
        using var b = new WatchedFolder(Profile(quiet: TimeSpan.FromMilliseconds(300)) with { DropWindow = TimeSpan.FromMilliseconds(300), MaxFilesPerBatch = 4 });
        var names = Enumerable.Range(1, 40).Select(i => $"drop/scan_{i:00000}.pdf").ToList();
        Directory.CreateDirectory(Path.Combine(Inbox, "drop"));
        using var cts = new CancellationTokenSource(Patience);
        var claimed = new[] { new ConcurrentQueue<string>(), new ConcurrentQueue<string>() };

        async Task Run(WatchedFolder folder, ConcurrentQueue<string> into)
        {
            while (!cts.IsCancellationRequested)
            {
                try
                {
                    using var claim = await NextClaimAsync(folder, cts.Token);
                    foreach (var file in claim.Files) into.Enqueue(file.RelativeName);
                    claim.Settle(claim.Files, ProcessedFileHandling.Delete); // as after a batch: the claim goes
                }
                catch (OperationCanceledException) { return; }
            }
        }

        var watchers = new[] { Task.Run(() => Run(a, claimed[0])), Task.Run(() => Run(b, claimed[1])) };
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            File.WriteAllBytes(Path.Combine(Inbox, name), Bytes(1000, i));
            if (i % 5 == 4) await Task.Delay(150); // drops in waves, so both watchers find work at the same moments
        }
        var deadline = Stopwatch.StartNew();
        while (claimed[0].Count + claimed[1].Count < names.Count && deadline.Elapsed < Patience) await Task.Delay(100);
        await Task.Delay(500); // a second claim of any file would show now
        await cts.CancelAsync();
        await Task.WhenAll(watchers);

        var all = claimed[0].Concat(claimed[1]).ToList();
        all.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(names);
        CaptureRun.InboxFiles(Inbox).Should().BeEmpty();
    }

    [Fact]
    public void A_live_claim_is_left_alone_and_an_orphaned_one_is_adopted_with_its_files()
    {
        File.WriteAllBytes(Path.Combine(Inbox, "a.pdf"), Bytes(10, 7));
        string id;
        using (var owner = InboxClaim.Create(Inbox))
        {
            owner.TryTake(Path.Combine(Inbox, "a.pdf")).Should().BeTrue();
            id = owner.Id;
            InboxClaim.TryAdoptOrphan(Inbox).Should().BeNull("the owner holds its lock");
        } // the owner gives up (or dies): the lock goes, the files stay

        using var adopted = InboxClaim.TryAdoptOrphan(Inbox);
        adopted.Should().NotBeNull();
        adopted!.Id.Should().Be(id);
        adopted.Adopted.Should().BeTrue();
        adopted.Files.Select(f => f.RelativeName).Should().Equal("a.pdf");
        InboxClaim.TryAdoptOrphan(Inbox).Should().BeNull("the adopter holds the lock now");
    }

    [Fact]
    public async Task A_claim_locked_by_another_process_is_not_adopted_until_that_process_dies()
    {
        File.WriteAllBytes(Path.Combine(Inbox, "a.pdf"), Bytes(10, 8));
        string lockFile;
        using (var owner = InboxClaim.Create(Inbox))
        {
            owner.TryTake(Path.Combine(Inbox, "a.pdf"));
            lockFile = Directory.EnumerateFiles(owner.Folder, ".owner.lock").Single();
        }
        // flock(1) takes the same kind of lock as our exclusive open: another live process owning the claim (-o: the lock
        // is held by flock itself, not inherited by its child, so it goes exactly when flock dies).
        using var other = Process.Start(new ProcessStartInfo("flock", ["-o", lockFile, "sleep", "60"]))!;
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!LockedByOther(lockFile) && deadline.Elapsed < Patience) await Task.Delay(50);
            InboxClaim.TryAdoptOrphan(Inbox).Should().BeNull("another live process holds the claim");
            using var watcher = new WatchedFolder(Profile());
            watcher.Scan().OrphanedClaim.Should().BeFalse();
            watcher.TryClaim().Should().BeNull("neither the claim nor its file may be taken");
        }
        finally
        {
            other.Kill(entireProcessTree: true); // SIGKILL: the kernel drops its lock
            await other.WaitForExitAsync();
        }
        using var adopted = InboxClaim.TryAdoptOrphan(Inbox);
        adopted.Should().NotBeNull("the owner died");
        adopted!.Files.Select(f => f.RelativeName).Should().Equal("a.pdf");
    }

    private static bool LockedByOther(string path)
    {
        try { using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None); return false; }
        catch (IOException) { return true; }
    }

    [Fact]
    public void Settling_takes_out_only_files_with_an_outcome_and_removes_the_claim_when_empty()
    {
        File.WriteAllBytes(Path.Combine(Inbox, "a.pdf"), Bytes(10, 9));
        Directory.CreateDirectory(Path.Combine(Inbox, "sub"));
        File.WriteAllBytes(Path.Combine(Inbox, "sub", "b.pdf"), Bytes(10, 10));
        using var claim = InboxClaim.Create(Inbox);
        claim.TryTake(Path.Combine(Inbox, "a.pdf"));
        claim.TryTake(Path.Combine(Inbox, "sub", "b.pdf"));
        var files = claim.Files;

        var left = claim.Settle([files[0]], ProcessedFileHandling.Keep);
        left.Select(f => f.RelativeName).Should().Equal("sub/b.pdf");
        File.ReadAllBytes(Path.Combine(Inbox, InboxClaim.ProcessedFolderName, claim.Id, "a.pdf")).Should().Equal(Bytes(10, 9));
        Directory.Exists(claim.Folder).Should().BeTrue("a file without an outcome stays claimed");

        claim.Settle(left, ProcessedFileHandling.Delete).Should().BeEmpty();
        Directory.Exists(claim.Folder).Should().BeFalse();
        File.Exists(Path.Combine(Inbox, InboxClaim.ProcessedFolderName, claim.Id, "sub", "b.pdf")).Should().BeFalse("deleted, not kept");
    }

    [Fact]
    public async Task A_drop_of_a_name_still_in_a_claim_waits_for_that_claim_to_end()
    {
        using var folder = new WatchedFolder(Profile(quiet: TimeSpan.FromMilliseconds(200)));
        File.WriteAllBytes(Path.Combine(Inbox, "a.pdf"), Bytes(10, 11));
        using var first = InboxClaim.Create(Inbox);
        first.TryTake(Path.Combine(Inbox, "a.pdf"));
        File.WriteAllBytes(Path.Combine(Inbox, "a.pdf"), Bytes(10, 12)); // scanned again while the first is processed
        await Task.Delay(400);
        folder.Scan().Ready.Should().BeEmpty("the same name is still being processed");

        first.Settle(first.Files, ProcessedFileHandling.Keep);
        folder.Scan();
        await Task.Delay(400);
        folder.Scan().Ready.Should().Equal(Path.Combine(Inbox, "a.pdf"));
    }

    [Fact]
    public async Task Without_change_events_polling_alone_finds_a_drop()
    {
        using var folder = new WatchedFolder(Profile(quiet: TimeSpan.FromMilliseconds(300)) with { WatchEvents = false });
        using var cts = new CancellationTokenSource(Patience);
        var waiting = folder.WaitForWorkAsync(cts.Token);
        await Task.Delay(300);
        waiting.IsCompleted.Should().BeFalse("the inbox is empty");
        File.WriteAllBytes(Path.Combine(Inbox, "late.pdf"), Bytes(10, 13));
        await waiting;
        folder.Status.EventsActive.Should().BeFalse();
        folder.Status.ReadyFiles.Should().Be(1);
        using var claim = folder.TryClaim();
        claim!.Files.Select(f => f.RelativeName).Should().Equal("late.pdf");
    }

    [Fact]
    public void A_missing_inbox_is_reported_and_watched_again_once_it_is_there()
    {
        var missing = _scratch.File("not-mounted");
        using var folder = new WatchedFolder(new InboxProfile("share", missing));
        folder.Scan().Ready.Should().BeEmpty();
        folder.Status.Should().BeEquivalentTo(new { Available = false, Problem = "folder missing" });
        Directory.CreateDirectory(missing);
        folder.Scan();
        folder.Status.Available.Should().BeTrue();
    }

    public void Dispose() => _scratch.Dispose();
}
