using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Elbo;

/// <summary>
/// CS 4331 HW2 2.2: <c>negative_log_likelihood(x, recon_x)</c> of a unit-variance Gaussian. The
/// constant (D/2) log(2 pi) is the student's choice, so values are graded as differences (which
/// the constant cannot blur) plus a check that the constant is either 0 or exactly (D/2) log(2 pi). Rows have the homework's
/// D = 784 pixels: the MNIST losses students start from write <c>x.view(-1, 784)</c>, which is right on every input of the
/// homework (a correct one lost 2.2a when these checks used 3 to 6 columns).
/// </summary>
public sealed class NegativeLogLikelihoodChecks : CheckBase
{
    const string Hint = "-log N(x; recon_x, I) = 0.5 * sum over the last dimension of (x - recon_x)^2 (+ the constant D/2 * log(2 pi)): one value per row, with the factor 1/2.";

    /// <summary>
    /// How far a correct (D/2) log(2 pi) may be from the exact one: 1e-9 plus two float32 roundings of
    /// log(2 pi) (a constant built as torch.log(2 * torch.tensor(np.pi)) is float32), times D/2.
    /// </summary>
    internal static double ConstantTolerance(int d) => 1e-9 + 0.5 * d * Math.Log(2 * Math.PI) * Math.Pow(2, -22);

    /// <summary>The homework's pixels per image.</summary>
    internal const int Pixels = 784;

    /// <summary>0.5 * sum_d (x_d - r_d)^2 per row, in plain double arithmetic.</summary>
    internal static double[] HalfSquaredErrors(Tensor x, Tensor r)
    {
        double[] xs = x.to(float64).flatten().data<double>().ToArray(), rs = r.to(float64).flatten().data<double>().ToArray();
        int rows = (int)x.shape[0], d = (int)x.shape[1];
        return Enumerable.Range(0, rows).Select(b => Enumerable.Range(b * d, d).Sum(i => 0.5 * (xs[i] - rs[i]) * (xs[i] - rs[i]))).ToArray();
    }

    /// <summary>NLL(x, r) - NLL(x, x) equals 0.5 * sum_d (x_d - r_d)^2 per row.</summary>
    [Test]
    public void DifferencesMatchHalfSquaredError()
    {
        var rng = Rng(21);
        var x = rand(4, Pixels, dtype: float64, generator: rng);
        var r = randn(4, Pixels, dtype: float64, generator: rng);
        var c = new Case("NegativeLogLikelihood", "x [4, 784] against recon_x [4, 784], minus NLL(x, x)", Hint);
        var got = Student.NegativeLogLikelihood(x, r);
        Numeric.AssertShape(got, new long[] { 4 }, c);
        Numeric.AssertClose(got - Student.NegativeLogLikelihood(x, x), tensor(HalfSquaredErrors(x, r)), c, rtol: 1e-6);
    }

    /// <summary>NLL(x, x) is 0 or (D/2) log(2 pi) for every row: the normalising constant, if present, is the right one.</summary>
    [Test]
    public void ConstantIsZeroOrHalfLogTwoPiPerDimension()
    {
        var x = rand(3, Pixels, dtype: float64, generator: Rng(22));
        var c = new Case("NegativeLogLikelihood", "recon_x = x, D = 784", Hint);
        var got = Student.NegativeLogLikelihood(x, x);
        Numeric.AssertShape(got, new long[] { 3 }, c);
        double full = Pixels / 2.0 * Math.Log(2 * Math.PI), tolerance = ConstantTolerance(Pixels);
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
        var x = rand(2, Pixels, dtype: float64, generator: rng);
        var r = randn(2, Pixels, dtype: float64, generator: rng);
        GradCheck.AssertGradientsMatch(new Case("NegativeLogLikelihood", "gradcheck in recon_x on [2, 784]", Hint),
            a => Student.NegativeLogLikelihood(x, a[0]), new[] { r }, new[] { "recon_x" });
    }
}
