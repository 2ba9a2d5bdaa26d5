using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Rbm;

/// <summary>
/// ECE 685D HW5, problem 2: the Gaussian-Bernoulli RBM's conditionals, free energy, Gibbs sampler
/// and CD loss on a tiny RBM (3 visible units with different sigmas, 4 hidden units). Expected values
/// come from the energy itself: enumeration of the 16 hidden states, quadrature over v, and finite
/// differences of the enumerated free energy, in plain doubles.
/// </summary>
public sealed class RbmChecks : CheckBase
{
    const int V = 3, M = 4;
    static readonly double[] Sigma = [0.5, 1.0, 2.0];

    /// <summary>The tiny RBM's parameters W [V*M, row-major], b and alpha, in plain doubles.</summary>
    sealed record Tiny(double[] W, double[] B, double[] Alpha)
    {
        public static Tiny Draw(long seed, double scale = 0.8)
        {
            var g = new Generator((ulong)seed);
            return new Tiny((randn([V * M], dtype: float64, generator: g) * scale).data<double>().ToArray(),
                            (randn([V], dtype: float64, generator: g) * 0.5).data<double>().ToArray(),
                            (randn([M], dtype: float64, generator: g) * 0.5).data<double>().ToArray());
        }

        /// <summary>E(v, h) straight from the assignment's formula.</summary>
        public double Energy(double[] v, int hBits)
        {
            double e = 0;
            for (int i = 0; i < V; i++)
            {
                for (int j = 0; j < M; j++) if ((hBits >> j & 1) == 1) e -= W[i * M + j] * v[i] / Sigma[i];
                e += (v[i] - B[i]) * (v[i] - B[i]) / (2 * Sigma[i] * Sigma[i]);
            }
            for (int j = 0; j < M; j++) if ((hBits >> j & 1) == 1) e -= Alpha[j];
            return e;
        }

        /// <summary>-log sum_h exp(-E(v, h)) over the 16 hidden states (max-shifted).</summary>
        public double FreeEnergy(double[] v)
        {
            var terms = Enumerable.Range(0, 1 << M).Select(h => -Energy(v, h)).ToArray();
            double max = terms.Max();
            return -(max + Math.Log(terms.Sum(t => Math.Exp(t - max))));
        }

        /// <summary>The student's RBM with these parameters, in float64 (or in float32, for <see cref="Student.Float64ElseFloat32{T}"/>'s second try).</summary>
        public StudentModule Load(ScalarType dtype = ScalarType.Float64)
        {
            var rbm = Student.NewRbm(V, M, tensor(Sigma, dtype: dtype));
            if (dtype == float64) Student.ToFloat64(rbm);
            Student.LoadParameters(rbm, new Dictionary<string, Tensor>
            {
                ["W"] = tensor(W, [V, M], dtype: float64), ["b"] = tensor(B, dtype: float64), ["alpha"] = tensor(Alpha, dtype: float64),
            });
            return rbm;
        }
    }

    static double[][] Points(long seed, int count) =>
        Enumerable.Range(0, count).Select(k => (randn([V], dtype: float64, generator: new Generator((ulong)(seed + k))) * 1.5).data<double>().ToArray()).ToArray();

