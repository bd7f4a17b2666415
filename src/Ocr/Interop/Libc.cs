using System.Runtime.InteropServices;

namespace CaptureChain.Ocr.Interop;

/// <summary>P/Invoke surface of the C library (glibc's libc.so.6): the native process environment.</summary>
internal static partial class Libc
{
    private const string Lib = "libc.so.6";

    /// <summary>
    /// Sets a variable in the native environment. Needed because <see cref="Environment.SetEnvironmentVariable(string, string)"/>
    /// only changes .NET's copy, which native libraries such as libgomp never read.
    /// </summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int setenv(string name, string value, int overwrite);

    /// <summary>Reads a variable from the native environment; the pointer belongs to libc.</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr getenv(string name);

    /// <summary>The kernel id of the calling thread (for <see cref="setpriority"/>).</summary>
    [LibraryImport(Lib)]
    internal static partial int gettid();

    internal const int PRIO_PROCESS = 0;

    /// <summary>Sets the nice value of a process or, on Linux with a thread id, of one thread (raising it needs no privilege).</summary>
    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int setpriority(int which, uint who, int prio);

    internal const int M_MMAP_THRESHOLD = -3, M_ARENA_MAX = -8;

    /// <summary>Tunes glibc's allocator (returns 1 on success).</summary>
    [LibraryImport(Lib)]
    internal static partial int mallopt(int param, int value);

    /// <summary>The native value of <paramref name="name"/>, or null.</summary>
    internal static string? GetEnvironment(string name) => Marshal.PtrToStringUTF8(getenv(name));
}
