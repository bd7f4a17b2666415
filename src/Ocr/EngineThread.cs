using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using CaptureChain.Ocr.Interop;

namespace CaptureChain.Ocr;

/// <summary>
/// The dedicated thread on which one Tesseract engine makes all its native calls. Tesseract's layout analysis
/// ignores the deadline monitor and can run for many minutes on hostile images; with its own thread an engine can
/// be abandoned (left to finish at the lowest priority and clean up after itself) while the caller moves on.
/// </summary>
internal sealed class EngineThread
{
    private readonly BlockingCollection<Action> _queue = new();
    private readonly Thread _thread;
    private int _nativeThreadId;

    public EngineThread(string name)
    {
        using var started = new ManualResetEventSlim();
        _thread = new Thread(() =>
        {
            _nativeThreadId = Libc.gettid();
            started.Set();
            foreach (var action in _queue.GetConsumingEnumerable()) action();
        })
        {
            IsBackground = true, // an abandoned engine must not keep the process alive
            Name = name,
        };
        _thread.Start();
        started.Wait();
    }

    /// <summary>Queues work; it must not throw (it runs outside any caller).</summary>
    public void Post(Action action) => _queue.Add(action);

    /// <summary>Runs <paramref name="work"/> on the thread and waits for it, rethrowing its exception here.</summary>
    public T Invoke<T>(Func<T> work)
    {
        T result = default!;
        ExceptionDispatchInfo? error = null;
        using var done = new ManualResetEventSlim();
        Post(() =>
        {
            try { result = work(); }
            catch (Exception e) { error = ExceptionDispatchInfo.Capture(e); }
            finally { done.Set(); }
        });
        done.Wait();
        error?.Throw();
        return result;
    }

    /// <summary>Drops the thread to nice 19 so an abandoned recognition barely competes with live engines.</summary>
    public void LowerPriority() => Libc.setpriority(Libc.PRIO_PROCESS, (uint)_nativeThreadId, 19);

    /// <summary>No more work: the thread ends after the queued actions.</summary>
    public void Complete() => _queue.CompleteAdding();

    /// <summary>Waits for the thread to end (after <see cref="Complete"/>).</summary>
    public void Join() => _thread.Join();
}
