using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Runner;

namespace CaptureChain.Host.Web.Metrics;

/// <summary>
/// The service's Prometheus metrics, written by hand in the text exposition format. Store-wide figures (documents by
/// status, review queue depth, pages read, batches, the type-confidence histogram) are read from the store at each
/// scrape, so they survive restarts; live stage figures (items, busy time, queue depths, latencies) are fed by the
/// pipeline through <see cref="ReportProgress"/> (or <see cref="TrackStages"/>) and <see cref="ObserveStageLatency"/>, and
/// review decisions by the review desk.
/// Thread-safe.
/// </summary>
public sealed class CaptureMetrics
{
    /// <summary>The process-wide instance (what the pipeline and the web share by default).</summary>
    public static CaptureMetrics Shared { get; } = new();

    /// <summary>Upper bounds of the type-confidence histogram.</summary>
    public static readonly IReadOnlyList<double> ConfidenceBounds = [0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 1.0];

    /// <summary>Upper bounds (seconds) of the stage-latency histogram.</summary>
    public static readonly IReadOnlyList<double> LatencyBounds = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];

    private readonly Lock _gate = new();
    // Every chain seen, weakly: a finished batch's chain goes away with it. The values last folded into the totals are
    // kept per chain, so counters keep growing across batches.
    private readonly ConditionalWeakTable<IReadOnlyList<StageMetrics>, Dictionary<string, (long Processed, long Faulted, double Busy)>> _chains = new();
    private readonly Dictionary<string, (long Processed, long Faulted, double Busy)> _totals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Histogram> _latency = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _decisions = new(StringComparer.Ordinal);

    /// <summary>
    /// Feeds a running batch's live figures, e.g. from the <see cref="IProgress{T}"/> of
    /// <see cref="CaptureRun.ProcessFilesAsync"/>: <c>progress => metrics.ReportProgress(progress)</c>.
    /// </summary>
    public void ReportProgress(BatchProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        TrackStages(progress.Stages);
    }

    /// <summary>Starts reporting a chain's stages (items, busy time, queue depths); calling it again only refreshes the counters.</summary>
    public void TrackStages(IReadOnlyList<StageMetrics> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        lock (_gate)
        {
            _chains.TryAdd(stages, new Dictionary<string, (long, long, double)>(StringComparer.Ordinal));
            Fold(stages);
        }
    }

    // Adds what a chain did since it was last folded to the totals (under _gate).
    private void Fold(IReadOnlyList<StageMetrics> stages)
    {
        if (!_chains.TryGetValue(stages, out var seen)) return;
        foreach (var s in stages)
        {
            var now = (s.Processed, s.Faulted, s.Busy.TotalSeconds);
            var before = seen.GetValueOrDefault(s.Name);
            var total = _totals.GetValueOrDefault(s.Name);
            _totals[s.Name] = (total.Processed + now.Processed - before.Processed, total.Faulted + now.Faulted - before.Faulted,
                total.Busy + now.Item3 - before.Busy);
            seen[s.Name] = now;
        }
    }

    /// <summary>Records how long one item took in a stage.</summary>
    public void ObserveStageLatency(string stage, TimeSpan duration) =>
        _latency.GetOrAdd(stage, _ => new Histogram(LatencyBounds)).Observe(duration.TotalSeconds);

    /// <summary>Counts a review decision (confirm, correct, reject, split, merge, rotate).</summary>
    public void CountReviewDecision(string action) => _decisions.AddOrUpdate(action, 1, (_, n) => n + 1);

    /// <summary>The exposition text for <paramref name="stats"/> (read from the store with <see cref="ConfidenceBounds"/>) and the live figures.</summary>
    public string Render(CaptureStatistics stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var w = new StringBuilder();

        Header(w, "capturechain_pages_processed_total", "counter", "Pages read by every batch in the store (sheets and blank backs included).");
        Sample(w, "capturechain_pages_processed_total", [], stats.PagesRead);

        Header(w, "capturechain_documents", "gauge", "Output documents in the store by status.");
        foreach (var (status, count) in stats.Documents.OrderBy(kv => kv.Key))
            Sample(w, "capturechain_documents", [("status", status.ToName())], count);

        Header(w, "capturechain_review_queue_depth", "gauge", "Review items waiting for a person.");
        Sample(w, "capturechain_review_queue_depth", [], stats.OpenReviewItems);

        Header(w, "capturechain_batches", "gauge", "Batches in the store by status.");
        foreach (var (status, count) in stats.Batches.OrderBy(kv => kv.Key))
            Sample(w, "capturechain_batches", [("status", status.ToString().ToLowerInvariant())], count);

        Header(w, "capturechain_type_confidence", "histogram", "Probability of the predicted document type, over the documents in the store.");
        for (var i = 0; i < stats.ConfidenceBounds.Count; i++)
            Sample(w, "capturechain_type_confidence_bucket", [("le", Number(stats.ConfidenceBounds[i]))], stats.ConfidenceAtOrBelow[i]);
        Sample(w, "capturechain_type_confidence_bucket", [("le", "+Inf")], stats.ConfidenceCount);
        Sample(w, "capturechain_type_confidence_sum", [], stats.ConfidenceSum);
        Sample(w, "capturechain_type_confidence_count", [], stats.ConfidenceCount);

        RenderStages(w);

        Header(w, "capturechain_review_decisions_total", "counter", "Review actions taken since the service started, by action.");
        foreach (var (action, count) in _decisions.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            Sample(w, "capturechain_review_decisions_total", [("action", action)], count);
        return w.ToString();
    }

    private void RenderStages(StringBuilder w)
    {
        var totals = new SortedDictionary<string, (long Processed, long Faulted, double Busy, long Queue, long InFlight)>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var (chain, _) in _chains) Fold(chain);
            foreach (var (name, t) in _totals) totals[name] = (t.Processed, t.Faulted, t.Busy, 0, 0);
            foreach (var (chain, _) in _chains)
                foreach (var s in chain)
                {
                    var t = totals.GetValueOrDefault(s.Name);
                    totals[s.Name] = t with { Queue = t.Queue + s.QueueDepth, InFlight = t.InFlight + s.InFlight };
                }
        }
        Header(w, "capturechain_stage_items_total", "counter", "Items that left each pipeline stage, by outcome.");
        foreach (var (stage, t) in totals)
        {
            Sample(w, "capturechain_stage_items_total", [("stage", stage), ("outcome", "processed")], t.Processed);
            Sample(w, "capturechain_stage_items_total", [("stage", stage), ("outcome", "faulted")], t.Faulted);
        }
        Header(w, "capturechain_stage_busy_seconds_total", "counter", "Time spent inside each stage, summed over its workers (busy / items = mean latency).");
        foreach (var (stage, t) in totals) Sample(w, "capturechain_stage_busy_seconds_total", [("stage", stage)], t.Busy);
        Header(w, "capturechain_stage_queue_depth", "gauge", "Items waiting in each stage's input channel.");
        foreach (var (stage, t) in totals) Sample(w, "capturechain_stage_queue_depth", [("stage", stage)], t.Queue);
        Header(w, "capturechain_stage_in_flight", "gauge", "Items inside each stage now.");
        foreach (var (stage, t) in totals) Sample(w, "capturechain_stage_in_flight", [("stage", stage)], t.InFlight);

        Header(w, "capturechain_stage_latency_seconds", "histogram", "Time one item took in a stage.");
        foreach (var (stage, h) in _latency.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var (buckets, count, sum) = h.Snapshot();
            for (var i = 0; i < LatencyBounds.Count; i++)
                Sample(w, "capturechain_stage_latency_seconds_bucket", [("stage", stage), ("le", Number(LatencyBounds[i]))], buckets[i]);
            Sample(w, "capturechain_stage_latency_seconds_bucket", [("stage", stage), ("le", "+Inf")], count);
            Sample(w, "capturechain_stage_latency_seconds_sum", [("stage", stage)], sum);
            Sample(w, "capturechain_stage_latency_seconds_count", [("stage", stage)], count);
        }
    }

    private static void Header(StringBuilder w, string name, string type, string help) =>
        w.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
            .Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder w, string name, (string Name, string Value)[] labels, double value)
    {
        w.Append(name);
        if (labels.Length > 0)
        {
            w.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0) w.Append(',');
                w.Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
            }
            w.Append('}');
        }
        w.Append(' ').Append(Number(value)).Append('\n');
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A cumulative histogram (counts at or below each bound).</summary>
    private sealed class Histogram(IReadOnlyList<double> bounds)
    {
        private readonly long[] _buckets = new long[bounds.Count];
        private long _count;
        private double _sum;
        private readonly Lock _gate = new();

        public void Observe(double value)
        {
            lock (_gate)
            {
                for (var i = 0; i < bounds.Count; i++) if (value <= bounds[i]) _buckets[i]++;
                _count++;
                _sum += value;
            }
        }

        public (long[] Buckets, long Count, double Sum) Snapshot()
        {
            lock (_gate) return ((long[])_buckets.Clone(), _count, _sum);
        }
    }
}
