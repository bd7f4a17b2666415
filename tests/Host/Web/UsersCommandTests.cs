using System.Diagnostics;
using CaptureChain.Filing.Store;
using CaptureChain.Host.Web.Security;

namespace CaptureChain.Host.Tests.Web;

/// <summary><c>./capturechain users</c>: the first admin is created from the command line, never with a default password.</summary>
public sealed class UsersCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cc-users-" + Guid.NewGuid().ToString("N"));

    private string Store => Path.Combine(_root, "capture.db");

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static async Task<(int Code, string Output)> RunAsync(string? stdin, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CaptureChain.Host.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CAPTURECHAIN_DATA"] = Path.Combine(Path.GetTempPath(), "cc-data-" + Guid.NewGuid().ToString("N"));
        using var process = Process.Start(info)!;
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task The_first_admin_is_created_with_a_password_read_from_standard_input()
    {
        var (code, output) = await RunAsync("Premier-Administrateur-2026\n", "users", "add", "--name", "Alice", "--role", "admin", "--store", Store);
        code.Should().Be(0, output);

        await using (var store = await SqliteCaptureStore.OpenAsync(Store))
        {
            var alice = await store.FindUserAsync("alice");
            alice.Should().NotBeNull();
            alice!.Role.Should().Be(UserRole.Admin);
            PasswordHashing.Verify("Premier-Administrateur-2026", alice.PasswordHash).Should().BeTrue();
        }

        (await RunAsync(null, "users", "list", "--store", Store)).Output.Should().Contain("alice").And.Contain("admin");
    }

    [Fact]
    public async Task Without_a_strong_password_no_user_is_created()
    {
        (await RunAsync("", "users", "add", "--name", "bob", "--role", "admin", "--store", Store)).Code.Should().Be(1, "an empty password is refused");
        (await RunAsync("court\n", "users", "add", "--name", "bob", "--role", "admin", "--store", Store)).Code.Should().Be(1);
        (await RunAsync("Un-Mot-De-Passe-Long\n", "users", "add", "--name", "bob", "--role", "boss", "--store", Store)).Code.Should().Be(2);
        await using var store = await SqliteCaptureStore.OpenAsync(Store);
        (await store.ListUsersAsync()).Should().BeEmpty();
    }
}
