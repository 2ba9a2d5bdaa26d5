using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Graphs;

/// <summary>
/// CS/DS 552 HW1 3: the edge model p(e_ij = 1) = sigmoid(a x_i^T x_j + b) over pairs i &lt; j. The
/// likelihood is checked against a pair-by-pair loop written here, the hand-derived gradient
/// against finite differences of the student's own likelihood and against autograd.
/// </summary>
public sealed class EdgeModelChecks : CheckBase
{
    const string Hint = "L = sum over graphs and pairs i < j (not i <= j: e_ii is not an edge; not every ordered pair: each edge once) of e log sigmoid(s) + (1 - e) log sigmoid(-s), s = a x_i^T x_j + b.";

    /// <summary>G graphs of n nodes with m = 3 features uniform on [-1, 1] and edges drawn from the model with (a, b) (default (2.5, -0.8)), float64.</summary>
    internal static (Tensor features, Tensor edges) Graphs(int count, int n, long seed, double a = 2.5, double b = -0.8)
    {
        var g = new Generator((ulong)seed);
        var x = rand([count, n, 3], dtype: float64, generator: g) * 2 - 1;
        var p = sigmoid(a * x.matmul(x.transpose(1, 2)) + b);
        var upper = rand([count, n, n], dtype: float64, generator: g).lt(p).to(float64).triu(1);
        return (x, upper + upper.transpose(1, 2));
    }

    /// <summary>L(a, b) by a loop over graphs and pairs i &lt; j, with a stable log-sigmoid, and its autograd gradient.</summary>
    internal static (double value, double dA, double dB) Oracle(Tensor features, Tensor edges, double a, double b)
    {
        var pa = tensor(a, dtype: float64).requires_grad_();
        var pb = tensor(b, dtype: float64).requires_grad_();
        var terms = new List<Tensor>();
        long count = features.shape[0], n = features.shape[1];
        var inner = features.matmul(features.transpose(1, 2));
        for (long i = 0; i < n; i++)
            for (long j = i + 1; j < n; j++)
            {
                var s = pa * inner[TensorIndex.Colon, i, j] + pb;
                var e = edges[TensorIndex.Colon, i, j];
                terms.Add(e * nn.functional.logsigmoid(s) + (1 - e) * nn.functional.logsigmoid(-s));
            }
        var total = cat(terms).sum();
        var grads = autograd.grad([total], [pa, pb]);
        return (total.ToDouble(), grads[0].ToDouble(), grads[1].ToDouble());
    }

    /// <summary>
    /// How far any standard epsilon clamp (log(p + eps), log(1 - p + eps) or clamp(p, eps, 1 - eps), eps &lt;= 1e-5) can
    /// move L on these graphs: log(p + eps) - log p &lt;= eps / p, and a clamp moves p by at most eps where p &lt; eps, so
    /// the sum over pairs of eps (e / p + (1 - e) / (1 - p)) bounds the change. On graphs drawn from the evaluated model
    /// this is about 2e-5 per pair, far below any wrong pair set or reduction.
    /// </summary>
    static double ClampAllowance(Tensor features, Tensor edges, double a, double b)
    {
        const double eps = 1e-5;
        long n = features.shape[1];
        var keep = ones(n, n).triu(1).to(@bool);
        var p = sigmoid(a * features.matmul(features.transpose(1, 2)) + b)[TensorIndex.Colon, TensorIndex.Tensor(keep)];
        var e = edges[TensorIndex.Colon, TensorIndex.Tensor(keep)];
        return eps * (e / p + (1 - e) / (1 - p)).sum().ToDouble();
    }

    /// <summary>
    /// At a = b = 0 every pair has probability 1/2, so L = -P log 2 exactly; elsewhere L equals the pair-by-pair sum on
    /// graphs drawn from the evaluated model, within the effect of an epsilon clamp up to 1e-5 (<see cref="ClampAllowance"/>).
    /// The last case has the course data's size (100 graphs of 15 nodes: the product of the 10,500 probabilities
    /// underflows) and sits near the MLE a public solution reports for the course's graphs (a = 6.7, b = -6.2), so
    /// |s| stays within the 26 the data reach: stability is graded only where the homework's data go.
    /// </summary>
    [TestCase(0.0, 0.0, 12, 9)]
    [TestCase(2.0, -1.0, 12, 9)]
    [TestCase(-1.5, 0.7, 12, 9)]
    [TestCase(6.5, -6.0, 100, 15)]
    public void LogLikelihoodSumsThePairsBelowTheDiagonal(double a, double b, int graphs, int nodes)
    {
        var c = new Case("EdgeModel.LogLikelihood", $"{graphs} graphs of {nodes} nodes drawn from the model, a = {a}, b = {b}", Hint);
        var (x, e) = Graphs(graphs, nodes, 51, a, b);
        double expected = a == 0 && b == 0 ? -graphs * (nodes * (nodes - 1) / 2) * Math.Log(2) : Oracle(x, e, a, b).value;
        Numeric.AssertClose(Student.EdgeLogLikelihood(x, e, a, b), expected, c, rtol: 1e-9, atol: 1e-9 + ClampAllowance(x, e, a, b));
    }

