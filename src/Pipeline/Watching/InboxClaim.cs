using System.Globalization;

namespace CaptureChain.Pipeline.Watching;

/// <summary>A file inside a claim: where it is now and the name it had in the inbox (the manifest's <c>source</c>).</summary>
public sealed record ClaimedFile(string FullPath, string RelativeName);

/// <summary>
/// Files of one drop taken out of an inbox for one batch: moved by atomic renames into
/// <c>&lt;inbox&gt;/.claimed/&lt;claim id&gt;/&lt;name in the inbox&gt;</c>, a folder the inputs scan never reads (dot
/// folders are not input). Of two services renaming the same file only one succeeds, so a file is claimed once.
/// </summary>
/// <remarks>
/// The owner holds an OS lock on the claim's <c>.owner.lock</c> file (an exclusive open, a <c>flock</c> on Linux) for
/// as long as it works on the claim; the kernel drops it when the process dies. A claim whose lock can be taken is
/// therefore orphaned (its service was killed or gave up) and may be adopted; a claim whose lock is held is someone's
/// live work and is left alone. The claim folder appears under its final name only once its lock is held, so a peer
/// never sees a live claim without its lock. Disposing the claim releases the lock and leaves the files where they are
/// (parked, for whoever adopts the claim next); <see cref="Settle"/> removes the files whose outcome is recorded.
/// </remarks>
public sealed class InboxClaim : IDisposable
{
    /// <summary>Folder inside the inbox holding the claims.</summary>
    public const string ClaimsFolderName = ".claimed";

    /// <summary>Folder inside the inbox where processed files are kept (<see cref="ProcessedFileHandling.Keep"/>).</summary>
    public const string ProcessedFolderName = ".processed";

    private const string LockFileName = ".owner.lock";
    private const string StagingPrefix = ".staging-";
    private static readonly TimeSpan StagingAbandonedAfter = TimeSpan.FromMinutes(1);

    private FileStream? _lock;

    private InboxClaim(string inbox, string id, FileStream ownerLock, bool adopted)
    {
        Inbox = inbox; Id = id; _lock = ownerLock; Adopted = adopted;
        Folder = Path.Combine(inbox, ClaimsFolderName, id);
    }

    /// <summary>The inbox (absolute).</summary>
    public string Inbox { get; }

    /// <summary>The claim's id: its UTC creation time and a random suffix, so claim folders sort by age.</summary>
    public string Id { get; }

    /// <summary>The claim folder.</summary>
    public string Folder { get; }

    /// <summary>True when this claim was left by a service that died or gave up, and taken over.</summary>
    public bool Adopted { get; }

