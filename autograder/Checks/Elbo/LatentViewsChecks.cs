using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Elbo;

/// <summary>
/// CS 4331 HW2 2.4: <c>latent_traversal</c> and <c>sample_from_prior</c>, run on a test model whose
/// Decode(z) = scale * z + shift, so the decoded images show exactly which codes were decoded.
/// </summary>
public sealed class LatentViewsChecks : CheckBase
{
    const string TraversalHint = "row k * steps + j decodes baseZ with only dimension k replaced by the j-th of steps evenly spaced values from 'from' to 'to' (both included); every other dimension keeps baseZ's value.";
    const string PriorHint = "draw z of shape [count, Latent] from N(0, I) (independent entries) and return model.Decode(z).";

    /// <summary>The traversal decodes exactly the codes of the grid (built here by explicit loops), for two ranges and sizes.</summary>
    [TestCase(3, -3.0, 3.0, 5)]
    [TestCase(2, -1.0, 0.5, 4)]
    public void TraversalDecodesEachDimensionAlongItsGrid(int latent, double from, double to, int steps)
    {
        const double scale = 2, shift = 1;
        var baseZ = tensor(new[] { 0.5f, -1.25f, 2f }[..latent]);
        var c = new Case("LatentViews.LatentTraversal", $"latent {latent}, baseZ [{string.Join(", ", baseZ.data<float>().ToArray())}], {from} .. {to} in {steps} steps, Decode(z) = 2 z + 1", TraversalHint);
        var got = Student.LatentTraversal(latent, scale, shift, baseZ, from, to, steps);
        var expected = new float[latent * steps, latent];
        for (int k = 0; k < latent; k++)
            for (int j = 0; j < steps; j++)
                for (int m = 0; m < latent; m++)
                    expected[k * steps + j, m] = (float)(scale * (m == k ? from + (to - from) * j / (steps - 1) : baseZ[m].ToDouble()) + shift);
        Numeric.AssertShape(got, new long[] { latent * steps, latent }, c);
        Numeric.AssertClose(got.to(float32), tensor(expected), c, rtol: 1e-5, atol: 1e-5);
    }

    /// <summary>Tolerance of <see cref="TraversalMatchesSnapshot"/>.</summary>
    public const double SnapshotTolerance = 1e-4;

    /// <summary>
    /// Snapshot of a traversal: latent 9, a fixed baseZ, -2 .. 2.5 in 7 steps (not the default -3 .. 3, so a range fixed at the
    /// default shows), decoded by Decode(z) = z (so each 3x3 picture is the code itself: row k moves dimension k, the other eight
    /// pixels keep baseZ). The kind of grid <see cref="TraversalDecodesEachDimensionAlongItsGrid"/> checks (in the same item);
    /// the snapshot adds the picture of which codes went wrong. Tolerance 1e-4 on values up to 3: linspace and the copy of baseZ are exact to a float32 ulp
    /// (2.4e-7 at 3) in any formula (a loop of from + (to - from) j / (steps - 1), linspace, or baseZ plus a one-hot offset),
    /// and the harness tests require the reference's float32 run within a tenth of it.
    /// Prior sampling is not snapshot-tested: its codes are draws whose order the assignment leaves free, and with them fixed
    /// out (a decoder that ignores z) nothing of the student's code would be left to see.
    /// </summary>
    [Test]
    public void TraversalMatchesSnapshot() =>
        ImageSnapshot.Match(TraversalCodes, SnapshotTolerance, new Case("LatentViews.LatentTraversal", "latent 9, fixed baseZ, -2 .. 2.5 in 7 steps, Decode(z) = z", TraversalHint),
            (-3, 3), [.. Enumerable.Range(1, 9).Select(k => $"z{k} moves")], ["-2", "-1.25", "-0.5", "0.25", "1", "1.75", "2.5"]);

    /// <summary>The snapshot's traversal in <paramref name="dtype"/>, [9, 7, 3, 3].</summary>
    public static Tensor TraversalCodes(ScalarType dtype)
    {
        const int latent = 9, steps = 7;
        var baseZ = (randn([latent], dtype: float64, generator: Rng(53)) * 1.5).to(float32).to(dtype);
        var got = Student.LatentTraversal(latent, 1, 0, baseZ, -2, 2.5, steps);
        Numeric.AssertShape(got, [latent * steps, latent], new Case("LatentViews.LatentTraversal", $"latent {latent}, {steps} steps", TraversalHint));
        return got.reshape(latent, steps, 3, 3);
    }

    /// <summary>Prior samples are decoded N(0, I) codes: (output - shift) / scale is standard normal entry by entry (KS), and so is the scaled sum of each row's entries, which tests their independence.</summary>
    [Test]
    public void PriorSamplesAreDecodedStandardNormalCodes()
    {
        const int latent = 4, count = 20000;
        var c = new Case("LatentViews.SampleFromPrior", $"{count} samples, latent {latent}, Decode(z) = 2 z + 1", PriorHint);
        var got = Student.SampleFromPrior(latent, 2, 1, count, Rng(51));
        Numeric.AssertShape(got, new long[] { count, latent }, c);
        var z = (got.to(float64) - 1) / 2;
        Stats.AssertStandardNormal(z.flatten(), c with { Input = c.Input + ", every entry of (sample - 1) / 2" });
        Stats.AssertStandardNormal(z.sum(1) / Math.Sqrt(latent), c with { Input = c.Input + ", each row's sum of (sample - 1) / 2, over sqrt(4): the entries must be independent" });
    }
}
