using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.ScoreMatching;

/// <summary>CS 446 HW5 4(c): annealed Langevin dynamics, Algorithm 1.</summary>
public sealed class LangevinChecks : CheckBase
{
    const string Hint = "for each sigma_i in order: alpha_i = eps * sigma_i^2 / sigma_L^2 with sigma_L the last (smallest) level; T times x = x + alpha_i/2 * score(x, sigma_i) + sqrt(alpha_i) * z.";

    static readonly double[] Levels = { 1.0, 0.46, 0.22, 0.1 };

    /// <summary>The score is called T times per level, in the given order, on [N, D] with one sigma per row.</summary>
    [Test]
    public void VisitsEveryLevelInOrderTTimes()
    {
        var c = new Case("AnnealedLangevinDynamics", "4 levels, T = 3, N = 5, D = 2", Hint);
        var score = ScoreModel.ZeroRecording();
        Student.AnnealedLangevinDynamics(score, zeros(5, 2, dtype: float64), Levels, 0.01, 3, Rng(51));
        var calls = score.Calls.Select(k => (sigma: k.sigma.Length > 0 ? k.sigma[0] : double.NaN, k.xShape, sigmaCount: k.sigma.Length)).ToList();
        var sigmas = calls.Select(k => k.sigma).ToArray();
        var expected = Levels.SelectMany(s => Enumerable.Repeat(s, 3)).ToArray();
        Assert.That(sigmas, Is.EqualTo(expected).Within(1e-12), c.Describe($"the score saw sigmas [{string.Join(", ", sigmas)}]; expected each level T = 3 times in order."));
        Assert.That(calls.All(k => k.xShape.SequenceEqual(new long[] { 5, 2 }) && k.sigmaCount == 5), Is.True,
            c.Describe("the score must get x [N, D] and sigma [N] (one level per row)."));
    }

    /// <summary>
    /// For a Gaussian target N(m, v) with the exact score -(x - m)/(v + sigma^2), the chain is linear
    /// and its law after every step is Gaussian with a mean and variance that follow a recursion;
    /// from a fixed start the final samples are N(mean_T, var_T) exactly (DKW-bounded KS test).
    /// </summary>
    [Test]
    public void FinalSamplesFollowTheExactLaw()
    {
        const double m = 1.5, v = 0.5, eps = 0.008;
        const int steps = 20, n = 20000;
        double mean = -1, variance = 0;
        double sigmaL = Levels[^1];
        foreach (double s in Levels)
        {
            double alpha = eps * s * s / (sigmaL * sigmaL), a = 1 - alpha / (2 * (v + s * s));
            for (int t = 0; t < steps; t++) { mean = a * mean + alpha / 2 * m / (v + s * s); variance = a * a * variance + alpha; }
        }
        var x0 = full(n, 2, -1.0, dtype: float64);
        var c = new Case("AnnealedLangevinDynamics", $"Gaussian target N(1.5, 0.5), levels [1, 0.46, 0.22, 0.1], eps = {eps}, T = {steps}, {n} chains", Hint);
        var (x, x0After) = Student.AnnealedLangevinDynamics(new ScoreModel(full(2, m, dtype: float64), ones(1, dtype: float64), v, 1), x0, Levels, eps, steps, Rng(52));
        Numeric.AssertShape(x, new long[] { n, 2 }, c);
        Assert.That(x0After.eq(-1.0).all().item<bool>(), Is.True, c.Describe("x0 was modified in place; work on a copy."));
        Stats.AssertStandardNormal((x.to(float64) - mean) / Math.Sqrt(variance), c with { Input = c.Input + $" (exact law N({mean:F4}, {variance:F4}))" });
    }
}
