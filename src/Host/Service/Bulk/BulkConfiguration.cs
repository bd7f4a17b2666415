namespace CaptureChain.Host.Service.Bulk;

/// <summary>How the configuration tells a PostgreSQL store from a SQLite file (the rule of <c>CaptureStores.OpenAsync</c>).</summary>
public static class BulkConfiguration
{
    /// <summary>True for <c>postgres://</c>, <c>postgresql://</c> URLs and key-value strings holding <c>Host=</c>.</summary>
    public static bool IsPostgres(string? store) => !string.IsNullOrWhiteSpace(store) && Filing.Store.CaptureStores.IsPostgres(store);
}
