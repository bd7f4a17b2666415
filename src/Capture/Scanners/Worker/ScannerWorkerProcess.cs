using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Threading.Channels;
using CaptureChain.Capture.Interop;

namespace CaptureChain.Capture.Scanners.Worker;

/// <summary>How to start the scanner worker program: a file, the arguments before the request, extra environment.</summary>
/// <param name="Environment">Variables set for the worker (e.g. <c>SANE_CONFIG_DIR</c>); the rest is inherited.</param>
public sealed record ScannerWorkerLaunch(string FileName, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string>? Environment = null)
{
    /// <summary>
    /// This very program with <paramref name="verb"/>: <c>dotnet Program.dll verb</c> when run by the dotnet host, or
    /// the native launcher itself.
    /// </summary>
    public static ScannerWorkerLaunch CurrentProgram(string verb)
    {
        var process = System.Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
        if (!Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return new ScannerWorkerLaunch(process, [verb]);
        var entry = Assembly.GetEntryAssembly()?.Location;
        if (string.IsNullOrEmpty(entry)) throw new InvalidOperationException("The entry assembly of this program is unknown.");
        return new ScannerWorkerLaunch(process, [entry, verb]);
    }
}

/// <summary>How scanner worker processes are run and watched.</summary>
/// <param name="PageTimeout">
/// Longest silence from a scanning worker (between its records) before it is taken for hung and killed: the batch then
/// ends <c>device_gone</c> with the pages already received. Above the slowest page the devices take (default 2 min).
/// </param>
/// <param name="StartTimeout">Longest wait for a worker to start and open the device, or to answer a list (default 1 min).</param>
/// <param name="CancelGrace">
/// After a cancel, how long the worker has to end its batch cleanly before SIGTERM, and again before it is killed
/// (default 10 s each).
/// </param>
/// <param name="Diagnostics">Receives the worker's stderr lines (never page data).</param>
public sealed record WorkerProcessOptions(
    ScannerWorkerLaunch Launch,
    string? SaneConfigDirectory = null,
    IReadOnlyDictionary<string, string>? BackendOptions = null,
    TimeSpan? PageTimeout = null,
    TimeSpan? StartTimeout = null,
    TimeSpan? CancelGrace = null,
    Action<string>? Diagnostics = null)
{
    internal TimeSpan Page => PageTimeout ?? TimeSpan.FromMinutes(2);
    internal TimeSpan Start => StartTimeout ?? TimeSpan.FromMinutes(1);
    internal TimeSpan Grace => CancelGrace ?? TimeSpan.FromSeconds(10);
}

/// <summary>
/// One running worker: its records arrive on <see cref="Records"/> (completed at the end of its output, faulted with a
/// <see cref="ScannerWorkerProtocolException"/> when the output is not the protocol); the last stderr lines are kept
/// to explain a death.
/// </summary>
internal sealed class ScannerWorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stderrTail = new();
    private readonly Channel<WorkerRecord> _records = Channel.CreateBounded<WorkerRecord>(
        new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true }); // a worker cannot run far ahead of the parent
    private readonly Task _reading;
    private int _stdinClosed;

    private ScannerWorkerProcess(Process process, Action<string>? diagnostics)
    {
        _process = process;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            _stderrTail.Enqueue(e.Data);
            while (_stderrTail.Count > 20 && _stderrTail.TryDequeue(out var _)) { }
            diagnostics?.Invoke(e.Data);
        };
        process.BeginErrorReadLine();
        _reading = Task.Run(ReadLoopAsync);
    }

    public int Id => _process.Id;

    public ChannelReader<WorkerRecord> Records => _records.Reader;

    public static ScannerWorkerProcess Start(WorkerProcessOptions options, ScannerWorkerRequest request)
    {
        var launch = options.Launch;
        var info = new ProcessStartInfo(launch.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in launch.Arguments) info.ArgumentList.Add(a);
        var withDefaults = request with
        {
            SaneConfigDirectory = request.SaneConfigDirectory ?? options.SaneConfigDirectory,
            BackendOptions = request.BackendOptions ?? options.BackendOptions,
        };
        foreach (var a in withDefaults.ToArguments()) info.ArgumentList.Add(a);
        foreach (var (name, value) in launch.Environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{launch.FileName} did not start");
        return new ScannerWorkerProcess(process, options.Diagnostics);
    }

    private async Task ReadLoopAsync()
    {
        var output = _process.StandardOutput.BaseStream;
        try
        {
            if (await ScannerWorkerProtocol.ReadMagicAsync(output, CancellationToken.None).ConfigureAwait(false))
                while (await ScannerWorkerProtocol.ReadAsync(output, CancellationToken.None).ConfigureAwait(false) is { } record)
                    await _records.Writer.WriteAsync(record).ConfigureAwait(false);
            _records.Writer.TryComplete();
        }
        catch (ScannerWorkerProtocolException e) { _records.Writer.TryComplete(e); }
        catch (Exception e) when (e is IOException or ObjectDisposedException or ChannelClosedException)
        {
            _records.Writer.TryComplete(); // the pipe broke: the worker is gone
        }
    }

    /// <summary>Asks the worker to stop its batch: a cancel record, then the end of its stdin.</summary>
    public async Task SendCancelAsync()
    {
        if (Interlocked.Exchange(ref _stdinClosed, 1) != 0) return;
        try
        {
            var stdin = _process.StandardInput.BaseStream;
            await ScannerWorkerProtocol.WriteAsync(stdin, new WorkerCancel(), CancellationToken.None).ConfigureAwait(false);
            _process.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { /* already gone */ }
    }

    /// <summary>Closes the worker's stdin (done with it; for a scan this also means cancel).</summary>
    public void CloseInput()
    {
        if (Interlocked.Exchange(ref _stdinClosed, 1) != 0) return;
        try { _process.StandardInput.Close(); }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { }
    }

    /// <summary>SIGTERM: the worker cancels its batch and exits.</summary>
    public void Terminate()
    {
        if (!HasExited) Libc.Terminate(_process.Id);
    }

    public void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { /* exited meanwhile */ }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the exit up to <paramref name="wait"/>; false when still running.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan wait)
    {
        using var limit = new CancellationTokenSource(wait);
        try { await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false); return true; }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>How the worker ended, and the last thing it said, for the batch's end message.</summary>
    public string DescribeExit()
    {
        var how = !_process.HasExited ? "still running"
            : _process.ExitCode > 128 ? $"killed by signal {_process.ExitCode - 128}"
            : $"exit code {_process.ExitCode}";
        var last = _stderrTail.LastOrDefault(l => !string.IsNullOrWhiteSpace(l));
        return last is null ? how : $"{how}; last message: {last.Trim()}";
    }

    public async ValueTask DisposeAsync()
    {
        CloseInput();
        Kill();
        await WaitForExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _records.Writer.TryComplete();
        try { await _reading.ConfigureAwait(false); } catch { /* reported through Records already */ }
        _process.Dispose();
    }
}
