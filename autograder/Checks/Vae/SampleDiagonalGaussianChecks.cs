using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Vae;

/// <summary>CS 446 HW5 2(b)iii: <c>sample_diagonal_gaussian(mu, sigma_square)</c> by reparameterisation.</summary>
public sealed class SampleDiagonalGaussianChecks : CheckBase
{
    const string Hint = "return mu + sqrt(sigmaSquare) * eps with eps = randn of mu's shape: sigmaSquare is a variance, so take its square root.";

    /// <summary>Same shape as mu, in a floating-point dtype (the assignment fixes no dtype: float32 draws for float64 mu are legal).</summary>
    [Test]
    public void KeepsShapeAndDtype()
    {
        var c = new Case("SampleDiagonalGaussian", "mu, sigmaSquare [7, 2] float64", Hint);
        var z = Student.SampleDiagonalGaussian(zeros(7, 2, dtype: float64), ones(7, 2, dtype: float64));
        Numeric.AssertShape(z, new long[] { 7, 2 }, c);
        Assert.That(z.is_floating_point(), Is.True, c.Describe($"returned {z.dtype}; a sample of a Gaussian is a floating-point tensor."));
    }

    /// <summary>
    /// (z - mu) / sqrt(sigmaSquare) is standard normal (DKW-bounded KS test), for means and variances far from 0 and 1, and
    /// its dimensions uncorrelated (N(mu, diag sigmaSquare) has independent coordinates: one noise value per row, broadcast,
    /// keeps every marginal and passed the pooled KS test by chance). Latents are 2-D, as the assignment fixes them (a sampler
    /// may write randn(B, 2)): two calls of two dimensions each.
    /// </summary>
    [Test]
    public void StandardisedDrawsAreStandardNormal()
    {
        const int n = 20000;
        var c = new Case("SampleDiagonalGaussian", $"{n} draws of N(mu = [-2, 0], sigmaSquare = [0.25, 4]) and of N(mu = [3, 1], sigmaSquare = [1, 9])", Hint);
        var standardised = new[] { (new[] { -2.0, 0.0 }, new[] { 0.25, 4.0 }, 7), (new[] { 3.0, 1.0 }, new[] { 1.0, 9.0 }, 10) }.Select(pair =>
        {
            var mu = tensor(pair.Item1).repeat(n, 1);
            var v = tensor(pair.Item2).repeat(n, 1);
            var z = Student.SampleDiagonalGaussian(mu, v, Rng(pair.Item3));
            Numeric.AssertShape(z, mu.shape, c);
            return (z.to(float64) - mu) / v.sqrt();
        }).ToArray();
        Stats.AssertStandardNormal(cat(standardised, 1), c);
        foreach (var draws in standardised) Stats.AssertColumnsUncorrelated(draws, c, "the standardised draws of dimensions");
    }

    /// <summary>The draw is differentiable in mu and sigmaSquare with the reparameterisation's gradients (gradcheck under a fixed seed).</summary>
    [Test]
    public void IsDifferentiableInMeanAndVariance()
    {
        var rng = Rng(8);
        var mu = randn(3, 2, dtype: float64, generator: rng);
        var v = rand(3, 2, dtype: float64, generator: rng) + 0.5;
        GradCheck.AssertGradientsMatch(new Case("SampleDiagonalGaussian", "gradcheck in mu and sigmaSquare, noise fixed by a seed",
                "the sample must stay on the autograd graph of mu and sigmaSquare (no detach, no torch.normal(mu, std) without rsample semantics)."),
            a => Student.SampleDiagonalGaussian(a[0], a[1], Reseed(9)), new[] { mu, v }, new[] { "mu", "sigmaSquare" });
    }
}
