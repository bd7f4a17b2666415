using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using CaptureChain.Filing.Plan;

namespace CaptureChain.Filing.Archive;

/// <summary>A file placed in the archive: its forward-slash path relative to the archive root and its SHA-256 (hex).</summary>
public sealed record FiledFile(string RelativePath, string Sha256);

/// <summary>An input kept in quarantine, with the relative paths of the copy and of its reason file.</summary>
public sealed record QuarantinedFile(string RelativePath, string ReasonRelativePath, string Sha256, long SizeBytes);

/// <summary>What is found at a recorded target path.</summary>
public enum FiledFileState
{
    /// <summary>Nothing there.</summary>
    Missing,

    /// <summary>A file with the expected SHA-256.</summary>
    Complete,

    /// <summary>A file with other content (not ours).</summary>
    Different,
}

/// <summary>Whether an input is copied into quarantine or moved there.</summary>
public enum QuarantineMode
{
    /// <summary>Copy; the inbox file stays where it is.</summary>
    Copy,

    /// <summary>Copy durably, then delete the inbox file.</summary>
    Move,
}

/// <summary>Called just before a file takes its final name, with that name and the file's SHA-256 (to journal the intent).</summary>
public delegate Task FilingIntentCallback(string relativePath, string sha256, CancellationToken ct);

/// <summary>
/// The archive root: case folders laid out by the filing plan, plus <c>_quarantine</c> and <c>_review</c>. Files are
/// placed crash-safely (temporary file in the target folder, fsync, atomic no-replace rename, fsync of the folder), the
/// sequence number is allocated by scanning the folder under a lock, and nothing is ever overwritten.
/// </summary>
public sealed partial class CaseFolderArchive
{
    // Shared by every instance in the process; striped so memory stays bounded however many case folders a
    // long-running service touches. Other processes are kept apart by the no-replace rename.
    private static readonly SemaphoreSlim[] SharedFolderLocks = NewLocks();

    private static readonly JsonSerializerOptions ReasonJson = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    private readonly TimeProvider _time;
    private readonly SemaphoreSlim[] _folderLocks;

    /// <summary>Opens (and creates if needed) the archive at <paramref name="rootPath"/>.</summary>
    public CaseFolderArchive(string rootPath, TimeProvider? time = null)
        : this(rootPath, time, SharedFolderLocks)
    {
    }

    /// <summary>With its own lock domain: tests use it to behave like a second process.</summary>
    internal CaseFolderArchive(string rootPath, TimeProvider? time, SemaphoreSlim[] folderLocks)
    {
        RootPath = Path.GetFullPath(rootPath);
        Directory.CreateDirectory(RootPath);
        _time = time ?? TimeProvider.System;
        _folderLocks = folderLocks;
    }

    internal static SemaphoreSlim[] NewLocks() => Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    private SemaphoreSlim LockFor(string folder) =>
        _folderLocks[(StringComparer.Ordinal.GetHashCode(folder) & int.MaxValue) % _folderLocks.Length];

    /// <summary>Absolute path of the archive root.</summary>
    public string RootPath { get; }

