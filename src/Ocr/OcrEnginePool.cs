using System.Collections.Concurrent;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Ocr;

/// <summary>
/// A fixed number of <see cref="OcrWorker"/>s (by default one per processor) shared by the OCR stage's parallel
/// consumers: each consumer rents a worker for a page and returns it by disposing the lease. Workers are created
/// on first demand and reused; Tesseract runs single-threaded per engine (OMP_THREAD_LIMIT=1), so N workers keep N
/// cores busy.
/// </summary>
public sealed class OcrEnginePool : IDisposable
{
    private readonly ConcurrentBag<OcrWorker> _idle = new();
    private readonly SemaphoreSlim _available;
    private readonly object _gate = new();
    private int _created;
    private bool _disposed;

    public OcrEnginePool(OcrOptions? options = null, int? size = null)
    {
        Options = options ?? new OcrOptions();
        Size = size ?? Environment.ProcessorCount;
        if (Size < 1) throw new ArgumentOutOfRangeException(nameof(size), "The pool needs at least one worker.");
        _available = new SemaphoreSlim(Size, Size);
    }

    /// <summary>The settings every worker uses.</summary>
    public OcrOptions Options { get; }

    /// <summary>Most workers that exist at once.</summary>
    public int Size { get; }

    /// <summary>Workers created so far (at most <see cref="Size"/>).</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>Waits for a free worker.</summary>
    public OcrWorkerLease Rent(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _available.Wait(ct);
        return Lease();
    }

    /// <summary>Waits asynchronously for a free worker.</summary>
    public async ValueTask<OcrWorkerLease> RentAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _available.WaitAsync(ct).ConfigureAwait(false);
        return Lease();
    }

    /// <summary>Rents a worker, processes one page on a thread of its own and returns the worker.</summary>
    public async Task<OcrPageOutcome> ProcessAsync(PageImage page, string? pdfPath, CancellationToken ct)
    {
        using var lease = await RentAsync(ct).ConfigureAwait(false);
        // A page holds its thread for a second or more (cleanup, then waiting for the engine thread): on pool threads,
        // as many pages as cores would block the whole pool and starve decoding and filing, leaving cores idle.
        return await Task.Factory.StartNew(() => lease.Worker.Process(page, pdfPath, ct), ct,
            TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
    }

    private OcrWorkerLease Lease()
    {
        if (_idle.TryTake(out var worker)) return new OcrWorkerLease(this, worker);
        try
        {
            worker = new OcrWorker(Options);
            Interlocked.Increment(ref _created);
            return new OcrWorkerLease(this, worker);
        }
        catch
        {
            _available.Release();
            throw;
        }
    }

    internal void Return(OcrWorker worker)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                worker.Dispose();
                return;
            }
            _idle.Add(worker);
        }
        _available.Release();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            while (_idle.TryTake(out var worker)) worker.Dispose();
        }
        // Leased workers are disposed when their leases end; the semaphore is left to the GC for their Release.
    }
}

/// <summary>One worker rented from an <see cref="OcrEnginePool"/>; disposing the lease returns it.</summary>
public sealed class OcrWorkerLease : IDisposable
{
    private readonly OcrEnginePool _pool;
    private OcrWorker? _worker;

    internal OcrWorkerLease(OcrEnginePool pool, OcrWorker worker)
    {
        _pool = pool;
        _worker = worker;
    }

    /// <summary>The rented worker; do not keep it past the lease.</summary>
    public OcrWorker Worker => _worker ?? throw new ObjectDisposedException(nameof(OcrWorkerLease));

    /// <summary>Shortcut for <see cref="OcrWorker.Process"/>.</summary>
    public OcrPageOutcome Process(PageImage page, string? pdfPath, CancellationToken ct) => Worker.Process(page, pdfPath, ct);

    public void Dispose()
    {
        var worker = Interlocked.Exchange(ref _worker, null);
        if (worker is not null) _pool.Return(worker);
    }
}
