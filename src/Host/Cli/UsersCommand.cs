using System.Text;
using CaptureChain.Filing.Store;
using CaptureChain.Host.Web.Security;
using Spectre.Console;

namespace CaptureChain.Host.Cli;

/// <summary>
/// <c>users add|passwd|list|disable|enable|remove</c>: the web UI's accounts, kept in the capture store that <c>serve</c>
/// uses (<c>--store FILE</c>, or <c>--archive DIR</c> for <c>&lt;archive&gt;/.capturechain/capture.db</c>, default the
/// service's default archive). Passwords are read from standard input when it is redirected (first line), otherwise
/// prompted twice without echo: there is never a default password. This is how the first admin is created.
/// </summary>
public static class UsersCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var verb = args.FirstOrDefault() ?? throw new UsageException("users takes add, passwd, list, disable, enable or remove");
        var line = CommandLine.Parse(args.Skip(1));
        var storePath = StorePath(line);
        var name = verb == "list" ? null : (line.Require("name").Trim().ToLowerInvariant());
        UserRole? role = null;
        if (verb == "add")
        {
            var roleName = line.Require("role");
            if (!UserRoleNames.TryParse(roleName, out role)) throw new UsageException("--role takes operator, reviewer or admin");
        }
        line.RejectUnknown();

        await using var store = await CaptureStores.OpenAsync(storePath, ct: ct);
        var users = new UserDirectory(store);
        UserChange change;
        switch (verb)
        {
            case "list":
                var all = await store.ListUsersAsync(ct);
                if (all.Count == 0) AnsiConsole.MarkupLine("No users yet: create the first admin with [bold]./capturechain users add --name NAME --role admin[/].");
                foreach (var u in all)
                    AnsiConsole.WriteLine($"{u.Name,-24} {u.Role.ToName(),-9} {(u.Disabled ? "disabled" : "enabled"),-9} created {u.CreatedAt:yyyy-MM-dd}");
                return 0;
            case "add":
                change = await users.AddAsync(name!, role!.Value, ReadNewPassword(), ct);
                break;
            case "passwd":
                change = await users.SetPasswordAsync(name!, ReadNewPassword(), ct);
                break;
            case "disable" or "enable":
                change = await users.UpdateAsync(name!, null, verb == "disable", ct);
                break;
            case "remove":
                change = await users.RemoveAsync(name!, ct);
                break;
            default:
                throw new UsageException($"unknown users verb '{verb}' (add, passwd, list, disable, enable, remove)");
        }
        if (!change.Done) throw new RunCannotProceedException(change.Message ?? change.Code ?? "refused");
        AnsiConsole.MarkupLine($"users {verb} [green]{Markup.Escape(name!)}[/]: done (store {Markup.Escape(CaptureStores.Describe(storePath))}).");
        return 0;
    }

    /// <summary>The store <c>serve</c> uses for the same options.</summary>
    private static string StorePath(CommandLine line)
    {
        var store = line.Get("store");
        var archive = line.Get("archive");
        if (store is not null && archive is not null) throw new UsageException("give --store or --archive, not both");
        if (store is not null) return CaptureStores.IsPostgres(store) ? store : Path.GetFullPath(store);
        return Path.Combine(Path.GetFullPath(archive ?? Path.Combine(DataFolder.Path, "archive")), ".capturechain", "capture.db");
    }

    private static string ReadNewPassword()
    {
        if (Console.IsInputRedirected)
        {
            var piped = Console.In.ReadLine() ?? "";
            return piped.TrimEnd('\r', '\n');
        }
        var first = Prompt("Password: ");
        var second = Prompt("Repeat password: ");
        if (first != second) throw new RunCannotProceedException("The two passwords differ; nothing was changed.");
        return first;
    }

    private static string Prompt(string label)
    {
        Console.Error.Write(label);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (text.Length > 0) text.Length--; continue; }
            if (!char.IsControl(key.KeyChar)) text.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return text.ToString();
    }
}
