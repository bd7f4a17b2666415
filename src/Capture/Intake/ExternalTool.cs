using System.Diagnostics;
using System.Text;

namespace CaptureChain.Capture.Intake;

/// <summary>How a command-line tool run ended: exit code, its standard output (bytes) and standard error (text).</summary>
internal sealed record ToolRun(int ExitCode, byte[] Output, string Error, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
    public string OutputText => Encoding.UTF8.GetString(Output);
}

/// <summary>Runs a command-line tool asynchronously; cancellation and a time limit kill its whole process tree.</summary>
internal static class ExternalTool
{
    private const int MaxErrorChars = 16_384;

    public static async Task<ToolRun> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken ct)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        // English, stable messages: stderr is matched to pick reason codes.
        start.Environment["LC_ALL"] = "C";
        start.Environment["LANG"] = "C";

        using var process = new Process { StartInfo = start };
        process.Start();
        process.StandardInput.Close();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var output = new MemoryStream();
        var copyOut = process.StandardOutput.BaseStream.CopyToAsync(output, limit.Token);
        var readErr = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            await Task.WhenAll(copyOut, readErr, process.WaitForExitAsync(limit.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* already gone */ }
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            // Drain the pipe readers so their cancellation is observed, not left to the finaliser.
            try { await Task.WhenAll(copyOut, readErr).ConfigureAwait(false); }
            catch (Exception e) when (e is OperationCanceledException or IOException) { }
            ct.ThrowIfCancellationRequested();
            return new ToolRun(-1, [], $"{Path.GetFileName(fileName)} did not finish within {timeout.TotalSeconds:0} s", TimedOut: true);
        }
        var error = readErr.Result;
        if (error.Length > MaxErrorChars) error = error[..MaxErrorChars];
        return new ToolRun(process.ExitCode, output.ToArray(), error, TimedOut: false);
    }
}
