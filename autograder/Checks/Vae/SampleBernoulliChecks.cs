using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Vae;

/// <summary>CS 446 HW5 2(b)iv: <c>sample_Bernoulli(p)</c>.</summary>
public sealed class SampleBernoulliChecks : CheckBase
{
    const string Hint = "x = 1 with probability p: compare a uniform draw u with p as (u < p), not (u > p).";

    /// <summary>
    /// Values are 0 or 1, with p's shape and a floating dtype (p's own, or float32 as the original
    /// template's comment asks: either is accepted); p = 0 gives 0 and p = 1 gives 1.
    /// </summary>
    [Test]
    public void ReturnsZerosAndOnesOfTheRightShape()
    {
        var p = tensor(new[,] { { 0.0, 1.0, 0.5 }, { 0.2, 0.0, 1.0 } });
        var c = new Case("SampleBernoulli", "p [2, 3] float64 containing 0 and 1", Hint);
        var sample = Student.SampleBernoulli(p, Rng(10));
        Numeric.AssertShape(sample, p.shape, c);
        Assert.That(sample.is_floating_point(), Is.True, c.Describe($"returned {sample.dtype}; return a floating tensor of 0s and 1s (the ELBO and the figures use it as pixels)."));
        var x = sample.to(float64);
        Assert.That((x.eq(0).logical_or(x.eq(1))).all().item<bool>(), Is.True, c.Describe("values other than 0 and 1 were returned."));
        Assert.That(x[0, 0].item<double>(), Is.EqualTo(0.0), c.Describe("p = 0 gave a 1."));
        Assert.That(x[1, 2].item<double>(), Is.EqualTo(1.0), c.Describe("p = 1 gave a 0."));
    }

    /// <summary>Frequencies of ones match p for five probabilities (Hoeffding bands, Bonferroni over the five), and the pixels are drawn independently (uncorrelated columns: one uniform per image keeps every frequency).</summary>
    [Test]
    public void FrequenciesMatchProbabilities()
    {
        var probabilities = new[] { 0.05, 0.3, 0.5, 0.8, 0.97 };
        const int n = 100000;
        var p = tensor(probabilities).repeat(n, 1);
        var x = Student.SampleBernoulli(p, Rng(11));
        var c = new Case("SampleBernoulli", $"{n} draws for each p in [0.05, 0.3, 0.5, 0.8, 0.97]", Hint);
        Numeric.AssertShape(x, p.shape, c);
        var ones = x.to(float64).sum(dim: 0);
        for (int k = 0; k < probabilities.Length; k++)
            Stats.AssertFrequency((long)Math.Round(ones[k].item<double>()), n, probabilities[k], c, Stats.FalseFailProbability / probabilities.Length);
        Stats.AssertColumnsUncorrelated(x, c, "the pixels with probabilities number");
    }
}
