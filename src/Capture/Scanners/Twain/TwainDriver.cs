using CaptureChain.Capture.Interop;

namespace CaptureChain.Capture.Scanners;

/// <summary>How the TWAIN driver finds its DSM and waits for sources.</summary>
/// <param name="LibraryPath">The DSM library; null: <c>TWAINDSM.dll</c> on Windows, <c>libtwaindsm.so</c> elsewhere.</param>
/// <param name="ApplicationName">Our product name in the application identity.</param>
/// <param name="TransferReadyTimeout">How long an enabled source may take to say MSG_XFERREADY.</param>
public sealed record TwainOptions(string? LibraryPath = null, string ApplicationName = "CaptureChain", TimeSpan? TransferReadyTimeout = null);

/// <summary>
/// Scanners through a TWAIN 2 Data Source Manager. Every triplet runs on the driver's own thread (TWAIN wants the
/// thread that opened the DSM); sources report through the TWAIN 2 callback, so no window message pump is used
/// (Windows drivers that only post window messages are not supported). Ids are <c>twain:</c> + product name.
/// </summary>
public sealed class TwainDriver : IScannerDriver, IDisposable
{
    private readonly TwainOptions _options;
    private readonly DedicatedThread _thread = new("twain");
    private readonly TwainDsm? _dsm;
    private readonly TwainLink? _link;
    private TwainScanner? _open;
    private int _disposed;

    /// <summary>Loads the DSM if it is installed; <see cref="IsAvailable"/> says whether it was.</summary>
    public TwainDriver(TwainOptions? options = null) : this(TwainDsm.TryLoad(options?.LibraryPath), options) { }

    /// <summary>A DSM given by its <c>DSM_Entry</c> address (tests pass a scripted DSM here).</summary>
    internal TwainDriver(IntPtr dsmEntry, TwainOptions? options) : this(TwainDsm.FromEntryPoint(dsmEntry), options) { }

    private TwainDriver(TwainDsm? dsm, TwainOptions? options)
    {
        _options = options ?? new TwainOptions();
        _dsm = dsm;
        if (dsm is not null) _link = _thread.Invoke(() => new TwainLink(dsm, _options.ApplicationName));
    }

    /// <summary>False when no DSM library was found: the driver then lists nothing and opens nothing.</summary>
    public bool IsAvailable => _dsm is not null;

    internal TimeSpan TransferReadyTimeout => _options.TransferReadyTimeout ?? TimeSpan.FromMinutes(2);

    /// <summary>The DSM session's state machine (for diagnostics and tests).</summary>
    public TwainStateMachine? StateMachine => _link?.Machine;

    public bool Recognises(string deviceId) => deviceId.StartsWith(ScannerIds.TwainPrefix, StringComparison.Ordinal);

    public Task<IReadOnlyList<ScannerDevice>> ListDevicesAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_link is null) return Task.FromResult<IReadOnlyList<ScannerDevice>>([]);
        return _thread.InvokeAsync<IReadOnlyList<ScannerDevice>>(() =>
        {
            if (!EnsureDsmOpen()) return [];
            return _link.ListSources()
                .Select(s => new ScannerDevice(ScannerIds.TwainPrefix + s.ProductName, s.Manufacturer, s.ProductName, "TWAIN " + s.ProductFamily))
                .ToList();
        });
    }

    public async Task<IScanner> OpenAsync(string deviceId, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!Recognises(deviceId)) throw new ScannerUnavailableException(deviceId, "not a TWAIN id (twain:Product Name)");
        if (_link is null) throw new ScannerUnavailableException(deviceId, $"no TWAIN DSM ({TwainDsm.DefaultLibraryName}) on this machine");
        var name = deviceId[ScannerIds.TwainPrefix.Length..];
        return await _thread.InvokeAsync(() =>
        {
            if (_open is not null) throw new ScannerUnavailableException(deviceId, $"a TWAIN source is already open ({_open.Device.Id})");
            if (!EnsureDsmOpen()) throw new ScannerUnavailableException(deviceId, "the TWAIN DSM did not open");
            var source = _link.ListSources().FirstOrDefault(s => s.ProductName == name)
                ?? throw new ScannerUnavailableException(deviceId, "no such TWAIN source");
            if (!_link.OpenSource(name))
                throw new ScannerUnavailableException(deviceId, $"the source did not open (condition {_link.ConditionCode(false)})");
            var device = new ScannerDevice(deviceId, source.Manufacturer, source.ProductName, "TWAIN " + source.ProductFamily);
            try { return _open = new TwainScanner(this, _thread, _link, device); }
            catch
            {
                _link.CloseSource(); // back to state 3: the source is useless without its callback
                throw;
            }
        }).ConfigureAwait(false);
    }

    internal void Closed(TwainScanner scanner)
    {
        if (_open == scanner) _open = null;
    }

    private bool EnsureDsmOpen() => _link!.Machine.State >= TwainState.DsmOpen || _link.OpenDsm() == TwainDsm.TWRC_SUCCESS;

    /// <summary>Closes the open source and the DSM (state 1).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_link is not null)
        {
            _thread.Invoke(() =>
            {
                _open?.CloseOnTwainThread();
                if (_link.Machine.State == TwainState.DsmOpen) _link.CloseDsm();
                _link.Dispose();
                return true;
            });
        }
        _thread.Dispose();
        _dsm?.Dispose();
    }
}
