using CaptureChain.Host.Cli;
using Spectre.Console;

namespace CaptureChain.Host;

/// <summary>Entry point of <c>./capturechain</c>: dispatches the verbs of shared spec §1.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Usage.Print();
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            var rest = args.Skip(1).ToArray();
            return args[0] switch
            {
                "demo" => await DemoCommand.RunAsync(CommandLine.Parse(rest), cts.Token),
                "process" => await ProcessCommand.RunAsync(CommandLine.Parse(rest), cts.Token),
                "serve" => await ServeCommand.RunAsync(CommandLine.Parse(rest), cts.Token),
                "scan" => await ScanCommand.RunAsync(CommandLine.Parse(rest, "duplex", "list"), cts.Token),
                ScannerWorkerCommand.Verb => await ScannerWorkerCommand.RunAsync(rest, cts.Token),
                "train" => await TrainCommand.RunAsync(CommandLine.Parse(rest, "no-registry"), cts.Token),
                "model" => await ModelCommand.RunAsync(CommandLine.Parse(rest), cts.Token),
                "registry" when rest.FirstOrDefault() == "import" => await RegistryCommand.ImportAsync(CommandLine.Parse(rest.Skip(1)), cts.Token),
                "sheets" => await SheetsCommand.RunAsync(CommandLine.Parse(rest, "separator"), cts.Token),
                "corpus" => await CorpusCommand.RunAsync(CommandLine.Parse(rest, "samples"), cts.Token),
                "evaluate" => await EvaluateCommand.RunAsync(CommandLine.Parse(rest, "details"), cts.Token),
                "users" => await UsersCommand.RunAsync(rest, cts.Token),
                "bulk" => await BulkCommand.RunAsync(rest, cts.Token),
                _ => throw new UsageException($"unknown verb '{string.Join(' ', args.Take(2))}'"),
            };
        }
        catch (UsageException e)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            Usage.Print();
            return 2;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            AnsiConsole.MarkupLine("[yellow]Interrupted; a new run over the same inbox finishes the work.[/]");
            return 130;
        }
        catch (RunCannotProceedException e)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 1;
        }
    }
}

/// <summary>The run itself cannot proceed (missing registry, unreadable model...): exit 1 with an actionable message.</summary>
public sealed class RunCannotProceedException(string message, Exception? inner = null) : Exception(message, inner);
