using CaptureChain.Filing.Store;

namespace CaptureChain.Host.Tests;

/// <summary>A SQLite capture store in a temporary folder of its own, deleted afterwards (a class fixture).</summary>
public sealed class ScratchStore : IAsyncLifetime
{
    /// <summary>The temporary folder (the store's file is in it).</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "cc-store-" + Guid.NewGuid().ToString("N"));

    /// <summary>The open store.</summary>
    public ICaptureStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await SqliteCaptureStore.OpenAsync(Path.Combine(Root, "capture.db"));

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
