using System.Collections.Concurrent;

namespace CaptureChain.Capture.Scanners;

/// <summary>
/// The one thread on which every SANE call runs (SANE backends are not thread-safe). Work is queued and run in order;
/// a batch occupies the thread while it reads, which is what the backends expect.
/// </summary>
internal sealed class SaneThread : IDisposable
{
    private readonly BlockingCollection<Action> _queue = new();
    private readonly Thread _thread;

    public SaneThread()
    {
        _thread = new Thread(() =>
        {
            foreach (var action in _queue.GetConsumingEnumerable()) action();
        })
        {
            IsBackground = true, // a wedged backend must not keep the process alive
            Name = "sane",
        };
        _thread.Start();
    }

    /// <summary>True when called from the SANE thread itself.</summary>
    public bool IsCurrent => Thread.CurrentThread == _thread;

    /// <summary>Runs <paramref name="work"/> on the SANE thread; the task completes with its result or exception.</summary>
    public Task<T> InvokeAsync<T>(Func<T> work)
    {
        if (IsCurrent) throw new InvalidOperationException("Re-entrant call on the SANE thread would deadlock.");
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        });
        return done.Task;
    }

    /// <summary>Runs <paramref name="work"/> on the SANE thread and waits (for constructors and disposal).</summary>
    public T Invoke<T>(Func<T> work) => InvokeAsync(work).GetAwaiter().GetResult();

    /// <summary>Ends the thread after the queued work.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        if (!IsCurrent) _thread.Join();
        _queue.Dispose();
    }
}
