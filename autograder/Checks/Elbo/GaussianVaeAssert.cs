using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Elbo;

/// <summary>Assertions shared by the checks of the Gaussian-posterior VAEs (CS 4331's <c>ConvVae</c> and <c>MlpVae</c>, and the heads' range check of the faces and Fashion-MNIST VAEs).</summary>
static class GaussianVaeAssert
{
    /// <summary>Hint of <see cref="EncoderIsNotAffine"/>.</summary>
    public const string AffineHint = "put an activation (ReLU, as the reference, or another) after each hidden layer of the encoder: layers with none between them compose to one linear map.";

    /// <summary>
    /// The encoder of <paramref name="vae"/> (float64, eval mode; seeded weights by shape where it has
    /// <paramref name="referenceShapes"/>, else its own initialisation) is not affine: for some of 4 pairs of uniform images
    /// a, b, E(a) + E(b) - 2 E((a + b) / 2) on (mu, logvar) is more than 1e-8 (1 + max |E|). An affine encoder gives 0 up to
    /// rounding on every pair; a ReLU network is affine only piecewise, and pairs this far apart cross its kinks. A public
    /// encoder with no activation between its layers got full marks before; the decoder's twin is <see cref="Weights.NoActivation"/>.
    /// </summary>
    public static void EncoderIsNotAffine(StudentModule vae, long[][] referenceShapes, Case c)
    {
        Student.ToFloat64(vae);
        if (Weights.HasShapes(vae, referenceShapes, out _)) Weights.LoadByShape(vae, 4339);
        Student.Eval(vae);
        var g = new Generator(4340);
        double worst = 0, scale = 0;
        for (int pair = 0; pair < 4; pair++)
        {
            var a = rand([1, 784], dtype: float64, generator: g);
            var b = rand([1, 784], dtype: float64, generator: g);
            Tensor Encode(Tensor x) { var (mu, logvar) = Student.VaeEncode(vae, x); return cat([mu.to(float64), logvar.to(float64)], 1); }
            var (ea, eb, em) = (Encode(a), Encode(b), Encode((a + b) / 2));
            worst = Math.Max(worst, (ea + eb - 2 * em).abs().max().item<double>());
            scale = Math.Max(scale, torch.stack([ea.abs().max(), eb.abs().max(), em.abs().max()]).max().item<double>());
        }
        if (worst <= 1e-8 * (1 + scale))
            Assert.Fail(c.Describe($"E(a) + E(b) - 2 E((a + b) / 2) is at most {worst:G3} over 4 pairs of images: the encoder is one affine map of the image (no nonlinearity between its layers)."));
    }

    /// <summary>
    /// <see cref="HeadsTakeNegativeValues"/> on 64 uniform images encoded by <paramref name="vae"/> (784 pixels, latent 20) in eval
    /// mode, with seeded weights by shape where it has <paramref name="referenceShapes"/>, else its own initialisation.
    /// </summary>
    public static void EncodedHeadsTakeNegativeValues(StudentModule vae, long[][] referenceShapes, long seed, Case c)
    {
        if (Weights.HasShapes(vae, referenceShapes, out _)) Weights.LoadByShape(vae, seed);
        Student.Eval(vae);
        var (mu, logvar) = Student.VaeEncode(vae, rand(64, 784, generator: new Generator((ulong)seed + 1)));
        Numeric.AssertShape(mu, [64, 20], c);
        Numeric.AssertShape(logvar, [64, 20], c);
        HeadsTakeNegativeValues(mu, logvar, c);
    }

    /// <summary>Hint of <see cref="HeadsTakeNegativeValues"/>.</summary>
    public const string HeadsHint = "mu and logvar are the outputs of plain Linear heads: no activation after them (a log-variance below 0 is a variance below 1).";

    /// <summary>
    /// The encoder's two heads range over the real line, as a Gaussian posterior's mean and log-variance must: each of
    /// <paramref name="mu"/> and <paramref name="logvar"/>, encoded from a batch with seeded weights, has negative entries.
    /// A ReLU (or softplus, or sigmoid) on a head confines it to positive values, a log-variance to variances of at least 1
    /// (public VAEs do this), which the loss and training checks, on whatever codes the encoder gives, do not see. A plain
    /// affine head gives all-positive entries over 16 or more latent dimensions with probability about 2^-16 or less.
    /// </summary>
    public static void HeadsTakeNegativeValues(Tensor mu, Tensor logvar, Case c)
    {
        foreach (var (name, head) in new[] { ("mu", mu), ("logvar", logvar) })
            if (!head.lt(0).any().ToBoolean())
                Assert.Fail(c.Describe($"all {head.numel()} entries of {name} are >= 0 (smallest {head.min().ToDouble():G4}): an activation after the {name} head keeps it from taking negative values."));
    }

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
