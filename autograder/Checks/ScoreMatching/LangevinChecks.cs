using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.ScoreMatching;

/// <summary>CS 446 HW5 4(c): annealed Langevin dynamics, Algorithm 1.</summary>
public sealed class LangevinChecks : CheckBase
{
    const string Hint = "take the noise levels in the order given, largest first (Algorithm 1 anneals from coarse to fine, although 4(a) numbers them increasingly): alpha_i = eps * sigma_i^2 / sigma_L^2 with sigma_L the last (smallest) level (or the largest, as 4(a)'s numbering reads: both are accepted); T times x = x + alpha_i/2 * score(x, sigma_i) + sqrt(alpha_i) * z, with the score taken at the current x, before the step's noise is added.";

    static readonly double[] Levels = { 1.0, 0.46, 0.22, 0.1 };

    /// <summary>
    /// The sigma_L of alpha_i = eps sigma_i^2 / sigma_L^2 that the assignment allows for <paramref name="levels"/> (largest
    /// first): the last level, as in Algorithm 1's source (NCSN) and the handout, and the largest, as 4(a)'s sentence
    /// "sigma_1 &lt; sigma_2 ... &lt; sigma_L" names it; a public CS 446 solution reads it so. The two differ by a constant
    /// factor of eps, which the assignment has students tune.
    /// </summary>
    static double[] AllowedSigmaL(double[] levels) => [levels[^1], levels.Max()];

    /// <summary>The score is called T times per level, in the given order, on [N, D] with one sigma per row (a level may be rounded to float32).</summary>
    [Test]
    public void VisitsEveryLevelInOrderTTimes()
    {
        var c = new Case("AnnealedLangevinDynamics", "4 levels, T = 3, N = 5, D = 2", Hint);
        var score = ScoreModel.ZeroRecording();
        Student.AnnealedLangevinDynamics(score, zeros(5, 2, dtype: float64), Levels, 0.01, 3, Rng(51));
        var calls = score.Calls.Select(k => (sigma: k.sigma.Length > 0 ? k.sigma[0] : double.NaN, k.xShape, sigmaCount: k.sigma.Length)).ToList();
        var sigmas = calls.Select(k => k.sigma).ToArray();
        var expected = Levels.SelectMany(s => Enumerable.Repeat(s, 3)).ToArray();
        Assert.That(sigmas.Zip(expected).All(p => Math.Abs(p.First - p.Second) <= DenoisingLossChecks.Float32Levels * p.Second) && sigmas.Length == expected.Length, Is.True, c.Describe($"the score saw sigmas [{string.Join(", ", sigmas)}]; expected each level T = 3 times, in the order given (largest first)."));
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
        (double mean, double variance) Law(double sigmaL)
        {
            double mean = -1, variance = 0;
            foreach (double s in Levels)
            {
                double alpha = eps * s * s / (sigmaL * sigmaL), a = 1 - alpha / (2 * (v + s * s));
                for (int t = 0; t < steps; t++) { mean = a * mean + alpha / 2 * m / (v + s * s); variance = a * a * variance + alpha; }
            }
            return (mean, variance);
        }
        var x0 = full(n, 2, -1.0, dtype: float64);
        var c = new Case("AnnealedLangevinDynamics", $"Gaussian target N(1.5, 0.5), levels [1, 0.46, 0.22, 0.1], eps = {eps}, T = {steps}, {n} chains", Hint);
        var (x, _) = Student.AnnealedLangevinDynamics(new ScoreModel(full(2, m, dtype: float64), ones(1, dtype: float64), v, 1), x0, Levels, eps, steps, Rng(52));
        Numeric.AssertShape(x, new long[] { n, 2 }, c);
        // The law of the allowed sigma_L nearest the sample mean (in its standard errors) is the one tested.
        double sampleMean = x.to(float64).mean().item<double>();
        var (mean, variance) = AllowedSigmaL(Levels).Select(Law).MinBy(l => Math.Abs(sampleMean - l.mean) / Math.Sqrt(l.variance));
        Stats.AssertStandardNormal((x.to(float64) - mean) / Math.Sqrt(variance), c with { Input = c.Input + $" (exact law N({mean:F4}, {variance:F4}))" });
    }
    /// <summary>The start x0 is the caller's: the function works on a copy (the handout says so), checked apart from the chain's law.</summary>
    [Test]
    public void LeavesTheStartUnchanged()
    {
        var c = new Case("AnnealedLangevinDynamics", "x0 = -1 everywhere, [100, 2], levels [1, 0.46, 0.22, 0.1], eps = 0.008, T = 2", Hint);
        var (_, x0After) = Student.AnnealedLangevinDynamics(new ScoreModel(full(2, 1.5, dtype: float64), ones(1, dtype: float64), 0.5, 1),
            full(100, 2, -1.0, dtype: float64), Levels, 0.008, 2, Rng(50));
        Assert.That(x0After.eq(-1.0).all().item<bool>(), Is.True, c.Describe("x0 was modified in place; work on a copy (x = x0.clone()), as the handout's doc comment asks."));
    }

