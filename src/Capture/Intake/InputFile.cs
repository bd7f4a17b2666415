using System.Text;

namespace CaptureChain.Capture.Intake;

/// <summary>Detects an input file's real format from its magic bytes.</summary>
public static class InputFile
{
    /// <summary>How many leading bytes <see cref="Sniff"/> looks at (a PDF header may sit anywhere in the first KiB).</summary>
    public const int SniffLength = 1024;

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The format the first bytes of a file announce.</summary>
    public static SourceFormat Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 4 && ((head[0] == 'I' && head[1] == 'I' && head[2] == 42 && head[3] == 0)
                                 || (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && head[3] == 42)))
            return SourceFormat.Tiff;
        if (head.Length >= 8 && head[..8].SequenceEqual(PngSignature)) return SourceFormat.Png;
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return SourceFormat.Jpeg;
        if (head[..Math.Min(head.Length, SniffLength)].IndexOf("%PDF-"u8) >= 0) return SourceFormat.Pdf;
        return SourceFormat.Unknown;
    }

    /// <summary>Reads the first bytes of <paramref name="path"/> and sniffs them.</summary>
    public static SourceFormat SniffFile(string path)
    {
        var head = ReadHead(path);
        return Sniff(head);
    }

    internal static byte[] ReadHead(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        var buffer = new byte[SniffLength];
        var n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return buffer[..n];
    }

    /// <summary>A name for a format we recognise but do not read, to make the refusal clearer; null if unknown.</summary>
    internal static string? Describe(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 4 && ((head[0] == 'I' && head[1] == 'I' && head[2] == 43) || (head[0] == 'M' && head[1] == 'M' && head[3] == 43)))
            return "BigTIFF";
        if (head.StartsWith("GIF8"u8)) return "GIF";
        if (head.StartsWith("BM"u8)) return "BMP";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return "WebP";
        if (head.Length >= 12 && head[4..12].SequenceEqual("ftypheic"u8)) return "HEIC";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x00, 0x0C, (byte)'j', (byte)'P'])) return "JPEG 2000";
        if (head.StartsWith("PK\u0003\u0004"u8)) return "ZIP / Office";
        if (head.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0])) return "Office 97";
        if (head.Length >= 2 && head[0] == 'P' && head[1] is >= (byte)'1' and <= (byte)'7') return "PNM";
        if (LooksLikeText(head)) return "texte";
        return null;
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty) return false;
        try
        {
            var text = new UTF8Encoding(false, true).GetString(head[..Math.Min(head.Length, 512)]);
            return text.All(c => !char.IsControl(c) || c is '\n' or '\r' or '\t');
        }
        catch (DecoderFallbackException) { return false; } // a cut multi-byte sequence at 512 also lands here: fine
    }
}
