using System.Runtime.InteropServices;
using CaptureChain.Capture.Scanners;
using CaptureChain.Capture.Scanners.Worker;

namespace CaptureChain.Host.Cli;

/// <summary>
/// Hidden verb <c>scanner-worker</c>: runs libsane for one request (list, open, or scan one batch) in this process and
/// answers on stdout with <see cref="ScannerWorkerProtocol"/>; stderr carries diagnostics. Started by
/// <see cref="WorkerProcessScanner"/>, never by people: a backend crash or deadlock then ends only this process.
/// </summary>
public static class ScannerWorkerCommand
{
    /// <summary>The verb.</summary>
    public const string Verb = "scanner-worker";

    /// <summary>How the capture side starts a worker: this program with the worker verb.</summary>
    public static ScannerWorkerLaunch Launch => ScannerWorkerLaunch.CurrentProgram(Verb);

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        // First, before anything can print: the protocol gets the real stdout, stray native output goes to stderr.
        await using var output = ScannerWorker.TakeStandardOutput();
        ScannerWorkerRequest request;
        try { request = ScannerWorkerRequest.Parse(args); }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            await Console.Error.WriteLineAsync($"scanner-worker: {e.Message}");
            return 2;
        }
        // SIGTERM (the parent's second step after a cancel record) cancels the batch cleanly instead of ending the
        // process mid-read; SIGINT (Ctrl+C in the operator's terminal) already cancels through ct.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        return await ScannerWorker.RunAsync(() => new SaneDriver(new SaneOptions(request.SaneConfigDirectory)), request,
            Console.OpenStandardInput(), output, Console.Error, stop.Token);
    }
}