    /// <summary>Tolerance of <see cref="DriftMatchesSnapshot"/>.</summary>
    public const double SnapshotTolerance = 1e-4;

    /// <summary>eps of <see cref="DriftMatchesSnapshot"/>: sqrt(alpha_i) is at most 1e-10 * sigma_1 / sigma_L = 1e-9.</summary>
    public const double SnapshotEps = 1e-20;

    /// <summary>
    /// Snapshot of annealed Langevin dynamics with its noise made negligible: 64 chains started on an 8x8 grid of [-2, 2]^2,
    /// levels [1, 0.46, 0.22, 0.1], T = 1, 2 and 3, eps = 1e-20 and the score s(x, sigma) = -c (x - m) / sigma^2 with c chosen
    /// per coordinate so that alpha_i / 2 * s = -k (x - m) with k = (0.15, 0.08) at every level when alpha_i = eps sigma_i^2 /
    /// sigma_L^2 (Algorithm 1). The picture shows each chain's final coordinates (rows x1 and x2, one column per T, each an 8x8
    /// image of the grid of starts). The function draws its noise in an order the assignment leaves free, so no fixed noise can
    /// be handed to it; here the noise term sqrt(alpha_i) z is at most 1e-9 |z| per step, so over 12 steps even |z| = 1,000
    /// (which no standard normal draw reaches) moves a coordinate by at most 1.2e-5, while the drift moves it by order one:
    /// the snapshot sees Algorithm 1's step sizes (alpha_i, the 1/2, sigma_L the last level, T steps per level) and is blind
    /// to the noise's scale, which <see cref="FewStepsHaveTheExactMeanAndVariance"/> judges. A score taken at the noised point
    /// moves by k times the noise, as negligible. Tolerance 1e-4 on coordinates of size 2: twelve float32 steps of
    /// x - k (x - m) err by about 12 ulp (3e-6), and the harness tests require the reference's float32 run within a tenth.
    /// </summary>
    [Test]
    public void DriftMatchesSnapshot() =>
        ImageSnapshot.Match(DriftedGrid, SnapshotTolerance, new Case("AnnealedLangevinDynamics",
                "64 chains from an 8x8 grid of [-2, 2]^2, levels [1, 0.46, 0.22, 0.1], T = 1, 2, 3, eps = 1e-20 (noise below 1e-8), score -c (x - m) / sigma^2 with m = (0.5, -0.25)", Hint),
            (-2, 2), ["x1 after the chain", "x2 after the chain"], ["T = 1", "T = 2", "T = 3"],
            alternative: dtype => DriftedGrid(dtype, Levels.Max()));

    /// <summary>The snapshot's final coordinates in <paramref name="dtype"/>, [2, 3, 8, 8].</summary>
    public static Tensor DriftedGrid(ScalarType dtype) => DriftedGrid(dtype, Levels[^1]);

    /// <summary>
    /// The final coordinates with the score scaled for alpha_i's <paramref name="sigmaL"/>: the last level gives the
    /// snapshot, the largest gives the same picture for a function that reads sigma_L as 4(a)'s numbering does.
    /// </summary>
    static Tensor DriftedGrid(ScalarType dtype, double sigmaL)
    {
        var k = tensor(new[] { 0.15, 0.08 }, dtype: float64);
        var mean = tensor(new[] { 0.5, -0.25 }, dtype: float64).to(dtype);
        var scale = (k * (2 * sigmaL * sigmaL / SnapshotEps)).to(dtype);
        var axis = linspace(-2, 2, 8, dtype: float64);
        var x0 = stack([axis.repeat(8), axis.repeat_interleave(8)], 1).to(dtype);
        var c = new Case("AnnealedLangevinDynamics", "64 chains, 2 coordinates", Hint);
        var columns = new List<Tensor>();
        foreach (int steps in new[] { 1, 2, 3 })
        {
            var (x, _) = Student.AnnealedLangevinDynamics(new ScoreModel(mean, scale, 0, 1), x0, Levels, SnapshotEps, steps, Rng(54 + steps));
            Numeric.AssertShape(x, [64, 2], c);
            columns.Add(x.to(dtype).t().reshape(2, 8, 8));
        }
        return stack(columns, 1);
    }

    /// <summary>How one step moves a chain's Gaussian law under a linear score: Algorithm 1, or a published mistake.</summary>
    enum Rule
    {
        /// <summary>x + alpha/2 * s(x) + sqrt(alpha) * z.</summary>
        Algorithm1,
        /// <summary>x + alpha * s(x) + sqrt(2 alpha) * z, the step convention of other papers, with Algorithm 1's alpha.</summary>
        FullStepWithDoubledNoise,
        /// <summary>x + sqrt(alpha) * z first, then the score evaluated at the noised point.</summary>
        ScoreAfterNoise,
    }

