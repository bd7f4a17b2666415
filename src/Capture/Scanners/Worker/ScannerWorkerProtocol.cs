using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Scanners.Worker;

/// <summary>One record of the scanner worker protocol (see <see cref="ScannerWorkerProtocol"/>).</summary>
public abstract record WorkerRecord;

/// <summary>Worker → parent: the devices the worker's driver sees (answer to <c>--list</c>).</summary>
public sealed record WorkerDevices(IReadOnlyList<ScannerDevice> Devices) : WorkerRecord;

/// <summary>Worker → parent: the device is open; sent first by <c>--open</c> and <c>--scan</c>.</summary>
public sealed record WorkerOpened(ScannerDevice Device, ScannerCapabilities Capabilities) : WorkerRecord;

/// <summary>Worker → parent: the device could not be opened (absent, switched off, held by another program).</summary>
public sealed record WorkerUnavailable(string Message) : WorkerRecord;

/// <summary>
/// Worker → parent: one scanned page. <see cref="Encoded"/> is the page as PNM (P4 bitonal with 1 = black, P5 grey,
/// P6 colour): raw pixels behind a few header bytes, so encoding and decoding cost almost nothing.
/// </summary>
public sealed record WorkerPage(int Sequence, int Width, int Height, int BitsPerPixel, int Dpi, byte[] Encoded) : WorkerRecord
{
    /// <summary>Decodes the page and checks it against the header; the caller owns the image.</summary>
    public PageImage Decode()
    {
        PageImage image;
        try { image = PageImage.Decode(Encoded); }
        catch (ImageDecodeException e) { throw new ScannerWorkerProtocolException($"page {Sequence} does not decode: {e.Message}"); }
        if (image.Width != Width || image.Height != Height || image.Depth != BitsPerPixel)
        {
            var got = $"{image.Width}x{image.Height}x{image.Depth}";
            image.Dispose();
            throw new ScannerWorkerProtocolException($"page {Sequence} is {got}, header says {Width}x{Height}x{BitsPerPixel}");
        }
        image.Dpi = Dpi; // PNM carries no resolution
        return image;
    }
}

/// <summary>Worker → parent: how the batch ended; the last record of a scan.</summary>
public sealed record WorkerEnd(ScanEnd End) : WorkerRecord;

/// <summary>Parent → worker: stop the batch (as closing the worker's stdin does).</summary>
public sealed record WorkerCancel : WorkerRecord;

/// <summary>The worker's output is not the protocol (truncated record, unknown kind, a page that does not decode).</summary>
public sealed class ScannerWorkerProtocolException(string message) : Exception(message);

/// <summary>
/// The byte stream between the parent and a scanner worker process (the worker's stdout; the parent's cancel goes to
/// the worker's stdin). It starts with the 8-byte magic <c>CCSCAN1\n</c>, then records:
/// one kind byte, a little-endian uint32 payload length, the payload.
/// <list type="bullet">
/// <item><c>D</c> devices, <c>O</c> opened, <c>U</c> unavailable, <c>E</c> end: UTF-8 JSON.</item>
/// <item><c>P</c> page: six little-endian int32 (sequence, width, height, bits per pixel, dpi, encoding = 1 for PNM),
/// then the encoded page.</item>
/// <item><c>X</c> cancel (parent → worker), empty.</item>
/// </list>
/// A clean end of stream falls between records; anything else is a <see cref="ScannerWorkerProtocolException"/>.
/// </summary>
public static class ScannerWorkerProtocol
{
    /// <summary>Encoding code of PNM page payloads.</summary>
    public const int PnmEncoding = 1;

    private const int PageHeaderBytes = 6 * sizeof(int);
    // Far above a 600 dpi A3 colour page (about 210 MB raw): anything larger is a corrupt length.
    private const uint MaxPayload = 1u << 30;

    /// <summary>First bytes of every worker output: rejects a program that is not a scanner worker.</summary>
    public static ReadOnlySpan<byte> Magic => "CCSCAN1\n"u8;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private sealed record EndPayload(string Reason, string Message, int Pages);
    private sealed record MessagePayload(string Message);

