using CaptureChain.Capture.Scanners;

namespace CaptureChain.Capture.Tests.Scanners;

/// <summary>Runs a scan to its end the way the pipeline will, keeping the delivered pages for the test.</summary>
public static class ScanSessions
{
    /// <summary>Scans with <paramref name="settings"/>; <paramref name="onPage"/> may cancel through the given source.</summary>
    public static async Task<(List<ScannedPage> Pages, ScanSession Session)> CollectAsync(
        IScanner scanner, ScanSettings settings, Action<ScannedPage, CancellationTokenSource>? onPage = null)
    {
        using var cts = new CancellationTokenSource();
        var session = scanner.Scan(settings, cts.Token);
        var pages = new List<ScannedPage>();
        await foreach (var page in session)
        {
            pages.Add(page);
            onPage?.Invoke(page, cts);
        }
        return (pages, session);
    }
}
