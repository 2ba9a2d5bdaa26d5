using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Elbo;

/// <summary>
/// CS 4331 HW2 2.2: <c>negative_log_likelihood(x, recon_x)</c> of a unit-variance Gaussian. The
/// constant (D/2) log(2 pi) is the student's choice, so values are graded as differences (which
/// the constant cannot blur) plus a check that the constant is either 0 or exactly (D/2) log(2 pi).
/// </summary>
public sealed class NegativeLogLikelihoodChecks : CheckBase
{
    const string Hint = "-log N(x; recon_x, I) = 0.5 * sum over the last dimension of (x - recon_x)^2 (+ the constant D/2 * log(2 pi)): one value per row, with the factor 1/2.";

    /// <summary>
    /// How far a correct (D/2) log(2 pi) may be from the exact one: 1e-9 plus two float32 roundings of
    /// log(2 pi) (a constant built as torch.log(2 * torch.tensor(np.pi)) is float32), times D/2.
    /// </summary>
    internal static double ConstantTolerance(int d) => 1e-9 + 0.5 * d * Math.Log(2 * Math.PI) * Math.Pow(2, -22);

    /// <summary>NLL(x, r) - NLL(x, x) equals 0.5 * sum_d (x_d - r_d)^2 per row.</summary>
    [Test]
    public void DifferencesMatchHalfSquaredError()
    {
        var rng = Rng(21);
        var x = rand(4, 6, dtype: float64, generator: rng);
        var r = randn(4, 6, dtype: float64, generator: rng);
        var c = new Case("NegativeLogLikelihood", "x [4, 6] against recon_x [4, 6], minus NLL(x, x)", Hint);
        var got = Student.NegativeLogLikelihood(x, r);
        Numeric.AssertShape(got, new long[] { 4 }, c);
        var expected = new double[4];
        for (int b = 0; b < 4; b++)
            for (int d = 0; d < 6; d++) expected[b] += 0.5 * Math.Pow(x[b, d].item<double>() - r[b, d].item<double>(), 2);
        Numeric.AssertClose(got - Student.NegativeLogLikelihood(x, x), tensor(expected), c, rtol: 1e-6);
    }

    /// <summary>NLL(x, x) is 0 or (D/2) log(2 pi) for every row: the normalising constant, if present, is the right one.</summary>
    [Test]
    public void ConstantIsZeroOrHalfLogTwoPiPerDimension()
    {
        var x = rand(3, 5, dtype: float64, generator: Rng(22));
        var c = new Case("NegativeLogLikelihood", "recon_x = x, D = 5", Hint);
        var got = Student.NegativeLogLikelihood(x, x);
        Numeric.AssertShape(got, new long[] { 3 }, c);
        double full = 2.5 * Math.Log(2 * Math.PI), tolerance = ConstantTolerance(5);
        foreach (double value in got.to(float64).data<double>().ToArray())
            if (!(Math.Abs(value) <= 1e-9 || Math.Abs(value - full) <= tolerance))
                Assert.Fail(c.Describe($"a perfect reconstruction gave {value:G12}; expected 0 (no constant) or (D/2) log(2 pi) = {full:G12} " +
                    $"(|diff| {Math.Min(Math.Abs(value), Math.Abs(value - full)):G3} > tolerance {tolerance:G3})."));
    }

    /// <summary>The gradient in recon_x matches central differences (gradcheck).</summary>
    [Test]
    public void GradientMatchesFiniteDifferences()
    {
        var rng = Rng(23);
        var x = rand(2, 3, dtype: float64, generator: rng);
        var r = randn(2, 3, dtype: float64, generator: rng);
        GradCheck.AssertGradientsMatch(new Case("NegativeLogLikelihood", "gradcheck in recon_x on [2, 3]", Hint),
            a => Student.NegativeLogLikelihood(x, a[0]), new[] { r }, new[] { "recon_x" });
    }
}
