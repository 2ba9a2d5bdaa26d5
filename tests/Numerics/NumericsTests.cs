using FluentAssertions;
using GenAI.Autograder.Numerics;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Grader.Tests.Numerics;

/// <summary>The autograder's comparison, gradient and statistics helpers fail when they should, with useful messages.</summary>
[Parallelizable]
public sealed class NumericsTests
{
    static readonly Case C = new("F", "case", "the hint");

    static string FailureOf(Action check)
    {
        // An isolated context keeps the expected failure out of this test's own result.
        using (new NUnit.Framework.Internal.TestExecutionContext.IsolatedContext())
        {
            try { check(); }
            catch (AssertionException e) { return e.Message; }
        }
        Assert.Fail("the check passed but should have failed");
        return "";
    }

    /// <summary>AssertClose names the function, case, worst element, both values and the hint.</summary>
    [Test]
    public void CloseReportsTheWorstElement()
    {
        string message = FailureOf(() => Numeric.AssertClose(tensor(new[] { 1.0, 2.0, 3.5 }), tensor(new[] { 1.0, 2.0, 3.0 }), C));
        message.Should().Contain("F, case 'case'").And.Contain("1 of 3 values differ").And.Contain("worst at [2]")
            .And.Contain("expected 3").And.Contain("got 3.5").And.Contain("hint: the hint");
        FailureOf(() => Numeric.AssertClose(tensor(new[] { double.NaN }), tensor(new[] { 1.0 }), C)).Should().Contain("got NaN");
        FailureOf(() => Numeric.AssertClose(ones(2, 3), ones(3), C)).Should().Contain("expected shape [3], got [2, 3]");
        Numeric.AssertClose(tensor(new[] { 1.0 + 1e-9 }), tensor(new[] { 1.0 }), C);
    }

    /// <summary>gradcheck passes a correct function and catches a wrong gradient and a detached result.</summary>
    [Test]
    public void GradCheckCatchesWrongAndMissingGradients()
    {
        var x = tensor(new[] { 0.3, -1.2, 2.0 });
        GradCheck.AssertGradientsMatch(C, a => a[0].square() * a[0].sin(), new[] { x }, new[] { "x" });
        FailureOf(() => GradCheck.AssertGradientsMatch(C, a => a[0].detach() * a[0], new[] { x }, new[] { "x" }))
            .Should().Contain("by autograd but").And.Contain("central differences");
        FailureOf(() => GradCheck.AssertGradientsMatch(C, a => a[0].detach().square(), new[] { x }, new[] { "x" }))
            .Should().Contain("no gradient reaches 'x'");
        FailureOf(() => GradCheck.AssertGradientsMatch(C, a => a[0].gt(0), new[] { x }, new[] { "x" }))
            .Should().Contain("returned Bool for float64 inputs");
    }

    /// <summary>
    /// A function that rounds in float32 (a float32 result, or a float32 buffer inside a float64 one) passes where its
    /// gradient is right, on outputs up to a thousand, where central differences at eps 1e-6 see its rounding (0.06 / 2e-6
    /// for a float32 ulp at 1,000); a wrong gradient in float32 (a factor 1.01, a detached factor) still fails.
    /// </summary>
    [Test]
    public void GradCheckAcceptsFloat32RoundingButNotWrongGradients()
    {
        var x = tensor(new[] { 0.3, -1.2, 2.0 });
        Tensor Smooth(Tensor v) => v.square() * v.sin() * 300 + 1000;
        GradCheck.AssertGradientsMatch(C, a => Smooth(a[0].to(float32)), new[] { x }, new[] { "x" });
        GradCheck.AssertGradientsMatch(C, a => Smooth(a[0].to(float32)).to(float64) + a[0], new[] { x }, new[] { "x" });
        var w = randn(new long[] { 3, 200 }, dtype: float64, generator: new Generator(6));
        GradCheck.AssertGradientsMatch(C, a => Smooth(a[0].unsqueeze(1) * w).to(float32), new[] { x }, new[] { "x" });
        FailureOf(() => GradCheck.AssertGradientsMatch(C, a => { var v = a[0].to(float32); return Smooth(v) + 0.01 * (Smooth(v) - Smooth(v).detach()); }, new[] { x }, new[] { "x" }))
            .Should().Contain("by autograd but").And.Contain("central differences");
        FailureOf(() => GradCheck.AssertGradientsMatch(C, a => { var v = a[0].to(float32); return v.detach() * v * 300; }, new[] { x }, new[] { "x" }))
            .Should().Contain("by autograd but");
    }

