using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Autoregressive;

/// <summary>
/// CS/DS 552 HW1 1a: sampling images pixel by pixel from CPTs. The CPTs here are built by the check
/// from known distributions (a few images with weights, or random tables with full support); the
/// expected values come from a plain loop over pixels written here, not from the reference.
/// </summary>
public sealed class CptSamplerChecks : CheckBase
{
    const string Hint = "CPT i is indexed [x_1]..[x_{i-1}][v] = p(x_i = v | x_<i): look it up at the pixels already drawn (x_1 is the first index), then x_i = 1 when the i-th uniform is below p(x_i = 1 | x_<i).";

    /// <summary>CPTs (float64 tables [2]*i) of the distribution putting <paramref name="weights"/> on <paramref name="images"/>; impossible prefixes get 0.5.</summary>
    internal static List<Tensor> TablesOf(int[][] images, double[] weights)
    {
        int n = images[0].Length;
        var tables = new List<Tensor>();
        for (int i = 1; i <= n; i++)
        {
            var counts = new double[1 << i];
            for (int k = 0; k < images.Length; k++) counts[Prefix(images[k], i)] += weights[k];
            var p = new double[1 << i];
            for (int q = 0; q < 1 << (i - 1); q++)
            {
                double total = counts[2 * q] + counts[2 * q + 1];
                p[2 * q] = total > 0 ? counts[2 * q] / total : 0.5;
                p[2 * q + 1] = total > 0 ? counts[2 * q + 1] / total : 0.5;
            }
            tables.Add(tensor(p, Enumerable.Repeat(2L, i).ToArray(), dtype: float64));
        }
        return tables;
    }

    /// <summary>Row-major index of the first <paramref name="length"/> pixels (x_1 most significant).</summary>
    static int Prefix(int[] image, int length)
    {
        int index = 0;
        for (int j = 0; j < length; j++) index = 2 * index + image[j];
        return index;
    }

    /// <summary>Random tables with every probability in [0.1, 0.9] (every image possible).</summary>
    static List<Tensor> RandomTables(int n, long seed)
    {
        var g = Rng(seed);
        var tables = new List<Tensor>();
        for (int i = 1; i <= n; i++)
        {
            var one = rand([1L << (i - 1)], dtype: float64, generator: g) * 0.8 + 0.1;
            tables.Add(stack([1 - one, one], 1).reshape(Enumerable.Repeat(2L, i).ToArray()));
        }
        return tables;
    }

    /// <summary>p(x = image) as the product of the CPT entries along it.</summary>
    static double Probability(IReadOnlyList<double[]> flat, int[] image)
    {
        double p = 1;
        for (int i = 0; i < image.Length; i++) p *= flat[i][Prefix(image, i + 1)];
        return p;
    }

    static int[][] Letters3x3 =>
    [
        [1, 1, 1, 0, 1, 0, 0, 1, 0], // T
        [1, 0, 1, 1, 1, 1, 1, 0, 1], // H
        [1, 0, 0, 1, 0, 0, 1, 1, 1], // L
        [1, 1, 1, 1, 0, 0, 1, 1, 1], // C
    ];

    /// <summary>
    /// With given uniforms the images are determined: x_i = 1 exactly when u_i &lt; p(x_i = 1 | x_&lt;i)
    /// (the complementary convention, 1 when 1 - u_i &lt; p, draws from the same distribution and is accepted too).
    /// </summary>
    [Test]
    public void FollowsTheGivenUniforms()
    {
        var c = new Case("CptSampler.SampleImages", "4 weighted 3x3 letters, 200 rows of fixed uniforms", Hint);
        var tables = RandomTables(9, 5);
        var uniforms = rand([200, 9], dtype: float64, generator: Rng(6));
        var images = Student.SampleImages(tables, uniforms);
        Numeric.AssertShape(images, [200, 9], c);
        var got = images.to(float64).cpu().data<double>().ToArray();
        var flat = tables.Select(t => t.reshape(-1).data<double>().ToArray()).ToArray();
        var u = uniforms.data<double>().ToArray();
        int[] mismatches = [0, 0];
        for (int convention = 0; convention < 2; convention++)
            for (int k = 0; k < 200; k++)
            {
                int prefix = 0;
                for (int i = 0; i < 9; i++)
                {
                    double pOne = flat[i][2 * prefix + 1], ui = u[k * 9 + i];
                    int x = (convention == 0 ? ui < pOne : 1 - ui < pOne) ? 1 : 0;
                    if (got[k * 9 + i] != x) { mismatches[convention]++; break; }
                    prefix = 2 * prefix + x;
                }
            }
        if (mismatches.Min() > 0)
            Assert.Fail(c.Describe($"{mismatches[0]} of 200 images differ from the ones the uniforms determine (first pixel i where uniforms[k, i] < p(x_i = 1 | x_<i) decides x_i = 1)."));
    }

    /// <summary>Eight 4x4 letters (T, L, O, X, H, C, Z, I) and their weights, the distribution of the snapshot.</summary>
    static readonly int[][] Letters4x4 = [.. new[]
    {
        "1111011001100110", "1000100010001111", "1111100110011111", "1001011001101001",
        "1001111110011001", "1111100010001111", "1111001001001111", "0110011001100110",
    }.Select(s => s.Select(ch => ch - '0').ToArray())];

