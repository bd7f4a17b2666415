using CaptureChain.Capture.Scanners;
using CaptureChain.Capture.Scanners.Worker;
using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Scanning;
using Spectre.Console;

namespace CaptureChain.Host.Cli;

/// <summary>
/// The scanners this program reaches: SANE devices through worker processes (<c>scanner-worker</c>), eSCL devices over
/// HTTP in this process, TWAIN sources through the DSM when one is installed. Dispose it when done.
/// </summary>
public sealed class ConnectedScanners : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly TwainDriver _twain = new();

    /// <summary>Drivers for every id form (<c>escl:</c>, <c>twain:</c>, SANE names).</summary>
    /// <param name="sane">How SANE workers run; null: this program's <c>scanner-worker</c> with the default timeouts.</param>
    /// <param name="esclEndpoints">eSCL roots to list (any <c>escl:</c> id can be opened without being listed).</param>
    public ConnectedScanners(WorkerProcessOptions? sane = null, IReadOnlyList<Uri>? esclEndpoints = null)
    {
        Directory = new ScannerDirectory([
            new EsclDriver(_http, new EsclOptions(esclEndpoints)),
            _twain,
            new WorkerProcessDriver(sane ?? new WorkerProcessOptions(ScannerWorkerCommand.Launch)),
        ]);
    }

    /// <summary>Where <c>--device ID</c> is resolved.</summary>
    public ScannerDirectory Directory { get; }

    public void Dispose()
    {
        _twain.Dispose();
        _http.Dispose();
    }
}

/// <summary>
/// <c>scan --device ID [--source adf|flatbed] [--duplex] [--dpi N] --archive DIR ...</c>: scans one batch from a
/// scanner into the pipeline and prints the batch report. Ctrl+C once stops the scanner and still processes the pages
/// already scanned; twice aborts (the spooled pages are finished by the next scan). Exit 0 when the scan ended
/// normally (feeder empty), 3 when it stopped early (jam, busy, cancelled, device gone: rescan from the page after the
/// last one kept), 1 when it could not start. <c>scan --list</c> lists the devices.
/// </summary>
public static class ScanCommand
{
    /// <summary>Exit code of a batch that ran but whose scan stopped before the feeder was empty.</summary>
    public const int ScanStoppedEarly = 3;

