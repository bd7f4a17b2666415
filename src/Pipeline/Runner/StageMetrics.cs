using System.Diagnostics;

namespace CaptureChain.Pipeline.Runner;

/// <summary>Live counters of one stage, read by progress displays, the dashboard and the metrics endpoint.</summary>
public sealed class StageMetrics(string name, int parallelism, Func<int> queueDepth)
{
    private long _processed, _faulted, _inFlight, _busyTicks;

    public string Name { get; } = name;
    public int Parallelism { get; } = parallelism;
    public long Processed => Interlocked.Read(ref _processed);
    public long Faulted => Interlocked.Read(ref _faulted);
    public long InFlight => Interlocked.Read(ref _inFlight);
    /// <summary>Items waiting in the stage's input channel.</summary>
    public int QueueDepth => queueDepth();
    /// <summary>Total time spent inside the stage, summed over its workers.</summary>
    public TimeSpan Busy => TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);

    internal long Enter() { Interlocked.Increment(ref _inFlight); return Stopwatch.GetTimestamp(); }

    /// <summary>How an item left the stage.</summary>
    internal enum ItemEnd { Processed, Faulted, Cancelled }

    internal void Leave(long started, ItemEnd end)
    {
        Interlocked.Add(ref _busyTicks, Stopwatch.GetTimestamp() - started);
        Interlocked.Decrement(ref _inFlight);
        if (end == ItemEnd.Processed) Interlocked.Increment(ref _processed);
        else if (end == ItemEnd.Faulted) Interlocked.Increment(ref _faulted);
    }
}