    /// <summary>Writes the magic that opens the stream.</summary>
    public static async Task WriteMagicAsync(Stream output, CancellationToken ct)
    {
        await output.WriteAsync(Magic.ToArray(), ct).ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reads and checks the magic; false at end of stream (the worker wrote nothing).</summary>
    public static async Task<bool> ReadMagicAsync(Stream input, CancellationToken ct)
    {
        var buffer = new byte[Magic.Length];
        var read = await ReadFullyAsync(input, buffer, ct).ConfigureAwait(false);
        if (read == 0) return false;
        if (read < buffer.Length || !buffer.AsSpan().SequenceEqual(Magic))
            throw new ScannerWorkerProtocolException("the worker's output does not start with the scanner worker magic");
        return true;
    }

    /// <summary>Writes a record (a page is encoded as PNM here) and flushes it.</summary>
    public static async Task WriteAsync(Stream output, WorkerRecord record, CancellationToken ct)
    {
        var (kind, payload) = record switch
        {
            WorkerDevices d => ((byte)'D', JsonSerializer.SerializeToUtf8Bytes(d.Devices, Json)),
            WorkerOpened o => ((byte)'O', JsonSerializer.SerializeToUtf8Bytes(new { o.Device, o.Capabilities }, Json)),
            WorkerUnavailable u => ((byte)'U', JsonSerializer.SerializeToUtf8Bytes(new MessagePayload(u.Message), Json)),
            WorkerEnd e => ((byte)'E', JsonSerializer.SerializeToUtf8Bytes(new EndPayload(e.End.Code, e.End.Message, e.End.PagesDelivered), Json)),
            WorkerPage p => ((byte)'P', PagePayload(p)),
            WorkerCancel => ((byte)'X', Array.Empty<byte>()),
            _ => throw new ArgumentException($"unknown record {record.GetType().Name}", nameof(record)),
        };
        var header = new byte[5];
        header[0] = kind;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(1), (uint)payload.Length);
        await output.WriteAsync(header, ct).ConfigureAwait(false);
        await output.WriteAsync(payload, ct).ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The page record of <paramref name="page"/> (encodes the image; the caller keeps ownership of it).</summary>
    public static WorkerPage PageRecord(ScannedPage page)
    {
        var image = page.Image;
        return new WorkerPage(page.Sequence, image.Width, image.Height, image.Depth, image.Dpi, image.Encode(ImageFileFormat.Pnm));
    }

    /// <summary>Reads the next record; null at a clean end of stream (between records).</summary>
    public static async Task<WorkerRecord?> ReadAsync(Stream input, CancellationToken ct)
    {
        var header = new byte[5];
        var read = await ReadFullyAsync(input, header, ct).ConfigureAwait(false);
        if (read == 0) return null;
        if (read < header.Length) throw new ScannerWorkerProtocolException("the stream ends inside a record header");
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(1));
        if (length > MaxPayload) throw new ScannerWorkerProtocolException($"record of {length} bytes is beyond any page");
        var payload = new byte[length];
        if (await ReadFullyAsync(input, payload, ct).ConfigureAwait(false) < payload.Length)
            throw new ScannerWorkerProtocolException($"the stream ends inside a '{(char)header[0]}' record");
        try
        {
            return (char)header[0] switch
            {
                'D' => new WorkerDevices(JsonSerializer.Deserialize<List<ScannerDevice>>(payload, Json) ?? []),
                'O' => Opened(payload),
                'U' => new WorkerUnavailable(JsonSerializer.Deserialize<MessagePayload>(payload, Json)?.Message ?? ""),
                'E' => End(payload),
                'P' => Page(payload),
                'X' => new WorkerCancel(),
                var other => throw new ScannerWorkerProtocolException($"unknown record kind 0x{(int)other:x2}"),
            };
        }
        catch (JsonException e) { throw new ScannerWorkerProtocolException($"malformed '{(char)header[0]}' record: {e.Message}"); }
    }

    private sealed record OpenedPayload(ScannerDevice Device, ScannerCapabilities Capabilities);

    private static WorkerOpened Opened(byte[] payload)
    {
        var opened = JsonSerializer.Deserialize<OpenedPayload>(payload, Json)
            ?? throw new ScannerWorkerProtocolException("empty 'O' record");
        return new WorkerOpened(opened.Device, opened.Capabilities);
    }

    private static WorkerEnd End(byte[] payload)
    {
        var end = JsonSerializer.Deserialize<EndPayload>(payload, Json) ?? throw new ScannerWorkerProtocolException("empty 'E' record");
        // An unknown code (a newer worker) is still an abnormal end, never a silent success.
        var reason = Enum.GetValues<ScanEndReason>().Where(r => ScanEnd.CodeOf(r) == end.Reason).Cast<ScanEndReason?>().FirstOrDefault()
            ?? ScanEndReason.DeviceError;
        return new WorkerEnd(new ScanEnd(reason, end.Message, end.Pages));
    }

    private static byte[] PagePayload(WorkerPage page)
    {
        var payload = new byte[PageHeaderBytes + page.Encoded.Length];
        var span = payload.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, page.Sequence);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], page.Width);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], page.Height);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], page.BitsPerPixel);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], page.Dpi);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], PnmEncoding);
        page.Encoded.CopyTo(span[PageHeaderBytes..]);
        return payload;
    }

    private static WorkerPage Page(byte[] payload)
    {
        if (payload.Length < PageHeaderBytes) throw new ScannerWorkerProtocolException("page record shorter than its header");
        int At(int i) => BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4 * i));
        if (At(5) != PnmEncoding) throw new ScannerWorkerProtocolException($"page encoding {At(5)} is not known");
        if (At(1) < 1 || At(2) < 1 || At(3) is not (1 or 8 or 32))
            throw new ScannerWorkerProtocolException($"page header {At(1)}x{At(2)}x{At(3)} is not a page");
        return new WorkerPage(At(0), At(1), At(2), At(3), At(4), payload[PageHeaderBytes..]);
    }

    private static async Task<int> ReadFullyAsync(Stream input, byte[] buffer, CancellationToken ct)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await input.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
