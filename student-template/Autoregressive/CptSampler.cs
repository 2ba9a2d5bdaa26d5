// Generated from reference/ by `dotnet run --project autograder -- generate`: edit the reference, not this file.
using GenAI.Course.Formats;
using GenAI.Course.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Course.Autoregressive;

/// <summary>
/// CS/DS 552 HW1, problem 1a: a binary image x in {0,1}^N (N = 25 for 5x5) sampled pixel by pixel
/// from conditional probability tables. CPT i (1-based) has shape [2]*i and is indexed
/// [x_1]...[x_{i-1}][v]: its entry is p(x_i = v | x_1 .. x_{i-1}).
/// </summary>
public static class CptSampler
{
    /// <summary>
    /// Reads <c>image_cpts.pkl</c> (or <c>.pkl.gz</c>): a list of N numpy arrays, CPT i of shape [2]*i.
    /// Tables come back as float64 tensors.
    /// </summary>
    /// <exception cref="CourseDataException">The file is not such a list.</exception>
    public static IReadOnlyList<Tensor> Load(string path)
    {
        if (Pickle.Load(path) is not List<object?> items || items.Count == 0)
            throw new CourseDataException(path, "expected a non-empty list of CPT arrays.");
        var tables = new List<Tensor>();
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is not Tensor t || t.shape.Length != i + 1 || t.shape.Any(s => s != 2))
                throw new CourseDataException(path, $"CPT {i + 1} (list index {i}) must be an array of shape [2]*{i + 1}, found {Describe(items[i])}.");
            tables.Add(t.to(float64));
            t.Dispose();
        }
        return tables;
    }

    static string Describe(object? item) => item is Tensor t ? $"shape ({string.Join(", ", t.shape)})" : item?.GetType().Name ?? "None";

    /// <summary>
    /// Samples one image per row of <paramref name="uniforms"/> [count, N] (values in [0, 1), one per
    /// pixel in order x_1 .. x_N, as np.random.rand would give them): pixel i of image k is 1 exactly
    /// when uniforms[k, i] &lt; p(x_i = 1 | the pixels already drawn). Returns float32 [count, N] of 0/1.
    /// </summary>
    /// <exception cref="ArgumentException">The uniforms do not have one column per CPT.</exception>
    public static Tensor SampleImages(IReadOnlyList<Tensor> cpts, Tensor uniforms)
    {
        if (uniforms.dim() != 2 || uniforms.shape[1] != cpts.Count)
            throw new ArgumentException($"uniforms must be [count, {cpts.Count}] (one per pixel), not [{string.Join(", ", uniforms.shape)}].", nameof(uniforms));
        throw new NotImplementedException("for i = 1..N look up p(x_i = 1 | x_<i) in CPT i at the pixels drawn so far, and set x_i = 1 when the i-th uniform is below it.");
    }

    /// <summary>
    /// 100 (or <paramref name="count"/>) images from <see cref="SampleImages"/> with uniforms drawn
    /// from <paramref name="generator"/> (the global generator when null).
    /// </summary>
    public static Tensor Sample(IReadOnlyList<Tensor> cpts, int count = 100, Generator? generator = null)
    {
        using var u = Compute.Uniform([count, cpts.Count], float64, CPU, generator);
        return SampleImages(cpts, u);
    }

    /// <summary>
    /// The entropy H(p) of the CPTs' joint distribution in nats, summed over the prefixes that have
    /// positive probability (so it does not enumerate all 2^N images). It bounds the expected
    /// negative log-likelihood of any model of p from below.
    /// </summary>
    public static double Entropy(IReadOnlyList<Tensor> cpts)
    {
        using var scope = NewDisposeScope();
        // Read the tables in place: copying them (2^N entries in all) into managed arrays took seconds.
        var tables = cpts.Select(t => t.to(float64).cpu().reshape(-1).contiguous().data<double>()).ToArray();
        double Visit(int i, long prefix, double p)
        {
            if (i == tables.Length) return p > 0 ? -p * Math.Log(p) : 0;
            double sum = 0;
            for (int v = 0; v < 2; v++)
            {
                double q = tables[i][2 * prefix + v];
                if (q > 0) sum += Visit(i + 1, 2 * prefix + v, p * q);
            }
            return sum;
        }
        return Visit(0, 0, 1);
    }

    /// <summary>The distinct rows of <paramref name="images"/> [count, N], in order of first appearance.</summary>
    public static Tensor UniqueImages(Tensor images)
    {
        var rows = images.to(float32).cpu();
        var seen = new HashSet<string>();
        var keep = new List<long>();
        for (long k = 0; k < rows.shape[0]; k++)
            if (seen.Add(ImageKey(rows[k]))) keep.Add(k);
        return rows.index_select(0, tensor(keep.ToArray()));
    }

    /// <summary>A binary image (one row of 0/1 pixels) as a string of '0' and '1', for comparing images.</summary>
    public static string ImageKey(Tensor image)
    {
        using var values = image.to(float32).cpu();
        return string.Concat(values.data<float>().ToArray().Select(v => v > 0.5f ? '1' : '0'));
    }
}
