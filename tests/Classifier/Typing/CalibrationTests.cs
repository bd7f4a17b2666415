using CaptureChain.Classifier.Typing;

namespace CaptureChain.Classifier.Tests.Typing;

/// <summary>Temperature scaling, reliability tables and small-sample bounds, on predictions whose true accuracy is known.</summary>
public class CalibrationTests
{
    /// <summary>
    /// Predictions of a 5-type model whose true class probabilities are softmax(z): the answer is drawn from them,
    /// and the model reports softmax(sharpness · z), over- (sharpness &gt; 1) or under-confident (&lt; 1).
    /// </summary>
    private static (List<float[]> Reported, List<int> Actual) Predictions(int count, double sharpness, int seed)
    {
        var rng = new Random(seed);
        var reported = new List<float[]>();
        var actual = new List<int>();
        for (var n = 0; n < count; n++)
        {
            var z = Enumerable.Range(0, 5).Select(_ => rng.NextDouble() * 4).ToArray();
            var truth = Softmax(z, 1);
            var u = rng.NextDouble();
            var label = 0;
            for (var acc = truth[0]; acc < u && label < 4; acc += truth[++label]) { }
            reported.Add(Softmax(z, sharpness).Select(p => (float)p).ToArray());
            actual.Add(label);
        }
        return (reported, actual);
    }

    private static double[] Softmax(double[] z, double sharpness)
    {
        var e = z.Select(v => Math.Exp(sharpness * v)).ToArray();
        var sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    private static double Ece(IReadOnlyList<float[]> p, IReadOnlyList<int> actual) =>
        ReliabilityTable.Build(p.Select(v => (double)v.Max()).ToList(),
            p.Select((v, i) => Array.IndexOf(v, v.Max()) == actual[i]).ToList()).ExpectedCalibrationError;

    [Theory]
    [InlineData(2.5)] // overconfident: a temperature above 1 softens
    [InlineData(0.4)] // underconfident: a temperature below 1 sharpens
    public void The_fitted_temperature_undoes_miscalibration_on_fresh_predictions(double sharpness)
    {
        var (fit, fitActual) = Predictions(3000, sharpness, seed: 1);
        var (fresh, freshActual) = Predictions(3000, sharpness, seed: 2);

        var calibration = TypeCalibration.Fit(fit, fitActual);

        calibration.Temperature.Should().BeApproximately(sharpness, sharpness * 0.2);
        var after = Ece(fresh.Select(calibration.Apply).ToList(), freshActual);
        after.Should().BeLessThan(0.03).And.BeLessThan(Ece(fresh, freshActual) / 2);
    }

    [Fact]
    public void Calibration_keeps_the_ranking_and_sums_to_one()
    {
        var calibration = new TypeCalibration(0.5);
        float[] raw = [0.1f, 0.6f, 0.3f];

        var calibrated = calibration.Apply(raw);

        calibrated.Sum().Should().BeApproximately(1f, 1e-5f);
        calibrated.Select((p, i) => (p, i)).OrderByDescending(x => x.p).Select(x => x.i).Should().Equal(1, 2, 0);
        calibrated[1].Should().BeGreaterThan(raw[1]);
        TypeCalibration.Identity.Apply(raw).Should().BeEquivalentTo(raw, o => o.Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-6f)).WhenTypeIs<float>());
    }

    [Fact]
    public void A_validation_set_without_error_does_not_make_the_model_claim_certainty()
    {
        // 40 predictions, all right, all around 0.9: the data cannot support "always right".
        var reported = Enumerable.Range(0, 40).Select(i => new[] { 0.88f + i % 5 * 0.01f, 0.06f, 0.04f, 0.02f }).ToList();
        var actual = Enumerable.Repeat(0, 40).ToList();

        var calibration = TypeCalibration.Fit(reported, actual);

        var confidence = reported.Select(r => calibration.Apply(r)[0]).ToList();
        confidence.Average().Should().BeGreaterThan(0.9f).And.BeLessThan(1f - 1f / (2 * 42));
    }

    [Fact]
    public void The_reliability_table_counts_every_prediction_once_and_measures_the_gap()
    {
        var confidence = new double[] { 0.55, 0.6, 0.97, 0.97, 0.97, 0.97, 0.999, 0.999 };
        var correct = new[] { true, false, true, true, true, false, true, true };

        var table = ReliabilityTable.Build(confidence, correct);

        table.Bins.Sum(b => b.Count).Should().Be(8);
        var high = table.Bins.Single(b => b.Lower == 0.95);
        high.Count.Should().Be(4);
        high.Accuracy.Should().Be(0.75);
        high.AccuracyLower95.Should().BeLessThan(0.75);
        high.AccuracyUpper95.Should().BeGreaterThan(0.75);
        // |0.5 - 0.575| * 2/8 + |0.75 - 0.97| * 4/8 + |1 - 0.999| * 2/8
        table.ExpectedCalibrationError.Should().BeApproximately(0.075 * 0.25 + 0.22 * 0.5 + 0.001 * 0.25, 1e-9);
    }

    [Fact]
    public void Small_samples_cannot_establish_a_high_precision_target()
    {
        Wilson.Lower(30, 30).Should().BeApproximately(0.886, 0.001);
        Wilson.Lower(0, 0).Should().Be(0);
        var needed = Wilson.NeededForLowerBound(0.995);
        needed.Should().BeInRange(700, 800);
        Wilson.Lower(needed, needed).Should().BeGreaterThanOrEqualTo(0.995);
    }
}