    /// <summary>
    /// A float32 loss of about 400 (a sum over 576 pixels) is known to 3e-5, so its central differences move in steps of 15 at
    /// eps 1e-6 (gradients of 0.04 all come out as 0) and of 0.015 at eps 1e-3: the allowance for its rounding then comes from
    /// the result's float32 ulps, not from the two sets of differences, and such a loss passes; a gradient off by 0.5 still fails,
    /// and so does the same function rounded in float64 (no such allowance there).
    /// </summary>
    [Test]
    public void GradCheckAllowsAFloat32LossItsRoundingEvenWhereDifferencesCollapse()
    {
        var mu = randn(new long[] { 2, 16 }, dtype: float64, generator: new Generator(9));
        Tensor Loss(Tensor v) => (v.square() * 0.02).sum() + 400;
        GradCheck.AssertGradientsMatch(C, a => Loss(a[0].to(float32)), new[] { mu }, new[] { "mu" });
        GradCheck.AssertGradientsMatch(C, a => Loss(a[0].to(float32)).to(float64), new[] { mu }, new[] { "mu" });
        FailureOf(() => GradCheck.AssertGradientsMatch(C, a => { var v = a[0].to(float32); return Loss(v) + 0.5 * (v - v.detach()).sum(); }, new[] { mu }, new[] { "mu" }))
            .Should().Contain("by autograd but");
        FailureOf(() => GradCheck.AssertGradientsMatch(C, a => Loss(a[0]) + 0.001 * (a[0] - a[0].detach()).sum(), new[] { mu }, new[] { "mu" }))
            .Should().Contain("by autograd but");
    }

    /// <summary>A float32 result (a tensor, or a double that is a float32 number) is compared at least at the default tolerances, however tight the check's own; a float64 one is not, and a float32 result off by 1e-4 of itself still fails.</summary>
    [Test]
    public void CloseAllowsAFloat32ResultItsRounding()
    {
        var expected = tensor(new[] { -0.3, 5.689041808, 1234.5678 });
        Numeric.AssertClose(expected.to(float32), expected, C, rtol: 1e-12, atol: 1e-12);
        Numeric.AssertClose(expected.to(float32).to(float64), expected, C, rtol: 1e-12, atol: 1e-12);
        FailureOf(() => Numeric.AssertClose(expected * (1 + 1e-8), expected, C, rtol: 1e-12, atol: 1e-12)).Should().Contain("3 of 3 values differ");
        FailureOf(() => Numeric.AssertClose((expected * (1 + 1e-4)).to(float32), expected, C, rtol: 1e-12, atol: 1e-12)).Should().Contain("values differ");
        Numeric.AssertClose((double)0.29f, 0.29, C, rtol: 0, atol: 1e-12);
        FailureOf(() => Numeric.AssertClose(0.29 + 1e-9, 0.29, C, rtol: 0, atol: 1e-12)).Should().Contain("expected 0.29");
        FailureOf(() => Numeric.AssertClose((double)0.291f, 0.29, C, rtol: 0, atol: 1e-12)).Should().Contain("expected 0.29");
    }

