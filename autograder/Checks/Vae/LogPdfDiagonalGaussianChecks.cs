using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Vae;

/// <summary>CS 446 HW5 2(b)i: <c>logpdf_diagonal_gaussian(z, mu, sigma_square)</c>.</summary>
public sealed class LogPdfDiagonalGaussianChecks : CheckBase
{
    const string Hint = "return sum over the last dimension of -0.5*(log(2*pi) + log(sigmaSquare) + (z-mu)^2/sigmaSquare); sigmaSquare is a variance (not a standard deviation or a log-variance), and the reduction is a sum, not a mean.";

    static double Expected(double[] z, double[] mu, double[] v)
    {
        double s = 0;
        for (int d = 0; d < z.Length; d++) s += -0.5 * Math.Log(2 * Math.PI * v[d]) - (z[d] - mu[d]) * (z[d] - mu[d]) / (2 * v[d]);
        return s;
    }

    /// <summary>Values for a [4, 3] batch with per-row means and variances, against the closed form evaluated in double precision.</summary>
    [Test]
    public void MatchesClosedFormPerSample()
    {
        var rng = Rng(1);
        var z = randn(4, 2, dtype: float64, generator: rng) * 2;
        var mu = randn(4, 2, dtype: float64, generator: rng);
        var v = rand(4, 2, dtype: float64, generator: rng) * 3 + 0.2;
        var expected = new double[4];
        for (int b = 0; b < 4; b++)
            expected[b] = Expected(Row(z, b), Row(mu, b), Row(v, b));
        var got = Student.LogPdfDiagonalGaussian(z, mu, v);
        Numeric.AssertClose(got, tensor(expected), new Case("LogPdfDiagonalGaussian", "[4, 2] batch, per-row mu and sigmaSquare", Hint), rtol: 1e-6);
    }

    /// <summary>A 1-D prior mu [D], sigmaSquare [D] must broadcast against z [B, D], as the ELBO's prior term does.</summary>
    [Test]
    public void BroadcastsOneDimensionalPrior()
    {
        var z = randn(5, 2, dtype: float64, generator: Rng(2));
        var mu = tensor(new[] { 0.5, -1.0 });
        var v = tensor(new[] { 2.0, 0.5 });
        var expected = new double[5];
        for (int b = 0; b < 5; b++) expected[b] = Expected(Row(z, b), new[] { 0.5, -1.0 }, new[] { 2.0, 0.5 });
        Numeric.AssertClose(Student.LogPdfDiagonalGaussian(z, mu, v), tensor(expected),
            new Case("LogPdfDiagonalGaussian", "z [5, 2] against a 1-D prior mu [2], sigmaSquare [2]", "use broadcasting tensor operations and reduce over the last dimension only (dim -1)."), rtol: 1e-6);
    }

    /// <summary>Works on float32 inputs too (the decoder's and encoder's dtype); the assignment fixes no dtype for the result, so any is accepted.</summary>
    [Test]
    public void WorksInFloat32()
    {
        var z = randn(3, 2, generator: Rng(3));
        var got = Student.LogPdfDiagonalGaussian(z, zeros(3, 2), ones(3, 2));
        var expected = (-0.5 * (Math.Log(2 * Math.PI) + z.to(float64).square())).sum(-1);
        Numeric.AssertClose(got, expected, new Case("LogPdfDiagonalGaussian", "float32 standard normal, [3, 2]", Hint), rtol: 1e-5, atol: 1e-5);
    }

    /// <summary>Gradients in z, mu and sigmaSquare match central differences (gradcheck).</summary>
    [Test]
    public void GradientsMatchFiniteDifferences()
    {
        var rng = Rng(4);
        var z = randn(2, 3, dtype: float64, generator: rng);
        var mu = randn(2, 3, dtype: float64, generator: rng);
        var v = rand(2, 3, dtype: float64, generator: rng) + 0.5;
        GradCheck.AssertGradientsMatch(new Case("LogPdfDiagonalGaussian", "gradcheck on [2, 3]", Hint),
            a => Student.LogPdfDiagonalGaussian(a[0], a[1], a[2]), new[] { z, mu, v }, new[] { "z", "mu", "sigmaSquare" });
    }

    internal static double[] Row(Tensor t, long b) => t[b].data<double>().ToArray();
}
