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
    private static readonly string[] FiledByReviewer = ["confirm", "correct"];

    public static async Task<object> MeasureAsync(ICaptureStore store, CancellationToken ct)
    {
        var statistics = await store.GetStatisticsAsync([], ct);
        var filed = statistics.Documents.TryGetValue(DocumentStatus.Filed, out var f) ? f : 0;
        var byReviewers = (await store.CountReviewActionsAsync(FiledByReviewer, ct)).Items;
        var confirmed = (await store.CountReviewActionsAsync(["quality_confirmed"], ct)).Entries;
        var corrected = (await store.CountReviewActionsAsync(["quality_corrected"], ct)).Entries;
        var checkedCount = confirmed + corrected;
        return new
        {
            filed_automatically = Math.Max(0, filed - byReviewers),
            samples_waiting = await store.CountOpenReviewItemsAsync(ReasonCodes.QualitySample, ct),
            samples_checked = checkedCount,
            confirmed,
            found_wrong = corrected,
            precision = checkedCount == 0 ? (double?)null : Math.Round((double)confirmed / checkedCount, 4),
            precision_lower_95 = checkedCount == 0 ? (double?)null : Math.Round(Wilson.Lower((int)confirmed, (int)checkedCount), 4),
        };
    }
}