    /// <summary>
    /// Above 64 outputs gradcheck compares random combinations of the outputs: a correct function of 600 outputs passes, and a
    /// gradient wrong in one output row only (a 5% error in 5 of the 600 outputs) or one input's path detached is still caught.
    /// </summary>
    [Test]
    public void GradCheckOfManyOutputsStillCatchesALocalError()
    {
        var x = tensor(new[] { 0.3, -1.2, 2.0 });
        var w = randn(new long[] { 3, 200 }, dtype: float64, generator: new Generator(5));
        GradCheck.AssertGradientsMatch(C, a => (a[0].unsqueeze(1) * w).tanh(), new[] { x }, new[] { "x" });
        var rows = zeros(3, 200, dtype: float64);
        rows[1, TensorIndex.Slice(0, 5)] = 0.05;
        FailureOf(() => GradCheck.AssertGradientsMatch(C, a => { var y = a[0].unsqueeze(1) * w; return (y + rows * (y - y.detach())).tanh(); }, new[] { x }, new[] { "x" }))
            .Should().Contain("(random unit combination").And.Contain("of the 600 outputs)").And.Contain("d x[1]");
        FailureOf(() => GradCheck.AssertGradientsMatch(C, a => (cat(new[] { a[0][TensorIndex.Slice(0, 2)], a[0][TensorIndex.Slice(2)].detach() }).unsqueeze(1) * w).tanh(), new[] { x }, new[] { "x" }))
            .Should().Contain("d x[2]").And.Contain("by autograd but");
    }

    /// <summary>
    /// Above 64 elements an input is perturbed along random unit directions: a correct encoder-like map of a [3, 784] batch
    /// passes, and a gradient wrong in one element (a 5% error at x[1, 400]), one input row detached, or a float32
    /// gradient 10% off is still caught, the message naming the direction.
    /// </summary>
    [Test]
    public void GradCheckOfALargeInputStillCatchesALocalError()
    {
        var x = rand(new long[] { 3, 784 }, dtype: float64, generator: new Generator(7));
        var w = randn(new long[] { 784, 5 }, dtype: float64, generator: new Generator(8)) / 28;
        Tensor Map(Tensor v) => v.matmul(w.to(v.dtype)).tanh();
        GradCheck.AssertGradientsMatch(C, a => Map(a[0]), new[] { x }, new[] { "x" });
        GradCheck.AssertGradientsMatch(C, a => Map(a[0].to(float32)).to(float64), new[] { x }, new[] { "x" });
        var one = zeros(3, 784, dtype: float64);
        one[1, 400] = 0.05;
        FailureOf(() => GradCheck.AssertGradientsMatch(C, a => Map(a[0] + one * (a[0] - a[0].detach()) * 28), new[] { x }, new[] { "x" }))
            .Should().Contain("d output[").And.Contain("x (along random unit direction").And.Contain("of its 2352 elements)").And.Contain("by autograd but");
        FailureOf(() => GradCheck.AssertGradientsMatch(C, a => Map(cat(new[] { a[0][TensorIndex.Slice(0, 2)], a[0][TensorIndex.Slice(2)].detach() })), new[] { x }, new[] { "x" }))
            .Should().Contain("by autograd but");
        FailureOf(() => GradCheck.AssertGradientsMatch(C, a => { var v = a[0].to(float32); return Map(v + 0.1 * (v - v.detach())).to(float64); }, new[] { x }, new[] { "x" }))
            .Should().Contain("by autograd but");
    }

    /// <summary>The DKW and Hoeffding bounds equal their closed forms at the documented false-fail probability.</summary>
    [Test]
    public void BoundsHaveTheDocumentedFalseFailProbability()
    {
        double t = Stats.DkwBound(40000);
        (2 * Math.Exp(-2 * 40000 * t * t)).Should().BeApproximately(1e-6, 1e-12);
        double h = Stats.HoeffdingBound(1000);
        (2 * Math.Exp(-2 * 1000 * h * h)).Should().BeApproximately(1e-6, 1e-12);
    }

    /// <summary>KS accepts standard normal draws and rejects a shift of 0.05 or a 10% scale error at n = 40,000.</summary>
    [Test]
    public void KsSeparatesRightFromWrongDistributions()
    {
        var z = randn(new long[] { 40000 }, dtype: float64, generator: new Generator(3));
        Stats.AssertStandardNormal(z, C);
        Stats.KsAgainstStandardNormal(z).Should().BeLessThan(Stats.DkwBound(40000));
        FailureOf(() => Stats.AssertStandardNormal(z + 0.05, C)).Should().Contain("not N(0, 1)");
        FailureOf(() => Stats.AssertStandardNormal(z * 1.1, C)).Should().Contain("Kolmogorov-Smirnov");
    }
}
