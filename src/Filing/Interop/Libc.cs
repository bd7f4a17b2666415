using System.Runtime.InteropServices;

namespace CaptureChain.Filing.Interop;

/// <summary>Owns one POSIX file descriptor; released with <c>close</c>.</summary>
internal sealed class FileDescriptorHandle : SafeHandle
{
    public FileDescriptorHandle() : base(new IntPtr(-1), ownsHandle: true) { }

    public override bool IsInvalid => handle.ToInt64() < 0;

    protected override bool ReleaseHandle() => Libc.close(handle.ToInt32()) == 0;
}

/// <summary>
/// The few libc calls .NET does not expose: fsync of a directory (so a rename survives a power cut) and a rename that
/// refuses to replace an existing name (so two processes can never take the same file name). Linux only; callers check
/// <see cref="IsAvailable"/> and fall back to the managed API elsewhere.
/// </summary>
internal static partial class Libc
{
    private const string Lib = "libc.so.6";

    internal const int O_RDONLY = 0, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;
    internal const int AT_FDCWD = -100;
    internal const uint RENAME_NOREPLACE = 1;
    internal const int EPERM = 1, EINTR = 4, EEXIST = 17, EXDEV = 18, EINVAL = 22, EMLINK = 31, ENOSYS = 38, EOPNOTSUPP = 95;

    /// <summary>True on Linux, where the constants above are right.</summary>
    internal static bool IsAvailable => OperatingSystem.IsLinux();

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open_raw(string path, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int fsync(FileDescriptorHandle fd);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int link(string oldpath, string newpath);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int unlink(string path);

    /// <summary>Opens a directory read-only for <see cref="fsync"/>.</summary>
    internal static FileDescriptorHandle OpenDirectory(string path)
    {
        var fd = open_raw(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) throw new IOException($"open of a folder failed: errno {Marshal.GetLastPInvokeError()}");
        var handle = new FileDescriptorHandle();
        Marshal.InitHandle(handle, new IntPtr(fd));
        return handle;
    }
}
