using System.Runtime.InteropServices;
using CaptureChain.Capture.Interop;

namespace CaptureChain.Capture.Scanners;

/// <summary>How the SANE library is started.</summary>
/// <param name="ConfigDirectory">
/// Folder holding <c>dll.conf</c> (and backend configs), put in the native <c>SANE_CONFIG_DIR</c> before
/// <c>sane_init</c>; null keeps the system's (<c>/etc/sane.d</c>, slow to list when many backends are enabled).
/// </param>
/// <param name="LocalOnly">List only local devices (skips the <c>net</c> backend's network search).</param>
/// <param name="BackendOptions">
/// Extra backend options applied after the settings at every scan, by SANE option name and text value
/// (<c>yes</c>/<c>no</c>, numbers, strings): for example a scan area (<c>br-x</c>, <c>br-y</c> in mm). Options set from
/// <see cref="ScanSettings"/> (source, mode, depth, resolution) are refused here.
/// </param>
public sealed record SaneOptions(string? ConfigDirectory = null, bool LocalOnly = true, IReadOnlyDictionary<string, string>? BackendOptions = null);

/// <summary>
/// Scanners through SANE (libsane.so.1). Owns the process's SANE session: <c>sane_init</c> when created,
/// <c>sane_exit</c> when disposed, and the one thread every SANE call runs on. Only one may exist at a time.
/// </summary>
public sealed class SaneDriver : IScannerDriver, IDisposable
{
    private static int s_live;
    private readonly SaneOptions _options;
    private readonly DedicatedThread _thread;
    private readonly List<SaneScanner> _open = [];
    private readonly Dictionary<string, ScannerDevice> _known = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>Starts SANE; throws when another <see cref="SaneDriver"/> is alive or the library cannot start.</summary>
    public SaneDriver(SaneOptions? options = null)
    {
        _options = options ?? new SaneOptions();
        CheckBackendOptions(_options.BackendOptions);
        if (Interlocked.CompareExchange(ref s_live, 1, 0) != 0)
            throw new InvalidOperationException("SANE is process-wide: only one SaneDriver may be alive at a time.");
        _thread = new DedicatedThread("sane");
        try
        {
            Version = _thread.Invoke(() =>
            {
                if (_options.ConfigDirectory is { } dir) Sane.SetNativeEnvironment("SANE_CONFIG_DIR", Path.GetFullPath(dir));
                var status = Sane.sane_init(out var version, IntPtr.Zero);
                if (status != SaneStatus.Good) throw new SaneCallException("initialise", status);
                return new Version((version >> 24) & 0xff, (version >> 16) & 0xff, version & 0xffff);
            });
        }
        catch
        {
            _thread.Stop(Timeout.InfiniteTimeSpan);
            Volatile.Write(ref s_live, 0);
            throw;
        }
    }

    /// <summary>SANE version reported by <c>sane_init</c>.</summary>
    public Version Version { get; }

    /// <summary>SANE device names: anything not claimed by another driver (<c>escl:</c>, <c>twain:</c>); <c>sane:</c> prefix optional.</summary>
    public bool Recognises(string deviceId) =>
        !string.IsNullOrWhiteSpace(deviceId) && deviceId.Contains(':')
        && !deviceId.StartsWith(ScannerIds.EsclPrefix, StringComparison.Ordinal) && !deviceId.StartsWith(ScannerIds.TwainPrefix, StringComparison.Ordinal);

    public Task<IReadOnlyList<ScannerDevice>> ListDevicesAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _thread.InvokeAsync<IReadOnlyList<ScannerDevice>>(() =>
        {
            var status = Sane.sane_get_devices(out var list, _options.LocalOnly ? 1 : 0);
            if (status != SaneStatus.Good) throw new SaneCallException("list devices", status);
            var devices = new List<ScannerDevice>();
            for (var i = 0; ; i++)
            {
                var entry = Marshal.ReadIntPtr(list, i * IntPtr.Size); // NULL-terminated array of SANE_Device*
                if (entry == IntPtr.Zero) break;
                var d = Marshal.PtrToStructure<SaneDeviceInfo>(entry);
                var device = new ScannerDevice(Marshal.PtrToStringUTF8(d.Name) ?? "", Marshal.PtrToStringUTF8(d.Vendor) ?? "",
                    Marshal.PtrToStringUTF8(d.Model) ?? "", Marshal.PtrToStringUTF8(d.Type) ?? "");
                devices.Add(device);
            }
            lock (_known) foreach (var d in devices) _known[d.Id] = d;
            return devices;
        });
    }

    public async Task<IScanner> OpenAsync(string deviceId, CancellationToken cancellationToken) =>
        await OpenAsync(deviceId, null, cancellationToken).ConfigureAwait(false);

    /// <summary>Opens a device with backend options of its own (replacing <see cref="SaneOptions.BackendOptions"/>).</summary>
    public Task<SaneScanner> OpenAsync(string deviceId, IReadOnlyDictionary<string, string>? backendOptions, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        CheckBackendOptions(backendOptions);
        var name = deviceId.StartsWith("sane:", StringComparison.Ordinal) ? deviceId["sane:".Length..] : deviceId;
        // An empty name opens the first device: never what an operator meant.
        if (string.IsNullOrWhiteSpace(name)) throw new ScannerUnavailableException(deviceId, "no device name");
        cancellationToken.ThrowIfCancellationRequested();
        return _thread.InvokeAsync(() =>
        {
            var status = Sane.sane_open(name, out var handle);
            if (status != SaneStatus.Good)
            {
                handle.Dispose();
                throw new ScannerUnavailableException(deviceId, Sane.Describe(status));
            }
            ScannerDevice device;
            lock (_known) device = _known.TryGetValue(name, out var d) ? d : new ScannerDevice(name, "", "", "");
            try
            {
                var scanner = new SaneScanner(this, _thread, device, handle, backendOptions ?? _options.BackendOptions ?? new Dictionary<string, string>());
                lock (_open) _open.Add(scanner);
                return scanner;
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        });
    }

    internal void Forget(SaneScanner scanner)
    {
        lock (_open) _open.Remove(scanner);
    }

    /// <summary>
    /// Closes every open device and ends the SANE session (<c>sane_exit</c>). A backend wedged in a call is left behind
    /// after 10 s (its thread is a background thread); SANE then stays claimed for the rest of the process.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        SaneScanner[] open;
        lock (_open) { open = [.. _open]; _open.Clear(); }
        var exited = _thread.InvokeAsync(() =>
        {
            foreach (var scanner in open) scanner.CloseOnSaneThread();
            Sane.sane_exit();
            return true;
        });
        if (!exited.Wait(TimeSpan.FromSeconds(10)))
        {
            _thread.Stop(TimeSpan.Zero);
            return;
        }
        _thread.Stop(Timeout.InfiniteTimeSpan);
        Volatile.Write(ref s_live, 0);
    }

    private static void CheckBackendOptions(IReadOnlyDictionary<string, string>? options)
    {
        if (options is null) return;
        foreach (var name in options.Keys)
            if (SaneScanner.ControlledOptions.Contains(name, StringComparer.OrdinalIgnoreCase))
                throw new ArgumentException($"Backend option '{name}' is set from ScanSettings and cannot be given here.", nameof(options));
    }
}
