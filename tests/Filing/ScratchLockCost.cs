using System.Diagnostics;
using CaptureChain.Filing.Store;
using Xunit.Abstractions;
namespace CaptureChain.Filing.Tests;
public sealed class ScratchLockCost(ITestOutputHelper output)
{
    [Fact]
    public async Task Cost()
    {
        await using var store = await CaptureStores.OpenAsync(Environment.GetEnvironmentVariable("CAPTURECHAIN_TEST_POSTGRES")!);
        for (var i = 0; i < 20; i++) await using (await store.AcquireLockAsync("x" + i)) { }
        var p = Process.GetCurrentProcess();
        var cpu0 = p.TotalProcessorTime; var sw = Stopwatch.StartNew();
        for (var i = 0; i < 500; i++) await using (await store.AcquireLockAsync("filing-stripe-" + (i % 64))) { }
        p.Refresh();
        output.WriteLine($"lock: {(p.TotalProcessorTime - cpu0).TotalMilliseconds / 500:F2} ms CPU, {sw.Elapsed.TotalMilliseconds / 500:F2} ms wall per lock");
        cpu0 = p.TotalProcessorTime; sw.Restart();
        for (var i = 0; i < 500; i++) await store.FindFiledByContentAsync("abc" + i);
        p.Refresh();
        output.WriteLine($"query: {(p.TotalProcessorTime - cpu0).TotalMilliseconds / 500:F2} ms CPU, {sw.Elapsed.TotalMilliseconds / 500:F2} ms wall per query");
    }
}
