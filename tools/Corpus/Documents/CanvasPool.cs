using System.Collections.Concurrent;
using CaptureChain.Capture.Rendering;

namespace CaptureChain.Corpus.Documents;

/// <summary>
/// Reuses A4 raster canvases across pages of one generation run: a 300 dpi canvas is a 35 MB surface whose
/// allocation and first touch cost more than clearing it.
/// </summary>
internal sealed class CanvasPool : IDisposable
{
    private readonly ConcurrentDictionary<int, ConcurrentBag<PageCanvas>> _free = new();

    public PageCanvas Rent(int dpi) =>
        _free.TryGetValue(dpi, out var bag) && bag.TryTake(out var canvas) ? canvas : PageCanvas.Raster(dpi);

    public void Return(PageCanvas canvas)
    {
        // A canvas in cairo error ignores every call, Clear included: reusing it would stamp its last picture on
        // every page drawn on it afterwards.
        if (canvas.Error is not null)
        {
            canvas.Dispose();
            return;
        }
        canvas.Clear();
        _free.GetOrAdd(canvas.Dpi, _ => []).Add(canvas);
    }

    public void Dispose()
    {
        foreach (var bag in _free.Values)
            while (bag.TryTake(out var canvas)) canvas.Dispose();
    }
}