    /// <summary>The files in the claim now, in a stable order (what a batch over the claim processes).</summary>
    public IReadOnlyList<ClaimedFile> Files =>
        !Directory.Exists(Folder) ? [] :
        Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetRelativePath(Folder, f) != LockFileName)
            .Order(StringComparer.Ordinal)
            .Select(f => new ClaimedFile(f, NameInInbox(Inbox, f)))
            .ToList();

    /// <summary>
    /// The name a file has, or had before it was claimed, relative to <paramref name="inbox"/> with forward slashes:
    /// <c>&lt;inbox&gt;/.claimed/&lt;id&gt;/a/b.pdf</c> is <c>a/b.pdf</c>, so a claimed file keeps its identity in the
    /// journal and the manifest.
    /// </summary>
    public static string NameInInbox(string inbox, string fullPath)
    {
        var relative = Path.GetRelativePath(inbox, fullPath).Replace(Path.DirectorySeparatorChar, '/');
        var prefix = ClaimsFolderName + "/";
        if (!relative.StartsWith(prefix, StringComparison.Ordinal)) return relative;
        var afterId = relative.IndexOf('/', prefix.Length);
        return afterId < 0 ? relative : relative[(afterId + 1)..];
    }

    /// <summary>Creates an empty claim in <paramref name="inbox"/>, its lock held.</summary>
    public static InboxClaim Create(string inbox, TimeProvider? time = null)
    {
        inbox = Path.GetFullPath(inbox);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var id = now.ToString("yyyyMMdd'T'HHmmssfff", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..10];
        var claims = Path.Combine(inbox, ClaimsFolderName);
        Directory.CreateDirectory(claims);
        // Lock first under a staging name, then give the folder its name: a peer never meets a live claim unlocked.
        var staging = Path.Combine(claims, StagingPrefix + id);
        Directory.CreateDirectory(staging);
        FileStream? ownerLock = null;
        try
        {
            ownerLock = OpenLock(Path.Combine(staging, LockFileName), FileMode.CreateNew);
            Directory.Move(staging, Path.Combine(claims, id));
            return new InboxClaim(inbox, id, ownerLock, adopted: false);
        }
        catch
        {
            ownerLock?.Dispose();
            try { Directory.Delete(staging, recursive: true); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>
    /// Moves <paramref name="inboxPath"/> into the claim under the name it has in the inbox, then deletes its completion
    /// marker when given. False when the file is gone (another service claimed it first) or cannot be moved now.
    /// </summary>
    public bool TryTake(string inboxPath, string? markerPath = null)
    {
        ObjectDisposedException.ThrowIf(_lock is null, this);
        var relative = Path.GetRelativePath(Inbox, inboxPath);
        var target = Path.Combine(Folder, relative);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            // rename(2): of two services renaming one file, exactly one succeeds; the loser finds no source. The target
            // is inside this claim's own fresh folder, so nothing can be overwritten.
            File.Move(inboxPath, target, overwrite: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        // The marker has done its job. One left behind by a crash is never input, and being older than any later file of
        // that name it never marks that file complete.
        if (markerPath is not null)
        {
            try { File.Delete(markerPath); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return true;
    }

    /// <summary>
    /// Adopts the oldest orphaned claim of <paramref name="inbox"/> (its owner died or gave up) whose id is not in
    /// <paramref name="skip"/>, or returns null. Live claims of other services are left alone; dead staging folders
    /// and claim folders left without input are cleared on the way.
    /// </summary>
    public static InboxClaim? TryAdoptOrphan(string inbox, IReadOnlySet<string>? skip = null)
    {
        inbox = Path.GetFullPath(inbox);
        var claims = Path.Combine(inbox, ClaimsFolderName);
        if (!Directory.Exists(claims)) return null;
        foreach (var folder in Directory.EnumerateDirectories(claims).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(folder);
            if (skip?.Contains(name) == true) continue;
            var lockPath = Path.Combine(folder, LockFileName);
            if (name.StartsWith(StagingPrefix, StringComparison.Ordinal))
            {
                // A staging folder never holds input (files only go into named claims): remove it once its owner is gone.
                // A young one is being created right now; probing its lock could meet the owner between open and lock.
                if (Directory.GetLastWriteTimeUtc(folder) > DateTime.UtcNow - StagingAbandonedAfter) continue;
                using var dead = TryOpenExisting(lockPath);
                if (dead is not null)
                    try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
                continue;
            }
            FileStream? ownerLock;
            if (File.Exists(lockPath)) ownerLock = TryOpenExisting(lockPath);
            else
            {
                // No lock file: a claim being removed by its owner (the lock goes last), or files put there by hand.
                if (!HasInput(folder)) { TryDeleteEmptyTree(folder); continue; }
                try { ownerLock = OpenLock(lockPath, FileMode.CreateNew); }
                catch (IOException) { ownerLock = null; }
            }
            if (ownerLock is null) continue; // someone's live claim
            var claim = new InboxClaim(inbox, name, ownerLock, adopted: true);
            if (claim.Files.Count > 0) return claim;
            claim.RemoveIfEmpty();
            claim.Dispose();
        }
        return null;
    }

    /// <summary>
    /// Takes the files with a recorded outcome out of the claim (to <c>.processed/&lt;claim&gt;/</c> or deleted, per
    /// <paramref name="handling"/>) and removes the claim once empty. Files without an outcome stay. Returns the files
    /// that stayed.
    /// </summary>
    public IReadOnlyList<ClaimedFile> Settle(IEnumerable<ClaimedFile> withOutcome, ProcessedFileHandling handling)
    {
        ObjectDisposedException.ThrowIf(_lock is null, this);
        foreach (var file in withOutcome)
        {
            if (handling == ProcessedFileHandling.Delete)
            {
                File.Delete(file.FullPath);
                continue;
            }
            var target = Path.Combine(Inbox, ProcessedFolderName, Id, Path.GetRelativePath(Folder, file.FullPath));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(file.FullPath, target, overwrite: false);
        }
        var remaining = Files;
        RemoveIfEmpty();
        return remaining;
    }

    /// <summary>Removes the claim folder when it holds no input any more (the lock file goes last, still held).</summary>
    private void RemoveIfEmpty()
    {
        if (HasInput(Folder)) return;
        foreach (var dir in Directory.EnumerateDirectories(Folder, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
            TryDeleteEmptyTree(dir);
        // Unlink the lock file while holding it: a peer that opens it now finds no file, or finds it locked.
        try { File.Delete(Path.Combine(Folder, LockFileName)); } catch (IOException) { }
        TryDeleteEmptyTree(Folder);
    }

    /// <summary>Releases the lock; files still in the claim stay parked for the next adoption.</summary>
    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }

    private static bool HasInput(string folder) =>
        Directory.Exists(folder) &&
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any(f => Path.GetRelativePath(folder, f) != LockFileName);

    private static FileStream OpenLock(string path, FileMode mode) =>
        // FileShare.None takes an exclusive advisory lock (flock) on Unix: held until the handle closes or the process dies.
        new(path, mode, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None);

    private static FileStream? TryOpenExisting(string path)
    {
        try { return OpenLock(path, FileMode.Open); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static void TryDeleteEmptyTree(string folder)
    {
        try { Directory.Delete(folder, recursive: false); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
