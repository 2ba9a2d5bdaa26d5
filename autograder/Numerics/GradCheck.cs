using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Numerics;

/// <summary>
/// PyTorch's <c>gradcheck</c> for student functions: the analytical Jacobian (autograd, computed
/// twice to catch non-determinism) against central differences in float64 with eps 1e-6,
/// elementwise |analytical - numerical| &lt;= atol + rtol * |numerical| with atol 1e-5, rtol 1e-3.
/// The assignments fix no dtype, so a function that rounds in float32 (returns float32, or passes
/// through a float32 buffer) is legal, but its rounding swamps differences over 1e-6: where the first
/// comparison fails, the differences are taken again with eps 1e-3 (<see cref="SingleEps"/>), whose
/// rounding error is 1,000 times smaller, and compared with an allowance for what rounding is left,
/// measured from the two sets of differences (<see cref="NoiseMargin"/>) and, for a result rounded to float32, at least
/// what its rounding allows (<see cref="Float32Ulps"/>).
/// A function of more than <see cref="MaxFullOutputs"/> outputs is checked, as PyTorch's fast mode
/// does, through <see cref="Projections"/> fixed random unit combinations of its outputs: one
/// backward pass each instead of one per output (a decoder's 1,568 outputs took 3,136 passes). Likewise an input of more
/// than <see cref="MaxFullInputs"/> elements is perturbed along <see cref="Projections"/> fixed random unit directions
/// instead of one element at a time (two calls each instead of two per element: an encoder's [3, 784] batch took 4,704),
/// and the Jacobian times those directions is compared: a wrong gradient in any element moves every such column.
/// </summary>
public static class GradCheck
{
    /// <summary>Default perturbation.</summary>
    public const double Eps = 1e-6;
    /// <summary>Default absolute tolerance.</summary>
    public const double Atol = 1e-5;
    /// <summary>Default relative tolerance.</summary>
    public const double Rtol = 1e-3;
    /// <summary>
    /// Perturbation of the second comparison, for functions that round in float32: their rounding error (a few units of
    /// 2^-24 of the output) divided by 2 eps stays near 1e-4 of the output, while the truncation error, eps^2 / 6 times the
    /// third derivative, stays below 1e-6 for the smooth functions graded here.
    /// </summary>
    public const double SingleEps = 1e-3;
    /// <summary>
    /// The second comparison's allowance for rounding: the rounding error of differences at eps 1e-6 is at most their largest
    /// distance from those at eps 1e-3 (which hold little of it), and at eps 1e-3 it is 1,000 times smaller; this many times
    /// that is allowed. A function computed in float64 throughout gets almost nothing: there the two sets of differences agree
    /// to their truncation error, so a wrong gradient fails as in the first comparison.
    /// </summary>
    public const double NoiseMargin = 10;
    /// <summary>
    /// For a result rounded to float32, the second comparison's allowance is at least this many units of 2^-24 of each
    /// output's magnitude (of the combined outputs' magnitudes where outputs are combined), divided by its eps: a difference of two
    /// float32 results is only known to their rounding (a loss of 400 summed over 576 pixels is known to 3e-5, so its differences
    /// at eps 1e-3 to 0.015, and a gradient of 0.04 can come out as 0).
    /// </summary>
    public const double Float32Ulps = 4;
    /// <summary>The most outputs whose Jacobian rows are each computed; above it, outputs are combined.</summary>
    public const int MaxFullOutputs = 64;
    /// <summary>How many random unit combinations of the outputs (directions of an input) stand for them above <see cref="MaxFullOutputs"/> (<see cref="MaxFullInputs"/>).</summary>
    public const int Projections = 16;
    /// <summary>The most elements of one input whose Jacobian columns are each taken by central differences; above it, directions stand for them.</summary>
    public const int MaxFullInputs = 64;

    /// <summary>
    /// Checks the gradients of <paramref name="f"/> with respect to each of <paramref name="inputs"/>
    /// (float64; copied, never modified). <paramref name="names"/> label the inputs in messages.
    /// <paramref name="f"/> must be deterministic for fixed inputs (reseed inside it if it draws noise).
    /// </summary>
    public static void AssertGradientsMatch(Case c, Func<Tensor[], Tensor> f, Tensor[] inputs, string[] names)
    {
        using var scope = NewDisposeScope();
        var leaves = inputs.Select(t => t.detach().cpu().to(float64).clone()).ToArray();
        Tensor values;
        bool single;
        using (no_grad())
        {
            var raw = Result(f, leaves, c);
            single = Numeric.RoundedToFloat32(raw);
            values = raw.to(float64).flatten().abs();
        }
        long outputs = values.numel();
        Func<long, string> output = j => $"output[{j}]";
        long compared = outputs;
        if (outputs > MaxFullOutputs)
        {
            var combinations = UnitColumns(outputs, 20260715);
            var full = f;
            f = a => Evaluate(full, a, c).matmul(combinations);
            output = j => $"(random unit combination {j + 1} of the {outputs} outputs)";
            compared = Projections;
            values = values.matmul(combinations.abs());
        }
        var directions = leaves.Select((t, i) => t.numel() > MaxFullInputs ? UnitColumns(t.numel(), 20260716 + i) : null).ToArray();
        var analytical = Analytical(f, leaves, c);
        var again = Analytical(f, leaves, c);
        for (int i = 0; i < leaves.Length; i++)
        {
            if (!analytical[i].eq(again[i]).all().item<bool>())
                Assert.Fail(c.Describe($"the gradient with respect to '{names[i]}' changes between two identical backward passes (non-deterministic)."));
            if (directions[i] is { } d) analytical[i] = analytical[i].matmul(d);
        }
        var numeric = Numerical(f, leaves, directions, Eps, c, compared);
        Tensor[]? coarse = null;
        for (int i = 0; i < leaves.Length; i++)
        {
            long n = leaves[i].numel();
            string name = names[i];
            Func<long, string> input = directions[i] is null ? k => $"{name}[{k}] (flattened)" : k => $"{name} (along random unit direction {k + 1} of its {n} elements)";
            if (Disagreement(analytical[i], numeric[i], tensor(Atol, float64), Rtol, name, output, input) is null) continue;
            coarse ??= Numerical(f, leaves, directions, SingleEps, c, compared);
            var rounding = NoiseMargin * Eps / SingleEps * (numeric[i] - coarse[i]).abs().max();
            if (single) rounding = rounding.maximum(Float32Ulps * Math.Pow(2, -24) / SingleEps * values).unsqueeze(1);
            if (Disagreement(analytical[i], coarse[i], rounding + Atol, Rtol, name, output, input) is { } message)
                Assert.Fail(c.Describe(message));
        }
    }

