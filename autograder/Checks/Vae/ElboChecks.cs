using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Vae;

/// <summary>
/// CS 446 HW5 2(c): <c>elbo(x)</c>, the batch mean of a one-sample ELBO estimate (Eq. 2). The
/// estimate is random, so it is graded on its mean over a large batch of identical rows against
/// the exact expectation, with a band of six standard deviations of the batch mean (the per-row
/// variance is computed exactly, for both the Eq. 2 and the closed-form-KL Eq. 1 estimators):
/// a correct estimator of either kind passes whatever order it draws in.
/// </summary>
public sealed class ElboChecks : CheckBase
{
    const string Hint = "ELBO = mean over the batch of log p(x|z) + log p(z) - log q(z|x) with z = SampleDiagonalGaussian(mu, sigmaSquare) from the encoder and p = decoder(z); p(z) = N(0, I).";
    const int Rows = 100000;

    static readonly double[] Mu = { 0.5, -1.0 };
    static readonly double[] Var = { 0.3, 2.0 };
    static readonly double[] X = { 1, 0, 1, 1, 0, 0 };

    static double Kl() => Enumerable.Range(0, 2).Sum(d => 0.5 * (Var[d] + Mu[d] * Mu[d] - 1 - Math.Log(Var[d])));

    /// <summary>With a decoder that ignores z, E[ELBO] = log Ber(x; p) - KL(q || p(z)) exactly.</summary>
    [Test]
    public void MeanMatchesClosedFormWithConstantDecoder()
    {
        var p = new[] { 0.2, 0.7, 0.5, 0.9, 0.1, 0.6 };
        var logits = tensor(p).logit();
        var decoder = (zeros(6, 2, dtype: float64), logits);
        double logLik = Enumerable.Range(0, 6).Sum(d => X[d] == 1 ? Math.Log(p[d]) : Math.Log(1 - p[d]));
        double expected = logLik - Kl();
        // Eq. 2's per-row noise: sum_d a_d eps^2 + b_d eps with a = (1 - v)/2, b = -mu sqrt(v): variance 2a^2 + b^2.
        double variance = Enumerable.Range(0, 2).Sum(d => 2 * Math.Pow((1 - Var[d]) / 2, 2) + Mu[d] * Mu[d] * Var[d]);
        AssertMean(decoder, expected, variance, "constant decoder p = [0.2, 0.7, 0.5, 0.9, 0.1, 0.6]");
    }

    /// <summary>With p = sigmoid(z W^T + c), E[ELBO] is computed by 2-D quadrature in double precision (an independent second method).</summary>
    [Test]
    public void MeanMatchesQuadratureWithLatentDependentDecoder()
    {
        var w = tensor(new[,] { { 2.0, -1.0 }, { -1.5, 0.5 }, { 1.0, 2.0 }, { 0.0, -2.0 }, { 2.5, 1.0 }, { -0.5, -1.5 } });
        var c = tensor(new[] { 0.3, -0.2, 0.1, 0.5, -1.0, 0.0 });
        // Trapezoid grid over mu +- 10 sd: spectrally accurate for these smooth Gaussian integrands.
        const int m = 401;
        var g0 = linspace(Mu[0] - 10 * Math.Sqrt(Var[0]), Mu[0] + 10 * Math.Sqrt(Var[0]), m, dtype: float64);
        var g1 = linspace(Mu[1] - 10 * Math.Sqrt(Var[1]), Mu[1] + 10 * Math.Sqrt(Var[1]), m, dtype: float64);
        var grid = meshgrid(new[] { g0, g1 }, indexing: "ij");
        var z = stack(new[] { grid[0].flatten(), grid[1].flatten() }, 1);
        var q = (-0.5 * ((z - tensor(Mu)).square() / tensor(Var) + (2 * Math.PI * tensor(Var)).log())).sum(1).exp();
        var weight = q * (g0[1] - g0[0]) * (g1[1] - g1[0]);
        var prob = (z.matmul(w.t()) + c).sigmoid();
        var x = tensor(X);
        var logLik = (x * prob.log() + (1 - x) * (1 - prob).log()).sum(1);
        var logPrior = (-0.5 * (z.square() + Math.Log(2 * Math.PI))).sum(1);
        var logQ = (-0.5 * ((z - tensor(Mu)).square() / tensor(Var) + (2 * Math.PI * tensor(Var)).log())).sum(1);
        double Expect(Tensor f) => (f * weight).sum().item<double>();
        double expected = Expect(logLik) - Kl();
        var eq2 = logLik + logPrior - logQ;
        double varianceEq2 = Expect(eq2.square()) - Math.Pow(Expect(eq2), 2);
        double varianceEq1 = Expect(logLik.square()) - Math.Pow(Expect(logLik), 2);
        Assert.That(Expect(ones_like(logLik)), Is.EqualTo(1.0).Within(1e-9), "quadrature weights do not integrate to 1");
        AssertMean((w, c), expected, Math.Max(varianceEq1, varianceEq2), "decoder p = sigmoid(z W^T + c), 6 pixels");
    }

