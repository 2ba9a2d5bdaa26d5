using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Vae;

/// <summary>CS 446 HW5, question 2(e) iii: <c>interpolate_mu(a, b, alpha) = alpha a + (1 - alpha) b</c>, whose direction the template fixes.</summary>
public sealed class InterpolateMuChecks : CheckBase
{
    /// <summary>For alpha in 0, 0.1, ..., 1 the result is alpha a + (1 - alpha) b: b at alpha = 0, a at alpha = 1.</summary>
    [Test]
    public void GoesFromBAtZeroToAAtOne()
    {
        var a = tensor(new double[] { 1.5, -2.0 }, dtype: float64);
        var b = tensor(new double[] { -0.5, 3.0 }, dtype: float64);
        for (int k = 0; k <= 10; k++)
        {
            double alpha = k / 10.0;
            var c = new Case("MnistVae.InterpolateMu", $"a = (1.5, -2), b = (-0.5, 3), alpha = {alpha:F1}",
                "return alpha * muA + (1 - alpha) * muB: alpha = 1 gives muA, alpha = 0 gives muB (not the other way round).");
            var got = Student.InterpolateMu(a, b, alpha);
            Numeric.AssertShape(got, [2], c);
            Numeric.AssertClose(got, tensor(new[] { alpha * 1.5 + (1 - alpha) * -0.5, alpha * -2.0 + (1 - alpha) * 3.0 }, dtype: float64), c, rtol: 1e-12, atol: 1e-12);
        }
    }
}
