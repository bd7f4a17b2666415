using System.Runtime.InteropServices;
using System.Security.Cryptography;
using CaptureChain.Filing.Interop;

namespace CaptureChain.Filing.Archive;

/// <summary>
/// Crash-safe file primitives: write to a temporary name, fsync, then an atomic rename, then fsync the directory so the
/// new name itself survives a power cut.
/// </summary>
internal static class DurableFile
{
    /// <summary>Prefix of every temporary file, so no rendered file name (never starting with a dot) can match.</summary>
    internal const string TempPrefix = ".cc-tmp-";

    /// <summary>A fresh temporary path inside <paramref name="directory"/>.</summary>
    internal static string TempPathIn(string directory) =>
        Path.Combine(directory, $"{TempPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>Copies <paramref name="sourcePath"/> to a new file (never replacing one), fsyncs it and returns its SHA-256.</summary>
    internal static async Task<(string Sha256, long Size)> CopyToNewFileAsync(string sourcePath, string destinationPath, CancellationToken ct)
    {
        await using var source = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using var destination = new FileStream(destinationPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long size = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await destination.WriteAsync(buffer.AsMemory(0, read), ct);
            size += read;
        }
        await destination.FlushAsync(ct);
        destination.Flush(flushToDisk: true);
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }

    /// <summary>SHA-256 of a file as lower-case hex.</summary>
    internal static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    /// <summary>
    /// Renames <paramref name="source"/> to <paramref name="destination"/> atomically unless the destination exists;
    /// returns false when it does. The kernel checks and renames in one step (renameat2 RENAME_NOREPLACE, or link +
    /// unlink where that is unsupported), so two processes can never both take one name.
    /// </summary>
    internal static bool TryMoveNoReplace(string source, string destination)
    {
        if (!Libc.IsAvailable)
        {
            try
            {
                File.Move(source, destination, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(destination) || Directory.Exists(destination))
            {
                return false;
            }
        }

        while (true)
        {
            if (Libc.renameat2(Libc.AT_FDCWD, source, Libc.AT_FDCWD, destination, Libc.RENAME_NOREPLACE) == 0) return true;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EINTR) continue;
            if (errno == Libc.EEXIST) return false;
            if (errno is Libc.EINVAL or Libc.ENOSYS or Libc.EOPNOTSUPP) break; // filesystem without RENAME_NOREPLACE (NFS, old kernels)
            throw new IOException($"renameat2 into {Path.GetFileName(destination)} failed: errno {errno}");
        }

        // link(2) fails with EEXIST exactly like O_EXCL, then the temporary name is dropped.
        if (Libc.link(source, destination) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EEXIST) return false;
            throw new IOException(
                $"The archive filesystem supports neither renameat2(RENAME_NOREPLACE) nor hard links (errno {errno}); files cannot be placed without risk of overwriting.");
        }
        Libc.unlink(source);
        return true;
    }

    /// <summary>
    /// Writes <paramref name="path"/> atomically: <paramref name="write"/> fills a temporary file in the same folder,
    /// which is flushed to disk and then renamed over the target, so a reader sees the old or the new file, never half.
    /// </summary>
    internal static async Task WriteReplacingAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken ct)
    {
        var temp = TempPathIn(Path.GetDirectoryName(path)!);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(stream, ct);
                await stream.FlushAsync(ct);
                stream.Flush(flushToDisk: true);
            }
            Replace(temp, path);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>Atomically replaces <paramref name="destination"/> with <paramref name="source"/> (for reports, never for documents).</summary>
    internal static void Replace(string source, string destination)
    {
        File.Move(source, destination, overwrite: true);
        FsyncDirectory(Path.GetDirectoryName(destination)!);
    }

    /// <summary>Makes the directory's entries (new names, renames) durable.</summary>
    internal static void FsyncDirectory(string directory)
    {
        if (!Libc.IsAvailable) return; // Windows: NTFS journals renames itself; there is no directory handle to flush
        using var fd = Libc.OpenDirectory(directory);
        if (Libc.fsync(fd) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            // Some filesystems (e.g. certain network mounts) refuse fsync on directories; nothing more can be done there.
            if (errno is not (Libc.EINVAL or Libc.EOPNOTSUPP)) throw new IOException($"fsync of an archive folder failed: errno {errno}");
        }
    }

    /// <summary>Creates <paramref name="relativeFolder"/> under <paramref name="root"/> one level at a time, fsyncing each parent.</summary>
    internal static string EnsureDirectory(string root, string relativeFolder)
    {
        var current = root;
        foreach (var segment in relativeFolder.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, segment);
            if (!Directory.Exists(next))
            {
                Directory.CreateDirectory(next);
                FsyncDirectory(current);
            }
            current = next;
        }
        return current;
    }

    /// <summary>Deletes a file if present, ignoring a concurrent removal.</summary>
    internal static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
