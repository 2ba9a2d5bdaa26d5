using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.ElboStudy;

/// <summary>
/// CS/DS 552 HW2, problem 2: the scalar VAE z ~ N(0, 1), x | z ~ N(theta z, sigma2), q(z | x) = N(slope x, variance).
/// Expected values come from closed forms computed here in plain doubles: the marginal
/// p(x) = N(0, theta^2 + sigma2), the posterior by completing the square, and
/// ELBO = log p(x) - KL(q || p(z | x)), a second route to the same number.
/// </summary>
public sealed class FeelYourElboChecks : CheckBase
{
    /// <summary>200 data points drawn from N(0, 5) (theta = 2, sigma2 = 1), plus two far-out points.</summary>
    static double[] Data()
    {
        var x = (randn([200], dtype: float64, generator: new Generator(121)) * Math.Sqrt(5)).data<double>().ToList();
        x.AddRange([7.5, -9.0]);
        return x.ToArray();
    }

    static double LogMarginal(double[] x, double theta, double sigma2)
    {
        double s2 = theta * theta + sigma2;
        return x.Sum(v => -0.5 * (Math.Log(2 * Math.PI * s2) + v * v / s2));
    }

    static (double slope, double variance) TruePosterior(double theta, double sigma2) =>
        (theta / (theta * theta + sigma2), sigma2 / (theta * theta + sigma2));

    /// <summary>sum_i KL(N(slope x_i, variance) || N(s* x_i, v*)).</summary>
    static double KlToPosterior(double[] x, double theta, double sigma2, double slope, double variance)
    {
        var (s, v) = TruePosterior(theta, sigma2);
        return x.Sum(xi => 0.5 * (Math.Log(v / variance) + (variance + (slope * xi - s * xi) * (slope * xi - s * xi)) / v - 1));
    }

    static readonly (double theta, double sigma2)[] Models = [(0.0, 1.0), (0.5, 1.0), (2.0, 1.0), (3.0, 0.25), (-1.5, 2.0)];

    /// <summary>
    /// The quadrature log-likelihood equals the closed form sum_i log N(x_i | 0, theta^2 + sigma2) within 0.5 nats (on totals
    /// of -460 to -750) for 5 models. The grid's dtype is the student's: a float32 grid (torch's default for linspace) with
    /// its spacing taken as z[1] - z[0] is off by up to ulp(range) / h relative in h, the same for every data point, which
    /// costs 0.015 nats on [-12, 12] with 4,001 points and 0.27 on [-20, 20] with 100,000 (measured in PyTorch, float32
    /// against float64); a missing normaliser or grid spacing, or a grid too narrow for the two far-out points, costs 15 or more.
    /// </summary>
    [Test]
    public void QuadratureMatchesTheClosedForm()
    {
        var x = Data();
        foreach (var (theta, sigma2) in Models)
        {
            var c = new Case("FeelYourElbo.LogLikelihoodByQuadrature", $"theta = {theta}, sigma2 = {sigma2}, 202 points",
                "log p(x_i) = log integral N(x_i | theta z, sigma2) N(z | 0, 1) dz on a z grid (with the prior's density and the grid spacing), summed over i; work in log space.");
            Numeric.AssertClose(Student.LogLikelihoodByQuadrature(tensor(x, dtype: float64), theta, sigma2), LogMarginal(x, theta, sigma2), c, rtol: 0, atol: 0.5);
        }
    }

    /// <summary>The posterior equals the closed form for 5 models (within 1e-6 relative: float32 arithmetic is legal).</summary>
    [Test]
    public void PosteriorIsExact()
    {
        foreach (var (theta, sigma2) in Models)
        {
            var c = new Case("FeelYourElbo.Posterior", $"theta = {theta}, sigma2 = {sigma2}", "complete the square in z: precision 1 + theta^2 / sigma2, mean theta x / sigma2 / precision.");
            var (slope, variance) = Student.ElboPosterior(theta, sigma2);
            var (s, v) = TruePosterior(theta, sigma2);
            Numeric.AssertClose(slope, s, c with { Input = c.Input + ", slope" }, rtol: 1e-6, atol: 1e-9);
            Numeric.AssertClose(variance, v, c with { Input = c.Input + ", variance" }, rtol: 1e-6, atol: 1e-9);
        }
    }

    /// <summary>
    /// For 60 random (theta, sigma2, slope, variance) the ELBO equals log p(x) - KL(q || p(z | x)) and is
    /// at most log p(x); the gap is the KL, so it is 0 exactly where q is the posterior. Within 1e-5 relative: the same ELBO in
    /// float32 is off by at most 1.9e-7 relative over 200 such draws (PyTorch, against float64), a wrong term by 1e-3 or more.
    /// </summary>
    [Test]
    public void ElboIsTheLogLikelihoodMinusTheGap()
    {
        var x = Data();
        var g = new Generator(122);
        var draws = rand([60, 4], dtype: float64, generator: g).data<double>().ToArray();
        for (int k = 0; k < 60; k++)
        {
            double theta = draws[4 * k] * 6 - 3, sigma2 = 0.2 + 2 * draws[4 * k + 1], slope = draws[4 * k + 2] * 2 - 1, variance = 0.05 + 2 * draws[4 * k + 3];
            var c = new Case("FeelYourElbo.Elbo", $"theta = {theta:F3}, sigma2 = {sigma2:F3}, slope = {slope:F3}, variance = {variance:F3}",
                "ELBO = sum_i E_q[log p(x_i | z)] - KL(q(z | x_i) || N(0, 1)); E_q[(x - theta z)^2] = (x - theta m)^2 + theta^2 variance.");
            double logP = LogMarginal(x, theta, sigma2);
            double expected = logP - KlToPosterior(x, theta, sigma2, slope, variance);
            double elbo = Student.FeelYourElbo(tensor(x, dtype: float64), theta, sigma2, slope, variance);
            if (!(elbo <= logP + 1e-5 * Math.Abs(logP)))
                Assert.Fail(c.Describe($"the ELBO {elbo:G10} exceeds log p(x) = {logP:G10}; a lower bound never does (check the KL's sign)."));
            Numeric.AssertClose(elbo, expected, c, rtol: 1e-5, atol: 1e-7);
        }
    }

    /// <summary>With q set to the exact posterior (closed form), the ELBO equals log p(x) for 5 models (within 1e-5 relative, as above).</summary>
    [Test]
    public void ElboIsTightAtThePosterior()
    {
        var x = Data();
        foreach (var (theta, sigma2) in Models)
        {
            var c = new Case("FeelYourElbo.Elbo", $"q = p(z | x) for theta = {theta}, sigma2 = {sigma2}", "at the exact posterior the KL gap is zero, so ELBO = log p(x).");
            var (s, v) = TruePosterior(theta, sigma2);
            Numeric.AssertClose(Student.FeelYourElbo(tensor(x, dtype: float64), theta, sigma2, s, v), LogMarginal(x, theta, sigma2), c, rtol: 1e-5, atol: 1e-8);
        }
    }
}
