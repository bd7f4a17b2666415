using System.Text.RegularExpressions;
using Npgsql;

namespace CaptureChain.Filing.Store;

/// <summary>
/// The one switch between the stores: a value that starts with <c>postgres://</c> or <c>postgresql://</c>, or holds
/// <c>Host=</c>, is a PostgreSQL connection string (several nodes share the work); anything else is the path of a
/// SQLite file (one node).
/// </summary>
public static partial class CaptureStores
{
    /// <summary>True when <paramref name="storePathOrConnectionString"/> names a PostgreSQL database.</summary>
    public static bool IsPostgres(string storePathOrConnectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(storePathOrConnectionString);
        var value = storePathOrConnectionString.TrimStart();
        return value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
               || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
               || HostKeyword().IsMatch(value);
    }

    /// <summary>Opens the store <paramref name="storePathOrConnectionString"/> names, bringing its schema up to date.</summary>
    public static async Task<ICaptureStore> OpenAsync(string storePathOrConnectionString, TimeProvider? time = null, CancellationToken ct = default) =>
        IsPostgres(storePathOrConnectionString)
            ? await PostgresCaptureStore.OpenAsync(storePathOrConnectionString, time, ct).ConfigureAwait(false)
            : await SqliteCaptureStore.OpenAsync(storePathOrConnectionString, time, ct).ConfigureAwait(false);

    /// <summary>
    /// The store for messages and logs: the full path of a SQLite file, or the connection string with its password
    /// replaced by <c>***</c>.
    /// </summary>
    public static string Describe(string storePathOrConnectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(storePathOrConnectionString);
        if (!IsPostgres(storePathOrConnectionString)) return Path.GetFullPath(storePathOrConnectionString);
        var value = storePathOrConnectionString.Trim();
        if (value.Contains("://", StringComparison.Ordinal))
        {
            // postgres://user:secret@host/db?password=secret
            value = UrlPassword().Replace(value, "$1***@");
            return UrlPasswordParameter().Replace(value, "$1***");
        }
        return PasswordKeyword().Replace(value, "$1***");
    }

    /// <summary>
    /// Where a run keeps its temporary files: next to a SQLite file (as before), but on this machine for PostgreSQL (the
    /// connection string says nothing about the local disk, and the archive may be a network share).
    /// </summary>
    public static string WorkFolder(string storePathOrConnectionString) =>
        IsPostgres(storePathOrConnectionString)
            ? Path.Combine(Path.GetTempPath(), "capturechain", "work")
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(storePathOrConnectionString))!, "work");

    /// <summary>
    /// Npgsql keywords for a PostgreSQL connection string given as keywords or as a libpq-style URL
    /// (<c>postgres://user:password@host:port/database?sslmode=require</c>; <c>?host=/run/postgresql</c> for a socket).
    /// </summary>
    public static string ToNpgsqlConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var value = connectionString.Trim();
        if (!value.Contains("://", StringComparison.Ordinal)) return new NpgsqlConnectionStringBuilder(value).ConnectionString;
        // By hand rather than System.Uri: libpq URLs may leave the host empty (postgres://user@/db?host=/run/postgresql).
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (value[..scheme].ToLowerInvariant() is not ("postgres" or "postgresql"))
            throw new ArgumentException($"'{Describe(value)}' is not a postgres:// URL.", nameof(connectionString));
        var rest = value[(scheme + 3)..];
        var queryAt = rest.IndexOf('?', StringComparison.Ordinal);
        var query = queryAt < 0 ? "" : rest[(queryAt + 1)..];
        rest = queryAt < 0 ? rest : rest[..queryAt];
        var pathAt = rest.IndexOf('/', StringComparison.Ordinal);
        var database = pathAt < 0 ? "" : Uri.UnescapeDataString(rest[(pathAt + 1)..]);
        var authority = pathAt < 0 ? rest : rest[..pathAt];
        var builder = new NpgsqlConnectionStringBuilder();
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            authority = authority[(at + 1)..];
        }
        var portAt = authority.LastIndexOf(':');
        if (portAt >= 0 && !authority[portAt..].Contains(']', StringComparison.Ordinal))
        {
            builder.Port = int.Parse(authority[(portAt + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            authority = authority[..portAt];
        }
        if (authority.Length > 0) builder.Host = Uri.UnescapeDataString(authority.Trim('[', ']'));
        if (database.Length > 0) builder.Database = database;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var val = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            switch (key.ToLowerInvariant())
            {
                case "host": builder.Host = val; break;
                case "port": builder.Port = int.Parse(val, System.Globalization.CultureInfo.InvariantCulture); break;
                case "user": builder.Username = val; break;
                case "password": builder.Password = val; break;
                case "dbname": builder.Database = val; break;
                case "sslmode": builder["SSL Mode"] = val; break;
                case "application_name": builder.ApplicationName = val; break;
                case "connect_timeout": builder.Timeout = int.Parse(val, System.Globalization.CultureInfo.InvariantCulture); break;
                default:
                    try { builder[key] = val; } // Npgsql's own keywords (e.g. "Maximum Pool Size") pass through
                    catch (ArgumentException) { throw new ArgumentException($"Unknown PostgreSQL URL parameter '{key}'.", nameof(connectionString)); }
                    break;
            }
        }
        return builder.ConnectionString;
    }

    [GeneratedRegex(@"(^|;)\s*Host\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex HostKeyword();

    [GeneratedRegex(@"(://[^:/@]*:)[^@]*@")]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"([?&]password=)[^&]*", RegexOptions.IgnoreCase)]
    private static partial Regex UrlPasswordParameter();

    [GeneratedRegex(@"((?:^|;)\s*(?:Password|Pwd)\s*=\s*)(""[^""]*""|'[^']*'|[^;]*)", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordKeyword();
}
