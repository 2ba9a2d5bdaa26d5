using FluentAssertions;
using GenAI.Autograder.Checks;
using GenAI.Autograder.Checks.Autoregressive;
using GenAI.Autograder.Checks.ConditionalVae;
using GenAI.Autograder.Checks.Elbo;
using GenAI.Autograder.Checks.Faces;
using GenAI.Autograder.Checks.Ppca;
using GenAI.Autograder.Checks.Rbm;
using GenAI.Autograder.Checks.ScoreMatching;
using GenAI.Autograder.Checks.Vae;
using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Grader.Tests.Numerics;

/// <summary>
/// The image snapshots are fair and say what differs: each tolerance holds for the reference evaluated in float32
/// with a margin of 10, discrete snapshots decide far from their thresholds, and a changed pixel fails with its place,
/// both values and a side-by-side picture.
/// </summary>
public sealed class ImageSnapshotTests
{
    static IEnumerable<TestCaseData> Continuous()
    {
        yield return new TestCaseData((Func<ScalarType, Tensor>)DecoderChecks.GeneratedImages, DecoderChecks.SnapshotTolerance).SetName("CS 446 decoder");
        yield return new TestCaseData((Func<ScalarType, Tensor>)MlpVaeChecks.DecodedImages, MlpVaeChecks.SnapshotTolerance).SetName("CS 4331 MLP decoder");
        yield return new TestCaseData((Func<ScalarType, Tensor>)(d => FaceAutoencoderChecks.DecodedFaces(true, d)), FaceAutoencoderChecks.SnapshotTolerance).SetName("faces VAE decoder");
        yield return new TestCaseData((Func<ScalarType, Tensor>)(d => FaceAutoencoderChecks.DecodedFaces(false, d)), FaceAutoencoderChecks.SnapshotTolerance).SetName("faces AE decoder");
        yield return new TestCaseData((Func<ScalarType, Tensor>)(d => FashionVaeChecks.DecodedImages(false, d)), FashionVaeChecks.SnapshotTolerance).SetName("Fashion VAE decoder");
        yield return new TestCaseData((Func<ScalarType, Tensor>)(d => FashionVaeChecks.DecodedImages(true, d)), FashionVaeChecks.SnapshotTolerance).SetName("Fashion C-VAE decoder per label");
        yield return new TestCaseData((Func<ScalarType, Tensor>)RbmChecks.GibbsSteps, RbmChecks.SnapshotTolerance).SetName("RBM Gibbs steps with given noise");
        yield return new TestCaseData((Func<ScalarType, Tensor>)PpcaInferenceChecks.GeneratedFaces, PpcaInferenceChecks.SnapshotTolerance).SetName("p-PCA generation");
        yield return new TestCaseData((Func<ScalarType, Tensor>)ConvVaeChecks.DecodedImages, ConvVaeChecks.SnapshotTolerance).SetName("CS 4331 conv VAE decoder");
        yield return new TestCaseData((Func<ScalarType, Tensor>)LangevinChecks.DriftedGrid, LangevinChecks.SnapshotTolerance).SetName("annealed Langevin with negligible noise");
        yield return new TestCaseData((Func<ScalarType, Tensor>)LatentViewsChecks.TraversalCodes, LatentViewsChecks.SnapshotTolerance).SetName("CS 4331 latent traversal");
    }

    /// <summary>The reference in float32 stays within a tenth of the tolerance of the float64 values the snapshot stores.</summary>
    [TestCaseSource(nameof(Continuous))]
    public void Float32StaysWellWithinTheTolerance(Func<ScalarType, Tensor> generate, double tolerance)
    {
        using var scope = NewDisposeScope();
        double diff = (generate(float32).to(float64) - generate(float64)).abs().max().ToDouble();
        TestContext.Out.WriteLine($"max |float32 - float64| = {diff:G3}, tolerance {tolerance:G3}");
        diff.Should().BeLessThan(tolerance / 10);
    }

    /// <summary>
    /// The activation probes that decide whether the snapshots of decoders with free activations apply recognise the
    /// reference's ReLU decoders, so those snapshots are graded, and tell no activation (a mistake) and LeakyReLU (not applicable) from it.
    /// </summary>
    [Test]
    public void ActivationProbesRecogniseTheReferencesReluDecoders()
    {
        using (var faces = Student.NewFaceAutoencoder(true, 16, 256))
            Weights.DecoderHiddenActivation(faces, 16, 256, 576, z => Student.FaceDecode(faces, z)).Should().Be(Weights.Activation.Relu, "the faces VAE's decoder");
        using (var mlp = Student.NewMlpVae(784, 400, 20))
            Weights.DecoderHiddenActivation(mlp, 20, 400, 784, z => Student.VaeDecode(mlp, z)).Should().Be(Weights.Activation.Relu, "MlpVae's decoder");
        using (var conv = Student.NewConvVae(20))
            ConvVaeChecks.DecoderActivations(conv).Should().Be(Weights.Activation.Relu, "ConvVae's decoder");
        var t = linspace(-4, 4, 9, dtype: float64);
        Weights.Classify(t.relu().sigmoid(), t).Should().Be(Weights.Activation.Relu);
        Weights.Classify(t, t).Should().Be(Weights.Activation.Identity);
        Weights.Classify(torch.nn.functional.leaky_relu(t, 0.01), t).Should().Be(Weights.Activation.Other);
    }

