using System.Diagnostics;

namespace CaptureChain.Host.Tests;

/// <summary>Runs the real <c>CaptureChain.Host</c> program as a child process, as <c>./capturechain</c> does.</summary>
public static class CommandLineRunner
{
    private static string HostDll => Path.Combine(AppContext.BaseDirectory, "CaptureChain.Host.dll");

    /// <summary>Starts the program with <paramref name="args"/>; output is captured.</summary>
    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(HostDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["OMP_THREAD_LIMIT"] = "1";
        info.Environment["CAPTURECHAIN_DATA"] = Path.Combine(Path.GetTempPath(), "cc-data-" + Guid.NewGuid().ToString("N"));
        return Process.Start(info)!;
    }

    /// <summary>Runs the program to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"capturechain {string.Join(' ', args)} did not finish in {timeout}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
