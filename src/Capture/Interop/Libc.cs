using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CaptureChain.Capture.Interop;

/// <summary>
/// The libc calls the capture side needs and .NET does not expose: <c>setenv</c> and <c>poll</c> for the SANE frontend,
/// <c>dup</c>/<c>dup2</c> so a scanner worker keeps its protocol stream away from backends that print to stdout,
/// <c>fsync</c> of a directory so a spooled page survives a power cut, and <c>kill</c> to ask a worker to stop.
/// Linux only (the constants are Linux's).
/// </summary>
internal static partial class Libc
{
    private const string Lib = "libc.so.6";

    internal const short PollIn = 0x1;
    internal const int EINTR = 4, EINVAL = 22;
    internal const int O_RDONLY = 0, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;
    internal const int SIGTERM = 15;

    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events, Revents;
    }

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int setenv(string name, string value, int overwrite);

    [LibraryImport(Lib, SetLastError = true)]
    internal static unsafe partial int poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Lib, SetLastError = true)]
    private static partial int dup(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    private static partial int dup2(int fd, int target);

    [LibraryImport(Lib, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open_directory(string path, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    private static partial int kill(int pid, int signal);

    /// <summary>
    /// Moves the process's standard output aside: returns a handle on the original stdout and points descriptor 1 at
    /// stderr, so whatever a native library prints to stdout lands in the diagnostics instead of the protocol stream.
    /// </summary>
    internal static SafeFileHandle TakeStandardOutput()
    {
        var kept = dup(1);
        if (kept < 0) throw new IOException($"dup(1) failed with errno {Marshal.GetLastPInvokeError()}");
        if (dup2(2, 1) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            close(kept);
            throw new IOException($"dup2(2, 1) failed with errno {errno}");
        }
        return new SafeFileHandle(kept, ownsHandle: true);
    }

    /// <summary>Flushes a directory's entries (a rename or a new file in it) to disk. No-op off Linux.</summary>
    internal static void SyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = open_directory(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) throw new IOException($"cannot open directory {path} to sync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            // Some file systems do not sync directories (EINVAL): nothing more can be done there.
            if (fsync(fd) != 0 && Marshal.GetLastPInvokeError() != EINVAL)
                throw new IOException($"fsync of directory {path} failed with errno {Marshal.GetLastPInvokeError()}");
        }
        finally { close(fd); }
    }

    /// <summary>Sends SIGTERM to <paramref name="pid"/>; false when there is no such process any more.</summary>
    internal static bool Terminate(int pid) => OperatingSystem.IsLinux() && kill(pid, SIGTERM) == 0;
}