    /// <summary>The law (mean, variance) of one coordinate after a step of <paramref name="rule"/> with score -k (x - m).</summary>
    static (double mean, double variance) Step((double mean, double variance) law, double alpha, double k, double m, Rule rule) => rule switch
    {
        Rule.Algorithm1 => ((1 - alpha * k / 2) * law.mean + alpha * k * m / 2, Math.Pow(1 - alpha * k / 2, 2) * law.variance + alpha),
        Rule.FullStepWithDoubledNoise => ((1 - alpha * k) * law.mean + alpha * k * m, Math.Pow(1 - alpha * k, 2) * law.variance + 2 * alpha),
        _ => ((1 - alpha * k / 2) * law.mean + alpha * k * m / 2, Math.Pow(1 - alpha * k / 2, 2) * (law.variance + alpha)),
    };

    /// <summary>
    /// A few steps, checked by their exact law: with the Gaussian target N(m, v)'s score -(x - m)/(v + sigma^2)
    /// every step is linear, so chains started at one point are Gaussian after each step, with a mean and
    /// variance that a recursion gives exactly. eps makes alpha_1 / (v + sigma_1^2) = 1, where Algorithm 1's
    /// step, the x + alpha*s + sqrt(2 alpha)*z convention and a score evaluated after the noise is added have
    /// laws many standard errors apart (a long chain forgets which one ran). The sample mean and variance of
    /// 40,000 coordinates must lie within 6 standard errors of Algorithm 1's (false-fail probability about
    /// 4e-9), whatever order the noise is drawn in.
    /// </summary>
    [TestCase(new[] { 0.1 }, 1, 0.05)]
    [TestCase(new[] { 0.2, 0.1 }, 2, 0.02)]
    public void FewStepsHaveTheExactMeanAndVariance(double[] levels, int steps, double eps)
    {
        const double m = 1.5, v = 0.04, start = -1;
        const int n = 20000;
        (double mean, double variance) Law(Rule rule, double sigmaL)
        {
            var law = (mean: start, variance: 0.0);
            foreach (double s in levels)
            {
                double alpha = eps * s * s / (sigmaL * sigmaL), k = 1 / (v + s * s);
                for (int t = 0; t < steps; t++) law = Step(law, alpha, k, m, rule);
            }
            return law;
        }
        var (mean, variance) = Law(Rule.Algorithm1, levels[^1]);
        var c = new Case("AnnealedLangevinDynamics",
            $"Gaussian target N(1.5, 0.04) with its exact score, levels [{string.Join(", ", levels)}], eps = {eps}, T = {steps}, {n} chains from x0 = -1", Hint);
        var (x, _) = Student.AnnealedLangevinDynamics(new ScoreModel(full(2, m, dtype: float64), ones(1, dtype: float64), v, 1),
            full(n, 2, start, dtype: float64), levels, eps, steps, Rng(53 + levels.Length));
        Numeric.AssertShape(x, new long[] { n, 2 }, c);
        var values = x.detach().cpu().to(float64).flatten();
        Numeric.AssertFinite(values, c);
        Stats.AssertColumnsUncorrelated(x, c, "the chains' coordinates");
        long count = values.numel();
        double gotMean = values.mean().item<double>(), gotVariance = values.var().item<double>();
        bool Matches((double mean, double variance) law) =>
            Math.Abs(gotMean - law.mean) <= 6 * Math.Sqrt(law.variance / count) && Math.Abs(gotVariance - law.variance) <= 6 * law.variance * Math.Sqrt(2.0 / (count - 1));
        double[] allowed = AllowedSigmaL(levels);
        if (allowed.Any(sigmaL => Matches(Law(Rule.Algorithm1, sigmaL)))) return;
        string why = allowed.Any(sigmaL => Matches(Law(Rule.FullStepWithDoubledNoise, sigmaL))) ? " This is the law of x + alpha*s + sqrt(2 alpha)*z; Algorithm 1 steps by alpha/2 * s and adds sqrt(alpha) * z."
                   : allowed.Any(sigmaL => Matches(Law(Rule.ScoreAfterNoise, sigmaL))) ? " This is the law of a step that adds the noise first and evaluates the score at the noised point; evaluate s(x, sigma_i) at the current x."
                   : "";
        Assert.Fail(c.Describe(
            $"after the last step the samples should be N({mean:G6}, {variance:G6}) exactly; their mean is {gotMean:G6} " +
            $"(|diff| {Math.Abs(gotMean - mean):G3}, allowed {6 * Math.Sqrt(variance / count):G3}) and variance {gotVariance:G6} " +
            $"(|diff| {Math.Abs(gotVariance - variance):G3}, allowed {6 * variance * Math.Sqrt(2.0 / (count - 1)):G3}).{why}"));
    }
}
