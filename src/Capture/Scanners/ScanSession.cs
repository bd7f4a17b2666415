using System.Threading.Channels;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Scanners;

/// <summary>
/// One batch from one scanner, enumerated once. Pages stream as the scanner delivers them; when enumeration ends
/// (normally, on a device error, on cancellation, or because the consumer stopped), <see cref="End"/> says why and
/// how many pages reached the consumer. Errors and cancellation never throw out of the enumeration: pages already
/// delivered stay with the consumer and the operator rescans from page <c>PagesDelivered + 1</c>.
/// </summary>
public sealed class ScanSession : IAsyncEnumerable<ScannedPage>
{
    private readonly Func<ScanPageSink, CancellationToken, Task<ScanStop>> _producer;
    private readonly CancellationToken _sessionToken;
    private int _started;
    private int _delivered;

    internal ScanSession(string deviceId, ScanSettings settings, Func<ScanPageSink, CancellationToken, Task<ScanStop>> producer,
        CancellationToken cancellationToken)
    {
        DeviceId = deviceId;
        Settings = settings;
        _producer = producer;
        _sessionToken = cancellationToken;
    }

    /// <summary>The device scanned.</summary>
    public string DeviceId { get; }

    /// <summary>The settings asked for.</summary>
    public ScanSettings Settings { get; }

    /// <summary>How the batch ended; null until the enumeration has finished.</summary>
    public ScanEnd? End { get; private set; }

    /// <summary>Pages handed to the consumer so far.</summary>
    public int PagesDelivered => Volatile.Read(ref _delivered);

    public async IAsyncEnumerator<ScannedPage> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) throw new InvalidOperationException("A scan session can be enumerated only once.");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_sessionToken, cancellationToken);
        // Unbounded: a feeder cannot be paused mid-batch, so the producer must never wait for a slow consumer.
        var channel = Channel.CreateUnbounded<PageImage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var sink = new ScanPageSink(channel.Writer);
        var producer = Task.Run(async () =>
        {
            try { return await _producer(sink, stop.Token).ConfigureAwait(false); }
            finally { channel.Writer.TryComplete(); }
        }, CancellationToken.None);

        var readAll = false;
        try
        {
            while (true)
            {
                bool more;
                try { more = await channel.Reader.WaitToReadAsync(stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
                if (!more) { readAll = true; break; }
                if (!channel.Reader.TryRead(out var image)) continue;
                if (stop.IsCancellationRequested) { image.Dispose(); break; }
                var sequence = Interlocked.Increment(ref _delivered);
                yield return new ScannedPage(sequence, image);
            }
        }
        finally
        {
            // Also reached when the consumer leaves the loop early: stop the device before reporting.
            stop.Cancel();
            sink.Close();
            ScanStop result;
            try { result = await producer.ConfigureAwait(false); }
            catch (Exception e)
            {
                End = new ScanEnd(ScanEndReason.DeviceError, $"scanner fault: {e.Message}", PagesDelivered);
                DrainAndDispose(channel.Reader);
                throw;
            }
            var undelivered = DrainAndDispose(channel.Reader);
            End = !readAll || undelivered > 0
                ? new ScanEnd(ScanEndReason.Cancelled, StopMessage(result, undelivered), PagesDelivered)
                : new ScanEnd(result.Reason, result.Message, PagesDelivered);
        }
    }

    private static string StopMessage(ScanStop result, int undelivered)
    {
        var message = result.Reason == ScanEndReason.Cancelled ? result.Message : $"scan cancelled (device: {ScanEnd.CodeOf(result.Reason)})";
        if (undelivered > 0) message += $"; {undelivered} page(s) read after the cancellation were dropped";
        return message;
    }

    private static int DrainAndDispose(ChannelReader<PageImage> reader)
    {
        var count = 0;
        while (reader.TryRead(out var image)) { image.Dispose(); count++; }
        return count;
    }
}

/// <summary>How a producer stopped, before the session adds the delivered count.</summary>
internal sealed record ScanStop(ScanEndReason Reason, string Message)
{
    public static ScanStop Cancelled(string message = "scan cancelled") => new(ScanEndReason.Cancelled, message);
}

/// <summary>Where a driver puts pages; images that can no longer be delivered are disposed here.</summary>
internal sealed class ScanPageSink(ChannelWriter<PageImage> writer)
{
    private readonly object _gate = new();
    private bool _closed;

    /// <summary>Hands a page over; false (and the image disposed) when the session no longer takes pages.</summary>
    public bool Deliver(PageImage image)
    {
        lock (_gate)
        {
            if (!_closed && writer.TryWrite(image)) return true;
        }
        image.Dispose();
        return false;
    }

    internal void Close()
    {
        lock (_gate) _closed = true;
    }
}