    /// <summary>
    /// The gradient equals autograd of L within a relative 1e-5, and the five-point central difference of the student's own L
    /// (h = 1e-2, truncation error of order h^4) within 1e-3. Both hold for a gradient and L computed in float32 (the
    /// assignment fixes no dtype) and summed up graph by graph in double, whose L is not itself a float32 number (a central
    /// difference with h = 1e-5 divides its rounding by 2e-5); a gradient over other pairs than L, or with a factor wrong,
    /// is off by order 1.
    /// </summary>
    [TestCase(2.0, -1.0)]
    [TestCase(-0.5, 0.3)]
    public void GradientMatchesFiniteDifferencesAndAutograd(double a, double b)
    {
        var c = new Case("EdgeModel.Gradient", $"12 graphs of 9 nodes, a = {a}, b = {b}",
            "differentiate L by hand (sigma' = sigma (1 - sigma)) over the same pairs i < j as LogLikelihood, without autograd: the chain rule through s = a x_i^T x_j + b gives each parameter its own factor.");
        var (x, e) = Graphs(12, 9, 52);
        var (dA, dB) = Student.EdgeGradient(x, e, a, b);
        const double h = 1e-2;
        double FivePoint(Func<double, double> f) => (f(-2 * h) - 8 * f(-h) + 8 * f(h) - f(2 * h)) / (12 * h);
        double fdA = FivePoint(d => Student.EdgeLogLikelihood(x, e, a + d, b));
        double fdB = FivePoint(d => Student.EdgeLogLikelihood(x, e, a, b + d));
        var (_, autoA, autoB) = Oracle(x, e, a, b);
        Numeric.AssertClose(dA, autoA, c with { Input = c.Input + ", dL/da against autograd" }, rtol: 1e-5, atol: 1e-5);
        Numeric.AssertClose(dB, autoB, c with { Input = c.Input + ", dL/db against autograd" }, rtol: 1e-5, atol: 1e-5);
        Numeric.AssertClose(dA, fdA, c with { Input = c.Input + ", dL/da against finite differences of your LogLikelihood" }, rtol: 1e-3, atol: 1e-3);
        Numeric.AssertClose(dB, fdB, c with { Input = c.Input + ", dL/db against finite differences of your LogLikelihood" }, rtol: 1e-3, atol: 1e-3);
    }

    /// <summary>
    /// Gradient ascent (rate 2 per pair, 300 iterations from (-0.5, 0.5)) never lowers L by more than a relative 1e-5 (the
    /// rounding of an L computed in float32, which the assignment allows, once the ascent has converged; descent or an
    /// overshooting step lowers it by far more) and ends at the maximum found here by Newton's method (|a - a*|, |b - b*| &lt;= 1e-3).
    /// </summary>
    [Test]
    public void GradientAscentClimbsToTheMaximum()
    {
        var c = new Case("EdgeModel.GradientAscent", "40 graphs of 10 nodes, start (-0.5, 0.5), rate 2, 300 iterations",
            "each iteration: (a, b) += rate * (dL/da, dL/db) / P with P the number of pairs over all graphs (ascent: plus, not minus); record L after each step.");
        var (x, e) = Graphs(40, 10, 53);
        var fit = Student.EdgeGradientAscent(x, e, -0.5, 0.5, 2.0, 300);
        Assert.That(fit.LogLikelihoods, Has.Length.EqualTo(300), c.Describe($"returned {fit.LogLikelihoods.Length} log-likelihoods for 300 iterations."));
        for (int k = 1; k < 300; k++)
            if (fit.LogLikelihoods[k] < fit.LogLikelihoods[k - 1] - 1e-5 * Math.Abs(fit.LogLikelihoods[k - 1]))
                Assert.Fail(c.Describe($"L fell from {fit.LogLikelihoods[k - 1]:F6} to {fit.LogLikelihoods[k]:F6} at iteration {k + 1}."));
        var (aStar, bStar) = Newton(x, e);
        Numeric.AssertClose(fit.A, aStar, c with { Input = c.Input + ", final a" }, rtol: 0, atol: 1e-3);
        Numeric.AssertClose(fit.B, bStar, c with { Input = c.Input + ", final b" }, rtol: 0, atol: 1e-3);
    }

