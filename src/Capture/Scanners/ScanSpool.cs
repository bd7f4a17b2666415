using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using CaptureChain.Capture.Interop;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Scanners;

/// <summary>What a spool folder records about its scan (<c>scan.json</c>), enough to finish the scan after a crash.</summary>
/// <param name="SourceName">Name of the scan's source file relative to the scans inbox (the manifest's <c>source</c>).</param>
/// <param name="Batch">The batch that started the scan.</param>
public sealed record ScanSpoolHeader(
    string SourceName, string Batch, string DeviceId, ScanSettings Settings,
    string? Operator, string? Station, string? CaseNumber, DateTimeOffset StartedAt);

/// <summary>The scan's source file, assembled from the spooled pages.</summary>
public sealed record AssembledScan(string Path, string Sha256, long Size, int PageCount);

/// <summary>
/// The pages of one scan, each written durably as it arrives (file fsync, rename, folder fsync), so a page the scanner
/// has read is never lost to a crash or a dead scanner: <c>scan.json</c>, then <c>00001.tif</c>, <c>00002.tif</c>...
/// (G4 for bitonal pages, lossless deflate otherwise; the TIFF keeps the dpi). While its scan runs the spool holds an
/// exclusive lock on <c>scan.lock</c>, so a recovery never takes a live scan. Once the scan's documents are all
/// recorded the spool is deleted; the assembled source file stays in the scans inbox.
/// </summary>
public sealed class ScanSpool : IDisposable
{
    private const string HeaderFile = "scan.json";
    private const string EndFile = "end.json";
    private const string LockFile = "scan.lock";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = true,
    };

    private readonly FileStream _lock;

    private ScanSpool(string folder, ScanSpoolHeader header, FileStream lockStream, int pageCount, ScanEnd? end)
    {
        Folder = folder;
        Header = header;
        _lock = lockStream;
        PageCount = pageCount;
        End = end;
    }

    private sealed record EndRecord(ScanEndReason Reason, string Message, int Pages);

    /// <summary>The spool folder.</summary>
    public string Folder { get; }

    /// <summary>What the scan is.</summary>
    public ScanSpoolHeader Header { get; }

    /// <summary>Pages spooled so far (numbered 1..PageCount).</summary>
    public int PageCount { get; private set; }

    /// <summary>How the scan ended, once <see cref="RecordEnd"/> was called (null: the scan was still running).</summary>
    public ScanEnd? End { get; private set; }

    /// <summary>Starts the spool of a new scan in <paramref name="folder"/> (created; must not hold a spool already).</summary>
    public static ScanSpool Create(string folder, ScanSpoolHeader header)
    {
        folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(folder);
        var lockStream = TakeLock(folder) ?? throw new IOException($"spool {folder} is in use by another scan");
        try
        {
            var headerPath = Path.Combine(folder, HeaderFile);
            if (File.Exists(headerPath)) throw new IOException($"spool {folder} already holds a scan");
            WriteDurably(folder, HeaderFile, JsonSerializer.SerializeToUtf8Bytes(header, Json));
            SyncParents(folder);
            return new ScanSpool(folder, header, lockStream, 0, null);
        }
        catch
        {
            lockStream.Dispose();
            throw;
        }
    }

    /// <summary>Spool folders under <paramref name="spoolRoot"/> (none when it does not exist), oldest name first.</summary>
    public static IReadOnlyList<string> Folders(string spoolRoot) =>
        Directory.Exists(spoolRoot) ? Directory.GetDirectories(spoolRoot).Order(StringComparer.Ordinal).ToList() : [];

    /// <summary>
    /// Takes over a spool left behind by a scan that did not finish; null when its scan is still running (locked) or
    /// the folder holds no readable header. Half-written pages (temporary files) are discarded.
    /// </summary>
    public static ScanSpool? TryOpenLeftover(string folder)
    {
        folder = Path.GetFullPath(folder);
        var lockStream = TakeLock(folder);
        if (lockStream is null) return null;
        try
        {
            var header = JsonSerializer.Deserialize<ScanSpoolHeader>(File.ReadAllBytes(Path.Combine(folder, HeaderFile)), Json);
            if (header is null) { lockStream.Dispose(); return null; }
            foreach (var temp in Directory.EnumerateFiles(folder, ".*.tmp")) File.Delete(temp);
            var count = 0;
            while (File.Exists(Path.Combine(folder, PageFile(count + 1)))) count++;
            var endPath = Path.Combine(folder, EndFile);
            var end = File.Exists(endPath) && JsonSerializer.Deserialize<EndRecord>(File.ReadAllBytes(endPath), Json) is { } e
                ? new ScanEnd(e.Reason, e.Message, e.Pages) : null;
            return new ScanSpool(folder, header, lockStream, count, end);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            lockStream.Dispose();
            return null;
        }
    }

    /// <summary>Writes the next page durably; returns its number. The caller keeps the image.</summary>
    public int Add(PageImage page)
    {
        var number = PageCount + 1;
        WriteDurably(Folder, PageFile(number), page.Encode(page.Depth == 1 ? ImageFileFormat.TiffG4 : ImageFileFormat.TiffZip));
        PageCount = number;
        return number;
    }

    /// <summary>Records durably how the scan ended, so a recovery can report it.</summary>
    public void RecordEnd(ScanEnd end)
    {
        WriteDurably(Folder, EndFile, JsonSerializer.SerializeToUtf8Bytes(new EndRecord(end.Reason, end.Message, end.PagesDelivered), Json));
        End = end;
    }

    /// <summary>Decodes spooled page <paramref name="number"/> (1-based); the caller owns the image.</summary>
    public PageImage Load(int number)
    {
        if (number < 1 || number > PageCount) throw new ArgumentOutOfRangeException(nameof(number));
        return PageImage.Decode(File.ReadAllBytes(Path.Combine(Folder, PageFile(number))));
    }

    /// <summary>
    /// Writes the spooled pages as one multi-page TIFF at <paramref name="target"/> (temporary file, fsync, rename,
    /// folder fsync) and returns its SHA-256, which identifies the scan as a source like any file. A complete file
    /// already there (a crash after assembly) is kept as it is, so the documents already recorded keep their key.
    /// </summary>
    public async Task<AssembledScan> AssembleAsync(string target, CancellationToken ct)
    {
        if (PageCount == 0) throw new InvalidOperationException("no page to assemble");
        target = Path.GetFullPath(target);
        var directory = Path.GetDirectoryName(target)!;
        if (!(File.Exists(target) && CountPages(target) == PageCount))
        {
            Directory.CreateDirectory(directory);
            var temp = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
            try
            {
                var bitonal = true;
                for (var n = 1; n <= PageCount && bitonal; n++) bitonal = PageImage.ReadHeader(File.ReadAllBytes(Path.Combine(Folder, PageFile(n))))?.BitsPerSample == 1;
                PageImage.SaveMultipageTiff(temp, Pages(ct), bitonal ? ImageFileFormat.TiffG4 : ImageFileFormat.TiffZip);
                await using (var written = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite))
                    written.Flush(flushToDisk: true);
                if (CountPages(temp) != PageCount) throw new IOException($"assembled {target} does not hold the {PageCount} spooled pages");
                File.Move(temp, target, overwrite: true);
                Libc.SyncDirectory(directory);
            }
            finally { File.Delete(temp); }
        }
        await using var stream = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
        return new AssembledScan(target, sha, stream.Length, PageCount);
    }

    /// <summary>Removes the spool (its scan is fully recorded). The spool is unusable afterwards.</summary>
    public void Delete()
    {
        _lock.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>Releases the lock; the pages stay for a recovery.</summary>
    public void Dispose() => _lock.Dispose();

    // One page at a time: the previous page is freed when the next one is asked for.
    private IEnumerable<PageImage> Pages(CancellationToken ct)
    {
        for (var n = 1; n <= PageCount; n++)
        {
            ct.ThrowIfCancellationRequested();
            using var page = Load(n);
            yield return page;
        }
    }

    private static int CountPages(string path)
    {
        try { return TiffDirectory.CountPages(path); }
        catch (ImageDecodeException) { return -1; }
    }

    private static string PageFile(int number) => number.ToString("D5", CultureInfo.InvariantCulture) + ".tif";

    // .NET takes an exclusive flock for FileShare.None: a second taker (another process or this one) fails.
    private static FileStream? TakeLock(string folder)
    {
        try { return new FileStream(Path.Combine(folder, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static void WriteDurably(string folder, string name, byte[] bytes)
    {
        var temp = Path.Combine(folder, "." + name + ".tmp");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, Path.Combine(folder, name), overwrite: true);
        Libc.SyncDirectory(folder);
    }

    // A new spool folder (and the .spool folder above it) must survive a power cut too.
    private static void SyncParents(string folder)
    {
        var parent = Path.GetDirectoryName(folder);
        if (parent is null) return;
        Libc.SyncDirectory(parent);
        if (Path.GetDirectoryName(parent) is { } grandParent) Libc.SyncDirectory(grandParent);
    }
}