    /// <summary>The sampled letters do not change when every uniform moves by 1e-6 either way, or in float32: no decision lies near its threshold.</summary>
    [Test]
    public void CptSnapshotDecidesFarFromItsThresholds()
    {
        using var scope = NewDisposeScope();
        var letters = CptSamplerChecks.SampledLetters(float64, 0);
        foreach (double shift in new[] { -1e-6, 1e-6 })
            CptSamplerChecks.SampledLetters(float64, shift).eq(letters).all().item<bool>().Should().BeTrue($"uniforms moved by {shift}");
        CptSamplerChecks.SampledLetters(float32).eq(letters).all().item<bool>().Should().BeTrue("tables and uniforms in float32");
    }

    /// <summary>The RBM's Gibbs steps do not change beyond float32 rounding when every uniform moves by 1e-4 either way: no hidden unit lies near its threshold.</summary>
    [Test]
    public void RbmSnapshotDecidesFarFromItsThresholds()
    {
        using var scope = NewDisposeScope();
        var steps = RbmChecks.GibbsSteps(float64, 0);
        foreach (double shift in new[] { -1e-4, 1e-4 })
            (RbmChecks.GibbsSteps(float64, shift) - steps).abs().max().ToDouble().Should().BeLessThan(1e-12, $"uniforms moved by {shift}");
    }

    /// <summary>The pixel LSTM's sampled images do not change when every uniform moves by 1e-5 either way, or in float32: no decision lies near its threshold.</summary>
    [Test]
    public void PixelLstmSnapshotDecidesFarFromItsThresholds()
    {
        using var scope = NewDisposeScope();
        var images = PixelLstmChecks.SampledImages(float64, 0);
        foreach (double shift in new[] { -1e-5, 1e-5 })
            PixelLstmChecks.SampledImages(float64, shift).eq(images).all().item<bool>().Should().BeTrue($"uniforms moved by {shift}");
        PixelLstmChecks.SampledImages(float32).to(float64).eq(images).all().item<bool>().Should().BeTrue("model and inputs in float32");
        images.min().ToDouble().Should().Be(0);
        images.max().ToDouble().Should().Be(1);
    }

    /// <summary>
    /// The Langevin snapshot is blind to the noise, whatever order it is drawn in: the reference run with other generator
    /// seeds, and the snapshot's own run, both stay within a tenth of the tolerance of the noise-free chain x - k (x - m)
    /// that Algorithm 1's step sizes give (k = 0.15 and 0.08 per coordinate, 4 levels times T steps).
    /// </summary>
    [Test]
    public void LangevinSnapshotIgnoresTheNoise()
    {
        using var scope = NewDisposeScope();
        var snapshot = LangevinChecks.DriftedGrid(float64);
        var levels = new[] { 1.0, 0.46, 0.22, 0.1 };
        var k = tensor(new[] { 0.15, 0.08 }, dtype: float64);
        var m = tensor(new[] { 0.5, -0.25 }, dtype: float64);
        var scale = k * (2 * 0.01 / LangevinChecks.SnapshotEps);
        var axis = linspace(-2, 2, 8, dtype: float64);
        var x0 = stack([axis.repeat(8), axis.repeat_interleave(8)], 1);
        foreach (int steps in new[] { 1, 2, 3 })
        {
            var noiseFree = x0.clone();
            for (int t = 0; t < levels.Length * steps; t++) noiseFree = noiseFree - k * (noiseFree - m);
            (snapshot[TensorIndex.Colon, steps - 1].reshape(2, 64).t() - noiseFree).abs().max().ToDouble().Should().BeLessThan(LangevinChecks.SnapshotTolerance / 10);
            foreach (ulong seed in new ulong[] { 1, 2, 3 })
            {
                var x = GenAI.Course.ScoreMatching.ScoreMatching.AnnealedLangevinDynamics((xx, sigma) => -scale * (xx - m) / sigma.unsqueeze(1).square(),
                    x0, levels, LangevinChecks.SnapshotEps, steps, new Generator(seed));
                (x - noiseFree).abs().max().ToDouble().Should().BeLessThan(LangevinChecks.SnapshotTolerance / 10, $"generator seed {seed}, T = {steps}");
            }
        }
    }

    /// <summary>One pixel moved by 0.01 fails the CS 446 decoder's snapshot, naming the pixel, both values and the picture, which holds three panels.</summary>
    [Test]
    public void AChangedPixelFailsWithItsPlaceAndAPicture()
    {
        using var scope = NewDisposeScope();
        string file = Path.Combine(Paths.Repo, "autograder", "Checks", "Vae", "DecoderChecks.cs");
        Tensor Planted(ScalarType dtype)
        {
            var images = DecoderChecks.GeneratedImages(dtype).clone();
            images[1, 2, 14, 3] += 0.01;
            return images;
        }
        string message;
        using (new NUnit.Framework.Internal.TestExecutionContext.IsolatedContext())
        {
            var act = () => ImageSnapshot.Match(Planted, DecoderChecks.SnapshotTolerance, new Case("Decoder.forward", "planted"), (0, 1), file: file, member: nameof(DecoderChecks.GeneratedImagesMatchSnapshot));
            message = act.Should().Throw<AssertionException>().Which.Message;
        }
        message.Should().Contain("1 of 6272 pixels differ").And.Contain("row 2, column 3, pixel (y 14, x 3)");
        string picture = message[(message.LastIndexOf(": ", StringComparison.Ordinal) + 2)..].Trim();
        File.Exists(picture).Should().BeTrue(picture);
        using var bitmap = SkiaSharp.SKBitmap.Decode(picture);
        bitmap.Width.Should().BeGreaterThan(3 * 4 * 28 * 3, "expected, got and difference, 4 columns of 28 pixels drawn 3 wide");
    }
}
