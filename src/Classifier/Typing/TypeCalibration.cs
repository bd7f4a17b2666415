using System.Globalization;

namespace CaptureChain.Classifier.Typing;

/// <summary>
/// Temperature scaling of the model's probabilities: p_i ∝ p_i^(1/T). One parameter, fitted on predictions for
/// documents the scoring model did not train on, so a confidence of 0.97 means about 97 % of such predictions are
/// right. It keeps the ranking (and so the predicted type) unchanged.
/// </summary>
public sealed record TypeCalibration(double Temperature)
{
    /// <summary>No change (temperature 1).</summary>
    public static TypeCalibration Identity { get; } = new(1);

    private const double Floor = 1e-12;

    /// <summary>The calibrated probabilities (sum 1) of raw model probabilities.</summary>
    public float[] Apply(float[] probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.Length == 0) return [];
        var beta = Temperature > 0 ? 1 / Temperature : 1;
        var logits = new double[probabilities.Length];
        var max = double.NegativeInfinity;
        for (var i = 0; i < logits.Length; i++)
        {
            logits[i] = beta * Math.Log(Math.Max(probabilities[i], Floor));
            max = Math.Max(max, logits[i]);
        }
        var sum = 0.0;
        for (var i = 0; i < logits.Length; i++) sum += logits[i] = Math.Exp(logits[i] - max);
        var result = new float[probabilities.Length];
        for (var i = 0; i < result.Length; i++) result[i] = (float)(logits[i] / sum);
        return result;
    }

    /// <summary>
    /// The temperature minimising cross-entropy against targets smoothed as in Platt (1999): the true type weighs
    /// (N+1)/(N+2) instead of 1, so that a validation set without a single error (common with a few dozen documents)
    /// does not make the model claim certainty. Search over 1/T in [0.05, 20] (the loss is convex in 1/T).
    /// </summary>
    public static TypeCalibration Fit(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> actual)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(actual);
        if (probabilities.Count != actual.Count) throw new ArgumentException("One actual type per prediction.", nameof(actual));
        var rows = Enumerable.Range(0, probabilities.Count).Where(i => actual[i] >= 0 && probabilities[i].Length > 1).ToList();
        if (rows.Count == 0) return Identity;
        var classes = probabilities[rows[0]].Length;
        var epsilon = 1.0 / (rows.Count + 2);
        var logs = rows.Select(i => probabilities[i].Select(p => Math.Log(Math.Max(p, Floor))).ToArray()).ToList();
        var labels = rows.Select(i => actual[i]).ToList();

        double Loss(double beta)
        {
            var total = 0.0;
            for (var r = 0; r < logs.Count; r++)
            {
                var z = logs[r];
                var max = double.NegativeInfinity;
                foreach (var v in z) max = Math.Max(max, beta * v);
                var sum = 0.0;
                foreach (var v in z) sum += Math.Exp(beta * v - max);
                var logSum = max + Math.Log(sum);
                for (var i = 0; i < z.Length; i++)
                {
                    var target = i == labels[r] ? 1 - epsilon : epsilon / (classes - 1);
                    total -= target * (beta * z[i] - logSum);
                }
            }
            return total / logs.Count;
        }

        // Golden-section search on log(beta): the loss is convex in beta, hence unimodal in log(beta).
        double lo = Math.Log(0.05), hi = Math.Log(20);
        var g = (Math.Sqrt(5) - 1) / 2;
        var a = hi - g * (hi - lo);
        var b = lo + g * (hi - lo);
        double fa = Loss(Math.Exp(a)), fb = Loss(Math.Exp(b));
        for (var step = 0; step < 60; step++)
        {
            if (fa <= fb) { hi = b; b = a; fb = fa; a = hi - g * (hi - lo); fa = Loss(Math.Exp(a)); }
            else { lo = a; a = b; fa = fb; b = lo + g * (hi - lo); fb = Loss(Math.Exp(b)); }
        }
        var best = Math.Exp((lo + hi) / 2);
        return new TypeCalibration(Math.Round(1 / best, 6));
    }

    /// <summary>For reports.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"temperature {Temperature:F3}");
}

