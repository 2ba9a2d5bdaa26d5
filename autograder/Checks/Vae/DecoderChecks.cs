using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Vae;

/// <summary>CS 446 HW5 2(a): the decoder p(x|z): fc3 + tanh, fc4 + sigmoid.</summary>
public sealed class DecoderChecks : CheckBase
{
    const string Hint = "return sigmoid(fc4(tanh(fc3(z)))).";

    /// <summary>Seed of the fixed weights of the forward check and the snapshot.</summary>
    public const long SnapshotSeed = 26;

    /// <summary>2-500-784 has 1,500 + 392,784 parameters and maps [B, 2] to [B, 784] probabilities in (0, 1).</summary>
    [Test]
    public void HasTheAssignmentArchitecture()
    {
        var c = new Case("Decoder", "Decoder(2, 500, 784) on a [3, 2] batch", "fc3: 2->500 then tanh; fc4: 500->784 then sigmoid.");
        var decoder = Student.NewDecoder(2, 500, 784);
        Student.Eval(decoder);
        long count = Weights.Count(decoder);
        Assert.That(count, Is.EqualTo(2L * 500 + 500 + 500L * 784 + 784), c.Describe($"has {count} parameters."));
        var p = Student.Decode(decoder, randn(3, 2) * 3);
        Numeric.AssertShape(p, new long[] { 3, 784 }, c);
        Assert.That((p >= 0).logical_and(p <= 1).all().item<bool>(), Is.True, c.Describe("outputs outside [0, 1]: the last layer needs a sigmoid."));
    }

    /// <summary>With fixed weights, the output equals sigmoid(tanh(z W3^T + b3) W4^T + b4).</summary>
    [Test]
    public void ForwardMatchesClosedForm()
    {
        var (decoder, w) = FixedDecoder(new Case("Decoder.forward", "fixed weights", Hint));
        var z = randn(4, 2, generator: Rng(14)) * 2;
        var expected = Weights.Affine(w, "fc4", Weights.Affine(w, "fc3", z).tanh()).sigmoid();
        Numeric.AssertClose(Student.Decode(decoder, z), expected, new Case("Decoder.forward", "fixed weights, Decoder(2, 500, 784)", Hint), rtol: 1e-4, atol: 1e-5);
    }

    /// <summary>Pixel tolerance of <see cref="GeneratedImagesMatchSnapshot"/>.</summary>
    public const double SnapshotTolerance = 1e-4;

    /// <summary>
    /// Snapshot of generated images: eight latent points decoded with the fixed weights, drawn as 28x28
    /// pictures. Tolerance 1e-4 on each probability: in float32, the two dot products (lengths 2 and 500)
    /// err by at most gamma_n sum |w x| in any summation order (u = 2^-24), and tanh and sigmoid are
    /// 1-Lipschitz and correctly rounded to a few ulp, so an equivalent formula moves a pixel by about
    /// 1e-6; the harness tests measure the reference in float32 against float64 and require 10 times less
    /// than the tolerance. Weights and codes are float32 numbers, so both evaluations see the same inputs.
    /// </summary>
    [Test]
    public void GeneratedImagesMatchSnapshot() =>
        ImageSnapshot.Match(GeneratedImages, SnapshotTolerance, new Case("Decoder.forward", "fixed weights, 8 latent points", Hint), (0, 1),
            ["z1 = -1.5", "z1 = 1.5"], ["z2 = -2", "z2 = -0.5", "z2 = 0.5", "z2 = 2"]);

    /// <summary>The decoder of the snapshot in <paramref name="dtype"/>: p(x|z) for z1 in {-1.5, 1.5} (rows) and z2 in {-2, -0.5, 0.5, 2}, as [2, 4, 28, 28].</summary>
    public static Tensor GeneratedImages(ScalarType dtype)
    {
        var c = new Case("Decoder.forward", "fixed weights, 8 latent points", Hint);
        var decoder = Student.NewDecoder(2, 500, 784);
        Student.Eval(decoder);
        if (dtype == float64) Student.ToFloat64(decoder);
        var w = Weights.Make(SnapshotSeed, ("fc3", 2, 500), ("fc4", 500, 784)).ToDictionary(kv => kv.Key, kv => kv.Value.to(float32).to(float64));
        Weights.Assign(decoder, w, c);
        var z = tensor(new double[] { -1.5, 1.5 }).repeat_interleave(4).unsqueeze(1);
        z = cat([z, tensor(new double[] { -2, -0.5, 0.5, 2 }).repeat(2).unsqueeze(1)], 1).to(dtype);
        var p = Student.Decode(decoder, z);
        Numeric.AssertShape(p, [8, 784], c);
        return p.reshape(2, 4, 28, 28);
    }

    /// <summary>The gradient with respect to z matches central differences (gradcheck, float64 module), at the assignment's sizes (see <see cref="EncoderChecks.GradientsMatchFiniteDifferences"/>).</summary>
    [Test]
    public void GradientsMatchFiniteDifferences()
    {
        var decoder = Student.NewDecoder(2, 500, 784);
        Student.Eval(decoder);
        Student.ToFloat64(decoder);
        GradCheck.AssertGradientsMatch(new Case("Decoder.forward", "gradcheck in z, Decoder(2, 500, 784) in float64", "use differentiable tensor operations only (no .detach(), no .item())."),
            a => Student.Decode(decoder, a[0]), new[] { randn(3, 2, dtype: float64, generator: Rng(19)) }, new[] { "z" });
    }

    static (StudentModule, Dictionary<string, Tensor>) FixedDecoder(Case c)
    {
        var decoder = Student.NewDecoder(2, 500, 784);
        Student.Eval(decoder);
        var w = Weights.Make(SnapshotSeed, ("fc3", 2, 500), ("fc4", 500, 784));
        Weights.Assign(decoder, w, c);
        return (decoder, w);
    }
}
