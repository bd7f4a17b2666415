using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace CaptureChain.Capture.Intake;

/// <summary>Size of one page as its file's header announces it, read without decoding pixels.</summary>
internal readonly record struct DeclaredSize(int Width, int Height);

/// <summary>A structural check failed: reason code and operator message.</summary>
internal sealed class StructureException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>
/// Walks a classic TIFF's directory chain without decoding: page count, each page's declared size, and whether every
/// strip or tile the directories point to lies inside the file (a cut file fails here, before libtiff sees it).
/// </summary>
internal static class TiffLayout
{
    private const int MaxPages = 100_000;
    private const ushort TagWidth = 256, TagHeight = 257, TagStripOffsets = 273, TagStripByteCounts = 279,
        TagTileOffsets = 324, TagTileByteCounts = 325;

    public static IReadOnlyList<DeclaredSize> ReadPages(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = RandomAccess.GetLength(file);
        Span<byte> header = stackalloc byte[8];
        if (RandomAccess.Read(file, header, 0) < 8)
            throw new StructureException(SourceRejectionCodes.TruncatedImage, "TIFF tronqué : l'en-tête est incomplet.");
        var little = header[0] == 'I';
        var pages = new List<DeclaredSize>();
        var seen = new HashSet<long>();
        long next = U32(header[4..], little);
        while (next != 0)
        {
            if (next + 2 > length)
                throw new StructureException(SourceRejectionCodes.TruncatedImage,
                    $"TIFF tronqué : le répertoire de la page {pages.Count + 1} est au-delà de la fin du fichier ({length} octets).");
            if (!seen.Add(next) || pages.Count >= MaxPages)
                throw new StructureException(SourceRejectionCodes.CorruptImage, $"TIFF corrompu : la chaîne des répertoires boucle après la page {pages.Count}.");
            var countBytes = new byte[2];
            RandomAccess.Read(file, countBytes, next);
            var entries = U16(countBytes, little);
            var ifd = new byte[entries * 12 + 4];
            if (next + 2 + ifd.Length > length || RandomAccess.Read(file, ifd, next + 2) < ifd.Length)
                throw new StructureException(SourceRejectionCodes.TruncatedImage, $"TIFF tronqué : le répertoire de la page {pages.Count + 1} est incomplet.");
            pages.Add(ReadDirectory(file, length, ifd, entries, little, pages.Count + 1));
            next = U32(ifd.AsSpan(entries * 12), little);
        }
        if (pages.Count == 0) throw new StructureException(SourceRejectionCodes.CorruptImage, "TIFF sans aucune page.");
        return pages;
    }

    private static DeclaredSize ReadDirectory(SafeFileHandle file, long length, byte[] ifd, int entries, bool little, int page)
    {
        long width = -1, height = -1;
        long[]? offsets = null, counts = null;
        for (var e = 0; e < entries; e++)
        {
            var entry = ifd.AsSpan(e * 12, 12);
            var tag = U16(entry, little);
            switch (tag)
            {
                case TagWidth: width = ReadValues(file, length, entry, little, page)[0]; break;
                case TagHeight: height = ReadValues(file, length, entry, little, page)[0]; break;
                case TagStripOffsets or TagTileOffsets: offsets = ReadValues(file, length, entry, little, page); break;
                case TagStripByteCounts or TagTileByteCounts: counts = ReadValues(file, length, entry, little, page); break;
            }
        }
        if (width <= 0 || height <= 0 || width > int.MaxValue || height > int.MaxValue)
            throw new StructureException(SourceRejectionCodes.CorruptImage, $"TIFF corrompu : la page {page} n'a pas de dimensions valides.");
        if (offsets is null || offsets.Length == 0)
            throw new StructureException(SourceRejectionCodes.CorruptImage, $"TIFF corrompu : la page {page} ne référence aucune donnée d'image.");
        for (var i = 0; i < offsets.Length; i++)
        {
            var end = offsets[i] + (counts is not null && i < counts.Length ? counts[i] : 1);
            if (end > length)
                throw new StructureException(SourceRejectionCodes.TruncatedImage,
                    $"TIFF tronqué : les données de la page {page} dépassent la fin du fichier ({end} > {length} octets).");
        }
        return new DeclaredSize((int)width, (int)height);
    }

