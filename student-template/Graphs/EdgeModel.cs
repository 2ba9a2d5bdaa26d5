// Generated from reference/ by `dotnet run --project autograder -- generate`: edit the reference, not this file.
using GenAI.Course.Formats;
using GenAI.Course.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Course.Graphs;

/// <summary>Classroom graphs: node features [G, n, m] in [-1, 1] and symmetric 0/1 edges [G, n, n], float64.</summary>
/// <param name="Features">x^(i) of every node of every graph, [G, n, m].</param>
/// <param name="Edges">e_ij of every graph, [G, n, n], symmetric with a zero diagonal.</param>
public sealed record ClassroomGraphs(Tensor Features, Tensor Edges)
{
    /// <summary>
    /// Reads <c>classroom_graphs.pkl</c>: a list of (X [n, m], E [n, n]) tuples, all of one size.
    /// </summary>
    /// <exception cref="CourseDataException">The file is not such a list, or an E is not symmetric 0/1 with a zero diagonal.</exception>
    public static ClassroomGraphs Load(string path)
    {
        if (Pickle.Load(path) is not List<object?> items || items.Count == 0)
            throw new CourseDataException(path, "expected a non-empty list of (X, E) tuples.");
        var xs = new List<Tensor>();
        var es = new List<Tensor>();
        for (int g = 0; g < items.Count; g++)
        {
            if (items[g] is not object?[] { Length: 2 } pair || pair[0] is not Tensor x || pair[1] is not Tensor e
                || x.dim() != 2 || e.dim() != 2 || e.shape[0] != x.shape[0] || e.shape[1] != x.shape[0])
                throw new CourseDataException(path, $"graph {g} must be a tuple (X [n, m], E [n, n]).");
            if (xs.Count > 0 && !x.shape.SequenceEqual(xs[0].shape))
                throw new CourseDataException(path, $"graph {g} has X of shape ({string.Join(", ", x.shape)}), unlike graph 0's ({string.Join(", ", xs[0].shape)}).");
            var e64 = e.to(float64);
            if (!e64.eq(e64.T).all().ToBoolean() || e64.diagonal().abs().sum().ToDouble() != 0 || !(e64.eq(0) | e64.eq(1)).all().ToBoolean())
                throw new CourseDataException(path, $"graph {g}: E must be symmetric, 0/1, with a zero diagonal.");
            xs.Add(x.to(float64));
            es.Add(e64);
        }
        return new ClassroomGraphs(stack(xs), stack(es));
    }
}

/// <summary>The result of gradient ascent on the edge model.</summary>
/// <param name="A">The fitted a.</param>
/// <param name="B">The fitted b.</param>
/// <param name="LogLikelihoods">L(a, b) after each iteration.</param>
public sealed record EdgeFit(double A, double B, double[] LogLikelihoods);

/// <summary>
/// CS/DS 552 HW1, problem 3: p(e_ij = 1 | x_i, x_j) = sigmoid(a x_i^T x_j + b), edges independent,
/// fitted by gradient ascent on hand-derived gradients (no autograd).
/// </summary>
public static class EdgeModel
{
    /// <summary>
    /// L(a, b) = sum over graphs and node pairs i &lt; j of e_ij log sigmoid(s_ij) + (1 - e_ij) log(1 - sigmoid(s_ij)),
    /// s_ij = a x_i^T x_j + b, for <paramref name="features"/> [G, n, m] and <paramref name="edges"/> [G, n, n].
    /// </summary>
    public static double LogLikelihood(Tensor features, Tensor edges, double a, double b)
    {
        throw new NotImplementedException("form s = a X X^T + b per graph, keep the entries with i < j, and sum e log sigmoid(s) + (1 - e) log sigmoid(-s).");
    }

    /// <summary>
    /// The gradient (dL/da, dL/db) of <see cref="LogLikelihood"/> at (<paramref name="a"/>, <paramref name="b"/>), from the
    /// formula derived by hand in problem 3a (no autograd), for <paramref name="features"/> [G, n, m] and
    /// <paramref name="edges"/> [G, n, n]: two doubles, summed over the same graphs and pairs i &lt; j as L.
    /// </summary>
    public static (double dA, double dB) Gradient(Tensor features, Tensor edges, double a, double b)
    {
        throw new NotImplementedException("evaluate your hand-derived dL/da and dL/db (use sigma' = sigma (1 - sigma)) over the pairs i < j, without autograd.");
    }

    // Declare the fields you need here.

    /// <summary>
    /// Gradient ascent from (<paramref name="a0"/>, <paramref name="b0"/>): each iteration
    /// (a, b) += <paramref name="learningRate"/> * grad L(a, b) / P, with P the number of pairs i &lt; j
    /// over all graphs (so the rate does not depend on the data size). Records L after each step.
    /// </summary>
    public static EdgeFit GradientAscent(Tensor features, Tensor edges, double a0, double b0, double learningRate, int iterations)
    {
        throw new NotImplementedException("repeat: (dA, dB) = Gradient(a, b); a += rate * dA / P; b += rate * dB / P; record LogLikelihood(a, b).");
    }

    /// <summary>Node features for a new graph: [n, m] uniform on [-1, 1], from <paramref name="generator"/>.</summary>
    public static Tensor SampleFeatures(int n, int m, Generator? generator = null)
    {
        using var u = Compute.Uniform([n, m], float64, CPU, generator);
        return u * 2 - 1;
    }

    /// <summary>
    /// Edges of a new graph for <paramref name="features"/> [n, m]: each pair i &lt; j independently
    /// 1 with probability sigmoid(a x_i^T x_j + b); E [n, n] float64, symmetric, zero diagonal.
    /// </summary>
    public static Tensor SampleEdges(Tensor features, double a, double b, Generator? generator = null)
    {
        throw new NotImplementedException("draw one uniform per pair i < j, set e_ij = e_ji = 1 when it is below sigmoid(s_ij), and leave the diagonal 0.");
    }
}
