using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Numerics;

/// <summary>
/// Statistical checks for samplers whose false-fail probability is bounded without asymptotics:
/// Kolmogorov-Smirnov through the Dvoretzky-Kiefer-Wolfowitz inequality (Massart's constant) and
/// frequencies through Hoeffding's inequality. A correct sampler fails a check with probability at
/// most <see cref="FalseFailProbability"/>, whatever order it draws its random numbers in.
/// </summary>
public static class Stats
{
    /// <summary>The per-check false-fail probability bound.</summary>
    public const double FalseFailProbability = 1e-6;

    /// <summary>DKW: P(sup |F_n - F| &gt; t) &lt;= 2 exp(-2 n t^2); the t that makes this <paramref name="alpha"/>.</summary>
    public static double DkwBound(long n, double alpha = FalseFailProbability) => Math.Sqrt(Math.Log(2 / alpha) / (2.0 * n));

    /// <summary>Hoeffding for a mean of n values in [0, 1]: P(|mean - p| &gt;= t) &lt;= 2 exp(-2 n t^2); the t for <paramref name="alpha"/>.</summary>
    public static double HoeffdingBound(long n, double alpha = FalseFailProbability) => Math.Sqrt(Math.Log(2 / alpha) / (2.0 * n));

    /// <summary>The Kolmogorov-Smirnov statistic sup |F_n - Phi| of <paramref name="values"/> against the standard normal.</summary>
    public static double KsAgainstStandardNormal(Tensor values) => KsAgainst(values, special.ndtr);

    /// <summary>The Kolmogorov-Smirnov statistic sup |F_n - F| of <paramref name="values"/> against the CDF <paramref name="cdf"/> (applied to a sorted float64 tensor).</summary>
    public static double KsAgainst(Tensor values, Func<Tensor, Tensor> cdf)
    {
        using var scope = NewDisposeScope();
        var sorted = values.detach().cpu().to(float64).flatten().sort().Values;
        long n = sorted.numel();
        var f = cdf(sorted);
        var upper = arange(1, n + 1, dtype: float64) / n - f;
        var lower = f - arange(0, n, dtype: float64) / n;
        return Math.Max(upper.max().item<double>(), lower.max().item<double>());
    }

    /// <summary>Fails if <paramref name="values"/> (i.i.d. by construction) do not follow <paramref name="cdf"/> by the DKW-bounded KS test; <paramref name="what"/> names the law.</summary>
    public static void AssertDistribution(Tensor values, Func<Tensor, Tensor> cdf, string what, Case c, double alpha = FalseFailProbability)
    {
        if (!values.isfinite().all().item<bool>()) Assert.Fail(c.Describe("the samples contain NaN or infinite values."));
        double d = KsAgainst(values, cdf), bound = DkwBound(values.numel(), alpha);
        if (d > bound)
        {
            using var v = values.detach().cpu().to(float64);
            Assert.Fail(c.Describe(
                $"the samples do not follow {what}: Kolmogorov-Smirnov distance {d:F4} > {bound:F4} " +
                $"(n = {v.numel()}, false-fail probability <= {alpha:G2}); their mean is {v.mean().item<double>():F4} and variance {v.var().item<double>():F4}."));
        }
    }

    /// <summary>Fails if <paramref name="values"/> (i.i.d. by construction of the case) are not standard normal by the DKW-bounded KS test.</summary>
    public static void AssertStandardNormal(Tensor values, Case c, double alpha = FalseFailProbability)
    {
        if (!values.isfinite().all().item<bool>()) Assert.Fail(c.Describe("the samples contain NaN or infinite values."));
        double d = KsAgainstStandardNormal(values), bound = DkwBound(values.numel(), alpha);
        if (d > bound)
        {
            using var v = values.detach().cpu().to(float64);
            Assert.Fail(c.Describe(
                $"the standardised samples are not N(0, 1): Kolmogorov-Smirnov distance {d:F4} > {bound:F4} " +
                $"(n = {v.numel()}, false-fail probability <= {alpha:G2}); their mean is {v.mean().item<double>():F4} and variance {v.var().item<double>():F4}."));
        }
    }

    /// <summary>
    /// Fails if two columns of <paramref name="values"/> [n, k], each drawn independently of the others, are correlated:
    /// under independence a sample correlation is about N(0, 1/n), so |r| must stay within 6 / sqrt(n) (false-fail
    /// probability about 2e-9 a pair). The columns' marginal laws cannot show one noise shared by every column of a row.
    /// </summary>
    public static void AssertColumnsUncorrelated(Tensor values, Case c, string what)
    {
        using var v = values.detach().cpu().to(float64);
        long n = v.shape[0], k = v.shape[1];
        var centred = v - v.mean([0], keepdim: true);
        var sd = centred.square().mean([0]).sqrt();
        var r = centred.T.matmul(centred) / n / sd.outer(sd);
        double bound = 6 / Math.Sqrt(n);
        for (int i = 0; i < k; i++)
            for (int j = i + 1; j < k; j++)
            {
                double rij = r[i, j].item<double>();
                if (!(Math.Abs(rij) <= bound))
                    Assert.Fail(c.Describe($"{what} {i + 1} and {j + 1} are correlated (sample correlation {rij:F4}, independent draws stay within ±{bound:F4} over {n} rows): draw a separate value for every entry, not one per row."));
            }
    }

    /// <summary>Fails if the frequency of ones, <paramref name="ones"/> of <paramref name="n"/>, is outside the Hoeffding band around <paramref name="p"/>.</summary>
    public static void AssertFrequency(long ones, long n, double p, Case c, double alpha = FalseFailProbability)
    {
        double observed = ones / (double)n, bound = HoeffdingBound(n, alpha);
        if (Math.Abs(observed - p) >= bound)
            Assert.Fail(c.Describe($"with probability {p:G4} a 1 came up with frequency {observed:F4} over {n} draws (allowed {p - bound:F4} .. {p + bound:F4}, false-fail probability <= {alpha:G2})."));
    }
}
