using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using CaptureChain.Filing.Archive;

namespace CaptureChain.Filing.Manifest;

/// <summary>
/// Writes the manifest as JSON Lines (one <see cref="ManifestEntry"/> per line, UTF-8 without BOM, accents unescaped),
/// atomically: a reader sees the old manifest or the new one, never half of one.
/// </summary>
public static class ManifestWriter
{
    // Null written, numbers invariant (System.Text.Json never uses the current culture), relaxed escaping.
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        // The manifest is a file, not HTML: keep "é" readable instead of "\u00E9".
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>Writes <paramref name="entries"/> to <paramref name="path"/> (temporary file, fsync, rename over the old one).</summary>
    public static Task WriteAsync(string path, IEnumerable<ManifestEntry> entries, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return WriteAsync(path, entries.ToAsyncEnumerable(), ct);
    }

    /// <summary>
    /// Writes <paramref name="entries"/> as they come (a manifest streamed from the store is never held whole) to
    /// <paramref name="path"/> (temporary file, fsync, rename over the old one); returns the number of lines.
    /// </summary>
    public static async Task<long> WriteAsync(string path, IAsyncEnumerable<ManifestEntry> entries, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        long lines = 0;
        await DurableFile.WriteReplacingAsync(full, async (stream, token) =>
        {
            var newline = "\n"u8.ToArray();
            await foreach (var entry in entries.WithCancellation(token))
            {
                ArgumentNullException.ThrowIfNull(entry);
                await stream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(entry, JsonOptions), token);
                await stream.WriteAsync(newline, token);
                lines++;
            }
        }, ct);
        return lines;
    }

    /// <summary>
    /// The documents a manifest lists, from records in source-name order: an input recorded unreadable
    /// (<see cref="Store.DocumentKey.UnknownContent"/>) is left out once the same input has been read since (the journal
    /// keeps both; the manifest says what became of each input now).
    /// </summary>
    public static async IAsyncEnumerable<Store.DocumentRecord> Current(IAsyncEnumerable<Store.DocumentRecord> bySourceName,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var group = new List<Store.DocumentRecord>();
        await foreach (var record in bySourceName.WithCancellation(ct))
        {
            if (group.Count > 0 && !string.Equals(group[0].Key.SourceName, record.Key.SourceName, StringComparison.Ordinal))
            {
                foreach (var kept in Kept(group)) yield return kept;
                group.Clear();
            }
            group.Add(record);
        }
        foreach (var kept in Kept(group)) yield return kept;

        static List<Store.DocumentRecord> Kept(List<Store.DocumentRecord> ofOneSource)
        {
            var read = ofOneSource.FindAll(d => d.Key.SourceSha256 != Store.DocumentKey.UnknownContent);
            return read.Count > 0 ? read : [.. ofOneSource];
        }
    }

    /// <summary>Reads a manifest back (for reports and checks).</summary>
    public static async Task<IReadOnlyList<ManifestEntry>> ReadAsync(string path, CancellationToken ct = default)
    {
        var entries = new List<ManifestEntry>();
        foreach (var line in await File.ReadAllLinesAsync(path, ct))
        {
            if (line.Length == 0) continue;
            entries.Add(JsonSerializer.Deserialize<ManifestEntry>(line, JsonOptions)
                ?? throw new FormatException("null manifest line"));
        }
        return entries;
    }
}
