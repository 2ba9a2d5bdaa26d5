using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Elbo;

/// <summary>CS 4331 HW2 2.1: <c>reparameterize(mu, logvar)</c> = mu + exp(logvar / 2) * eps.</summary>
public sealed class ReparameterizeChecks : CheckBase
{
    const string Hint = "z = mu + exp(0.5 * logvar) * eps with eps = randn of mu's shape: logvar is a log-variance, so sigma = exp(logvar / 2).";

    /// <summary>(z - mu) / exp(logvar / 2) is standard normal (DKW-bounded KS test), with a draw of its own for every latent dimension (one noise per row broadcast over the dimensions, as some public Keras VAEs draw it, passes the marginal test).</summary>
    [Test]
    public void StandardisedDrawsAreStandardNormal()
    {
        const int n = 20000;
        var mu = tensor(new[] { 1.5, -3.0, 0.0 }).repeat(n, 1);
        var logvar = tensor(new[] { -1.0, 1.5, 0.5 }).repeat(n, 1);
        var c = new Case("MlpVae.Reparameterize", $"{n} draws with mu = [1.5, -3, 0], logvar = [-1, 1.5, 0.5]", Hint);
        var z = Student.Reparameterize(mu, logvar, Rng(28));
        Numeric.AssertShape(z, mu.shape, c);
        var standardised = (z.to(float64) - mu) / (0.5 * logvar).exp();
        Stats.AssertStandardNormal(standardised, c);
        Stats.AssertColumnsUncorrelated(standardised, c, "the standardised draws of dimensions");
    }

    /// <summary>Differentiable in mu and logvar with the reparameterisation's gradients (gradcheck under a fixed seed).</summary>
    [Test]
    public void IsDifferentiableInMeanAndLogVariance()
    {
        var rng = Rng(29);
        GradCheck.AssertGradientsMatch(new Case("MlpVae.Reparameterize", "gradcheck in mu and logvar, noise fixed by a seed", Hint + " Keep z on the autograd graph."),
            a => Student.Reparameterize(a[0], a[1], Reseed(30)),
            new[] { randn(3, 2, dtype: float64, generator: rng), randn(3, 2, dtype: float64, generator: rng) }, new[] { "mu", "logvar" });
    }
}
