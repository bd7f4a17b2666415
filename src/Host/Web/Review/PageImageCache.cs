using System.Collections.Concurrent;
using CaptureChain.Capture.Intake;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Host.Web.Review;

/// <summary>
/// PNG renderings of review PDFs' pages (poppler's <c>pdftoppm</c>, grey), made on first request and kept on disk under
/// the PDF's SHA-256, so a changed PDF (a rotated page) never shows a stale image. Removed when the document leaves review.
/// </summary>
public sealed class PageImageCache(string folder)
{
    /// <summary>Resolutions the page may ask for (screen, zoomed, detail).</summary>
    public static readonly IReadOnlyList<int> Resolutions = [72, 110, 160, 220];

    private readonly PopplerTools _poppler = new(TimeSpan.FromSeconds(60));
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _rendering = new(StringComparer.Ordinal);

    /// <summary>The nearest allowed resolution.</summary>
    public static int Snap(int dpi) => Resolutions.MinBy(r => Math.Abs(r - dpi));

    /// <summary>The PNG bytes of page <paramref name="page"/> (1-based) of <paramref name="pdf"/>, whose SHA-256 is <paramref name="sha256"/>.</summary>
    public async Task<byte[]> GetAsync(string pdf, string sha256, int page, int dpi, CancellationToken ct)
    {
        dpi = Snap(dpi);
        var path = Path.Combine(folder, Safe(sha256), $"{page}-{dpi}.png");
        if (File.Exists(path)) return await File.ReadAllBytesAsync(path, ct);
        var gate = _rendering.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (File.Exists(path)) return await File.ReadAllBytesAsync(path, ct);
            using var image = await _poppler.RenderPageAsync(pdf, page, dpi, PdfRenderMode.Gray, ct);
            var png = image.Encode(ImageFileFormat.Png);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = $"{path}.{Guid.NewGuid():N}.tmp";
            await File.WriteAllBytesAsync(temp, png, ct);
            File.Move(temp, path, overwrite: true);
            return png;
        }
        finally
        {
            gate.Release();
            _rendering.TryRemove(path, out _);
        }
    }

    /// <summary>Forgets the images of a PDF.</summary>
    public void Remove(string? sha256)
    {
        if (string.IsNullOrEmpty(sha256)) return;
        try { Directory.Delete(Path.Combine(folder, Safe(sha256)), recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (IOException) { }
    }

    private static string Safe(string sha256) =>
        sha256.All(char.IsAsciiHexDigit) && sha256.Length is > 0 and <= 128 ? sha256.ToLowerInvariant() : throw new ArgumentException("Not a hex digest.", nameof(sha256));
}
