using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Elbo;

/// <summary>CS 4331 HW2 2.1: the convolutional encoder and decoder of <c>VAE.py</c> (<c>ConvVae</c>).</summary>
public sealed class ConvVaeChecks : CheckBase
{
    const string Hint = "ConvVae takes flattened 28x28 images [B, 784]: Encode reshapes them to [B, 1, 28, 28] and returns (mu, logvar), each [B, latent]; Decode maps [B, latent] back to [B, 784].";

    /// <summary>Encode gives two [B, latent] tensors and Decode a [B, 784] one, all finite, for two latent sizes.</summary>
    [TestCase(20)]
    [TestCase(3)]
    public void EncoderAndDecoderHaveTheRightShapes(int latent)
    {
        using var vae = Student.NewConvVae(latent);
        var x = rand(6, 784, generator: Rng(40 + latent));
        var (mu, logvar) = Student.VaeEncode(vae, x);
        var c = new Case("ConvVae.Encode", $"ConvVae({latent}) on [6, 784]", Hint);
        Numeric.AssertShape(mu, new long[] { 6, latent }, c with { Input = c.Input + ", mu" });
        Numeric.AssertShape(logvar, new long[] { 6, latent }, c with { Input = c.Input + ", logvar" });
        Numeric.AssertFinite(mu, c);
        Numeric.AssertFinite(logvar, c);
        var decoded = new Case("ConvVae.Decode", $"ConvVae({latent}) decoding [6, {latent}]", Hint);
        var recon = Student.VaeDecode(vae, mu);
        Numeric.AssertShape(recon, new long[] { 6, 784 }, decoded);
        Numeric.AssertFinite(recon, decoded);
    }

    /// <summary>forward(x) returns (reconstruction [B, 784], mu, logvar [B, latent]).</summary>
    [Test]
    public void ForwardReturnsReconstructionMeanAndLogVariance()
    {
        using var vae = Student.NewConvVae(4);
        GaussianVaeAssert.ForwardReturnsReconstructionMeanAndLogVariance(vae, new Case("ConvVae.forward", "ConvVae(4) on [5, 784]", Hint), rand(5, 784, generator: Rng(44)), 4);
    }

    /// <summary>
    /// The encoder's heads take negative values (<see cref="GaussianVaeAssert.HeadsTakeNegativeValues"/>) on 64 uniform images,
    /// with seeded weights by shape where the model is laid out as the reference, else with its own initialisation.
    /// </summary>
    [Test]
    public void EncoderHeadsTakeNegativeValues()
    {
        using var vae = Student.NewConvVae(20);
        GaussianVaeAssert.EncodedHeadsTakeNegativeValues(vae, ReferenceShapes, 4334, new Case("ConvVae.Encode", "ConvVae(20) with seeded weights on [64, 784]", GaussianVaeAssert.HeadsHint));
    }

    /// <summary>The encoder is not one affine map (<see cref="GaussianVaeAssert.EncoderIsNotAffine"/>).</summary>
    [Test]
    public void EncoderHasANonlinearity()
    {
        using var vae = Student.NewConvVae(20);
        GaussianVaeAssert.EncoderIsNotAffine(vae, ReferenceShapes, new Case("ConvVae.Encode", "ConvVae(20) in float64, midpoints of 4 pairs of uniform images", GaussianVaeAssert.AffineHint));
    }

    /// <summary>The model is convolutional: at least one 4-D weight (a Conv2d or ConvTranspose2d kernel) is registered.</summary>
    [Test]
    public void TheModelHasConvolutionLayers()
    {
        using var vae = Student.NewConvVae(8);
        var parameters = Student.Parameters(vae);
        var kernels = parameters.Where(p => p.value.dim() == 4).Select(p => p.name).ToList();
        Assert.That(kernels, Is.Not.Empty, new Case("ConvVae", "its registered parameters",
                "VAE.py is the convolutional VAE: use Conv2d layers in the encoder (and ConvTranspose2d or Conv2d in the decoder), registered with RegisterComponents(); the fully connected model is MlpVae (problem 2.5).")
            .Describe($"no convolution kernel among its {parameters.Count} parameters ({string.Join(", ", parameters.Select(p => $"{p.name} {Numeric.Format(p.value.shape)}"))})."));
    }

    /// <summary>A loss on encode-reparameterise-decode sends a non-zero gradient to every parameter: the model trains end to end.</summary>
    [Test]
    public void EveryParameterReceivesAGradient()
    {
        using var vae = Student.NewConvVae(3);
        GaussianVaeAssert.EveryParameterReceivesAGradient(vae, "ConvVae", rand(4, 784, generator: Rng(45)), Rng(46), Hint);
    }