    /// <summary>
    /// Snapshot of sampled letters: CPTs of eight 4x4 letters (weights 0.2, 0.15, 0.15 and 0.1 each) sampled with ten
    /// rows of fixed uniforms u (top two rows of the picture) and with 1 - u (bottom two rows), so the complementary
    /// convention, which swaps the two halves, is accepted too. Pixels are 0 or 1 and the tolerance 0.5 (a flipped pixel
    /// fails): the harness tests show every decision u_i &lt; p lies at least 1e-6 from its threshold (the images do not
    /// change when the uniforms move by 1e-6 either way), far more than float32 rounding of u or p (6e-8) can move it.
    /// </summary>
    [Test]
    public void SampledLettersMatchSnapshot() =>
        ImageSnapshot.Match(SampledLetters, 0.5, new Case("CptSampler.SampleImages", "CPTs of eight weighted 4x4 letters, 10 rows of fixed uniforms u and 10 of 1 - u", Hint), (0, 1),
            ["u, 1-5", "u, 6-10", "1 - u, 1-5", "1 - u, 6-10"], equivalent: e => cat([e[2..], e[..2]]));

    /// <summary>The snapshot's letters with the tables and uniforms in <paramref name="dtype"/>, [4, 5, 4, 4].</summary>
    public static Tensor SampledLetters(ScalarType dtype) => SampledLetters(dtype, 0);

    /// <summary>The snapshot's letters with every uniform moved by <paramref name="shift"/> (for the harness tests' margin proof).</summary>
    public static Tensor SampledLetters(ScalarType dtype, double shift)
    {
        var tables = TablesOf(Letters4x4, [0.2, 0.15, 0.15, 0.1, 0.1, 0.1, 0.1, 0.1]).Select(t => t.to(dtype)).ToList();
        var u = rand([10, 16], dtype: float64, generator: Rng(10));
        var images = Student.SampleImages(tables, (cat([u, 1 - u]) + shift).to(dtype));
        Numeric.AssertShape(images, [20, 16], new Case("CptSampler.SampleImages", "20 rows of uniforms for 16 CPTs", Hint));
        return images.reshape(4, 5, 4, 4);
    }

    /// <summary>Every image of the distribution comes up with its probability (Hoeffding per image, Bonferroni over the 16 images), with the check's i.i.d. uniforms.</summary>
    [Test]
    public void FrequenciesMatchTheJointDistribution()
    {
        var c = new Case("CptSampler.SampleImages", "random CPTs on 4 pixels (16 images), 40000 samples", Hint);
        var tables = RandomTables(4, 7);
        const int n = 40000;
        var images = Student.SampleImages(tables, rand([n, 4], dtype: float64, generator: Rng(8)));
        Numeric.AssertShape(images, [n, 4], c);
        var values = images.to(float64).cpu().data<double>().ToArray();
        if (values.Any(v => v is not (0.0 or 1.0))) Assert.Fail(c.Describe("pixels must be 0 or 1."));
        var counts = new long[16];
        for (int k = 0; k < n; k++) counts[(int)(8 * values[4 * k] + 4 * values[4 * k + 1] + 2 * values[4 * k + 2] + values[4 * k + 3])]++;
        var flat = tables.Select(t => t.reshape(-1).data<double>().ToArray()).ToArray();
        for (int image = 0; image < 16; image++)
        {
            int[] bits = [(image >> 3) & 1, (image >> 2) & 1, (image >> 1) & 1, image & 1];
            Stats.AssertFrequency(counts[image], n, Probability(flat, bits),
                c with { Input = c.Input + $", image {string.Concat(bits)}" }, Stats.FalseFailProbability / 16);
        }
    }

    /// <summary>CPTs of four weighted letters: every sample is one of the letters, at its weight.</summary>
    [Test]
    public void SamplesOnlyTheImagesOfTheDistribution()
    {
        var c = new Case("CptSampler.SampleImages", "CPTs of 4 letters (3x3) weighted 0.4/0.3/0.2/0.1, 20000 samples", Hint);
        double[] weights = [0.4, 0.3, 0.2, 0.1];
        var letters = Letters3x3;
        const int n = 20000;
        var images = Student.SampleImages(TablesOf(letters, weights), rand([n, 9], dtype: float64, generator: Rng(9)));
        Numeric.AssertShape(images, [n, 9], c);
        var values = images.to(float64).cpu().data<double>().ToArray();
        var counts = new long[letters.Length];
        for (int k = 0; k < n; k++)
        {
            var row = values[(9 * k)..(9 * k + 9)];
            int match = Array.FindIndex(letters, l => l.Select(v => (double)v).SequenceEqual(row));
            if (match < 0) Assert.Fail(c.Describe($"sample {k} ({string.Join("", row)}) has probability 0 under the CPTs."));
            counts[match]++;
        }
        for (int l = 0; l < letters.Length; l++)
            Stats.AssertFrequency(counts[l], n, weights[l], c with { Input = c.Input + $", letter {l}" }, Stats.FalseFailProbability / letters.Length);
    }
}
