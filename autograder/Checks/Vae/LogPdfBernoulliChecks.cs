using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Vae;

/// <summary>CS 446 HW5 2(b)ii: <c>logpdf_bernoulli(x, p)</c>.</summary>
public sealed class LogPdfBernoulliChecks : CheckBase
{
    const string Hint = "return sum over the last dimension of x*log(p) + (1-x)*log(1-p), one value per row.";

    /// <summary>Values for binary x [4, 5] and p in (0.05, 0.95), against the closed form in double precision.</summary>
    [Test]
    public void MatchesClosedFormPerSample()
    {
        var rng = Rng(5);
        var p = rand(4, 5, dtype: float64, generator: rng) * 0.9 + 0.05;
        var x = (rand(4, 5, dtype: float64, generator: rng) < 0.5).to(float64);
        var expected = new double[4];
        for (int b = 0; b < 4; b++)
            for (int d = 0; d < 5; d++)
            {
                double pv = p[b, d].item<double>(), xv = x[b, d].item<double>();
                expected[b] += xv == 1 ? Math.Log(pv) : Math.Log(1 - pv);
            }
        Numeric.AssertClose(Student.LogPdfBernoulli(x, p), tensor(expected), new Case("LogPdfBernoulli", "binary x [4, 5], p in (0.05, 0.95)", Hint), rtol: 1e-6);
    }

    /// <summary>
    /// A whole MNIST-sized row in float32: x [3, 784] binary, p in (0.05, 0.95), against the closed form in
    /// double precision (from the same float32 p). The sum is about -400 per row, so a product of the 784
    /// probabilities underflows (to 0 in float32, whose smallest value is about e^-103) and its log is -inf.
    /// The tolerance covers float32 rounding over 784 terms, and any dtype of the result is accepted.
    /// </summary>
    [Test]
    public void SumsManyPixelsInFloat32WithoutUnderflow()
    {
        var rng = Rng(7);
        var p = (rand(3, 784, dtype: float64, generator: rng) * 0.9 + 0.05).to(float32);
        var x = (rand(3, 784, dtype: float64, generator: rng) < 0.5).to(float32);
        var p64 = p.to(float64);
        var x64 = x.to(float64);
        var expected = (x64 * p64.log() + (1 - x64) * (1 - p64).log()).sum(-1);
        var c = new Case("LogPdfBernoulli", "binary x [3, 784] in float32, p in (0.05, 0.95) (one MNIST image per row)",
            "add the per-pixel logs x*log(p) + (1-x)*log(1-p); the log of a product of 784 probabilities underflows to log(0) = -inf.");
        Numeric.AssertClose(Student.LogPdfBernoulli(x, p), expected, c, rtol: 1e-4);
    }

    /// <summary>At p in {0, 1}: 0 where x agrees with p, never NaN, and very negative (or -inf) where it does not.</summary>
    [Test]
    public void IsFiniteAtCertainProbabilities()
    {
        var x = tensor(new[,] { { 1.0, 0.0, 1.0, 0.0 } });
        var p = tensor(new[,] { { 1.0, 0.0, 1.0, 0.0 } });
        var c = new Case("LogPdfBernoulli", "x = p = [1, 0, 1, 0] (a decoder output saturated at 0 or 1)",
            "0 * log(0) must count as 0: use torch.xlogy or clamp p to [eps, 1-eps] before taking logs.");
        var agree = Student.LogPdfBernoulli(x, p);
        Numeric.AssertFinite(agree, c);
        // A clamp of p to [1e-5, 1 - 1e-5] costs each of the 4 pixels -log(1 - 1e-5), about 1.00001e-5.
        Numeric.AssertClose(agree, zeros(1, dtype: float64), c, atol: 4.5e-5);

        var disagree = Student.LogPdfBernoulli(tensor(new[,] { { 1.0, 0.0 } }), tensor(new[,] { { 0.0, 1.0 } }));
        double value = Numeric.Scalar(disagree, c with { Input = "x = [1, 0], p = [0, 1] (impossible data)" });
        Assert.That(double.IsNaN(value), Is.False, c.Describe("x = [1, 0] with p = [0, 1] gave NaN; impossible data must give a very negative number or -inf."));
        Assert.That(value, Is.LessThanOrEqualTo(-10.0), c.Describe($"x = [1, 0] with p = [0, 1] gave {value}; impossible data must give a very negative number or -inf."));
    }

    /// <summary>The gradient in p matches central differences (gradcheck).</summary>
    [Test]
    public void GradientInProbabilityMatchesFiniteDifferences()
    {
        var rng = Rng(6);
        var p = rand(2, 4, dtype: float64, generator: rng) * 0.8 + 0.1;
        var x = (rand(2, 4, dtype: float64, generator: rng) < 0.5).to(float64);
        GradCheck.AssertGradientsMatch(new Case("LogPdfBernoulli", "gradcheck in p on [2, 4]", Hint),
            a => Student.LogPdfBernoulli(x, a[0]), new[] { p }, new[] { "p" });
    }
}
