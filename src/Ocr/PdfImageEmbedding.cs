using System.IO.Compression;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Ocr;

/// <summary>Chooses how Tesseract's PDF renderer embeds a grey page: Flate when that is not larger than JPEG.</summary>
internal static class PdfImageEmbedding
{
    // A band of this share of the page, from its middle, stands for the whole page: text pages are uniform enough,
    // and compressing an eighth costs a few tens of milliseconds next to seconds of recognition.
    private const int BandDivisor = 8;

    /// <summary>True when the page should be embedded losslessly.</summary>
    public static bool PreferLossless(PageImage page, PdfImageEncoding encoding, int jpegQuality)
    {
        if (page.Depth == 1) return false; // G4 either way: the renderer picks it from the depth
        return encoding switch
        {
            PdfImageEncoding.Lossless => true,
            PdfImageEncoding.Jpeg => false,
            _ => page.Depth == 8 && FlateIsSmaller(page, jpegQuality),
        };
    }

    private static bool FlateIsSmaller(PageImage page, int jpegQuality)
    {
        var grey = page.ToGray8Bytes();
        var rows = Math.Max(1, page.Height / BandDivisor);
        var start = (page.Height - rows) / 2;
        var band = grey.AsSpan(start * page.Width, rows * page.Width);

        int jpegSize;
        using (var bandImage = PageImage.FromGray8(band, page.Width, rows, page.Width, page.Dpi))
            jpegSize = bandImage.EncodeJpeg(jpegQuality).Length;

        // Leptonica's PDF Flate is plain zlib over the raw rows (no PNG predictors), like this.
        var counter = new CountingStream();
        using (var zlib = new ZLibStream(counter, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(band);
        return counter.Length <= jpegSize;
    }

    /// <summary>A write-only sink that only counts bytes.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
