using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Records;

namespace CaptureChain.Host.Cli;

/// <summary><c>process --inbox DIR --archive DIR ...</c>: one batch over an inbox; exit 0 when the batch ran.</summary>
public static class ProcessCommand
{
    public static async Task<int> RunAsync(CommandLine line, CancellationToken ct)
    {
        var inbox = line.Require("inbox");
        var archive = Path.GetFullPath(line.Require("archive"));
        var registry = line.Get("registry");
        var model = line.Get("model");
        var plan = line.Get("plan");
        var store = line.Get("store");
        var workers = line.GetInt("workers", 1, 256);
        var manifest = line.Get("manifest") ?? Path.Combine(archive, "manifest.jsonl");
        var defaults = new CaptureDefaults(line.Get("case"), line.Get("operator") ?? Environment.UserName, line.Get("station"));
        line.RejectUnknown();
        var options = new CaptureOptions(archive, registry ?? ImportedRegistryOrFail(), model ?? DataFolder.ActiveModel, plan, store, workers);
        if (!Directory.Exists(inbox)) throw new RunCannotProceedException($"Inbox folder '{inbox}' does not exist.");

        await using var run = await Open(options, ct);
        var report = await BatchConsole.RunWithProgressAsync(
            progress => run.ProcessInboxAsync(inbox, defaults, progress, ct), ct);
        var entries = await run.WriteManifestAsync(inbox, manifest, ct);
        BatchConsole.PrintReport(report, entries, options.Archive, manifest);
        return 0;
    }

    /// <summary>Opens the run, turning setup problems into an actionable exit-1 message.</summary>
    public static async Task<CaptureRun> Open(CaptureOptions options, CancellationToken ct)
    {
        try { return await CaptureRun.OpenAsync(options, ct: ct); }
        catch (CaptureSetupException e) { throw new RunCannotProceedException(e.Message, e); }
    }

    private static string ImportedRegistryOrFail() => File.Exists(DataFolder.ImportedRegistry)
        ? DataFolder.ImportedRegistry
        : throw new RunCannotProceedException("No beneficiary registry: pass --registry FILE or run ./capturechain registry import FILE first.");
}
