using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Ppca;

/// <summary>
/// CS/DS 552 HW1 2d: generating faces. Generated faces E[x | z] lie exactly in mu + span(W) with
/// z ~ N(0, I); full samples add sigma * eps. Judged by exact geometry and by KS / variance bands
/// that hold whatever order the noise is drawn in.
/// </summary>
public sealed class PpcaSamplingChecks : CheckBase
{
    /// <summary>Generate returns W z + mu: every row in mu + span(W), with latent coordinates standard normal (KS, DKW bound).</summary>
    [Test]
    public void GeneratedFacesAreDecodedStandardNormalLatents()
    {
        var c = new Case("Ppca.Generate", "random model m = 6, d = 2, 6000 faces", "draw z ~ N(0, I) of shape [count, d] and return E[x | z] = W z + mu (no observation noise).");
        var model = PpcaData.RandomModel(6, 2, 0.25, Rng(41));
        var faces = Student.PpcaGenerate(model, 6000, Rng(42)).to(float64);
        Numeric.AssertShape(faces, [6000, 6], c);
        var z = linalg.lstsq(model.W, (faces - model.Mu).T).Solution;
        var residual = (model.W.matmul(z) - (faces - model.Mu).T).abs().max().ToDouble();
        if (residual > 1e-6) Assert.Fail(c.Describe($"the faces are not in mu + span(W) (distance up to {residual:G3}): return W z + mu without noise."));
        Stats.AssertStandardNormal(z[0], c with { Input = c.Input + ", latent coordinate 1" }, Stats.FalseFailProbability / 2);
        Stats.AssertStandardNormal(z[1], c with { Input = c.Input + ", latent coordinate 2" }, Stats.FalseFailProbability / 2);
    }

    /// <summary>
    /// Sample draws x = W z + mu + sigma eps: off the span of W the variance is sigma^2 in every direction
    /// (band of 6 standard errors of a variance estimate), and the projection onto the span matches W z.
    /// </summary>
    [Test]
    public void SamplesHaveTheModelCovariance()
    {
        var c = new Case("Ppca.Sample", "random model m = 6, d = 2, sigma^2 = 0.25, 20000 samples",
            "x = W z + mu + sigma * eps with sigma = sqrt(sigma^2): the noise is scaled by the standard deviation, not the variance.");
        var model = PpcaData.RandomModel(6, 2, 0.25, Rng(43));
        const int n = 20000;
        var x = Student.PpcaSample(model, n, Rng(44)).to(float64);
        Numeric.AssertShape(x, [n, 6], c);
        Numeric.AssertFinite(x, c);
        var (q, _) = linalg.qr(model.W, mode: linalg.QRMode.Complete);
        var orthogonal = (x - model.Mu).matmul(q[TensorIndex.Colon, TensorIndex.Slice(2)]);
        double variance = orthogonal.square().mean().ToDouble();
        double band = 6 * 0.25 * Math.Sqrt(2.0 / (n * 4));
        if (Math.Abs(variance - 0.25) > band)
            Assert.Fail(c.Describe($"the noise variance off the span of W is {variance:F4}, expected sigma^2 = 0.25 ± {band:F4}."));
        var inSpan = (x - model.Mu).matmul(q[TensorIndex.Colon, TensorIndex.Slice(0, 2)]);
        var expectedCovariance = q[TensorIndex.Colon, TensorIndex.Slice(0, 2)].T.matmul(PpcaData.Covariance(model)).matmul(q[TensorIndex.Colon, TensorIndex.Slice(0, 2)]);
        var white = linalg.solve_triangular(linalg.cholesky(expectedCovariance), inSpan.T, upper: false);
        Stats.AssertStandardNormal(white.flatten(), c with { Input = c.Input + ", whitened component in span(W)" });
    }
}