    /// <summary>
    /// Encode and Decode have correct gradients (gradcheck, float64 model): Decode in z, and Encode
    /// along two fixed directions in image space, x(t) = x0 + t v (784 inputs would need 1,568 evaluations each).
    /// </summary>
    [Test]
    public void GradientsMatchFiniteDifferences()
    {
        using var vae = Student.NewConvVae(2);
        Student.ToFloat64(vae);
        // Eval mode: the architecture is free, and a dropout layer would draw new masks between the two backward passes.
        Student.Eval(vae);
        var x0 = rand(2, 784, dtype: float64, generator: Rng(47));
        var directions = randn(2, 1, 784, dtype: float64, generator: Rng(48)) * 0.1;
        for (int k = 0; k < 2; k++)
        {
            var v = directions[k];
            GradCheck.AssertGradientsMatch(new Case("ConvVae.Encode", $"gradcheck of (mu, logvar) at x0 + t v in t (direction {k + 1}), ConvVae(2) in float64", Hint),
                a => { var (mu, logvar) = Student.VaeEncode(vae, x0 + a[0] * v); return cat(new[] { mu, logvar }, 1); },
                new[] { zeros(1, dtype: float64) }, new[] { "t (so x)" });
        }
        GradCheck.AssertGradientsMatch(new Case("ConvVae.Decode", "gradcheck in z, ConvVae(2) in float64", Hint),
            a => Student.VaeDecode(vae, a[0]), new[] { randn(2, 2, dtype: float64, generator: Rng(49)) }, new[] { "z" });
    }

    /// <summary>Pixel tolerance of <see cref="DecodedImagesMatchSnapshot"/>.</summary>
    public const double SnapshotTolerance = 1e-4;

    /// <summary>The reference's parameter shapes for ConvVae(20) (encoder 1x28x28 -> 32x14x14 -> 64x7x7 -> 256 -> 20 + 20; decoder 20 -> 256 -> 64x7x7 -> 32x14x14 -> 1x28x28, kernels 4x4).</summary>
    public static readonly long[][] ReferenceShapes =
    [
        [32, 1, 4, 4], [32], [64, 32, 4, 4], [64], [256, 3136], [256], [20, 256], [20], [20, 256], [20],
        [256, 20], [256], [3136, 256], [3136], [64, 32, 4, 4], [32], [32, 1, 4, 4], [1],
    ];

    /// <summary>
    /// Snapshot of generated images: eight fixed codes decoded by ConvVae(20) in eval mode (so a dropout layer draws nothing) with
    /// fixed weights (chosen by parameter shape, so layer names are free), shown as 28x28 pictures; the output is the unbounded Gaussian mean, or its sigmoid (an output
    /// nonlinearity the course accepts), so either matches. VAE.py accepts any convolutional encoder and decoder with the
    /// right input and output shapes, and fixed weights fit only one layout: the snapshot applies to a model with exactly the
    /// reference's parameter shapes (<see cref="ReferenceShapes"/>, which leave one way to go from 7x7 to 28x28 with 4x4
    /// kernels: stride 2, padding 1) with ReLU after the decoder's hidden layers (<see cref="DecoderActivations"/>; none at all fails;
    /// the assignment leaves activations free too); any other layout passes with a note (the other checks of this item judge it). Tolerance 1e-4 on outputs of size 1: each output is a chain of
    /// dot products (lengths 20, 256, at most 64 * 4 and 32 * 4 terms in the transposed convolutions) that err in float32 by
    /// at most gamma_n sum |w x| in any summation order, ReLU is exact and 1-Lipschitz, so an equivalent formula moves an
    /// output by about 1e-6; the harness tests measure the reference in float32 against float64 and require 10 times less.
    /// </summary>
    [Test]
    public void DecodedImagesMatchSnapshot()
    {
        var c = new Case("ConvVae.Decode", "ConvVae(20) with fixed weights, 8 fixed codes",
            "z -> Linear(20, 256) -> ReLU -> Linear(256, 64 * 7 * 7) -> ReLU -> [B, 64, 7, 7] -> ConvTranspose2d(64, 32, 4, stride 2, padding 1) -> ReLU -> ConvTranspose2d(32, 1, 4, stride 2, padding 1) -> flatten to [B, 784].");
        using (var vae = Student.NewConvVae(20))
            if (!Weights.SnapshotApplies(vae, ReferenceShapes, () => DecoderActivations(vae), c, "ConvVae(20)"))
                return;
        ImageSnapshot.Match(DecodedImages, SnapshotTolerance, c,
            rowLabels: ["codes 1-4", "codes 5-8"], columnLabels: ["z1", "z2", "z3", "z4"], equivalent: e => e.sigmoid());
    }

