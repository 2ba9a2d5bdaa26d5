using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using GenAI.Course.Gmm;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Gmm;

/// <summary>
/// CS 4331/5331 HW2, problem 1: the GMM's log-density, sampler and Monte Carlo entropy. Expected
/// values come from explicit 2x2 formulas in plain doubles and from quadrature on a grid, never from
/// the reference.
/// </summary>
public sealed class MixtureChecks : CheckBase
{
    const string DensityHint = "log p(x) = logsumexp_k (log pi_k + log N(x | mu_k, Sigma_k)): take the log-sum-exp of the per-component log terms (summing exp(...) underflows far from the components or with weights like 1e-5).";

    static readonly double[] Degenerate = [1e-5, 1 - 2e-5, 1e-5];

    /// <summary>log p(x) by explicit 2x2 inverse and determinant and a max-shifted log-sum-exp, in doubles.</summary>
    internal static double LogDensity(GaussianMixture m, double x, double y) => LogDensity(Plain.Of(m), x, y);

    /// <summary>A 2-D mixture's parameters as plain arrays.</summary>
    internal sealed record Plain(double[] W, double[] Mu, double[] C)
    {
        public static Plain Of(GaussianMixture m) => new(m.Weights.data<double>().ToArray(), m.Means.data<double>().ToArray(), m.Covariances.data<double>().ToArray());
    }

