using CaptureChain.Filing.Store;
using CaptureChain.Tests.Shared;

namespace CaptureChain.Filing.Tests;

/// <summary>Where a test's store lives: each store test runs once on SQLite and once on PostgreSQL.</summary>
public interface IStoreLocation : IAsyncDisposable
{
    /// <summary>Prepares an empty location (a temp folder, a fresh database).</summary>
    Task InitializeAsync();

    /// <summary>What <see cref="CaptureStores.OpenAsync"/> takes: a SQLite path or a PostgreSQL connection string.</summary>
    string Value { get; }

    /// <summary>Opens another store instance on the location (a separate process would do the same).</summary>
    Task<ICaptureStore> OpenAsync(TimeProvider? time = null) => CaptureStores.OpenAsync(Value, time);
}

/// <summary>A SQLite file in a temp folder.</summary>
public sealed class SqliteLocation : IStoreLocation
{
    private readonly TempDirectory _dir = new();

    public string Value => _dir.Combine("state", "capture.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A fresh database on the test PostgreSQL server.</summary>
public sealed class PostgresLocation : IStoreLocation
{
    private TestDatabase? _database;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Not initialised.");

    public string Value => Database.ConnectionString;

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        if (_database is not null) await _database.DisposeAsync();
    }
}

/// <summary>Base of tests that run on both stores: one location per test.</summary>
public abstract class StoreTestBase(IStoreLocation location) : IAsyncLifetime
{
    protected IStoreLocation Location { get; } = location;

    protected Task<ICaptureStore> OpenStoreAsync(TimeProvider? time = null) => Location.OpenAsync(time);

    public Task InitializeAsync() => Location.InitializeAsync();

    public async Task DisposeAsync() => await Location.DisposeAsync();
}
