using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Vae;

/// <summary>CS 446 HW5: the encoder q(z|x): fc1 + tanh, heads fc21 (mean) and fc22 (log-variance); forward returns (mu, exp(log-variance)).</summary>
public sealed class EncoderChecks : CheckBase
{
    /// <summary>784-500-2 has 392,500 + 2 * 1,002 parameters and maps [B, 784] to two [B, 2] outputs with positive variances.</summary>
    [Test]
    public void HasTheAssignmentArchitecture()
    {
        var c = new Case("Encoder", "Encoder(784, 500, 2) on a [3, 784] batch", "fc1: 784->500 then tanh; fc21 and fc22: 500->2.");
        var encoder = Student.NewEncoder(784, 500, 2);
        Student.Eval(encoder);
        long count = Weights.Count(encoder);
        Assert.That(count, Is.EqualTo(784L * 500 + 500 + 2 * (500L * 2 + 2)), c.Describe($"has {count} parameters."));
        var (mu, v) = Student.Encode(encoder, rand(3, 784));
        Numeric.AssertShape(mu, new long[] { 3, 2 }, c with { Input = "mu of a [3, 784] batch" });
        Numeric.AssertShape(v, new long[] { 3, 2 }, c with { Input = "sigmaSquare of a [3, 784] batch" });
        Assert.That((v > 0).all().item<bool>(), Is.True, c.Describe("sigmaSquare has entries <= 0: return exp of the log-variance head."));
    }

    /// <summary>With fixed weights, the outputs equal tanh(x W1^T + b1) through the two heads, the second exponentiated.</summary>
    [Test]
    public void ForwardMatchesClosedForm()
    {
        var c = new Case("Encoder.forward", "fixed weights, Encoder(784, 500, 2)", "h = tanh(fc1(x)); return (fc21(h), exp(fc22(h))): the second head is a log-variance.");
        var encoder = Student.NewEncoder(784, 500, 2);
        Student.Eval(encoder);
        var w = Weights.Make(12, ("fc1", 784, 500), ("fc21", 500, 2), ("fc22", 500, 2));
        // The heads in registration order, mean first, then log-variance first: two Linear(500, 2) as the handout has them, or
        // one Linear(500, 4) whose output is split in two (the same function family and parameter count; public VAEs often do so).
        var orders = new[] { ("fc21", "fc22"), ("fc22", "fc21") };
        var layouts = Weights.HasShapes(encoder, JoinedHeadShapes, out _)
            ? orders.Select(o => JoinedHeads(w, o.Item1, o.Item2)).ToArray()
            : orders.Select(o => new[] { "fc1", o.Item1, o.Item2 }.SelectMany(l => new[] { l + ".weight", l + ".bias" }).ToDictionary(n => n, n => w[n])).ToArray();
        bool byName = Weights.Assign(encoder, layouts[0], c);
        var x = rand(5, 784, generator: Rng(13));
        var h = Weights.Affine(w, "fc1", x).tanh();
        var (mu, v) = Student.Encode(encoder, x);
        if (!byName && mu.shape.SequenceEqual(new long[] { 5, 2 }) && !mu.to(float64).allclose(Weights.Affine(w, "fc21", h), rtol: 1e-4, atol: 1e-5))
        {
            // Assigned by shape, the heads' weights went in registration order: the student's may put the log-variance first.
            Weights.Assign(encoder, layouts[1], c);
            (mu, v) = Student.Encode(encoder, x);
        }
        Numeric.AssertClose(mu, Weights.Affine(w, "fc21", h), c with { Input = "mu, fixed weights" }, rtol: 1e-4, atol: 1e-5);
        Numeric.AssertClose(v, Weights.Affine(w, "fc22", h).exp(), c with { Input = "sigmaSquare, fixed weights" }, rtol: 1e-4, atol: 1e-5);
    }

    /// <summary>Parameter shapes of an encoder whose two heads are one Linear(500, 4), split into mean and log-variance.</summary>
    static readonly long[][] JoinedHeadShapes = [[500, 784], [500], [4, 500], [4]];

    /// <summary>fc1, and one head holding <paramref name="first"/>'s outputs, then <paramref name="second"/>'s.</summary>
    static Dictionary<string, Tensor> JoinedHeads(Dictionary<string, Tensor> w, string first, string second) => new()
    {
        ["fc1.weight"] = w["fc1.weight"], ["fc1.bias"] = w["fc1.bias"],
        ["heads.weight"] = cat([w[first + ".weight"], w[second + ".weight"]]), ["heads.bias"] = cat([w[first + ".bias"], w[second + ".bias"]]),
    };

    /// <summary>
    /// Gradients of both outputs with respect to x match central differences (gradcheck, float64 module), at the assignment's
    /// sizes: the handout fixes them, so an encoder that writes 784, 500 and 2 into its layers is as right as one that reads them.
    /// </summary>
    [Test]
    public void GradientsMatchFiniteDifferences()
    {
        var encoder = Student.NewEncoder(784, 500, 2);
        Student.Eval(encoder);
        Student.ToFloat64(encoder);
        var c = new Case("Encoder.forward", "gradcheck in x, Encoder(784, 500, 2) in float64", "use differentiable tensor operations only (no .detach(), no .item()).");
        GradCheck.AssertGradientsMatch(c, a => { var (mu, v) = Student.Encode(encoder, a[0]); return cat(new[] { mu, v }, 1); },
            new[] { rand(3, 784, dtype: float64, generator: Rng(18)) }, new[] { "x" });
    }
}
