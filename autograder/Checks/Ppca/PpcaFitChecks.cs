using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Ppca;

/// <summary>
/// CS/DS 552 HW1 2a: the maximum-likelihood p-PCA. W is only determined up to the signs of the
/// eigenvectors (and a rotation), so W is judged through W W^T; the expected values come from an SVD
/// of the centred data and from the closed-form maximum of the likelihood.
/// </summary>
public sealed class PpcaFitChecks : CheckBase
{
    const string Hint = "mu = mean of the rows; S = (1/n) sum (x - mu)(x - mu)^T (divide by n); sort the eigenvalues of S in decreasing order (eigh returns them increasing); sigma^2 = mean of the m - d smallest (the zero ones included when n < m); W = U_d (Lambda_d - sigma^2 I)^(1/2).";

    /// <summary>
    /// Relative tolerance of the fitted mu, sigma^2 and W W^T: a fit computed in float32 (a public solution casts the data
    /// down; the assignment fixes no dtype) errs by up to 1e-6 relative in W W^T, while dividing S by n - 1 instead of n
    /// moves every eigenvalue by 1/399 = 2.5e-3 relative here, and every other mistake further.
    /// </summary>
    const double FitRtol = 1e-5;

    /// <summary>
    /// mu is the sample mean and sigma^2 the mean of the m - d discarded eigenvalues, for d = 1, 3 and 6, and with fewer points
    /// than dimensions (as the faces have: 576 pixels), where S has n - 1 non-zero eigenvalues and the zero ones count too
    /// (a fit that averages only the eigenvalues an SVD or the n x n Gram matrix gives is wrong there).
    /// </summary>
    [TestCase(1, 400)]
    [TestCase(3, 400)]
    [TestCase(6, 400)]
    [TestCase(3, 8)]
    public void MeanAndNoiseVarianceAreTheMle(int d, int n)
    {
        var c = new Case("Ppca.Fit", $"{n} points in 10 dimensions, d = {d}", Hint);
        var data = PpcaData.Points(n, Rng(21));
        var (sigma2, _, mean, _) = PpcaData.Mle(data, d);
        var model = Student.PpcaFit(data, d);
        Numeric.AssertClose(model.Mu, mean, c with { Input = c.Input + ", mu" }, rtol: FitRtol, atol: FitRtol);
        Numeric.AssertClose(model.Sigma2, sigma2, c with { Input = c.Input + ", sigma^2" }, rtol: FitRtol, atol: 0);
    }

    /// <summary>W W^T equals U_d (Lambda_d - sigma^2 I) U_d^T: W has d columns along the top eigenvectors with the right lengths (also with fewer points than dimensions).</summary>
    [TestCase(2, 400)]
    [TestCase(4, 400)]
    [TestCase(2, 8)]
    public void LoadingsSpanTheLeadingEigenvectors(int d, int n)
    {
        var c = new Case("Ppca.Fit", $"{n} points in 10 dimensions, d = {d}, W W^T", Hint);
        var data = PpcaData.Points(n, Rng(22));
        var (_, wwt, _, _) = PpcaData.Mle(data, d);
        var model = Student.PpcaFit(data, d);
        Numeric.AssertShape(model.W, [10, d], c with { Input = c.Input + ", shape of W" });
        Numeric.AssertClose(model.W.to(float64).matmul(model.W.to(float64).T), wwt, c, rtol: FitRtol, atol: FitRtol / 10);
    }

    /// <summary>
    /// The fitted model's log-likelihood (evaluated here, by LU) equals the closed-form maximum
    /// -1/2 [m log 2 pi + sum_{j&lt;=d} log lambda_j + (m - d) log sigma^2 + m] per point.
    /// </summary>
    [Test]
    public void AttainsTheMaximumLikelihood()
    {
        var c = new Case("Ppca.Fit", "400 points in 10 dimensions, d = 3, log-likelihood of the fit", Hint);
        var data = PpcaData.Points(400, Rng(23));
        var (sigma2, _, _, values) = PpcaData.Mle(data, 3);
        double maximum = -0.5 * (10 * Math.Log(2 * Math.PI) + values[TensorIndex.Slice(0, 3)].log().sum().ToDouble() + 7 * Math.Log(sigma2) + 10);
        var model = Student.PpcaFit(data, 3);
        var fitted = new GenAI.Course.Ppca.PpcaModel(model.W.to(float64), model.Mu.to(float64), model.Sigma2);
        Numeric.AssertClose(PpcaData.GaussianLogLikelihood(fitted.Mu, PpcaData.Covariance(fitted), data), maximum, c, rtol: 1e-9, atol: 0);
    }

    /// <summary>
    /// Ppca.LogLikelihood of a given model equals the mean Gaussian log-density with C = W W^T + sigma^2 I, computed here by LU,
    /// within a relative 1e-5: a log-likelihood computed in float32 (the assignment fixes no dtype) whose pieces are combined
    /// in double, so that it is not itself a float32 number, passes (zoo: cs552-ppca-loglik-float32-pieces-in-double); a
    /// missing or doubled term is off by far more.
    /// </summary>
    [Test]
    public void LogLikelihoodMatchesTheGaussianDensity()
    {
        var c = new Case("Ppca.LogLikelihood", "random model m = 8, d = 3, sigma^2 = 0.3, 50 points",
            "the mean over rows of log N(x; mu, W W^T + sigma^2 I) = -1/2 (m log 2 pi + log det C + (x - mu)^T C^{-1} (x - mu)).");
        var model = PpcaData.RandomModel(8, 3, 0.3, Rng(24));
        var data = randn([50, 8], dtype: float64, generator: Rng(25)) * 2;
        Numeric.AssertClose(Student.PpcaLogLikelihood(model, data), PpcaData.GaussianLogLikelihood(model.Mu, PpcaData.Covariance(model), data), c, rtol: 1e-5, atol: 1e-9);
    }
}
