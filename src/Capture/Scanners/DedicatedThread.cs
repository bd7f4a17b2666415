using System.Collections.Concurrent;

namespace CaptureChain.Capture.Scanners;

/// <summary>
/// The one thread on which every call into a thread-bound native library runs (SANE backends are not thread-safe;
/// TWAIN wants every triplet from the thread that opened the DSM). Work is queued and run in order; a batch occupies
/// the thread while it reads, which is what those libraries expect.
/// </summary>
internal sealed class DedicatedThread : IDisposable
{
    private readonly BlockingCollection<Action> _queue = new();
    private readonly Thread _thread;

    public DedicatedThread(string name)
    {
        _thread = new Thread(() =>
        {
            foreach (var action in _queue.GetConsumingEnumerable()) action();
        })
        {
            IsBackground = true, // a wedged backend must not keep the process alive
            Name = name,
        };
        _thread.Start();
    }

    /// <summary>True when called from the thread itself.</summary>
    public bool IsCurrent => Thread.CurrentThread == _thread;

    /// <summary>Runs <paramref name="work"/> on the thread; the task completes with its result or exception.</summary>
    public Task<T> InvokeAsync<T>(Func<T> work)
    {
        if (IsCurrent) throw new InvalidOperationException("Re-entrant call on the dedicated thread would deadlock.");
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        });
        return done.Task;
    }

    /// <summary>Runs <paramref name="work"/> on the thread and waits (for constructors and disposal).</summary>
    public T Invoke<T>(Func<T> work) => InvokeAsync(work).GetAwaiter().GetResult();

    /// <summary>
    /// Ends the thread after the queued work, waiting at most <paramref name="wait"/>: a native call that never
    /// returns (a wedged backend) leaves the thread behind rather than the caller. False when it was left behind.
    /// </summary>
    public bool Stop(TimeSpan wait)
    {
        _queue.CompleteAdding();
        return IsCurrent || _thread.Join(wait);
    }

    public void Dispose() => Stop(Timeout.InfiniteTimeSpan);
}
