using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Elbo;

/// <summary>CS 4331 HW2 2.2: <c>kl_diag_normal(mu, logvar)</c> = KL(N(mu, diag(exp(logvar))) || N(0, I)).</summary>
public sealed class KlDiagNormalChecks : CheckBase
{
    const string Hint = "KL = -1/2 * sum over the last dimension of (1 + logvar - mu^2 - exp(logvar)); logvar is a log-variance, and the sign makes KL >= 0.";

    /// <summary>
    /// Values against the general Gaussian formula 1/2 [tr(S) + mu^T mu - K - log det S] with
    /// S = diag(exp(logvar)), evaluated in double precision (a second method, not Eq. 2 itself).
    /// </summary>
    [Test]
    public void MatchesGeneralGaussianFormula()
    {
        var rng = Rng(24);
        var mu = randn(4, 3, dtype: float64, generator: rng);
        var logvar = randn(4, 3, dtype: float64, generator: rng);
        var expected = new double[4];
        for (int b = 0; b < 4; b++)
        {
            double trace = 0, quad = 0, logDet = 0;
            for (int k = 0; k < 3; k++)
            {
                double variance = Math.Exp(logvar[b, k].item<double>()), m = mu[b, k].item<double>();
                trace += variance; quad += m * m; logDet += Math.Log(variance);
            }
            expected[b] = 0.5 * (trace + quad - 3 - logDet);
        }
        Numeric.AssertClose(Student.KlDiagNormal(mu, logvar), tensor(expected), new Case("KlDiagNormal", "mu, logvar [4, 3]", Hint), rtol: 1e-6);
    }

    /// <summary>KL is 0 when the posterior is the prior and positive otherwise.</summary>
    [Test]
    public void IsZeroAtThePriorAndPositiveElsewhere()
    {
        var c = new Case("KlDiagNormal", "mu = 0, logvar = 0 (posterior equals prior)", Hint);
        Numeric.AssertClose(Student.KlDiagNormal(zeros(2, 4, dtype: float64), zeros(2, 4, dtype: float64)), zeros(2, dtype: float64), c);
        var kl = Student.KlDiagNormal(tensor(new[,] { { 1.0, -0.5 } }), tensor(new[,] { { 0.7, -1.2 } }));
        double value = Numeric.Scalar(kl, c with { Input = "mu = [1, -0.5], logvar = [0.7, -1.2]" });
        Assert.That(value, Is.GreaterThan(0), c.Describe($"KL was {value:G6}; a KL divergence is never negative (check the sign)."));
    }

    /// <summary>Gradients in mu and logvar match central differences (gradcheck).</summary>
    [Test]
    public void GradientsMatchFiniteDifferences()
    {
        var rng = Rng(25);
        GradCheck.AssertGradientsMatch(new Case("KlDiagNormal", "gradcheck on [2, 3]", Hint),
            a => Student.KlDiagNormal(a[0], a[1]), new[] { randn(2, 3, dtype: float64, generator: rng), randn(2, 3, dtype: float64, generator: rng) },
            new[] { "mu", "logvar" });
    }
}