/// <summary>One confidence band of a reliability table: how often predictions with that confidence were right.</summary>
public sealed record ReliabilityBin(
    double Lower, double Upper, int Count, double MeanConfidence, double Accuracy, double AccuracyLower95, double AccuracyUpper95);

/// <summary>
/// Confidence against observed accuracy on held-out documents, by band, with the expected calibration error (the
/// count-weighted gap between the two). A calibrated model has accuracy within each band's interval.
/// </summary>
public sealed record ReliabilityTable(IReadOnlyList<ReliabilityBin> Bins, double ExpectedCalibrationError, int Count)
{
    /// <summary>Band edges: fine near 1, where automatic decisions are taken.</summary>
    public static readonly double[] Edges = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 1.0000001];

    /// <summary>The table of (confidence, correct) pairs.</summary>
    public static ReliabilityTable Build(IReadOnlyList<double> confidence, IReadOnlyList<bool> correct)
    {
        var bins = new List<ReliabilityBin>();
        var ece = 0.0;
        for (var b = 0; b + 1 < Edges.Length; b++)
        {
            var inBin = Enumerable.Range(0, confidence.Count).Where(i => confidence[i] >= Edges[b] && confidence[i] < Edges[b + 1]).ToList();
            if (inBin.Count == 0) continue;
            var right = inBin.Count(i => correct[i]);
            var meanConfidence = inBin.Average(i => confidence[i]);
            var accuracy = (double)right / inBin.Count;
            var (low, high) = Wilson.Interval(right, inBin.Count);
            bins.Add(new ReliabilityBin(Edges[b], Math.Min(1, Edges[b + 1]), inBin.Count, meanConfidence, accuracy, low, high));
            ece += (double)inBin.Count / confidence.Count * Math.Abs(accuracy - meanConfidence);
        }
        return new ReliabilityTable(bins, ece, confidence.Count);
    }

    /// <summary>Lines for the text report.</summary>
    public IEnumerable<string> ToLines()
    {
        var inv = CultureInfo.InvariantCulture;
        yield return "confidence        documents  mean conf.  accuracy  (95% interval)";
        foreach (var b in Bins)
            yield return string.Create(inv, $"[{b.Lower:0.000}, {b.Upper:0.000})  {b.Count,9}  {b.MeanConfidence,10:P1}  {b.Accuracy,8:P1}  ({b.AccuracyLower95:P1} – {b.AccuracyUpper95:P1})");
        yield return string.Create(inv, $"expected calibration error {ExpectedCalibrationError:P2} over {Count} documents");
    }
}

/// <summary>Wilson score intervals of a proportion: honest bounds for small counts.</summary>
public static class Wilson
{
    private const double Z = 1.959964;

    /// <summary>The 95 % interval of <paramref name="successes"/> out of <paramref name="n"/> (0–1 when n is 0).</summary>
    public static (double Lower, double Upper) Interval(int successes, int n)
    {
        if (n == 0) return (0, 1);
        var p = (double)successes / n;
        var denominator = 1 + Z * Z / n;
        var centre = p + Z * Z / (2 * n);
        var margin = Z * Math.Sqrt(p * (1 - p) / n + Z * Z / (4.0 * n * n));
        return (Math.Max(0, (centre - margin) / denominator), Math.Min(1, (centre + margin) / denominator));
    }

    /// <summary>The 95 % lower bound (0 when n is 0).</summary>
    public static double Lower(int successes, int n) => n == 0 ? 0 : Interval(successes, n).Lower;

    /// <summary>
    /// How many predictions, all of them right, are needed before the 95 % lower bound of precision reaches
    /// <paramref name="target"/>: what "enough held-out documents" means for a precision target.
    /// </summary>
    public static int NeededForLowerBound(double target)
    {
        if (target >= 1) return int.MaxValue;
        var n = 1;
        while (Lower(n, n) < target && n < 1_000_000) n = n < 64 ? n + 1 : (int)(n * 1.05);
        return n;
    }
}