    private static long[] ReadValues(SafeFileHandle file, long length, ReadOnlySpan<byte> entry, bool little, int page)
    {
        var type = U16(entry[2..], little);
        var count = U32(entry[4..], little);
        var size = type switch { 3 => 2, 4 => 4, 1 => 1, 16 => 8, _ => 0 };
        if (size == 0 || count == 0 || count > 10_000_000)
            throw new StructureException(SourceRejectionCodes.CorruptImage, $"TIFF corrompu : une étiquette de la page {page} a un type ou un nombre invalide.");
        var total = count * size;
        byte[] raw;
        if (total <= 4) raw = entry.Slice(8, (int)total).ToArray();
        else
        {
            var at = U32(entry[8..], little);
            if (at + total > length)
                throw new StructureException(SourceRejectionCodes.TruncatedImage, $"TIFF tronqué : une table de la page {page} dépasse la fin du fichier.");
            raw = new byte[total];
            RandomAccess.Read(file, raw, at);
        }
        var values = new long[count];
        for (var i = 0; i < count; i++)
        {
            var s = raw.AsSpan((int)(i * size), size);
            values[i] = size switch
            {
                1 => s[0],
                2 => U16(s, little),
                4 => U32(s, little),
                _ => (long)(little ? BinaryPrimitives.ReadUInt64LittleEndian(s) : BinaryPrimitives.ReadUInt64BigEndian(s)),
            };
        }
        return values;
    }

    private static ushort U16(ReadOnlySpan<byte> s, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s);

    private static uint U32(ReadOnlySpan<byte> s, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);
}

/// <summary>Walks a PNG's chunks: complete, CRCs right, IHDR first, at least one IDAT, IEND at the end.</summary>
internal static class PngLayout
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static DeclaredSize Check(ReadOnlySpan<byte> data)
    {
        var pos = 8;
        var sawData = false;
        DeclaredSize? size = null;
        while (true)
        {
            if (pos + 8 > data.Length)
                throw new StructureException(SourceRejectionCodes.TruncatedImage, "PNG tronqué : le fichier s'arrête avant sa fin (IEND).");
            var length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            var type = data.Slice(pos + 4, 4);
            if (length > int.MaxValue || pos + 12L + length > data.Length)
                throw new StructureException(SourceRejectionCodes.TruncatedImage, "PNG tronqué : un bloc dépasse la fin du fichier.");
            var body = data.Slice(pos + 8, (int)length);
            if (Crc(data.Slice(pos + 4, 4 + (int)length)) != BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + (int)length)..]))
                throw new StructureException(SourceRejectionCodes.CorruptImage, $"PNG corrompu : somme de contrôle fausse dans le bloc {System.Text.Encoding.ASCII.GetString(type)}.");
            if (size is null)
            {
                if (!type.SequenceEqual("IHDR"u8) || length != 13)
                    throw new StructureException(SourceRejectionCodes.CorruptImage, "PNG corrompu : le premier bloc n'est pas IHDR.");
                size = new DeclaredSize((int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(body)),
                    (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(body[4..])));
            }
            if (type.SequenceEqual("IDAT"u8)) sawData = true;
            if (type.SequenceEqual("IEND"u8))
            {
                if (!sawData) throw new StructureException(SourceRejectionCodes.CorruptImage, "PNG corrompu : aucune donnée d'image (IDAT).");
                return size.Value;
            }
            pos += 12 + (int)length;
        }
    }

    private static uint Crc(ReadOnlySpan<byte> bytes)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in bytes) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}