    /// <summary>Gradients reach the encoder's mean and variance and the decoder's weights and match central differences under a fixed seed.</summary>
    [Test]
    public void GradientsFlowToEncoderAndDecoder()
    {
        var x = tensor(new[,] { { 1.0, 0.0, 1.0 }, { 0.0, 0.0, 1.0 } });
        var mu = tensor(new[] { 0.3, -0.4 });
        var v = tensor(new[] { 0.8, 1.3 });
        var w = tensor(new[,] { { 0.5, -0.3 }, { 0.2, 0.9 }, { -0.7, 0.1 } });
        GradCheck.AssertGradientsMatch(new Case("MnistVae.Elbo", "gradcheck in the encoder's mu and sigmaSquare and the decoder's weights, noise fixed by a seed",
                "keep every term on the autograd graph: z must come from the reparameterised sampler, not a detached draw."),
            a => Student.ElboWithFixedEncoderAndLogisticDecoder(a[0], a[1], a[2], zeros(3, dtype: float64), x, Reseed(16)),
            new[] { mu, v, w }, new[] { "mu", "sigmaSquare", "decoder weight" });
    }

    /// <summary>The VAE owns its encoder's and decoder's parameters, so an optimiser over vae.parameters() trains both.</summary>
    [Test]
    public void VaeOwnsEncoderAndDecoderParameters()
    {
        var vae = Student.NewMnistVae(784, 500, 2);
        long count = Weights.Count(vae);
        long expected = (784L * 500 + 500 + 2 * (500L * 2 + 2)) + (2L * 500 + 500 + 500L * 784 + 784);
        Assert.That(count, Is.EqualTo(expected), new Case("MnistVae", "MnistVae(784, 500, 2)", "register the encoder and decoder as submodules (RegisterComponents).")
            .Describe($"vae.parameters() has {count} values; encoder and decoder together have {expected}."));
    }

    /// <summary>The ELBO of <see cref="Rows"/> copies of X with the fixed encoder (Mu, Var) and the decoder sigmoid(z W^T + c).</summary>
    void AssertMean((Tensor w, Tensor c) decoder, double expected, double perRowVariance, string input)
    {
        var x = tensor(X).repeat(Rows, 1);
        var c = new Case("MnistVae.Elbo", $"{Rows} identical rows, {input}", Hint);
        double got = Numeric.Scalar(Student.ElboWithFixedEncoderAndLogisticDecoder(tensor(Mu), tensor(Var), decoder.w, decoder.c, x, Rng(17)), c);
        double band = 6 * Math.Sqrt(perRowVariance / Rows) + 1e-9 * Math.Abs(expected);
        if (!(Math.Abs(got - expected) <= band))
        {
            string why = Math.Abs(got - expected * Rows) < Math.Abs(expected) ? " (it looks like a sum over the batch instead of the mean)" :
                         Math.Abs(got + expected) <= band ? " (it looks like the sign is flipped: return the ELBO, not its negative)" : "";
            Assert.Fail(c.Describe($"the ELBO's expectation is {expected:F5} but the batch mean was {got:F5}, outside +-{band:F5} (6 standard deviations){why}."));
        }
    }
}
