using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.LinearGaussian;

/// <summary>
/// CS/DS 552 HW1 4: the linear-Gaussian MLE w = (sum x x^T)^{-1} sum x y, sigma^2 = mean squared
/// residual. Expected values come from a QR factorisation computed here (a second method). On
/// ill-conditioned data w itself is ill-determined, so what is judged there is the fitted means
/// and sigma^2 (the likelihood), which every stable method gets right.
/// </summary>
public sealed class LinearGaussianChecks : CheckBase
{
    const string Hint = "w solves (X^T X) w = X^T y (use a solve or least squares, in float64); sigma^2 = (1/n) sum (x^T w - y)^2 (divide by n, not n - p; the square of the residual, not its absolute value).";

    static (Tensor w, double sigma2) ByQr(Tensor x, Tensor y)
    {
        var (q, r) = linalg.qr(x);
        var w = linalg.solve_triangular(r, q.T.matmul(y.unsqueeze(1)), upper: true).squeeze(1);
        return (w, (x.matmul(w) - y).square().mean().ToDouble());
    }

    /// <summary>On well-conditioned data w and sigma^2 equal the QR solution, including a tiny data set where dividing by n - p or n - 1 shows.</summary>
    [TestCase(60, 3)]
    [TestCase(6, 2)]
    public void WellConditionedDataGivesTheClosedForm(int n, int p)
    {
        var c = new Case("LinearGaussian.Fit", $"n = {n}, p = {p}, well-conditioned", Hint);
        var g = Rng(61 + n);
        var x = randn([n, p], dtype: float64, generator: g);
        var y = x.matmul(randn([p], dtype: float64, generator: g)) + 0.3 * randn([n], dtype: float64, generator: g);
        var (w, sigma2) = ByQr(x, y);
        var fit = Student.LinearGaussianFit(x, y);
        // Within a relative 1e-5, whatever the dtype: a fit in float32 (the assignment fixes none) passes, also one whose sum of
        // squares is divided by n in double and so is not itself a float32 number (zoo: cs552-linear-gaussian-lstsq-default-
        // float32-sum-over-n), and a standard jitter of 1e-8 on X^T X moves w by 7e-9; every mistake in w is off by order 1,
        // and sigma^2 over n - p or n - 1 instead of n by 1.7% or more.
        Numeric.AssertClose(fit.W, w, c with { Input = c.Input + ", w" }, rtol: 1e-5, atol: 1e-6);
        Numeric.AssertClose(fit.Sigma2, sigma2, c with { Input = c.Input + ", sigma^2" }, rtol: 1e-5, atol: 0);
    }

    /// <summary>
    /// With two nearly collinear columns (they differ by 1e-3 noise), the fitted means stay within 1e-3 of the QR
    /// solution's and sigma^2 within a relative 1e-5: a float64 solve of the normal equations (the assignment's formula)
    /// passes, and so does one with a standard jitter of 1e-8 on X^T X (a public MML-book fit adds it; the smallest
    /// eigenvalue of X^T X, about 8e-5 here, dwarfs it), and so does least squares in float32 (the assignment fixes no dtype),
    /// while the normal equations formed in float32 do not. (Columns 1e-6 apart
    /// made the jitter a ridge that moved the means by 0.06.)
    /// </summary>
    [Test]
    public void IllConditionedDataKeepsTheMaximumLikelihood()
    {
        var c = new Case("LinearGaussian.Fit", "n = 80, p = 3, columns 2 and 3 differ by 1e-3 noise", Hint + " Do not form X^T X in float32: it squares the condition number.");
        var g = Rng(62);
        var t = randn([80], dtype: float64, generator: g);
        var x = stack([ones(80, dtype: float64), t, t + 1e-3 * randn([80], dtype: float64, generator: g)], 1);
        var y = 1 + 2 * t + 0.1 * randn([80], dtype: float64, generator: g);
        var (w, sigma2) = ByQr(x, y);
        var fit = Student.LinearGaussianFit(x, y);
        Numeric.AssertShape(fit.W, [3], c);
        Numeric.AssertClose(x.matmul(fit.W.to(float64)), x.matmul(w), c with { Input = c.Input + ", fitted means x^T w" }, rtol: 0, atol: 1e-3);
        Numeric.AssertClose(fit.Sigma2, sigma2, c with { Input = c.Input + ", sigma^2" }, rtol: 1e-5, atol: 0);
    }
}