    public static async Task<int> RunAsync(CommandLine line, CancellationToken ct)
    {
        var pageTimeout = line.GetInt("page-timeout", 5, 3600);
        var workerOptions = new WorkerProcessOptions(ScannerWorkerCommand.Launch, BackendOptions: BackendOptions(line.Get("sane-options")),
            PageTimeout: pageTimeout is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
        if (line.Has("list"))
        {
            line.RejectUnknown();
            return await ListAsync(workerOptions, ct);
        }

        var device = line.Require("device");
        var settings = new ScanSettings(
            line.Get("source") switch
            {
                null or "adf" => ScanSource.Adf,
                "flatbed" => ScanSource.Flatbed,
                var other => throw new UsageException($"--source takes adf or flatbed, not '{other}'"),
            },
            line.Has("duplex"),
            line.GetInt("dpi", 50, 1200) ?? ScanSettings.Default.Dpi,
            line.Get("mode") switch
            {
                null or "grey" or "gray" => ColourMode.Grey,
                "bitonal" or "lineart" => ColourMode.Bitonal,
                "colour" or "color" => ColourMode.Colour,
                var other => throw new UsageException($"--mode takes grey, bitonal or colour, not '{other}'"),
            });
        var archive = Path.GetFullPath(line.Require("archive"));
        var registry = line.Get("registry");
        var model = line.Get("model");
        var plan = line.Get("plan");
        var store = line.Get("store");
        var workers = line.GetInt("workers", 1, 256);
        var manifest = line.Get("manifest") ?? Path.Combine(archive, "manifest.jsonl");
        var defaults = new CaptureDefaults(line.Get("case"), line.Get("operator") ?? Environment.UserName, line.Get("station") ?? Environment.MachineName);
        line.RejectUnknown();
        var options = new CaptureOptions(archive, registry ?? ImportedRegistryOrFail(), model ?? DataFolder.ActiveModel, plan, store, workers);

        // ct (Ctrl+C) stops the scanner; a second Ctrl+C aborts the processing too.
        using var abort = new CancellationTokenSource();
        var presses = 0;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            if (Interlocked.Increment(ref presses) == 1)
                Console.Error.WriteLine("Stopping the scanner; the pages already scanned are being processed (Ctrl+C again to abort).");
            else abort.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            await using var run = await ProcessCommand.Open(options, abort.Token);
            using var scanners = new ConnectedScanners(workerOptions);
            var runner = new ScanRunner(run, scanners.Directory);

            if (run.HasInterruptedScans(null))
                foreach (var recovered in await BatchConsole.RunWithProgressAsync(p => runner.RecoverAsync(null, p, abort.Token), abort.Token))
                {
                    AnsiConsole.MarkupLine("[yellow]Finished a scan that was interrupted:[/]");
                    PrintScan(recovered);
                }

            ScanReport report;
            try
            {
                report = await BatchConsole.RunWithProgressAsync(
                    p => runner.RunAsync(new ScanRequest(device, settings, defaults), p, ct, abort.Token), abort.Token);
            }
            catch (ScannerUnavailableException e)
            {
                throw new RunCannotProceedException($"{e.Message} (./capturechain scan --list shows the devices)", e);
            }
            var entries = await run.WriteScansManifestAsync(null, manifest, abort.Token);
            BatchConsole.PrintReport(report.Batch, entries, options.Archive, manifest);
            PrintScan(report);
            return report.End.IsNormal ? 0 : ScanStoppedEarly;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary><c>--sane-options "br-x=210;br-y=297"</c>: SANE backend options by name (scan area, device specifics).</summary>
    private static IReadOnlyDictionary<string, string>? BackendOptions(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq < 1) throw new UsageException($"--sane-options takes NAME=VALUE pairs separated by ';', not '{pair}'");
            options[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }
        return options;
    }

    private static string ImportedRegistryOrFail() => File.Exists(DataFolder.ImportedRegistry)
        ? DataFolder.ImportedRegistry
        : throw new RunCannotProceedException("No beneficiary registry: pass --registry FILE or run ./capturechain registry import FILE first.");

    private static async Task<int> ListAsync(WorkerProcessOptions workerOptions, CancellationToken ct)
    {
        using var scanners = new ConnectedScanners(workerOptions);
        var devices = await scanners.Directory.ListDevicesAsync(ct);
        if (devices.Count == 0)
        {
            AnsiConsole.MarkupLine("No scanner found (SANE devices, eSCL endpoints, TWAIN sources). eSCL devices can be given directly: --device escl:http://HOST/eSCL");
            return 0;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("device").AddColumn("vendor").AddColumn("model").AddColumn("kind");
        foreach (var d in devices) table.AddRow(Markup.Escape(d.Id), Markup.Escape(d.Vendor), Markup.Escape(d.Model), Markup.Escape(d.Kind));
        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>How the scan ended and where every page went (the part of the report that is the scanner's).</summary>
    public static void PrintScan(ScanReport report)
    {
        var pages = report.Pages;
        var end = report.End;
        var table = new Table().Border(TableBorder.Rounded).Title($"Scan {Markup.Escape(report.SourceName ?? "(no page)")}").HideHeaders();
        table.AddColumn("").AddColumn(new TableColumn("").RightAligned());
        table.AddRow("device", Markup.Escape(report.DeviceId));
        table.AddRow("scan ended", $"{(end.IsNormal ? "[green]" : "[yellow]")}{end.Code}[/]: {Markup.Escape(end.Message)}");
        table.AddRow("pages scanned", pages.Scanned.ToString());
        table.AddRow("  in documents", pages.InDocuments.ToString());
        table.AddRow("  separator / cover sheets", pages.Sheets.ToString());
        table.AddRow("  blank pages removed", pages.Blank.ToString());
        table.AddRow("  in quarantine", pages.Rejected.ToString());
        if (pages.Unaccounted != 0) table.AddRow("[red]  unaccounted[/]", $"[red]{pages.Unaccounted}[/]");
        if (report.SourcePath is { } source) table.AddRow("source file", Markup.Escape(source));
        AnsiConsole.Write(table);
        if (!end.IsNormal && end.Reason != ScanEndReason.UnsupportedSettings)
            AnsiConsole.MarkupLine($"[yellow]The scan stopped early:[/] the {pages.Scanned} page(s) read are kept; put the rest back in the feeder "
                + $"(from page {pages.Scanned + 1} of the pile) and scan again.");
    }
}
