using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using CaptureChain.Host.Web.Metrics;
using CaptureChain.Pipeline.Runner;

namespace CaptureChain.Host.Tests.Web;

/// <summary>The Prometheus text: store figures as given, stage counters that keep growing across batches.</summary>
public sealed class MetricsTests
{
    private sealed class Doubling : MappingStage<int, int>
    {
        public override string Name => "double";
        protected override ValueTask<int> MapAsync(int item, CancellationToken ct) =>
            item == 13 ? throw new InvalidOperationException("unlucky") : ValueTask.FromResult(item * 2);
        protected override int Faulted(int item, Exception fault) => -1;
    }

    private static async Task<IReadOnlyList<StageMetrics>> RunChainAsync(CaptureMetrics metrics, IEnumerable<int> items)
    {
        var chain = StageChain<int>.Start(capacity: 4, CancellationToken.None);
        var tail = chain.Head.Then(new Doubling(), parallelism: 2, capacity: 4);
        metrics.TrackStages(chain.Metrics);
        foreach (var i in items) await chain.Input.WriteAsync(i);
        chain.Input.Complete();
        await foreach (var _ in tail.Tail.ReadAllAsync()) { }
        await tail.Completion;
        return chain.Metrics;
    }

    private static CaptureStatistics Statistics() => new(
        new Dictionary<DocumentStatus, long> { [DocumentStatus.Filed] = 7, [DocumentStatus.Review] = 2, [DocumentStatus.Rejected] = 1, [DocumentStatus.Duplicate] = 0 },
        OpenReviewItems: 2, PagesRead: 42,
        new Dictionary<BatchStatus, long> { [BatchStatus.Completed] = 3, [BatchStatus.Running] = 1 },
        CaptureMetrics.ConfidenceBounds, [0, 1, 1, 2, 2, 3, 5, 8, 9], ConfidenceCount: 9, ConfidenceSum: 8.1);

    [Fact]
    public async Task Stage_counters_add_up_over_batches_and_store_figures_are_exposed()
    {
        var metrics = new CaptureMetrics();
        var first = await RunChainAsync(metrics, Enumerable.Range(1, 5));
        var text = metrics.Render(Statistics());
        text.Should().Contain("capturechain_stage_items_total{stage=\"double\",outcome=\"processed\"} 5\n");

        var second = await RunChainAsync(metrics, [12, 13, 14]);
        metrics.ReportProgress(new Pipeline.BatchProgress(0, 0, 0, 0, 0, 0, TimeSpan.Zero, second));
        text = metrics.Render(Statistics());
        text.Should().Contain("capturechain_stage_items_total{stage=\"double\",outcome=\"processed\"} 7\n");
        text.Should().Contain("capturechain_stage_items_total{stage=\"double\",outcome=\"faulted\"} 1\n");
        text.Should().Contain("capturechain_stage_queue_depth{stage=\"double\"} 0\n");
        GC.KeepAlive(first);

        text.Should().Contain("capturechain_pages_processed_total 42\n");
        text.Should().Contain("capturechain_documents{status=\"review\"} 2\n");
        text.Should().Contain("capturechain_review_queue_depth 2\n");
        text.Should().Contain("capturechain_type_confidence_bucket{le=\"0.99\"} 5\n");
        text.Should().Contain("capturechain_type_confidence_bucket{le=\"+Inf\"} 9\n");
        text.Should().Contain("capturechain_type_confidence_sum 8.1\n");
        text.Split('\n').Where(l => l.StartsWith("# TYPE", StringComparison.Ordinal)).Select(l => l.Split(' ')[2])
            .Should().OnlyHaveUniqueItems("each metric is declared once");
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#'))
            .Should().OnlyContain(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^[a-z_]+(\{[a-z_]+=""[^""]*""(,[a-z_]+=""[^""]*"")*\})? [-+0-9.eE]+$|^[a-z_]+(\{.*\})? \+Inf$"));
    }

    [Fact]
    public void Review_decisions_and_latencies_are_counted()
    {
        var metrics = new CaptureMetrics();
        metrics.CountReviewDecision("confirm");
        metrics.CountReviewDecision("confirm");
        metrics.CountReviewDecision("correct");
        metrics.ObserveStageLatency("ocr", TimeSpan.FromSeconds(0.3));
        metrics.ObserveStageLatency("ocr", TimeSpan.FromSeconds(3));
        var text = metrics.Render(Statistics());
        text.Should().Contain("capturechain_review_decisions_total{action=\"confirm\"} 2\n");
        text.Should().Contain("capturechain_review_decisions_total{action=\"correct\"} 1\n");
        text.Should().Contain("capturechain_stage_latency_seconds_bucket{stage=\"ocr\",le=\"0.5\"} 1\n");
        text.Should().Contain("capturechain_stage_latency_seconds_bucket{stage=\"ocr\",le=\"5\"} 2\n");
        text.Should().Contain("capturechain_stage_latency_seconds_count{stage=\"ocr\"} 2\n");
    }
}
