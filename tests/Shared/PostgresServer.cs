using System.Diagnostics;
using System.Runtime.CompilerServices;
using Npgsql;

namespace CaptureChain.Tests.Shared;

/// <summary>
/// The real PostgreSQL the tests use: the server in <c>CAPTURECHAIN_TEST_POSTGRES</c> (a connection string with the
/// right to create databases; ./test.sh starts one for the whole run), otherwise a private server this test process
/// starts with scripts/test-postgres.sh and stops when it exits. Each test gets a database of its own.
/// </summary>
public static class PostgresServer
{
    /// <summary>Environment variable naming an existing server.</summary>
    public const string EnvironmentVariable = "CAPTURECHAIN_TEST_POSTGRES";

    private static readonly Lazy<Task<string>> Admin = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Connection string of the server's maintenance database (to create and drop test databases).</summary>
    public static Task<string> AdminConnectionStringAsync() => Admin.Value;

    /// <summary>A new empty database, dropped when the returned value is disposed.</summary>
    public static async Task<TestDatabase> CreateDatabaseAsync()
    {
        var admin = await Admin.Value;
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using (var c = new NpgsqlConnection(Unpooled(admin)))
        {
            await c.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", c);
            await command.ExecuteNonQueryAsync();
        }
        return new TestDatabase(admin, name, new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
    }

    /// <summary>The maintenance connections are few and must not linger in a pool.</summary>
    internal static string Unpooled(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    private static async Task<string> StartAsync()
    {
        var given = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(given)) return given;

        var script = ScriptPath();
        var (exit, output, error) = await RunAsync(script, "start");
        if (exit != 0) throw new InvalidOperationException($"{script} start failed ({exit}): {error}");
        var connection = output.Trim();
        // A test process that ends normally stops its server; ./test.sh passes its own and cleans up itself.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAsync(script, "stop", connection).GetAwaiter().GetResult();
        return connection;
    }

    private static string ScriptPath([CallerFilePath] string here = "")
    {
        var root = Environment.GetEnvironmentVariable("CAPTURECHAIN_ROOT");
        var fromRoot = root is null ? null : Path.Combine(root, "scripts", "test-postgres.sh");
        if (fromRoot is not null && File.Exists(fromRoot)) return fromRoot;
        // Tests run from the source tree: this file is tests/Shared/PostgresServer.cs.
        return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "scripts", "test-postgres.sh"));
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await output, await error);
    }
}

/// <summary>A database of the test server, dropped (with its connections) on dispose.</summary>
public sealed class TestDatabase(string admin, string name, string connectionString) : IAsyncDisposable
{
    /// <summary>Connection string of this database.</summary>
    public string ConnectionString { get; } = connectionString;

    /// <summary>The database's name.</summary>
    public string Name { get; } = name;

    public async ValueTask DisposeAsync()
    {
        await using var c = new NpgsqlConnection(PostgresServer.Unpooled(admin));
        await c.OpenAsync();
        // FORCE: pooled connections of stores that were not disposed (a failed test) do not keep it alive.
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", c);
        await command.ExecuteNonQueryAsync();
    }
}