    /// <summary>
    /// The MLE by Newton's method on the autograd gradient of L (pairs i &lt; j selected by a mask, a second route besides
    /// <see cref="Oracle"/>'s loop), with the Hessian from central differences of that gradient: the fixed point is where
    /// the exact gradient vanishes, whatever the Hessian's error.
    /// </summary>
    static (double a, double b) Newton(Tensor features, Tensor edges)
    {
        long n = features.shape[1];
        var keep = ones(n, n).triu(1).to(@bool);
        var inner = features.matmul(features.transpose(1, 2))[TensorIndex.Colon, TensorIndex.Tensor(keep)];
        var e = edges[TensorIndex.Colon, TensorIndex.Tensor(keep)];
        (double ga, double gb) Gradient(double a, double b)
        {
            var pa = tensor(a, dtype: float64).requires_grad_();
            var pb = tensor(b, dtype: float64).requires_grad_();
            var s = pa * inner + pb;
            var total = (e * nn.functional.logsigmoid(s) + (1 - e) * nn.functional.logsigmoid(-s)).sum();
            var grads = autograd.grad([total], [pa, pb]);
            return (grads[0].ToDouble(), grads[1].ToDouble());
        }
        const double h = 1e-4;
        double a = 0, b = 0;
        for (int k = 0; k < 30; k++)
        {
            var (ga, gb) = Gradient(a, b);
            var (gaPlusA, gbPlusA) = Gradient(a + h, b);
            var (gaMinusA, gbMinusA) = Gradient(a - h, b);
            var (gaPlusB, gbPlusB) = Gradient(a, b + h);
            var (gaMinusB, gbMinusB) = Gradient(a, b - h);
            double haa = (gaPlusA - gaMinusA) / (2 * h), hbb = (gbPlusB - gbMinusB) / (2 * h);
            double hab = ((gbPlusA - gbMinusA) + (gaPlusB - gaMinusB)) / (4 * h);
            double det = haa * hbb - hab * hab;
            a -= (hbb * ga - hab * gb) / det;
            b -= (haa * gb - hab * ga) / det;
        }
        return (a, b);
    }

    /// <summary>
    /// Sampled graphs are symmetric 0/1 with a zero diagonal, and over 400 graphs on fixed features the
    /// edges match sigmoid(a x_i^T x_j + b): the score statistics sum (e - p) and sum (e - p) x_i^T x_j
    /// stay within 5.3 standard deviations (false-fail probability below 1e-6 each, normal approximation over 42,000 pairs).
    /// b = -1.5 makes the graphs sparse (a quarter of the pairs are edges, the course's fitted graphs have fewer), so a sampler
    /// that makes edges depend on each other, such as one that redraws a graph until it is dense enough, shows in the count.
    /// Edges that share a uniform (one per column or row broadcast over the other index, or one per graph) keep these means
    /// but not their independence: the variance of a graph's edge count over the 400 graphs must lie within [0.5, 1.6] times
    /// sum p (1 - p), its value for independent pairs (its sample variance has 399 degrees of freedom and a standard deviation
    /// of about 0.07 times that, so the band is over 7 of them wide on either side; shared uniforms give 5 to 70 times).
    /// </summary>
    [Test]
    public void SampledGraphsHaveTheModelsEdgeProbabilities()
    {
        var c = new Case("EdgeModel.SampleEdges", "15 nodes, a = 2, b = -1.5, 400 graphs",
            "draw each pair i < j once, independently of the others: e_ij = e_ji = 1 with probability sigmoid(a x_i^T x_j + b); the diagonal stays 0.");
        var x = rand([15, 3], dtype: float64, generator: Rng(54)) * 2 - 1;
        var inner = x.matmul(x.T);
        var p = sigmoid(2 * inner - 1.5);
        var sum = zeros(15, 15, dtype: float64);
        var counts = new double[400];
        for (int k = 0; k < 400; k++)
        {
            var edges = Student.SampleEdges(x, 2, -1.5, Rng(5500 + k)).to(float64).cpu();
            Numeric.AssertShape(edges, [15, 15], c);
            if (!edges.eq(edges.T).all().ToBoolean()) Assert.Fail(c.Describe("the edge matrix is not symmetric: set e_ji = e_ij."));
            if (edges.diagonal().abs().sum().ToDouble() != 0) Assert.Fail(c.Describe("the diagonal has edges: no student is their own friend."));
            if (!(edges.eq(0) | edges.eq(1)).all().ToBoolean()) Assert.Fail(c.Describe("edges must be 0 or 1."));
            sum += edges;
            counts[k] = edges.triu(1).sum().ToDouble();
        }
        var keep = ones(15, 15).triu(1).to(@bool);
        var residual = (sum / 400 - p)[keep];
        var variance = (p * (1 - p) / 400)[keep];
        var s = inner[keep];
        double zB = residual.sum().ToDouble() / Math.Sqrt(variance.sum().ToDouble());
        double zA = (residual * s).sum().ToDouble() / Math.Sqrt((variance * s.square()).sum().ToDouble());
        if (Math.Abs(zB) > 5.3) Assert.Fail(c.Describe($"the number of edges is off by {zB:F1} standard deviations: check b (and that each pair is drawn with sigmoid(a x_i^T x_j + b))."));
        if (Math.Abs(zA) > 5.3) Assert.Fail(c.Describe($"edges do not follow the feature similarity (score in a off by {zA:F1} standard deviations): check a x_i^T x_j."));
        double independent = variance.sum().ToDouble() * 400, mean = counts.Average();
        double spread = counts.Sum(n => (n - mean) * (n - mean)) / 399 / independent;
        if (spread is < 0.5 or > 1.6)
            Assert.Fail(c.Describe($"the number of edges in a graph varies {spread:F2} times as much as for independent pairs (variance {spread * independent:F1} over 400 graphs, against {independent:F1}): draw a fresh uniform for every pair i < j, not one shared by a row, a column or the whole graph."));
    }
}
