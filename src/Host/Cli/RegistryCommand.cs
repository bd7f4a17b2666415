using CaptureChain.Classifier.Registry;
using Spectre.Console;

namespace CaptureChain.Host.Cli;

/// <summary><c>registry import FILE</c>: validates the registry export and makes it the one <c>process</c> uses.</summary>
public static class RegistryCommand
{
    public static async Task<int> ImportAsync(CommandLine line, CancellationToken ct)
    {
        line.RejectUnknown();
        var file = line.Positional.SingleOrDefault() ?? throw new UsageException("registry import takes one FILE");
        RegistryLoadResult loaded;
        try { loaded = BeneficiaryRegistry.Load(file); }
        catch (RegistryFormatException e) { throw new RunCannotProceedException(e.Message, e); }

        foreach (var problem in loaded.Problems.Take(20))
            AnsiConsole.MarkupLine($"[yellow]line {problem.LineNumber}:[/] {Markup.Escape(problem.Message)}");
        if (loaded.Problems.Count > 20) AnsiConsole.MarkupLine($"[yellow]... and {loaded.Problems.Count - 20} more problems[/]");

        // Replace atomically: a service reading the registry never sees half a file.
        var target = DataFolder.ImportedRegistry;
        var temp = target + ".tmp";
        File.Copy(file, temp, overwrite: true);
        File.Move(temp, target, overwrite: true);
        await Task.CompletedTask;
        AnsiConsole.MarkupLine($"Imported [green]{loaded.Registry.Count}[/] beneficiaries ({loaded.Registry.Homonyms().Count} homonym groups, "
            + $"{loaded.Problems.Count} problem lines) into {Markup.Escape(target)}");
        return 0;
    }
}