    static double LogDensity(Plain m, double x, double y)
    {
        var (w, mu, c) = (m.W, m.Mu, m.C);
        Span<double> terms = stackalloc double[w.Length];
        for (int k = 0; k < w.Length; k++)
        {
            double a = c[4 * k], b = c[4 * k + 1], d = c[4 * k + 3], det = a * d - b * b;
            double dx = x - mu[2 * k], dy = y - mu[2 * k + 1];
            double q = (d * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
            terms[k] = Math.Log(w[k]) - Math.Log(2 * Math.PI) - 0.5 * Math.Log(det) - 0.5 * q;
        }
        double max = double.NegativeInfinity, sum = 0;
        foreach (double t in terms) max = Math.Max(max, t);
        foreach (double t in terms) sum += Math.Exp(t - max);
        return max + Math.Log(sum);
    }

    /// <summary>The grid [-14, 14]^2 with step h, as [G, 2], and h^2.</summary>
    static (Tensor points, double cell) Grid(double h = 0.04)
    {
        var axis = arange(-14, 14 + h / 2, h, dtype: float64);
        var mesh = meshgrid([axis, axis], indexing: "ij");
        return (stack([mesh[0].flatten(), mesh[1].flatten()], 1), h * h);
    }

    /// <summary>H(p) = -integral p log p by quadrature on the grid, with the check's own log-density.</summary>
    static double IntegratedEntropy(GaussianMixture m)
    {
        var (points, cell) = Grid();
        var p = points.data<double>().ToArray();
        var plain = Plain.Of(m);
        double h = 0;
        for (int i = 0; i < p.Length; i += 2)
        {
            double lp = LogDensity(plain, p[i], p[i + 1]);
            h -= Math.Exp(lp) * lp * cell;
        }
        return h;
    }

    /// <summary>log p with the assignment's weights at points near and far from the components equals the explicit formula (finite everywhere).</summary>
    [Test]
    public void LogDensityIsExactAndStable() => LogDensityMatches(false);

    /// <summary>The same with weights (1e-5, 1 - 2e-5, 1e-5) (problem 1.3).</summary>
    [Test]
    public void LogDensityIsExactWithTinyWeights() => LogDensityMatches(true);

    static void LogDensityMatches(bool degenerate)
    {
        var m = GaussianMixture.Assignment(degenerate ? Degenerate : null);
        var c = new Case("MixtureEntropy.LogDensity", degenerate ? "weights (1e-5, 1 - 2e-5, 1e-5)" : "weights (0.2, 0.5, 0.3)", DensityHint);
        double[] coordinates = [0, 0, -3, 0, 3, 2, 1.5, -1, 40, -35, -80, 60, 12, 12, 0.3, 7];
        var x = tensor(coordinates, [8, 2], dtype: float64);
        var expected = tensor(Enumerable.Range(0, 8).Select(i => LogDensity(m, coordinates[2 * i], coordinates[2 * i + 1])).ToArray(), dtype: float64);
        var got = Student.MixtureLogDensity(m, x);
        Numeric.AssertShape(got, [8], c);
        Numeric.AssertFinite(got, c);
        // Within 1e-6 relative: the assignment fixes no dtype, and the same formula in float32 is off by about 4e-8 of log p.
        Numeric.AssertClose(got, expected, c, rtol: 1e-6, atol: 1e-6);
    }

    /// <summary>exp(log p) integrates to 1 over the plane (midpoint quadrature on a 0.04 grid over [-14, 14]^2, within 1e-4).</summary>
    [Test]
    public void DensityIntegratesToOne()
    {
        var c = new Case("MixtureEntropy.LogDensity", "quadrature of exp(log p) over [-14, 14]^2", DensityHint);
        var (points, cell) = Grid();
        double total = Student.MixtureLogDensity(GaussianMixture.Assignment(), points).exp().sum().ToDouble() * cell;
        Numeric.AssertClose(total, 1, c, rtol: 0, atol: 1e-4);
    }

    /// <summary>
    /// Labels come up at the weights (Hoeffding), and the samples of each component, whitened with that component's own
    /// mean and covariance, are standard normal along each axis and both diagonals (KS, DKW bound; Bonferroni over all 15
    /// tests). The axes apart: mu + L^T z (the lower factor applied from the wrong side, covariance L^T L) whitens to
    /// variances 1.36 and 0.87 on the assignment's first component, which pooled into one sample looked standard normal.
    /// </summary>
    [Test]
    public void SamplesFollowTheirComponents()
    {
        var m = GaussianMixture.Assignment();
        var c = new Case("MixtureEntropy.Sample", "the assignment's mixture, 60000 samples",
            "draw k ~ Categorical(pi) for each sample, then x = mu_k + L_k z with L_k the Cholesky factor of Sigma_k; return labels as integers 0 .. K-1.");
        const int n = 60000;
        var (x, labels) = Student.MixtureSample(m, n, Rng(71));
        Numeric.AssertShape(x, [n, 2], c);
        Numeric.AssertShape(labels, [n], c with { Input = c.Input + ", labels" });
        var l = labels.to(int64).cpu();
        var weights = m.Weights.data<double>().ToArray();
        if ((l.lt(0) | l.ge(3)).any().ToBoolean()) Assert.Fail(c.Describe("labels must be component indices 0, 1 or 2."));
        for (int k = 0; k < 3; k++)
        {
            var mask = l.eq(k);
            long count = mask.sum().ToInt64();
            Stats.AssertFrequency(count, n, weights[k], c with { Input = c.Input + $", label {k}" }, Stats.FalseFailProbability / 15);
            var chol = linalg.cholesky(m.Covariances[k]);
            var white = linalg.solve_triangular(chol, (x.to(float64)[mask] - m.Means[k]).T, upper: false);
            var projections = new[] { ("first axis", white[0]), ("second axis", white[1]),
                ("diagonal (z1 + z2) / sqrt 2", (white[0] + white[1]) / Math.Sqrt(2)), ("diagonal (z1 - z2) / sqrt 2", (white[0] - white[1]) / Math.Sqrt(2)) };
            foreach (var (along, values) in projections)
                Stats.AssertStandardNormal(values, c with { Input = c.Input + $", whitened samples of component {k}, {along}" }, Stats.FalseFailProbability / 15);
        }
    }

    /// <summary>
    /// On given samples the estimate is -mean log p (explicit formula; within 1e-6 relative, as float32 log-densities give) and
    /// its standard error sd / sqrt(N) (either variance divisor).
    /// </summary>
    [Test]
    public void EntropyEstimateIsMinusTheMeanLogDensity()
    {
        var m = GaussianMixture.Assignment();
        var c = new Case("MixtureEntropy.EntropyEstimate", "20000 given points",
            "estimate = -(1/N) sum log p(x_i); standard error = standard deviation of log p(x_i) / sqrt(N).");
        var points = randn([20000, 2], dtype: float64, generator: Rng(72)) * 2;
        var p = points.data<double>().ToArray();
        var plain = Plain.Of(m);
        var logP = Enumerable.Range(0, 20000).Select(i => LogDensity(plain, p[2 * i], p[2 * i + 1])).ToArray();
        double mean = logP.Average(), sd = Math.Sqrt(logP.Sum(v => (v - mean) * (v - mean)) / (logP.Length - 1));
        var (estimate, standardError) = Student.MixtureEntropyEstimate(m, points);
        Numeric.AssertClose(estimate, -mean, c with { Input = c.Input + ", estimate" }, rtol: 1e-6, atol: 1e-6);
        Numeric.AssertClose(standardError, sd / Math.Sqrt(logP.Length), c with { Input = c.Input + ", standard error" }, rtol: 1e-3, atol: 0);
    }

    /// <summary>
    /// EstimateEntropy with 100,000 samples lands within 6 of its own standard errors (plus 1e-3 of
    /// quadrature error) of the entropy integrated on the grid.
    /// </summary>
    [Test]
    public void EstimateIsWithinItsBandOfTheIntegratedEntropy() => EstimateWithinBand(false);

    /// <summary>The same for weights (1e-5, 1 - 2e-5, 1e-5) (problem 1.3), whose entropy is close to the middle component's.</summary>
    [Test]
    public void EstimateWithTinyWeightsIsWithinItsBand() => EstimateWithinBand(true);

    static void EstimateWithinBand(bool degenerate)
    {
        var m = GaussianMixture.Assignment(degenerate ? Degenerate : null);
        var c = new Case("MixtureEntropy.EstimateEntropy", degenerate ? "weights (1e-5, 1 - 2e-5, 1e-5), 100000 samples" : "weights (0.2, 0.5, 0.3), 100000 samples",
            "sample from the mixture you are given (not another one) and return EntropyEstimate on those samples.");
        double truth = IntegratedEntropy(m);
        var (estimate, standardError) = Student.MixtureEstimateEntropy(m, 100000, Rng(73));
        if (!(standardError > 0)) Assert.Fail(c.Describe($"the standard error {standardError} is not positive."));
        double band = 6 * standardError + 1e-3;
        if (!(Math.Abs(estimate - truth) <= band))
            Assert.Fail(c.Describe($"the estimate {estimate:F4} ± {standardError:F4} is {Math.Abs(estimate - truth):F4} from the entropy {truth:F4} integrated on a grid (allowed {band:F4})."));
    }

    /// <summary>
    /// The single Gaussian's entropy equals D/2 (1 + log 2 pi) + 1/2 sum log lambda_i (eigenvalues), for two random 2x2
    /// covariances: the assignment's Gaussians are 2-D, so an entropy with D = 2 written in (log(2 pi e) + 1/2 log det) is right.
    /// </summary>
    [TestCase(76)]
    [TestCase(78)]
    public void GaussianEntropyMatchesClosedForm(int seed)
    {
        const int d = 2;
        var c = new Case("MixtureEntropy.GaussianEntropy", $"a random {d}x{d} covariance (seed {seed})", "H = D/2 (1 + log 2 pi) + 1/2 log det Sigma.");
        var a = randn([d, d], dtype: float64, generator: Rng(seed));
        var covariance = a.matmul(a.T) + eye(d, dtype: float64);
        double expected = 0.5 * d * (1 + Math.Log(2 * Math.PI)) + 0.5 * linalg.eigvalsh(covariance).log().sum().ToDouble();
        Numeric.AssertClose(Student.GaussianEntropy(covariance), expected, c, rtol: 1e-6, atol: 1e-6);
    }
}