    /// <summary>
    /// Absolute path of a forward-slash relative path; refuses anything that leaves the archive. Error messages here
    /// never repeat case-folder paths: they hold beneficiaries' names and messages end up in logs.
    /// </summary>
    public string ResolvePath(string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        if (relativePath.Contains('\\') || relativePath.StartsWith('/') || Path.IsPathRooted(relativePath))
            throw new ArgumentException("Not a forward-slash path relative to the archive.", nameof(relativePath));
        var segments = relativePath.Split('/');
        if (segments.Any(s => s.Length == 0 || s == "." || s == ".."))
            throw new ArgumentException("The path has an empty, '.' or '..' segment.", nameof(relativePath));
        var full = Path.GetFullPath(Path.Combine([RootPath, .. segments]));
        if (!full.StartsWith(RootPath + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException("The path leaves the archive.", nameof(relativePath));
        return full;
    }

    /// <summary>
    /// Copies <paramref name="pdfPath"/> into <paramref name="target"/>'s folder under the next free sequence number.
    /// <paramref name="beforeCommit"/> runs after the name is chosen and before the file takes it (the place to journal
    /// a filing intent); if another process takes the name in between, the next number is tried and the callback runs
    /// again with it. The source file is left as it is.
    /// </summary>
    public async Task<FiledFile> FileAsync(string pdfPath, FilingTarget target, FilingIntentCallback? beforeCommit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        var folder = ResolvePath(target.RelativeFolder);
        if (CaseFolderArchiveLayout.IsReservedTopFolder(target.RelativeFolder.Split('/')[0]))
            throw new ArgumentException("The target's top folder is reserved by the archive.", nameof(target));
        // A target built by hand (not by the plan) must still name a file inside its folder.
        var probe = target.FileName(1);
        if (PathSegment.Finish(probe) != probe || probe.Contains('/') || probe.Contains('\\'))
            throw new ArgumentException("The target's file name is not a safe single file name.", nameof(target));
        DurableFile.EnsureDirectory(RootPath, target.RelativeFolder);

        var temp = DurableFile.TempPathIn(folder);
        try
        {
            var (sha, _) = await DurableFile.CopyToNewFileAsync(pdfPath, temp, ct);
            var gate = LockFor(folder);
            await gate.WaitAsync(ct);
            try
            {
                var seq = NextSeq(folder, target);
                for (var attempt = 0; attempt < 1000; attempt++, seq++)
                {
                    var relative = target.RelativePath(seq);
                    if (beforeCommit is not null) await beforeCommit(relative, sha, ct);
                    // From here the rename may happen: finish it and make it durable whatever the token says.
                    if (DurableFile.TryMoveNoReplace(temp, Path.Combine(folder, target.FileName(seq))))
                    {
                        DurableFile.FsyncDirectory(folder);
                        return new FiledFile(relative, sha);
                    }
                    ct.ThrowIfCancellationRequested();
                }
                throw new IOException($"No free file name for {target.FileNamePrefix}NNN{target.FileNameSuffix} after 1000 attempts.");
            }
            finally
            {
                gate.Release();
            }
        }
        finally
        {
            DurableFile.TryDelete(temp);
        }
    }

    /// <summary>Highest sequence number of <paramref name="target"/>'s series in the folder, plus one.</summary>
    private static int NextSeq(string folder, FilingTarget target)
    {
        var max = 0;
        foreach (var path in Directory.EnumerateFileSystemEntries(folder))
        {
            var name = Path.GetFileName(path).Normalize(NormalizationForm.FormC);
            if (target.TryParseSeq(name, out var seq) && seq > max) max = seq;
        }
        return max + 1;
    }

    /// <summary>Checks a recorded target: is the file there with the expected SHA-256?</summary>
    public async Task<FiledFileState> CheckAsync(string relativePath, string expectedSha256, CancellationToken ct)
    {
        var full = ResolvePath(relativePath);
        if (!File.Exists(full)) return FiledFileState.Missing;
        var sha = await DurableFile.Sha256Async(full, ct);
        return string.Equals(sha, expectedSha256, StringComparison.OrdinalIgnoreCase) ? FiledFileState.Complete : FiledFileState.Different;
    }

    /// <summary>SHA-256 (lower-case hex) of a file in the archive.</summary>
    public Task<string> ComputeSha256Async(string relativePath, CancellationToken ct) => DurableFile.Sha256Async(ResolvePath(relativePath), ct);

    /// <summary>
    /// Keeps an input that cannot be processed: copies it to <c>_quarantine/&lt;yyyy-MM-dd&gt;/&lt;name&gt;</c> (sub-folders of
    /// the inbox name kept, each part sanitised) with <c>&lt;name&gt;.reason.json</c> beside it. An existing different file of
    /// that name is never replaced (the copy becomes <c>name~2.ext</c>); the same content quarantined again on the same day
    /// returns the existing copy. With <see cref="QuarantineMode.Move"/> the inbox file is deleted once the copy is durable.
    /// </summary>
    public async Task<QuarantinedFile> QuarantineAsync(string sourcePath, string relativeSourceName, string reasonCode, string message,
        QuarantineMode mode = QuarantineMode.Copy, CancellationToken ct = default)
    {
        if (!ReasonCodePattern().IsMatch(reasonCode))
            throw new ArgumentException($"Reason code '{reasonCode}' is not lower_snake_case.", nameof(reasonCode));
        var now = _time.GetUtcNow();
        var (folder, relativeFolder, fileName) = QuarantinePlace(relativeSourceName, now);

        var temp = DurableFile.TempPathIn(folder);
        try
        {
            var (sha, size) = await DurableFile.CopyToNewFileAsync(sourcePath, temp, ct);
            string? chosen = null;
            var gate = LockFor(folder);
            await gate.WaitAsync(ct);
            try
            {
                for (var n = 1; n < 10_000 && chosen is null; n++)
                {
                    var candidate = n == 1 ? fileName : $"{Path.GetFileNameWithoutExtension(fileName)}~{n}{Path.GetExtension(fileName)}";
                    var full = Path.Combine(folder, candidate);
                    if (File.Exists(full))
                    {
                        if (await DurableFile.Sha256Async(full, ct) == sha) chosen = candidate; // already quarantined
                        continue;
                    }
                    if (DurableFile.TryMoveNoReplace(temp, full))
                    {
                        DurableFile.FsyncDirectory(folder);
                        chosen = candidate;
                    }
                }
            }
            finally
            {
                gate.Release();
            }
            if (chosen is null) throw new IOException($"No free quarantine name for {fileName} in {relativeFolder}.");

            var reasonName = chosen + ".reason.json";
            var reason = new QuarantineReason(relativeSourceName, reasonCode, message, sha, size, now.ToString("O", CultureInfo.InvariantCulture));
            await WriteReplacingAsync(Path.Combine(folder, reasonName), JsonSerializer.SerializeToUtf8Bytes(reason, ReasonJson), ct);

            if (mode == QuarantineMode.Move && File.Exists(sourcePath)) File.Delete(sourcePath);
            return new QuarantinedFile($"{relativeFolder}/{chosen}", $"{relativeFolder}/{reasonName}", sha, size);
        }
        finally
        {
            DurableFile.TryDelete(temp);
        }
    }

    /// <summary>
    /// Records in quarantine why an input could not even be read (it vanished, or the service may not read it): there
    /// are no bytes to keep, so only <c>_quarantine/&lt;yyyy-MM-dd&gt;/&lt;name&gt;.reason.json</c> is written (replacing
    /// the same day's), naming where the input was left. Returns the reason file as both paths, no hash.
    /// </summary>
    public async Task<QuarantinedFile> QuarantineUnreadableAsync(string sourcePath, string relativeSourceName, string reasonCode, string message,
        CancellationToken ct = default)
    {
        if (!ReasonCodePattern().IsMatch(reasonCode))
            throw new ArgumentException($"Reason code '{reasonCode}' is not lower_snake_case.", nameof(reasonCode));
        var now = _time.GetUtcNow();
        var (folder, relativeFolder, fileName) = QuarantinePlace(relativeSourceName, now);
        var reasonName = fileName + ".reason.json";
        var reason = new QuarantineReason(relativeSourceName, reasonCode, $"{message} (left where it was: {sourcePath})", "", 0,
            now.ToString("O", CultureInfo.InvariantCulture));
        await WriteReplacingAsync(Path.Combine(folder, reasonName), JsonSerializer.SerializeToUtf8Bytes(reason, ReasonJson), ct);
        var relative = $"{relativeFolder}/{reasonName}";
        return new QuarantinedFile(relative, relative, "", 0);
    }

    // The day's quarantine folder for an input (sub-folders of its inbox name kept, each part sanitised) and its file name.
    private (string Folder, string RelativeFolder, string FileName) QuarantinePlace(string relativeSourceName, DateTimeOffset now)
    {
        var cleanName = PathSegment.SanitizeRelativePath(relativeSourceName);
        if (cleanName.Length == 0) cleanName = "input";
        var slash = cleanName.LastIndexOf('/');
        var subFolder = slash < 0 ? "" : "/" + cleanName[..slash];
        var relativeFolder = $"{CaseFolderArchiveLayout.QuarantineFolder}/{now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}{subFolder}";
        return (DurableFile.EnsureDirectory(RootPath, relativeFolder), relativeFolder, cleanName[(slash + 1)..]);
    }

    /// <summary>
    /// Places a document waiting for a person at <c>_review/&lt;reviewId&gt;.pdf</c>. Placing the same content again is a
    /// no-op; a different file already holding the id is a fault (ids are unique).
    /// </summary>
    public async Task<FiledFile> PlaceForReviewAsync(string pdfPath, string reviewId, CancellationToken ct)
    {
        if (!ReviewIdPattern().IsMatch(reviewId))
            throw new ArgumentException($"Review id '{reviewId}' must be letters, digits, '-' or '_'.", nameof(reviewId));
        var folder = DurableFile.EnsureDirectory(RootPath, CaseFolderArchiveLayout.ReviewFolder);
        var relative = $"{CaseFolderArchiveLayout.ReviewFolder}/{reviewId}.pdf";
        var full = Path.Combine(folder, reviewId + ".pdf");
        var temp = DurableFile.TempPathIn(folder);
        try
        {
            var (sha, _) = await DurableFile.CopyToNewFileAsync(pdfPath, temp, ct);
            if (DurableFile.TryMoveNoReplace(temp, full))
            {
                DurableFile.FsyncDirectory(folder);
                return new FiledFile(relative, sha);
            }
            if (await DurableFile.Sha256Async(full, ct) == sha) return new FiledFile(relative, sha);
            throw new IOException($"{relative} already exists with other content.");
        }
        finally
        {
            DurableFile.TryDelete(temp);
        }
    }

    /// <summary>
    /// Deletes temporary files left in <paramref name="relativeFolder"/> (or the whole archive when null) by crashed
    /// runs, if older than <paramref name="olderThan"/> so a live writer's file is never touched. Returns how many.
    /// </summary>
    public int RemoveStaleTemporaryFiles(TimeSpan olderThan, string? relativeFolder = null)
    {
        var start = relativeFolder is null ? RootPath : ResolvePath(relativeFolder);
        if (!Directory.Exists(start)) return 0;
        var cutoff = _time.GetUtcNow().UtcDateTime - olderThan;
        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(start, DurableFile.TempPrefix + "*", SearchOption.AllDirectories))
        {
            if (File.GetLastWriteTimeUtc(path) >= cutoff) continue;
            DurableFile.TryDelete(path);
            removed++;
        }
        return removed;
    }

    /// <summary>Writes a small side file (reason) atomically, replacing an older version of itself.</summary>
    private static Task WriteReplacingAsync(string path, byte[] content, CancellationToken ct) =>
        DurableFile.WriteReplacingAsync(path, (stream, token) => stream.WriteAsync(content, token).AsTask(), ct);

    /// <summary>JSON shape of <c>&lt;name&gt;.reason.json</c>.</summary>
    private sealed record QuarantineReason(
        [property: System.Text.Json.Serialization.JsonPropertyName("source")] string Source,
        [property: System.Text.Json.Serialization.JsonPropertyName("reason")] string Reason,
        [property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message,
        [property: System.Text.Json.Serialization.JsonPropertyName("sha256")] string Sha256,
        [property: System.Text.Json.Serialization.JsonPropertyName("size_bytes")] long SizeBytes,
        [property: System.Text.Json.Serialization.JsonPropertyName("quarantined_at")] string QuarantinedAt);

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex ReasonCodePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")]
    private static partial Regex ReviewIdPattern();
}
