using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Numerics;

/// <summary>Value comparisons whose failure messages name the function, the case, the worst element and a hint.</summary>
public static class Numeric
{
    /// <summary>Fails unless <paramref name="actual"/> has exactly <paramref name="shape"/>.</summary>
    public static void AssertShape(Tensor actual, long[] shape, Case c)
    {
        if (!actual.shape.SequenceEqual(shape))
            Assert.Fail(c.Describe($"expected shape {Format(shape)}, got {Format(actual.shape)}."));
    }

    /// <summary>Fails if any element is NaN or infinite.</summary>
    public static void AssertFinite(Tensor actual, Case c)
    {
        using var a = actual.detach().cpu().to(float64);
        using var bad = a.isfinite().logical_not();
        long count = bad.sum().item<long>();
        if (count == 0) return;
        long at = bad.flatten().nonzero()[0, 0].item<long>();
        Assert.Fail(c.Describe($"{count} of {a.numel()} values are NaN or infinite; first at {Index(a.shape, at)}: {a.flatten()[at].item<double>()}."));
    }

    /// <summary>
    /// Fails unless the shapes agree and |actual - expected| &lt;= atol + rtol * |expected| everywhere
    /// (NaN never matches). Values are compared in float64. The assignments fix no dtype: where <paramref name="actual"/>
    /// was rounded to float32 (returned so, or every value a float32 number), the tolerances are at least the defaults,
    /// which float32 rounding meets (a check's tighter float64 tolerance would fail a correct function that computes in float32).
    /// </summary>
    public static void AssertClose(Tensor actual, Tensor expected, Case c, double rtol = 1e-5, double atol = 1e-6)
    {
        AssertShape(actual, expected.shape, c);
        using var a = actual.detach().cpu().to(float64);
        using var e = expected.detach().cpu().to(float64);
        if (RoundedToFloat32(actual))
        {
            rtol = Math.Max(rtol, 1e-5);
            atol = Math.Max(atol, 1e-6);
        }
        using var diff = (a - e).abs();
        using var tol = atol + rtol * e.abs();
        using var excess = (diff - tol).nan_to_num(nan: double.PositiveInfinity, posinf: double.PositiveInfinity);
        using var bad = (excess > 0).logical_or(a.isnan());
        long count = bad.sum().item<long>();
        if (count == 0) return;
        long worst = excess.flatten().argmax().item<long>();
        double got = a.flatten()[worst].item<double>(), want = e.flatten()[worst].item<double>();
        Assert.Fail(c.Describe(
            $"{count} of {a.numel()} values differ; worst at {Index(a.shape, worst)}: expected {want:G10}, got {got:G10} " +
            $"(|diff| {Math.Abs(got - want):G3} > tolerance {atol + rtol * Math.Abs(want):G3})."));
    }

    /// <summary>
    /// Whether <paramref name="actual"/> holds float32 roundings: it is floating-point and its dtype is coarser than float64, or
    /// every value is a float32 number and not every one a whole number (which float64 functions give too).
    /// </summary>
    public static bool RoundedToFloat32(Tensor actual)
    {
        if (!actual.is_floating_point()) return false;
        if (actual.dtype != float64) return true;
        using var values = actual.detach().cpu();
        using var single = values.to(float32).to(float64);
        using var whole = values.round();
        return single.eq(values).all().item<bool>() && !whole.eq(values).all().item<bool>();
    }

    /// <summary>
    /// Scalar form of <see cref="AssertClose(Tensor, Tensor, Case, double, double)"/>; a float32 number (a fraction such as an
    /// accuracy taken as a float32 mean) is compared at a relative tolerance of at least 1e-5, and the check's own absolute one
    /// (a scalar check that means to see what float32 rounding does to an ill-conditioned fit keeps its atol 0).
    /// </summary>
    public static void AssertClose(double actual, double expected, Case c, double rtol = 1e-5, double atol = 1e-6)
    {
        if ((double)(float)actual == actual && actual != Math.Round(actual)) rtol = Math.Max(rtol, 1e-5);
        double tol = atol + rtol * Math.Abs(expected);
        if (!(Math.Abs(actual - expected) <= tol))
            Assert.Fail(c.Describe($"expected {expected:G10}, got {actual:G10} (|diff| {Math.Abs(actual - expected):G3} > tolerance {tol:G3})."));
    }

    /// <summary>Reads a one-element tensor as a double, failing with a clear message if it has more elements.</summary>
    public static double Scalar(Tensor t, Case c)
    {
        if (t.numel() != 1) Assert.Fail(c.Describe($"expected a scalar, got shape {Format(t.shape)}."));
        return t.detach().cpu().to(float64).item<double>();
    }

    /// <summary>"[a, b]" for a shape.</summary>
    public static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";

    static string Index(long[] shape, long flat)
    {
        if (shape.Length == 0) return "[]";
        var idx = new long[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--) { idx[d] = flat % shape[d]; flat /= shape[d]; }
        return Format(idx);
    }
}
