using System.Runtime.InteropServices;

namespace CaptureChain.Capture.Interop;

/// <summary>
/// Owns a <c>SANE_Handle</c> from <c>sane_open</c>. Released with <c>sane_close</c>, which must run on the SANE
/// thread: owners dispose it there explicitly (a finaliser would run on the wrong thread). The reference count of the
/// SafeHandle lets <c>sane_cancel</c> come from another thread without racing the close.
/// </summary>
internal sealed class SaneDeviceHandle : SafeHandle
{
    public SaneDeviceHandle() : base(IntPtr.Zero, true) { }
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { Sane.sane_close(handle); return true; }
}

/// <summary>SANE_Status (sane.h).</summary>
internal enum SaneStatus
{
    Good = 0, Unsupported, Cancelled, DeviceBusy, Inval, Eof, Jammed, NoDocs, CoverOpen, IoError, NoMem, AccessDenied,
}

/// <summary>SANE_Device (sane.h): four UTF-8 strings owned by the backend.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SaneDeviceInfo
{
    public IntPtr Name, Vendor, Model, Type;
}

/// <summary>SANE_Option_Descriptor (sane.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SaneOptionDescriptor
{
    public IntPtr Name, Title, Desc;
    public int Type, Unit, Size, Cap, ConstraintType;
    /// <summary>Union: <c>const SANE_String_Const*</c> (NULL-terminated), <c>const SANE_Word*</c> (first word = count) or <c>const SANE_Range*</c>.</summary>
    public IntPtr Constraint;
}

/// <summary>SANE_Range (sane.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SaneRange
{
    public int Min, Max, Quant;
}

/// <summary>SANE_Parameters (sane.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SaneParameters
{
    public int Format, LastFrame, BytesPerLine, PixelsPerLine, Lines, Depth;
}

/// <summary>
/// P/Invoke surface of libsane (libsane.so.1, the dll meta-backend). Backends are not thread-safe: every call runs on
/// one dedicated thread, except <c>sane_cancel</c>, which the standard allows from another thread (or a signal handler).
/// </summary>
internal static partial class Sane
{
    private const string Lib = "libsane.so.1";

    internal const int TypeBool = 0, TypeInt = 1, TypeFixed = 2, TypeString = 3, TypeButton = 4, TypeGroup = 5;
    internal const int UnitDpi = 4;
    internal const int CapSoftSelect = 1 << 0, CapInactive = 1 << 5;
    internal const int InfoInexact = 1 << 0, InfoReloadOptions = 1 << 1, InfoReloadParams = 1 << 2;
    internal const int ConstraintNone = 0, ConstraintRange = 1, ConstraintWordList = 2, ConstraintStringList = 3;
    internal const int ActionGetValue = 0, ActionSetValue = 1, ActionSetAuto = 2;
    internal const int FrameGray = 0, FrameRgb = 1, FrameRed = 2, FrameGreen = 3, FrameBlue = 4;
    internal const int FixedShift = 16;

    [LibraryImport(Lib)] internal static partial SaneStatus sane_init(out int versionCode, IntPtr authorize);
    [LibraryImport(Lib)] internal static partial void sane_exit();
    [LibraryImport(Lib)] internal static partial SaneStatus sane_get_devices(out IntPtr deviceList, int localOnly);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial SaneStatus sane_open(string name, out SaneDeviceHandle handle);
    [LibraryImport(Lib)] internal static partial void sane_close(IntPtr handle);
    [LibraryImport(Lib)] internal static partial IntPtr sane_get_option_descriptor(SaneDeviceHandle handle, int option);
    [LibraryImport(Lib)] internal static unsafe partial SaneStatus sane_control_option(SaneDeviceHandle handle, int option, int action, void* value, out int info);
    [LibraryImport(Lib)] internal static partial SaneStatus sane_get_parameters(SaneDeviceHandle handle, out SaneParameters parameters);
    [LibraryImport(Lib)] internal static partial SaneStatus sane_start(SaneDeviceHandle handle);
    [LibraryImport(Lib)] internal static unsafe partial SaneStatus sane_read(SaneDeviceHandle handle, byte* data, int maxLength, out int length);
    [LibraryImport(Lib)] internal static partial void sane_cancel(SaneDeviceHandle handle);
    [LibraryImport(Lib)] internal static partial SaneStatus sane_get_select_fd(SaneDeviceHandle handle, out int fd);
    [LibraryImport(Lib)] internal static partial IntPtr sane_strstatus(SaneStatus status);

    /// <summary>The backend's text for a status.</summary>
    internal static string Describe(SaneStatus status) => Marshal.PtrToStringUTF8(sane_strstatus(status)) ?? status.ToString();

    /// <summary>
    /// Sets a variable in the native environment (libc <c>setenv</c>): the dll backend reads <c>SANE_CONFIG_DIR</c>
    /// with <c>getenv</c> in <c>sane_init</c>, which never sees <see cref="Environment.SetEnvironmentVariable(string, string)"/>.
    /// </summary>
    internal static void SetNativeEnvironment(string name, string value)
    {
        if (Libc.setenv(name, value, 1) != 0)
            throw new InvalidOperationException($"setenv({name}) failed with errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> for the backend's select fd to have data (or hang up). True when a
    /// <c>sane_read</c> will not block; false on timeout.
    /// </summary>
    internal static unsafe bool WaitReadable(int fd, int timeoutMs)
    {
        var entry = new Libc.PollFd { Fd = fd, Events = Libc.PollIn };
        while (true)
        {
            var n = Libc.poll(&entry, 1, timeoutMs);
            if (n > 0) return true; // readable, or POLLHUP/POLLERR: sane_read will report it
            if (n == 0) return false;
            if (Marshal.GetLastPInvokeError() != Libc.EINTR)
                throw new InvalidOperationException($"poll on the SANE select fd failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }
}
