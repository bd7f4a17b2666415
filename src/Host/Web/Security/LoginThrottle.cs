using System.Collections.Concurrent;

namespace CaptureChain.Host.Web.Security;

/// <summary>
/// Slows password guessing: after <see cref="MaxFailures"/> failed logins for one name within <see cref="Window"/>,
/// further attempts for that name are refused until the window has passed (each attempt also costs a full PBKDF2
/// verification). In memory: a restart forgets, which is acceptable for a service bound to the département's network.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    /// <summary>Failures allowed per key within the window.</summary>
    public const int MaxFailures = 5;

    /// <summary>How long failures are remembered.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    /// <summary>True when a login for these keys may be attempted now.</summary>
    public bool Allows(params string[] keys) => keys.All(k => Count(k) < MaxFailures);

    /// <summary>Records a failed attempt under every key.</summary>
    public void Failed(params string[] keys)
    {
        var now = time.GetUtcNow();
        // Names tried by a guesser accumulate: forget those whose failures have all expired.
        if (_failures.Count > 10_000)
            foreach (var (key, old) in _failures)
                lock (old) { Trim(old, now); if (old.Count == 0) _failures.TryRemove(key, out _); }
        foreach (var key in keys)
        {
            var queue = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
            lock (queue) { Trim(queue, now); queue.Enqueue(now); }
        }
    }

    /// <summary>Forgets the failures of a name after a successful login.</summary>
    public void Succeeded(string key) => _failures.TryRemove(key, out _);

    private int Count(string key)
    {
        if (!_failures.TryGetValue(key, out var queue)) return 0;
        lock (queue) { Trim(queue, time.GetUtcNow()); return queue.Count; }
    }

    private static void Trim(Queue<DateTimeOffset> queue, DateTimeOffset now)
    {
        while (queue.Count > 0 && now - queue.Peek() > Window) queue.Dequeue();
    }
}
