using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.ScoreMatching;

/// <summary>
/// CS 446 HW5 4(a): <c>denoising_loss</c> = sum over rows of ||s(x~, sigma) + (x~ - x) / sigma^2||^2
/// with one sigma drawn per row from the noise levels and x~ = x + sigma z.
/// </summary>
public sealed class DenoisingLossChecks : CheckBase
{
    /// <summary>
    /// The relative tolerance on a noise level: public copies of the course's hw5_diffusion.py keep noise_levels in float32
    /// (generate_noise_levels(...).float()) and the assignment fixes no dtype, so a level may reach the score rounded to float32
    /// (0.3 becomes 0.30000001192...: 4e-8 relative, at most 2^-24).
    /// </summary>
    internal const double Float32Levels = 1e-6;

    const string Hint = "per row: pick sigma from noise_levels, x~ = x + sigma * randn, term = ||score(x~, sigma) + (x~ - x) / sigma^2||^2 (note sigma squared); return the sum over rows.";

    /// <summary>
    /// Over all calls of the score (one on the whole batch, or one per level on that level's rows:
    /// both are legal), every row is evaluated once with its own sigma, each one of the levels, chosen
    /// uniformly (Hoeffding bands, Bonferroni over levels).
    /// </summary>
    [Test]
    public void DrawsOneLevelPerRowUniformly()
    {
        var levels = new[] { 1.0, 0.5, 0.25, 0.125 };
        const int n = 40000;
        var c = new Case("DenoisingLoss", $"{n} rows, levels [1, 0.5, 0.25, 0.125]", Hint);
        var score = ScoreModel.ZeroRecording();
        Student.DenoisingLoss(score, zeros(n, 2, dtype: float64), levels, Rng(41));
        foreach (var (sigma, xShape, _) in score.Calls)
            if (xShape.Length != 2 || sigma.Length != xShape[0])
                Assert.Fail(c.Describe($"the score received {sigma.Length} sigmas for x of shape {Numeric.Format(xShape)}; pass x [rows, D] and one sigma per row, shape [rows]."));
        long evaluated = score.Calls.Sum(k => (long)k.sigma.Length);
        Assert.That(evaluated, Is.EqualTo(n), c.Describe($"the score evaluated {evaluated} rows in {score.Calls.Count} calls for {n} samples; evaluate each row once, at its own sampled level (\"only evaluate the loss on that sigma\")."));
        var sigmas = tensor(score.Calls.SelectMany(k => k.sigma).ToArray());
        for (int k = 0; k < levels.Length; k++)
        {
            long count = sigmas.sub(levels[k]).abs().le(Float32Levels * levels[k]).sum().item<long>();
            Stats.AssertFrequency(count, n, 1.0 / levels.Length, c with { Input = c.Input + $", share of sigma = {levels[k]}" }, Stats.FalseFailProbability / levels.Length);
        }
    }

    /// <summary>
    /// Each coordinate of a row is perturbed by its own noise: with x = 0 the score sees x~ = sigma z, so z = x~ / sigma (from
    /// the recorded calls) must be N(0, 1) in each coordinate (KS) and its two coordinates uncorrelated. One draw shared by a
    /// row's coordinates (randn(N, 1) broadcast) keeps both marginals and the loss's mean right; only the correlation shows it.
    /// </summary>
    [Test]
    public void PerturbsEachCoordinateWithItsOwnNoise()
    {
        const int n = 20000;
        var c = new Case("DenoisingLoss", $"{n} rows of x = 0, levels [1, 0.5, 0.25]", Hint);
        var score = ScoreModel.ZeroRecording(inputs: true);
        Student.DenoisingLoss(score, zeros(n, 2, dtype: float64), new[] { 1.0, 0.5, 0.25 }, Rng(48));
        if (score.Calls.Count == 0 || score.Calls.Any(k => k.xShape.Length != 2 || k.xShape[1] != 2 || k.sigma.Length != k.xShape[0]))
            Assert.Fail(c.Describe("the score was not called with x [rows, 2] and one sigma per row; pass x~ [rows, D] and sigma [rows]."));
        var z = cat(score.Calls.Select(k => tensor(k.x, dtype: float64).reshape(k.xShape) / tensor(k.sigma, dtype: float64).unsqueeze(1)).ToArray());
        Stats.AssertStandardNormal(z[.., 0], c with { Input = c.Input + ", (x~ - x) / sigma of the first coordinate" });
        Stats.AssertStandardNormal(z[.., 1], c with { Input = c.Input + ", (x~ - x) / sigma of the second coordinate" });
        Stats.AssertColumnsUncorrelated(z, c with { Input = c.Input + ", (x~ - x) / sigma" }, "the noises of coordinates");
    }