    /// <summary><see cref="Projections"/> fixed random unit vectors of length <paramref name="n"/>, as the columns of an [n, Projections] float64 matrix: the combinations of many outputs and the directions of a large input.</summary>
    static Tensor UnitColumns(long n, long seed)
    {
        using var generator = new Generator((ulong)seed);
        var columns = randn([n, Projections], dtype: float64, generator: generator);
        return columns / columns.norm(0, keepdim: true);
    }

    /// <summary>Why the analytical Jacobian <paramref name="a"/> and the numerical <paramref name="n"/> disagree beyond atol + rtol |n|, or null where they agree.</summary>
    static string? Disagreement(Tensor a, Tensor n, Tensor atol, double rtol, string name, Func<long, string> output, Func<long, string> input)
    {
        var excess = (a - n).abs() - (atol + rtol * n.abs());
        var bad = (excess > 0).logical_or(a.isnan());
        if (!bad.any().item<bool>()) return null;
        if (a.abs().max().item<double>() == 0)
            return $"no gradient reaches '{name}' although the output depends on it (finite differences up to {n.abs().max().item<double>():G3}): is the result detached, computed without autograd, or not using '{name}'?";
        long worst = excess.nan_to_num(nan: double.PositiveInfinity).flatten().argmax().item<long>();
        long outputIndex = worst / a.shape[1], inputIndex = worst % a.shape[1];
        return $"d {output(outputIndex)} / d {input(inputIndex)} is {a.flatten()[worst].item<double>():G6} by autograd " +
               $"but {n.flatten()[worst].item<double>():G6} by central differences ({bad.sum().item<long>()} of {a.numel()} Jacobian entries disagree).";
    }

    /// <summary><paramref name="f"/>'s result flattened in float64 (a function may compute in another floating dtype); a result that is not floating-point fails.</summary>
    static Tensor Evaluate(Func<Tensor[], Tensor> f, Tensor[] args, Case c) => Result(f, args, c).to(float64).flatten();

    /// <summary><paramref name="f"/>'s result as returned; a result that is not floating-point fails.</summary>
    static Tensor Result(Func<Tensor[], Tensor> f, Tensor[] args, Case c)
    {
        var y = f(args);
        if (!y.is_floating_point())
            Assert.Fail(c.Describe($"returned {y.dtype} for float64 inputs: a differentiable result is floating-point."));
        return y;
    }


    /// <summary>Central differences of <paramref name="f"/> along each element of each input, or along each column of its <paramref name="directions"/> where it has them.</summary>
    static Tensor[] Numerical(Func<Tensor[], Tensor> f, Tensor[] leaves, Tensor?[] directions, double eps, Case c, long outputs)
    {
        using var noGrad = no_grad();
        var jacobians = new Tensor[leaves.Length];
        for (int i = 0; i < leaves.Length; i++)
        {
            var flat = leaves[i].view(-1);
            var original = flat.clone();
            long columns = directions[i]?.shape[1] ?? flat.numel();
            var jac = zeros(outputs, columns, dtype: float64);
            for (long k = 0; k < columns; k++)
            {
                var step = directions[i] is { } d ? d[.., k] * eps : zeros_like(flat).index_fill_(0, tensor(new[] { k }), eps);
                flat.copy_(original + step);
                var plus = Evaluate(f, leaves, c).clone();
                flat.copy_(original - step);
                var minus = Evaluate(f, leaves, c).clone();
                flat.copy_(original);
                jac[.., k] = (plus - minus) / (2 * eps);
            }
            jacobians[i] = jac;
        }
        return jacobians;
    }

    static Tensor[] Analytical(Func<Tensor[], Tensor> f, Tensor[] leaves, Case c)
    {
        var args = leaves.Select(t => t.detach().clone().requires_grad_(true)).ToArray();
        var y = Evaluate(f, args, c);
        long outputs = y.numel();
        var jacobians = args.Select(a => zeros(outputs, a.numel(), dtype: float64)).ToArray();
        if (!y.requires_grad) return jacobians;
        for (long j = 0; j < outputs; j++)
        {
            var grads = autograd.grad(new[] { y[j] }, args, retain_graph: true, allow_unused: true);
            Seam.Student.ThrowIfBackwardFailed();
            for (int i = 0; i < args.Length; i++)
                if (grads[i] is not null && !grads[i].IsInvalid) jacobians[i][j] = grads[i].detach().flatten();
        }
        return jacobians;
    }
}