    static Tensor Batch(double[][] rows, ScalarType dtype = ScalarType.Float64) => tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, V], dtype: dtype);

    /// <summary>Pixel tolerance of <see cref="GibbsStepsWithGivenNoiseMatchSnapshot"/>.</summary>
    public const double SnapshotTolerance = 1e-4;

    /// <summary>
    /// Snapshot of two Gibbs steps with given noise, built here from the student's two conditionals on an RBM of 784
    /// visible units (sigma 0.5) and 16 hidden ones with fixed weights, from 8 fixture digits v0: h0 = 1[u0 &lt; p(h | v0)],
    /// v1 = VisibleMean(h0) + sigma eps, h1 = 1[u1 &lt; p(h | v1)]; the picture shows v1 and VisibleMean(h1) as 28x28
    /// images. Tolerance 1e-4 on values of size 1: VisibleMean is a dot product of length 16 (float32 error about 1e-7),
    /// and the harness tests show no hidden unit flips when every uniform moves by 1e-4 either way, far more than the
    /// float32 rounding of p(h | v) (a dot product of length 784, measured below 1e-5) can move a decision.
    /// </summary>
    [Test]
    public void GibbsStepsWithGivenNoiseMatchSnapshot() =>
        ImageSnapshot.Match(GibbsSteps, SnapshotTolerance, new Case("GaussianBernoulliRbm.HiddenProbability and VisibleMean", "RBM(784, 16) with fixed weights, 8 digits, two Gibbs steps with given uniforms and normal noise",
            "p(h_j = 1 | v) = sigmoid(alpha_j + sum_i W_ij v_i / sigma_i); VisibleMean(h) = b + sigma * (W h)."),
            rowLabels: ["v1", "E[v2 | h1]"], columnLabels: [.. Enumerable.Range(1, 8).Select(k => $"digit {k}")]);

    /// <summary>The snapshot's two Gibbs steps in <paramref name="dtype"/>, [2, 8, 28, 28].</summary>
    public static Tensor GibbsSteps(ScalarType dtype) => GibbsSteps(dtype, 0);

    /// <summary>The snapshot's two Gibbs steps with every uniform moved by <paramref name="shift"/> (for the harness tests' margin proof).</summary>
    public static Tensor GibbsSteps(ScalarType dtype, double shift)
    {
        const int visible = 784, hidden = 16;
        var g = Rng(87);
        var (digits, _) = GenAI.Course.Formats.Idx.LoadSplit(Path.Combine(AppContext.BaseDirectory, "fixtures", "course-data", "digits-idx"), "train", 8);
        var v0 = digits.reshape(8, visible).to(float32).to(dtype);
        var sigma = full(visible, 0.5, dtype: dtype);
        using var rbm = Student.NewRbm(visible, hidden, sigma);
        if (dtype == float64) Student.ToFloat64(rbm);
        Student.LoadParameters(rbm, new Dictionary<string, Tensor>
        {
            ["W"] = (randn([visible, hidden], dtype: float64, generator: g) * 0.1).to(float32).to(float64),
            ["b"] = (rand([visible], dtype: float64, generator: g) * 0.5).to(float32).to(float64),
            ["alpha"] = (randn([hidden], dtype: float64, generator: g) * 0.5).to(float32).to(float64),
        });
        var u0 = rand([8, hidden], dtype: float64, generator: g) + shift;
        var eps = randn([8, visible], dtype: float64, generator: g).to(float32).to(dtype);
        var u1 = rand([8, hidden], dtype: float64, generator: g) + shift;
        var c = new Case("GaussianBernoulliRbm.HiddenProbability", "RBM(784, 16), 8 digits");
        var p0 = Student.RbmHiddenProbability(rbm, v0);
        Numeric.AssertShape(p0, [8, hidden], c);
        var v1 = Student.RbmVisibleMean(rbm, u0.lt(p0.to(float64)).to(dtype));
        Numeric.AssertShape(v1, [8, visible], c with { Function = "GaussianBernoulliRbm.VisibleMean" });
        v1 = v1.to(dtype) + sigma * eps;
        var mean = Student.RbmVisibleMean(rbm, u1.lt(Student.RbmHiddenProbability(rbm, v1).to(float64)).to(dtype));
        return stack([v1, mean.to(dtype)]).reshape(2, 8, 28, 28);
    }

    /// <summary>p(h_j = 1 | v) equals the enumerated sum_{h: h_j = 1} exp(-E) / sum_h exp(-E).</summary>
    [Test]
    public void HiddenProbabilityMatchesEnumeration()
    {
        var c = new Case("GaussianBernoulliRbm.HiddenProbability", "3 visible units (sigma 0.5, 1, 2), 4 hidden, 6 points",
            "p(h_j = 1 | v) = sigmoid(alpha_j + sum_i W_ij v_i / sigma_i): the energy couples h_j with v_i / sigma_i, not v_i.");
        var tiny = Tiny.Draw(81);
        var points = Points(810, 6);
        var expected = new double[points.Length * M];
        for (int n = 0; n < points.Length; n++)
        {
            var weights = Enumerable.Range(0, 1 << M).Select(h => Math.Exp(-tiny.Energy(points[n], h))).ToArray();
            for (int j = 0; j < M; j++)
                expected[n * M + j] = Enumerable.Range(0, 1 << M).Where(h => (h >> j & 1) == 1).Sum(h => weights[h]) / weights.Sum();
        }
        var got = Student.RbmHiddenProbability(tiny.Load(), Batch(points));
        Numeric.AssertShape(got, [points.Length, M], c);
        Numeric.AssertClose(got, tensor(expected, [points.Length, M], dtype: float64), c, rtol: 1e-9, atol: 1e-12);
    }

    /// <summary>The mean of p(v_i | h), by quadrature of exp(-E) over v_i on a fine grid, for all 16 hidden states.</summary>
    [Test]
    public void VisibleMeanMatchesQuadrature()
    {
        var c = new Case("GaussianBernoulliRbm.VisibleMean", "all 16 hidden states of a 3x4 RBM (sigma 0.5, 1, 2)",
            "p(v_i | h) = N(b_i + sigma_i sum_j W_ij h_j, sigma_i^2): complete the square in v_i; the mean is scaled by sigma_i.");
        var tiny = Tiny.Draw(82);
        var expected = new double[(1 << M) * V];
        var v = new double[V];
        for (int h = 0; h < 1 << M; h++)
            for (int i = 0; i < V; i++)
            {
                // p(v_i | h) does not depend on the other units: integrate exp(-E) over v_i with v_-i at 0, on [-25, 25].
                Array.Clear(v);
                double mass = 0, first = 0, step = 5e-3;
                double shift = double.NaN;
                for (double x = -25; x <= 25; x += step)
                {
                    v[i] = x;
                    double logW = -tiny.Energy(v, h);
                    if (double.IsNaN(shift)) shift = logW;
                    shift = Math.Max(shift, logW);
                }
                for (double x = -25; x <= 25; x += step)
                {
                    v[i] = x;
                    double w = Math.Exp(-tiny.Energy(v, h) - shift);
                    mass += w; first += w * x;
                }
                expected[h * V + i] = first / mass;
            }
        var states = tensor(Enumerable.Range(0, 1 << M).SelectMany(h => Enumerable.Range(0, M).Select(j => (double)(h >> j & 1))).ToArray(), [1 << M, M], dtype: float64);
        var got = Student.RbmVisibleMean(tiny.Load(), states);
        Numeric.AssertShape(got, [1 << M, V], c);
        Numeric.AssertClose(got, tensor(expected, [1 << M, V], dtype: float64), c, rtol: 1e-7, atol: 1e-7);
    }

    /// <summary>F(v) = -log sum_h exp(-E(v, h)) by enumeration, at 6 points (the quadratic visible term included); one value a row, [B] or a [B, 1] column (a sum with keepdim), which the CD loss's means treat alike.</summary>
    [Test]
    public void FreeEnergyMatchesEnumeration()
    {
        var c = new Case("GaussianBernoulliRbm.FreeEnergy", "3x4 RBM, 6 points",
            "F(v) = sum_i (v_i - b_i)^2 / (2 sigma_i^2) - sum_j softplus(alpha_j + sum_i W_ij v_i / sigma_i): sum out h; the quadratic visible term stays.");
        var tiny = Tiny.Draw(83);
        var points = Points(830, 6);
        var got = Student.RbmFreeEnergy(tiny.Load(), Batch(points));
        if (got.shape.SequenceEqual(new long[] { points.Length, 1 })) got = got.reshape(-1);
        Numeric.AssertShape(got, [points.Length], c);
        Numeric.AssertClose(got, tensor(points.Select(tiny.FreeEnergy).ToArray(), dtype: float64), c, rtol: 1e-9, atol: 1e-9);
    }

    /// <summary>The autograd gradients of sum F(v) in W, b and alpha equal central differences of the enumerated free energy.</summary>
    [Test]
    public void FreeEnergyGradientsMatchFiniteDifferences()
    {
        var c = new Case("GaussianBernoulliRbm.FreeEnergy", "gradients in W, b, alpha of the sum over 5 points",
            "keep F on the autograd graph of W, b and alpha (no detach, no .data): CD-k trains through these gradients.");
        var tiny = Tiny.Draw(84);
        var points = Points(840, 5);
        var got = Student.RbmFreeEnergyGradients(tiny.Load(), Batch(points));
        foreach (var (name, values) in new[] { ("W", tiny.W), ("b", tiny.B), ("alpha", tiny.Alpha) })
        {
            if (!got.TryGetValue(name, out var gradient)) { Assert.Fail(c.Describe($"the module has no parameter '{name}'.")); return; }
            var expected = new double[values.Length];
            for (int k = 0; k < values.Length; k++)
            {
                double saved = values[k], eps = 1e-6;
                values[k] = saved + eps; double up = points.Sum(tiny.FreeEnergy);
                values[k] = saved - eps; double down = points.Sum(tiny.FreeEnergy);
                values[k] = saved;
                expected[k] = (up - down) / (2 * eps);
            }
            Numeric.AssertClose(gradient.flatten(), tensor(expected, dtype: float64), c with { Input = c.Input + $", d/d{name}" }, rtol: 1e-5, atol: 1e-6);
        }
    }

    /// <summary>
    /// One Gibbs step from a fixed v0 is exactly the mixture sum_h p(h | v0) N(b + sigma W h, sigma^2)
    /// per unit; 20,000 chains pass a KS test against it for each unit.
    /// </summary>
    [Test]
    public void OneGibbsStepDrawsFromTheConditionals()
    {
        var c = new Case("GaussianBernoulliRbm.Gibbs", "k = 1 from the same v0 in 20000 chains",
            "draw h ~ Bernoulli(p(h | v)) and then v ~ N(VisibleMean(h), sigma^2): draw both (not the means), with sd sigma.");
        var tiny = Tiny.Draw(85);
        double[] v0 = [0.7, -1.2, 2.0];
        var weights = Enumerable.Range(0, 1 << M).Select(h => Math.Exp(-tiny.Energy(v0, h))).ToArray();
        double total = weights.Sum();
        var (samples, _) = Student.Float64ElseFloat32(t => Student.RbmGibbs(tiny.Load(t), Batch(Enumerable.Repeat(v0, 20000).ToArray(), t), 1, Rng(851)));
        AssertMixtureMarginals(tiny, weights.Select(w => w / total).ToArray(), samples, c);
    }

    /// <summary>
    /// 40 Gibbs steps from a point far out reach the RBM's marginal p(v) = sum_h p(h) N(b + sigma W h, sigma^2),
    /// p(h) proportional to exp(alpha.h + sum_i (b_i c_i / sigma_i + c_i^2 / 2)), c = W h (the Gaussian integral over v).
    /// </summary>
    [Test]
    public void GibbsChainReachesTheModelDistribution()
    {
        var c = new Case("GaussianBernoulliRbm.Gibbs", "k = 40 from v0 = (6, -6, 8) in 20000 chains",
            "repeat the h- and v-draws k times, each step starting from the previous step's v.");
        var tiny = Tiny.Draw(86, scale: 0.5);
        var logPh = Enumerable.Range(0, 1 << M).Select(h =>
        {
            double s = 0;
            for (int j = 0; j < M; j++) if ((h >> j & 1) == 1) s += tiny.Alpha[j];
            for (int i = 0; i < V; i++)
            {
                double ci = 0;
                for (int j = 0; j < M; j++) if ((h >> j & 1) == 1) ci += tiny.W[i * M + j];
                s += tiny.B[i] * ci / Sigma[i] + ci * ci / 2;
            }
            return s;
        }).ToArray();
        double max = logPh.Max();
        var p = logPh.Select(l => Math.Exp(l - max)).ToArray();
        double total = p.Sum();
        double[] start = [6, -6, 8];
        var (samples, _) = Student.Float64ElseFloat32(t => Student.RbmGibbs(tiny.Load(t), Batch(Enumerable.Repeat(start, 20000).ToArray(), t), 40, Rng(861)));
        AssertMixtureMarginals(tiny, p.Select(w => w / total).ToArray(), samples, c);
    }

    /// <summary>KS test of each visible unit of <paramref name="samples"/> against sum_h w_h N(b_i + sigma_i (W h)_i, sigma_i^2).</summary>
    static void AssertMixtureMarginals(Tiny tiny, double[] hiddenWeights, Tensor samples, Case c)
    {
        Numeric.AssertShape(samples, [20000, V], c);
        for (int i = 0; i < V; i++)
        {
            int unit = i;
            var means = Enumerable.Range(0, 1 << M).Select(h =>
            {
                double ci = 0;
                for (int j = 0; j < M; j++) if ((h >> j & 1) == 1) ci += tiny.W[unit * M + j];
                return tiny.B[unit] + Sigma[unit] * ci;
            }).ToArray();
            Tensor Cdf(Tensor x)
            {
                var f = zeros_like(x);
                for (int h = 0; h < means.Length; h++) f += hiddenWeights[h] * special.ndtr((x - means[h]) / Sigma[unit]);
                return f;
            }
            Stats.AssertDistribution(samples[TensorIndex.Colon, i], Cdf, $"the mixture sum_h p(h) N(b_{i} + sigma_{i} (W h)_{i}, sigma_{i}^2)",
                c with { Input = c.Input + $", unit {i}" }, Stats.FalseFailProbability / V);
        }
    }

    /// <summary>
    /// With W = 0 every chain is exactly N(b, sigma^2) after one step, so the CD-5 loss of data at
    /// b + 3 sigma has d/db_i = (mean(v_k,i) - mean(v_i)) / sigma_i^2 close to -3 / sigma_i (within 6 of its
    /// standard errors); with the chain replaced by the data it would be 0. d/dW_ij = sigmoid(alpha_j) sigma_i d/db_i exactly.
    /// </summary>
    [Test]
    public void ContrastiveDivergenceContrastsDataWithTheChain()
    {
        var c = new Case("GaussianBernoulliRbm.ContrastiveDivergenceLoss", "W = 0, 4000 data points at b + 3 sigma, k = 5",
            "loss = mean F(v) - mean F(v_k) (or the sums over the batch), v_k the end of a k-step Gibbs chain started at the data (detached): the second term must come from the chain, not the data.");
        var tiny = new Tiny(new double[V * M], [0.3, -0.2, 0.5], [0.4, -0.6, 0.1, 0.9]);
        const int n = 4000;
        var data = Batch(Enumerable.Repeat(Enumerable.Range(0, V).Select(i => tiny.B[i] + 3 * Sigma[i]).ToArray(), n).ToArray());
        var ((loss, gradients), dtype) = Student.Float64ElseFloat32(t => Student.RbmContrastiveDivergence(tiny.Load(t), data.to(t), 5, Rng(87)));
        Numeric.AssertFinite(loss, c);
        if (!gradients.TryGetValue("b", out var db) || !gradients.TryGetValue("W", out var dw)) { Assert.Fail(c.Describe("the module has no parameters 'W' and 'b'.")); return; }
        var (grad, batch) = PerPoint(db, n, g => Enumerable.Range(0, V).All(i => Math.Abs(g[i] + 3 / Sigma[i]) <= 6 / (Sigma[i] * Math.Sqrt(n))));
        for (int i = 0; i < V; i++)
        {
            double expected = -3 / Sigma[i], band = 6 / (Sigma[i] * Math.Sqrt(n));
            if (!(Math.Abs(grad[i] - expected) <= band))
                Assert.Fail(c.Describe($"d loss / d b_{i} is {grad[i]:G5}; with W = 0 the chain's end is N(b, sigma^2), so it must be within {band:G3} of {expected:G5} (0 means the negative phase used the data)."));
        }
        var expectedW = tensor(Enumerable.Range(0, V * M).Select(k => 1 / (1 + Math.Exp(-tiny.Alpha[k % M])) * Sigma[k / M] * grad[k / M]).ToArray(), [V, M], dtype: float64);
        // float32 gradients (an RBM whose Gibbs draws are float32) hold the relation to a few float32 ulp of the means of 4000 terms.
        Numeric.AssertClose(dw.to(float64) / batch, expectedW, c with { Input = c.Input + ", d/dW" }, rtol: dtype == float32 ? 1e-4 : 1e-6, atol: dtype == float32 ? 1e-6 : 1e-9);
    }

    /// <summary>
    /// With W != 0 the chain's length shows: from data all at v0 = (6, -6, 8), far from where the RBM puts its mass, the
    /// hidden states of the chain form a Markov chain on the 16 states, h_0 ~ p(h | v0) and
    /// T(h' | h) = E over v ~ N(b + sigma W h, sigma^2) of p(h' | v) (a 3-D Gauss-Hermite quadrature of 12 nodes a unit here),
    /// and v_k ~ N(b + sigma W h_{k-1}, sigma^2). So d loss / d b_i = -(v0_i - b_i) / sigma_i^2 + mean (v_k,i - b_i) / sigma_i^2
    /// has an exact expectation and standard error for k = 5; it must lie within 6 of them. A chain that runs 1 step misses it
    /// by 133 standard errors on unit 0, one of 4 or 6 steps by 12.6 and 9.4 (40,000 points make the standard errors this small). A chain that draws nothing (means in
    /// place of draws) is caught apart: two calls with different generators must give different gradients.
    /// </summary>
    [Test]
    public void ContrastiveDivergenceRunsKStepsOfTheChain()
    {
        var c = new Case("GaussianBernoulliRbm.ContrastiveDivergenceLoss", "a seeded RBM with W != 0, 40000 data points at v0 = (6, -6, 8), k = 5",
            "v_k is the end of a k-step Gibbs chain started at the data: k draws of h ~ p(h | v) each followed by a draw of v ~ p(v | h), with the k the call gives.");
        var tiny = Tiny.Draw(90, scale: 0.8);
        double[] v0 = [6, -6, 8];
        const int n = 40000, k = 5;
        var ((_, gradients), _) = Student.Float64ElseFloat32(t => Student.RbmContrastiveDivergence(tiny.Load(t), Batch(Enumerable.Repeat(v0, n).ToArray(), t), k, Rng(91)));
        if (!gradients.TryGetValue("b", out var db)) { Assert.Fail(c.Describe("the module has no parameter 'b'.")); return; }
        var (expected, error) = ChainGradient(tiny, v0, k, n);
        var (grad, _) = PerPoint(db, n, g => Enumerable.Range(0, V).All(i => Math.Abs(g[i] - expected[i]) <= 6 * error[i]));
        for (int i = 0; i < V; i++)
        {
            if (Math.Abs(grad[i] - expected[i]) <= 6 * error[i]) continue;
            var steps = Enumerable.Range(1, 7).Select(s => (s, ChainGradient(tiny, v0, s, n).expected))
                .Where(chain => Enumerable.Range(0, V).All(u => Math.Abs(grad[u] - chain.expected[u]) <= 6 * error[u])).Select(chain => chain.s).ToList();
            Assert.Fail(c.Describe($"d loss / d b_{i} is {grad[i]:G5}; after {k} Gibbs steps from the data it must be within {6 * error[i]:G3} of {expected[i]:G5}" +
                (steps.Count > 0 ? $" (it fits a chain of {string.Join(" or ", steps)} steps)." : ".") + " Does the chain run the k steps it is given, drawing h and v at each?"));
        }
        var ((_, again), _) = Student.Float64ElseFloat32(t => Student.RbmContrastiveDivergence(tiny.Load(t), Batch(Enumerable.Repeat(v0, n).ToArray(), t), k, Rng(92)));
        if (again.TryGetValue("b", out var db2) && db2.to(float64).eq(db.to(float64)).all().item<bool>())
            Assert.Fail(c.Describe("two calls with different generators gave the same gradient: the Gibbs chain must draw h and v (a chain of means, or one that ignores the generator and reseeds, draws nothing new)."));
    }

    /// <summary>
    /// The gradient per data point, as doubles: <paramref name="gradient"/> as it is (a loss averaged over the batch), or divided
    /// by the batch size <paramref name="n"/> where only that <paramref name="fits"/> (a loss summed over the batch: the homework
    /// fixes no reduction, and Adam's steps do not depend on it). Returns the divisor used, 1 or n.
    /// </summary>
    static (double[] grad, double batch) PerPoint(Tensor gradient, int n, Func<double[], bool> fits)
    {
        var grad = gradient.flatten().to(float64).data<double>().ToArray();
        if (fits(grad)) return (grad, 1);
        var mean = grad.Select(g => g / n).ToArray();
        return fits(mean) ? (mean, n) : (grad, 1);
    }

    /// <summary>
    /// The expectation and standard error of d loss / d b for <paramref name="n"/> copies of <paramref name="v0"/> and a
    /// <paramref name="k"/>-step chain, from the hidden states' transition matrix (see <see cref="ContrastiveDivergenceRunsKStepsOfTheChain"/>).
    /// </summary>
    static (double[] expected, double[] error) ChainGradient(Tiny tiny, double[] v0, int k, int n)
    {
        const int states = 1 << M, nodes = 12;
        // Gauss-Hermite nodes and weights for E over N(0, 1) (Golub-Welsch: the Jacobi matrix of the probabilists' Hermite polynomials).
        var jacobi = zeros(nodes, nodes, dtype: float64);
        for (int q = 1; q < nodes; q++) jacobi[q, q - 1] = jacobi[q - 1, q] = Math.Sqrt(q);
        var (values, vectors) = linalg.eigh(jacobi);
        var x = values.data<double>().ToArray();
        var w = vectors[0].square().data<double>().ToArray();
        double[] Hidden(double[] v) => Enumerable.Range(0, M).Select(j => 1 / (1 + Math.Exp(-(tiny.Alpha[j] + Enumerable.Range(0, V).Sum(i => tiny.W[i * M + j] * v[i] / Sigma[i]))))).ToArray();
        double Prob(double[] p, int h) => Enumerable.Range(0, M).Aggregate(1.0, (a, j) => a * ((h >> j & 1) == 1 ? p[j] : 1 - p[j]));
        double Mean(int h, int i) => tiny.B[i] + Sigma[i] * Enumerable.Range(0, M).Where(j => (h >> j & 1) == 1).Sum(j => tiny.W[i * M + j]);
        var transition = new double[states, states];
        var v = new double[V];
        for (int h = 0; h < states; h++)
            for (int a = 0; a < nodes; a++)
                for (int b = 0; b < nodes; b++)
                    for (int d = 0; d < nodes; d++)
                    {
                        v[0] = Mean(h, 0) + Sigma[0] * x[a]; v[1] = Mean(h, 1) + Sigma[1] * x[b]; v[2] = Mean(h, 2) + Sigma[2] * x[d];
                        var p = Hidden(v);
                        double weight = w[a] * w[b] * w[d];
                        for (int next = 0; next < states; next++) transition[h, next] += weight * Prob(p, next);
                    }
        var start = Hidden(v0);
        var pi = Enumerable.Range(0, states).Select(h => Prob(start, h)).ToArray();
        for (int step = 1; step < k; step++)
            pi = Enumerable.Range(0, states).Select(next => Enumerable.Range(0, states).Sum(h => pi[h] * transition[h, next])).ToArray();
        var expected = new double[V];
        var error = new double[V];
        for (int i = 0; i < V; i++)
        {
            double mean = Enumerable.Range(0, states).Sum(h => pi[h] * Mean(h, i));
            double spread = Enumerable.Range(0, states).Sum(h => pi[h] * (Mean(h, i) - mean) * (Mean(h, i) - mean));
            expected[i] = (-(v0[i] - tiny.B[i]) + (mean - tiny.B[i])) / (Sigma[i] * Sigma[i]);
            error[i] = Math.Sqrt((Sigma[i] * Sigma[i] + spread) / n) / (Sigma[i] * Sigma[i]);
        }
        return (expected, error);
    }

    /// <summary>
    /// With W != 0 and k = 1 the chain's start shows: from data all at v0, h ~ p(h | v0) and v1 ~ N(b + sigma W h, sigma^2),
    /// so d loss / d b_i = -(v0_i - b_i) / sigma_i^2 + mean (v1_i - b_i) / sigma_i^2 has expectation
    /// -(v0_i - b_i) / sigma_i^2 + sum_j W_ij p_j(v0) / sigma_i and standard error sqrt((1 + sum_j W_ij^2 p_j (1 - p_j)) / n) / sigma_i;
    /// it must lie within 6 of them. A chain started from noise (a public GRBM's CD) or run for a k of its own misses it
    /// on every unit; <see cref="ContrastiveDivergenceContrastsDataWithTheChain"/>, at W = 0, cannot see where the chain starts.
    /// </summary>
    [Test]
    public void ContrastiveDivergenceChainStartsAtTheData()
    {
        var c = new Case("GaussianBernoulliRbm.ContrastiveDivergenceLoss", "a seeded RBM with W != 0, 4000 data points at v0 = (0.7, -1.2, 2), k = 1",
            "v_k is the end of a k-step Gibbs chain started at the data v (h ~ p(h | v), then v ~ p(v | h), k times), not at noise or anywhere else.");
        var tiny = Tiny.Draw(88);
        double[] v0 = [0.7, -1.2, 2.0];
        const int n = 4000;
        var ((_, gradients), _) = Student.Float64ElseFloat32(t => Student.RbmContrastiveDivergence(tiny.Load(t), Batch(Enumerable.Repeat(v0, n).ToArray(), t), 1, Rng(89)));
        if (!gradients.TryGetValue("b", out var db)) { Assert.Fail(c.Describe("the module has no parameter 'b'.")); return; }
        var p = Enumerable.Range(0, M).Select(j => 1 / (1 + Math.Exp(-(tiny.Alpha[j] + Enumerable.Range(0, V).Sum(i => tiny.W[i * M + j] * v0[i] / Sigma[i]))))).ToArray();
        var expectedB = Enumerable.Range(0, V).Select(i => -(v0[i] - tiny.B[i]) / (Sigma[i] * Sigma[i]) + Enumerable.Range(0, M).Sum(j => tiny.W[i * M + j] * p[j]) / Sigma[i]).ToArray();
        var bands = Enumerable.Range(0, V).Select(i => 6 * Math.Sqrt((1 + Enumerable.Range(0, M).Sum(j => tiny.W[i * M + j] * tiny.W[i * M + j] * p[j] * (1 - p[j]))) / n) / Sigma[i]).ToArray();
        var (grad, _) = PerPoint(db, n, g => Enumerable.Range(0, V).All(i => Math.Abs(g[i] - expectedB[i]) <= bands[i]));
        for (int i = 0; i < V; i++)
        {
            double expected = expectedB[i], band = bands[i];
            if (!(Math.Abs(grad[i] - expected) <= band))
                Assert.Fail(c.Describe($"d loss / d b_{i} is {grad[i]:G5}; one Gibbs step from the data puts the chain's end at mean b + sigma W p(h | v0), so it must be within {band:G3} of {expected:G5} " +
                    $"(the data term alone gives {-(v0[i] - tiny.B[i]) / (Sigma[i] * Sigma[i]):G5}): does the chain start at the data, and run k = 1 step?"));
        }
    }
}
