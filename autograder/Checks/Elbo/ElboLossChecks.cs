using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Elbo;

/// <summary>CS 4331 HW2 2.2: the ELBO loss L = ReconLoss + KL (Eq. 3), averaged over the batch.</summary>
public sealed class ElboLossChecks : CheckBase
{
    const string Hint = "return the batch mean (or the batch sum) of negative_log_likelihood(x, recon_x) + kl_diag_normal(mu, logvar): a scalar to minimise (the negative ELBO).";

    /// <summary>
    /// Equals the batch mean of 0.5 * ||x - r||^2 + KL, or its sum over the batch ("the per-batch loss": the homework fixes no
    /// reduction, and pytorch/examples' VAE sums), up to the optional (D/2) log(2 pi) constant, within 1e-6 relative (as
    /// kl_diag_normal's own check: room for an epsilon guard such as log(exp(logvar) + 1e-8)) plus the float32 rounding of
    /// that constant, with or without it. Rows have the homework's 784 pixels (see <see cref="NegativeLogLikelihoodChecks"/>), and
    /// recon_x lies near x (as a trained model's does), so the reconstruction term does not swamp the KL's 1e-6 relative room.
    /// </summary>
    [Test]
    public void IsTheBatchMeanOfReconstructionPlusKl()
    {
        const int d = NegativeLogLikelihoodChecks.Pixels;
        var rng = Rng(26);
        var x = rand(5, d, dtype: float64, generator: rng);
        var r = randn(5, d, dtype: float64, generator: rng) * 0.1 + x;
        var mu = randn(5, 2, dtype: float64, generator: rng);
        var logvar = randn(5, 2, dtype: float64, generator: rng);
        double expected = NegativeLogLikelihoodChecks.HalfSquaredErrors(x, r).Sum() / 5;
        for (int b = 0; b < 5; b++)
            for (int k = 0; k < 2; k++)
            {
                double lv = logvar[b, k].item<double>(), m = mu[b, k].item<double>();
                expected += -0.5 * (1 + lv - m * m - Math.Exp(lv)) / 5;
            }
        var c = new Case("ElboLoss", "x, recon_x [5, 784], mu, logvar [5, 2]", Hint);
        double got = Numeric.Scalar(Student.ElboLoss(x, r, mu, logvar), c);
        double constant = d / 2.0 * Math.Log(2 * Math.PI), tolerance = NegativeLogLikelihoodChecks.ConstantTolerance(d) + 1e-6 * Math.Abs(expected);
        // The batch mean with or without the constant, or 5 times either (the sum over the batch), each within its tolerance.
        double excess = new[] { 1.0, 5.0 }.Min(scale => Math.Min(Math.Abs(got - scale * expected), Math.Abs(got - scale * (expected + constant))) / scale - tolerance);
        if (!(excess <= 0))
        {
            string why = Math.Abs(got + expected) < 1e-6 * Math.Abs(expected) || Math.Abs(got + 5 * expected) < 1e-6 * Math.Abs(5 * expected) ? " It looks like the ELBO itself; the loss is its negative." : "";
            Assert.Fail(c.Describe($"expected {expected:G12} (or {expected + constant:G12} with the 2 pi constant; 5 times either for the sum over the batch), got {got:G12} (|diff| {excess + tolerance:G3} > tolerance {tolerance:G3} for the nearest).{why}"));
        }
    }

    /// <summary>Gradients in recon_x, mu and logvar match central differences (gradcheck).</summary>
    [Test]
    public void GradientsMatchFiniteDifferences()
    {
        var rng = Rng(27);
        var x = rand(2, NegativeLogLikelihoodChecks.Pixels, dtype: float64, generator: rng);
        GradCheck.AssertGradientsMatch(new Case("ElboLoss", "gradcheck on a batch of 2", Hint),
            a => Student.ElboLoss(x, a[0], a[1], a[2]),
            new[] { randn(2, NegativeLogLikelihoodChecks.Pixels, dtype: float64, generator: rng), randn(2, 2, dtype: float64, generator: rng), randn(2, 2, dtype: float64, generator: rng) },
            new[] { "recon_x", "mu", "logvar" });
    }
}
