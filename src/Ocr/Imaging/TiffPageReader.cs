using System.IO.MemoryMappedFiles;
using CaptureChain.Ocr.Interop;

namespace CaptureChain.Ocr.Imaging;

/// <summary>
/// Reads a multi-page TIFF one page at a time from a memory-mapped file, so a 2,000-page archive TIFF costs one
/// page of memory, not the whole file.
/// </summary>
public sealed class TiffPageReader : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long _length;
    private nuint _offset;

    public TiffPageReader(string path)
    {
        _length = new FileInfo(path).Length;
        if (_length < 8) throw new ImageDecodeException("TIFF file is shorter than its header");
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        PageCount = TiffDirectory.CountPages(path);
    }

    /// <summary>Pages in the file, counted from its directory chain without decoding them.</summary>
    public int PageCount { get; }

    /// <summary>The next page, or null after the last one.</summary>
    public unsafe PageImage? ReadNext()
    {
        if (_offset == unchecked((nuint)ulong.MaxValue)) return null;
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        try
        {
            Leptonica.EnsureInitialised();
            var offset = _offset;
            var pix = Leptonica.pixReadMemFromMultipageTiff(p + _view.PointerOffset, (nuint)_length, ref offset);
            // Leptonica signals the last page by setting the offset to 0.
            _offset = offset == 0 ? unchecked((nuint)ulong.MaxValue) : offset;
            return new PageImage(pix, "decode a TIFF page (truncated or corrupt file?)");
        }
        finally { _view.SafeMemoryMappedViewHandle.ReleasePointer(); }
    }

    public void Dispose()
    {
        _view.Dispose();
        _map.Dispose();
    }
}

/// <summary>Walks a TIFF's image file directory chain; rejects truncated or looping chains.</summary>
public static class TiffDirectory
{
    /// <summary>Counts the pages of a classic (not Big) TIFF.</summary>
    public static int CountPages(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        var order = reader.ReadUInt16();
        var little = order switch
        {
            0x4949 => true,
            0x4D4D => false,
            _ => throw new ImageDecodeException("not a TIFF file (bad byte-order mark)"),
        };
        ushort U16() { var v = reader.ReadUInt16(); return little ? v : (ushort)((v >> 8) | (v << 8)); }
        uint U32() { var v = reader.ReadUInt32(); return little ? v : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v); }
        if (U16() != 42) throw new ImageDecodeException("unsupported TIFF variant (BigTIFF or bad magic)");
        var seen = new HashSet<uint>();
        var next = U32();
        var count = 0;
        while (next != 0)
        {
            if (next + 2 > stream.Length || !seen.Add(next))
                throw new ImageDecodeException($"TIFF directory chain is truncated or loops after page {count}");
            stream.Position = next;
            var entries = U16();
            if (next + 2 + entries * 12L + 4 > stream.Length)
                throw new ImageDecodeException($"TIFF directory of page {count + 1} is truncated");
            stream.Position = next + 2 + entries * 12L;
            next = U32();
            count++;
        }
        if (count == 0) throw new ImageDecodeException("TIFF holds no page");
        return count;
    }
}