    /// <summary>
    /// With s(x~, sigma) = -(x~ - m) / sigma^2 the noise cancels and each term is ||m - x||^2 / sigma^4:
    /// with a single level the loss is deterministic and known exactly, within what a level held in float32 moves sigma^4
    /// (4 times <see cref="Float32Levels"/>); a mean instead of the sum, or another power of sigma, is off by a factor of 10 or more.
    /// </summary>
    [Test]
    public void MatchesClosedFormWhenTheNoiseCancels()
    {
        var x = randn(50, 2, dtype: float64, generator: Rng(42));
        var m = tensor(new[] { 0.5, -0.25 });
        const double sigma = 0.3;
        double expected = (m - x).square().sum().item<double>() / Math.Pow(sigma, 4);
        var c = new Case("DenoisingLoss", "single level 0.3, score -(x~ - m)/sigma^2 (the noise cancels)", Hint);
        double got = Numeric.Scalar(Student.DenoisingLoss(new ScoreModel(m, ones(1, dtype: float64), 0, 1), x, new[] { sigma }, Rng(43)), c);
        if (Math.Abs(got - expected) > 4 * Float32Levels * expected)
        {
            string why = Math.Abs(got * 50 - expected) < 1e-6 * expected ? " It looks like a mean over rows; the assignment's loss is a sum." : "";
            Assert.Fail(c.Describe($"expected {expected:G8}, got {got:G8}.{why}"));
        }
    }

    /// <summary>
    /// With the linear score s = -k (x~ - m), the loss's expectation and variance over the draws are
    /// known in closed form; the loss must lie within six standard deviations of its expectation.
    /// </summary>
    [Test]
    public void MeanMatchesClosedFormForALinearScore()
    {
        var levels = new[] { 1.0, 0.4, 0.1 };
        const int n = 20000, dim = 2;
        const double k = 0.7;
        var x = randn(n, dim, dtype: float64, generator: Rng(44));
        var m = tensor(new[] { 0.2, -0.1 });
        // term = ||a + b z||^2 with a = -k (x - m), b = 1/sigma - k sigma: mean |a|^2 + D b^2, variance 4 b^2 |a|^2 + 2 D b^4.
        var a2 = (x - m).square().sum(1) * k * k;
        double mean = 0, secondMoment = 0;
        foreach (double s in levels)
        {
            double b = 1 / s - k * s;
            var condMean = a2 + dim * b * b;
            var condVar = 4 * b * b * a2 + 2 * dim * Math.Pow(b, 4);
            mean += condMean.sum().item<double>() / levels.Length;
            secondMoment += (condVar + condMean.square()).sum().item<double>() / levels.Length;
        }
        // Rows are independent: Var(sum) = sum of per-row variances E[t^2] - E[t]^2.
        double rowMeanSquares = 0;
        var perRowMean = zeros(n, dtype: float64);
        foreach (double s in levels) perRowMean += (a2 + dim * Math.Pow(1 / s - k * s, 2)) / levels.Length;
        rowMeanSquares = perRowMean.square().sum().item<double>();
        double sd = Math.Sqrt(secondMoment - rowMeanSquares);
        var c = new Case("DenoisingLoss", $"{n} rows, levels [1, 0.4, 0.1], score -0.7 (x~ - m)", Hint);
        double got = Numeric.Scalar(Student.DenoisingLoss(new ScoreModel(m, tensor(new[] { k }), 1, 0), x, levels, Rng(45)), c);
        if (!(Math.Abs(got - mean) <= 6 * sd))
            Assert.Fail(c.Describe($"the loss's expectation is {mean:G6} (standard deviation {sd:G3}) but it was {got:G6}, more than 6 standard deviations away."));
    }

    /// <summary>The gradient with respect to the score's parameter matches central differences under a fixed seed.</summary>
    [Test]
    public void GradientInScoreParametersMatchesFiniteDifferences()
    {
        var x = randn(6, 2, dtype: float64, generator: Rng(46));
        GradCheck.AssertGradientsMatch(new Case("DenoisingLoss", "gradcheck in the score's parameters, noise fixed by a seed", Hint + " Keep the loss on the autograd graph."),
            a => Student.DenoisingLoss(new ScoreModel(a[0], a[1], 1, 0), x, new[] { 0.8, 0.2 }, Reseed(47)),
            new[] { tensor(new[] { 0.3, -0.2 }), tensor(new[] { 1.5, 0.5 }) }, new[] { "score mean", "score scale" });
    }
}