    /// <summary>
    /// The activation the decoder of a model with <see cref="ReferenceShapes"/> applies after its three hidden layers (Linear
    /// to 256, Linear to the 64x7x7 grid, the first transposed convolution), in eval mode: ReLU where a probe of each layer
    /// finds ReLU, Identity where every probe finds none, Other otherwise (a decoder without the ReLU after one of its layers
    /// is a layout of its own: the snapshot does not apply; probing the three in one composition saw relu(relu(t)) = relu(t)).
    /// </summary>
    public static Weights.Activation DecoderActivations(StudentModule vae)
    {
        var found = Enumerable.Range(0, 3).Select(layer => DecoderActivation(vae, layer)).ToArray();
        return found.All(a => a == Weights.Activation.Relu) ? Weights.Activation.Relu
             : found.All(a => a == Weights.Activation.Identity) ? Weights.Activation.Identity : Weights.Activation.Other;
    }

    /// <summary>
    /// The activation after decoder layer <paramref name="layer"/> (0, 1 or 2): Decode(0) with weights that put 49 probe values
    /// t = -3 .. 3 (steps of 1/8) into that layer's pre-activation, at grid cell m of channel 0, and shift every later layer's
    /// input by +8 (undone by the output bias), where ReLU and no activation agree; the [64, 32, 4, 4] and [32, 1, 4, 4] kernels
    /// pass channel 0 through their (1, 1) tap only, so cell (y, x) lands on (2y, 2x), then on pixel (4y, 4x), which reads
    /// act(t_m), or its sigmoid. Values t and t + 8 are exact in float32, so the reading is exact. Parameters of a shape the
    /// encoder shares get the same values, which decoding never reads.
    /// </summary>
    static Weights.Activation DecoderActivation(StudentModule vae, int layer)
    {
        const double shift = 8;
        var t = (arange(49, dtype: float64) - 24) / 8;
        var hiddenBias = zeros(256, dtype: float64);
        var toGrid = zeros(3136, 256, dtype: float64);
        var gridBias = zeros(3136, dtype: float64);
        var deconvBias = zeros(32, dtype: float64);
        double outputBias = -shift;
        switch (layer)
        {
            case 0:
                for (int m = 0; m < 49; m++) { hiddenBias[5 * m] = t[m]; toGrid[m, 5 * m] = 1; }
                gridBias.fill_(shift);
                break;
            case 1:
                gridBias[..49] = t;
                deconvBias[0] = shift;
                break;
            default:
                gridBias[..49] = t + shift;
                deconvBias[0] = -shift;
                outputBias = 0;
                break;
        }
        Tensor Tap(long input, long output)
        {
            var w = zeros(input, output, 4, 4, dtype: float64);
            w[0, 0, 1, 1] = 1;
            return w;
        }
        Student.LoadParameters(vae, Student.Parameters(vae).ToDictionary(p => p.name, p => Numeric.Format(p.value.shape) switch
        {
            "[256]" => hiddenBias,
            "[3136, 256]" => toGrid,
            "[3136]" => gridBias,
            "[64, 32, 4, 4]" => Tap(64, 32),
            "[32]" => deconvBias,
            "[32, 1, 4, 4]" => Tap(32, 1),
            "[1]" => full(1, outputBias, dtype: float64),
            _ => zeros(p.value.shape, dtype: float64),
        }));
        Student.Eval(vae);
        var image = Student.VaeDecode(vae, zeros(1, 20)).to(float64).cpu().reshape(28, 28);
        var probed = stack(Enumerable.Range(0, 49).Select(m => image[4 * (m / 7), 4 * (m % 7)]).ToArray());
        return Weights.Classify(probed, t);
    }

    /// <summary>The snapshot's decoded codes in <paramref name="dtype"/>, [2, 4, 28, 28].</summary>
    public static Tensor DecodedImages(ScalarType dtype)
    {
        using var vae = Student.NewConvVae(20);
        if (dtype == float64) Student.ToFloat64(vae);
        Weights.LoadByShape(vae, 4331);
        Student.Eval(vae);
        var z = (randn([8, 20], dtype: float64, generator: Rng(134)) * 1.5).to(float32).to(dtype);
        var recon = Student.VaeDecode(vae, z);
        Numeric.AssertShape(recon, [8, 784], new Case("ConvVae.Decode", "decoding [8, 20]", Hint));
        return recon.reshape(2, 4, 28, 28);
    }
}
