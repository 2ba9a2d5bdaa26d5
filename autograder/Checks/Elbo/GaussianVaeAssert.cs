using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Elbo;

/// <summary>Assertions shared by the checks of the two CS 4331 VAEs (<c>ConvVae</c> and <c>MlpVae</c>).</summary>
static class GaussianVaeAssert
{
    /// <summary>A loss on encode-reparameterise-decode of <paramref name="x"/> sends a non-zero gradient to every parameter of <paramref name="vae"/>.</summary>
    public static void EveryParameterReceivesAGradient(StudentModule vae, string kind, Tensor x, Generator generator, string hint)
    {
        var gradients = Student.VaeParameterGradients(vae, x, generator);
        var dead = gradients.Where(p => !(p.gradient > 0)).Select(p => p.name).ToList();
        Assert.That(gradients.Count, Is.GreaterThan(0), new Case(kind, "parameters", hint).Describe("the model has no parameters: register the layers (RegisterComponents)."));
        Assert.That(dead, Is.Empty, new Case(kind, "backward through Encode, Reparameterize, Decode", "register every layer and use each one in Encode or Decode; do not detach.")
            .Describe($"no gradient reached: {string.Join(", ", dead)}."));
    }

    /// <summary>forward(x [B, input]) returns a finite reconstruction [B, input] and (mu, logvar), each [B, <paramref name="latent"/>].</summary>
    public static void ForwardReturnsReconstructionMeanAndLogVariance(StudentModule vae, Case c, Tensor x, int latent)
    {
        var (recon, mu, logvar) = Student.VaeForward(vae, x);
        Numeric.AssertShape(recon, x.shape, c);
        Numeric.AssertShape(mu, new long[] { x.shape[0], latent }, c);
        Numeric.AssertShape(logvar, new long[] { x.shape[0], latent }, c);
        Numeric.AssertFinite(recon, c);
    }
}
