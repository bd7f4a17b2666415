using CaptureChain.Classifier.Typing;
using CaptureChain.Filing.Manifest;
using CaptureChain.Filing.Store;
using CaptureChain.Pipeline.Outcomes;

namespace CaptureChain.Host.Web.Batches;

/// <summary>
/// The measured precision of automatic filing, for the dashboard: of the automatically filed documents sampled into
/// the review queue (quality control), how many a reviewer confirmed and how many were found wrong, with the 95 %
/// Wilson lower bound — the figure a département can hold the automation to.
/// </summary>
internal static class AutomaticFilingQuality
{
    /// <summary>Reviewer decisions that filed a document themselves (not automatic filing).</summary>
    private static readonly HashSet<string> FiledByReviewer = new(StringComparer.Ordinal) { "confirm", "correct" };

    public static async Task<object> MeasureAsync(ICaptureStore store, CancellationToken ct)
    {
        var statistics = await store.GetStatisticsAsync([], ct);
        var journal = await store.ListReviewJournalAsync(null, ct);
        var open = await store.ListReviewItemsAsync(ReviewState.Open, ct);
        var filed = statistics.Documents.TryGetValue(DocumentStatus.Filed, out var f) ? f : 0;
        var byReviewers = journal.Where(e => FiledByReviewer.Contains(e.Action)).Select(e => e.ReviewItemId).Distinct().LongCount();
        var confirmed = journal.Count(e => e.Action == "quality_confirmed");
        var corrected = journal.Count(e => e.Action == "quality_corrected");
        var checkedCount = confirmed + corrected;
        return new
        {
            filed_automatically = Math.Max(0, filed - byReviewers),
            samples_waiting = open.Count(i => i.ReasonCodes.Contains(ReasonCodes.QualitySample)),
            samples_checked = checkedCount,
            confirmed,
            found_wrong = corrected,
            precision = checkedCount == 0 ? (double?)null : Math.Round((double)confirmed / checkedCount, 4),
            precision_lower_95 = checkedCount == 0 ? (double?)null : Math.Round(Wilson.Lower(confirmed, checkedCount), 4),
        };
    }
}
