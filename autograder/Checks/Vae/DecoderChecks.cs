using System.Text;
using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using Snapshooter.NUnit;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Vae;

/// <summary>CS 446 HW5 2(a): the decoder p(x|z): fc3 + tanh, fc4 + sigmoid.</summary>
public sealed class DecoderChecks : CheckBase
{
    const string Hint = "return sigmoid(fc4(tanh(fc3(z)))).";

    /// <summary>Seed of the fixed weights: chosen so that every snapshot pixel is at least 1e-4 from 0.5 (checked by the harness tests).</summary>
    public const long SnapshotSeed = 26;

    /// <summary>2-500-784 has 1,500 + 392,784 parameters and maps [B, 2] to [B, 784] probabilities in (0, 1).</summary>
    [Test]
    public void HasTheAssignmentArchitecture()
    {
        var c = new Case("Decoder", "Decoder(2, 500, 784) on a [3, 2] batch", "fc3: 2->500 then tanh; fc4: 500->784 then sigmoid.");
        var decoder = Student.NewDecoder(2, 500, 784);
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

    /// <summary>
    /// Snapshot of generated images: three latent points decoded with fixed weights and drawn as
    /// 28x28 text pictures ('#' where p &gt; 0.5). The weights keep every pixel at least 1e-4 from
    /// 0.5 (float32 rounding moves a pixel by far less), so an equivalent formula cannot flip a pixel.
    /// </summary>
    [Test]
    public void GeneratedImagesMatchSnapshot()
    {
        var (decoder, _) = FixedDecoder(new Case("Decoder.forward", "fixed weights", Hint));
        var z = tensor(new float[,] { { 0, 0 }, { 2, -1 }, { -1.5f, 2.5f } });
        var p = Student.Decode(decoder, z).to(float64);
        Numeric.AssertShape(p, new long[] { 3, 784 }, new Case("Decoder.forward", "three latent points", Hint));
        var pictures = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            var text = new StringBuilder();
            var row = p[i].data<double>().ToArray();
            for (int r = 0; r < 28; r++)
                text.Append(string.Concat(row.Skip(28 * r).Take(28).Select(v => v > 0.5 ? '#' : '.'))).Append('\n');
            pictures.Add(text.ToString());
        }
        Snapshot.Match(pictures);
    }

    /// <summary>The gradient with respect to z matches central differences (gradcheck, float64 module).</summary>
    [Test]
    public void GradientsMatchFiniteDifferences()
    {
        var decoder = Student.NewDecoder(2, 4, 5);
        Student.ToFloat64(decoder);
        GradCheck.AssertGradientsMatch(new Case("Decoder.forward", "gradcheck in z, Decoder(2, 4, 5) in float64", "use differentiable tensor operations only (no .detach(), no .item())."),
            a => Student.Decode(decoder, a[0]), new[] { randn(3, 2, dtype: float64, generator: Rng(19)) }, new[] { "z" });
    }

    static (StudentModule, Dictionary<string, Tensor>) FixedDecoder(Case c)
    {
        var decoder = Student.NewDecoder(2, 500, 784);
        var w = Weights.Make(SnapshotSeed, ("fc3", 2, 500), ("fc4", 500, 784));
        Weights.Assign(decoder, w, c);
        return (decoder, w);
    }
}
