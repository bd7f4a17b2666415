using CaptureChain.Classifier.Typing;
using CaptureChain.Classifier.Versions;
using CaptureChain.Host.Cli;
using CaptureChain.Ocr;
using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace CaptureChain.Host.Service.Scheduling;

/// <summary>
/// The scheduled retraining (<c>retraining.cron</c>): learns from the review desk's decisions since the last run
/// (<see cref="ModelRetraining"/>), registers the new model and promotes it only when it is at least as good. Fired once
/// across a cluster; one at a time.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ModelRetrainingJob : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var services = ScheduledJobs.Services(context);
        var configuration = services.GetRequiredService<ServiceConfiguration>();
        var run = services.GetRequiredService<CaptureRun>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger<ModelRetrainingJob>();
        var registry = new ModelRegistry(configuration.RetrainingRegistry ?? DataFolder.ModelRegistry);
        // One OCR engine: the samples' text is cached, and capture keeps its cores.
        using var engines = new OcrEnginePool(new OcrOptions(), 1);
        var options = new TrainingOptions { ModelVersion = $"auto-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}" };
        try
        {
            var outcome = await ModelRetraining.RunAsync(run.Store, configuration.RetrainingSamples!, registry, options, engines,
                force: false, null, cancellationToken);
            using (outcome.Run?.Result.Model)
            {
                if (!outcome.Trained) log.LogInformation("Retraining skipped: {Reason}", outcome.Reason);
                else log.LogInformation("Retrained {Version} with {Examples} review decisions ({New} new); promoted: {Promoted} ({Reason})",
                    outcome.Run!.Result.Model.Metadata.ModelVersion, outcome.Examples, outcome.NewExamples, outcome.Promoted, outcome.Reason);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A failed retraining leaves the active model in place; the next firing tries again.
            log.LogError(e, "Retraining failed");
        }
    }
}
