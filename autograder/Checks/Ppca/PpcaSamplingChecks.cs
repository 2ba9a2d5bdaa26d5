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
    /// <summary>
    /// Generate returns W z + mu: every row in mu + span(W), with latent coordinates standard normal (KS, DKW bound) and
    /// their sample covariance I (6 standard errors). sigma^2 = 4 is of the size of W's squared column norms (about 6), so
    /// drawing along W's unit axes with variances |W_j|^2 + sigma^2 (a public tutorial's generator, which counts sigma^2 in
    /// the span) scales the latents by about 1.3 instead of 1.
    /// </summary>
    [Test]
    public void GeneratedFacesAreDecodedStandardNormalLatents()
    {
        var c = new Case("Ppca.Generate", "random model m = 6, d = 2, sigma^2 = 4, 6000 faces", "draw z ~ N(0, I) of shape [count, d] and return E[x | z] = W z + mu (no observation noise).");
        var model = PpcaData.RandomModel(6, 2, 4, Rng(41));
        var faces = Student.PpcaGenerate(model, 6000, Rng(42)).to(float64);
        Numeric.AssertShape(faces, [6000, 6], c);
        var z = linalg.lstsq(model.W, (faces - model.Mu).T).Solution;
        var residual = (model.W.matmul(z) - (faces - model.Mu).T).abs().max().ToDouble();
        if (residual > 1e-6) Assert.Fail(c.Describe($"the faces are not in mu + span(W) (distance up to {residual:G3}): return W z + mu without noise."));
        Stats.AssertStandardNormal(z[0], c with { Input = c.Input + ", latent coordinate 1" }, Stats.FalseFailProbability / 2);
        Stats.AssertStandardNormal(z[1], c with { Input = c.Input + ", latent coordinate 2" }, Stats.FalseFailProbability / 2);
        var covariance = z.matmul(z.T) / 6000;
        double[] got = [covariance[0, 0].ToDouble(), covariance[1, 1].ToDouble(), covariance[0, 1].ToDouble()];
        double band = 6 * Math.Sqrt(2.0 / 6000);
        if (Math.Abs(got[0] - 1) > band || Math.Abs(got[1] - 1) > band || Math.Abs(got[2]) > band)
            Assert.Fail(c.Describe($"the latent coordinates of the faces have sample covariance [[{got[0]:F4}, {got[2]:F4}], [{got[2]:F4}, {got[1]:F4}]], expected I ± {band:F4}: z must be drawn from N(0, I) and mapped by W itself."));
    }

    /// <summary>
    /// Sample draws x = W z + mu + sigma eps: off the span of W the variance is sigma^2 in every direction
    /// (band of 6 standard errors of a variance estimate), and the projection onto the span, whitened by the model's
    /// covariance there, is standard normal along each axis (KS) with unit variances (6 standard errors). sigma^2 = 0.25 and
    /// 4 (of the size of W's squared column norms, about 6): along the span a sigma^2 counted twice shows only there.
    /// </summary>
    [TestCase(0.25)]
    [TestCase(4.0)]
    public void SamplesHaveTheModelCovariance(double sigma2)
    {
        var c = new Case("Ppca.Sample", $"random model m = 6, d = 2, sigma^2 = {sigma2}, 20000 samples",
            "x = W z + mu + sigma * eps with sigma = sqrt(sigma^2), z ~ N(0, I) mapped by W: the noise is scaled by the standard deviation, not the variance, and added once.");
        var model = PpcaData.RandomModel(6, 2, sigma2, Rng(43));
        const int n = 20000;
        var x = Student.PpcaSample(model, n, Rng(44)).to(float64);
        Numeric.AssertShape(x, [n, 6], c);
        Numeric.AssertFinite(x, c);
        var (q, _) = linalg.qr(model.W, mode: linalg.QRMode.Complete);
        var orthogonal = (x - model.Mu).matmul(q[TensorIndex.Colon, TensorIndex.Slice(2)]);
        double variance = orthogonal.square().mean().ToDouble();
        double band = 6 * sigma2 * Math.Sqrt(2.0 / (n * 4));
        if (Math.Abs(variance - sigma2) > band)
            Assert.Fail(c.Describe($"the noise variance off the span of W is {variance:F4}, expected sigma^2 = {sigma2} ± {band:F4}."));
        var inSpan = (x - model.Mu).matmul(q[TensorIndex.Colon, TensorIndex.Slice(0, 2)]);
        var expectedCovariance = q[TensorIndex.Colon, TensorIndex.Slice(0, 2)].T.matmul(PpcaData.Covariance(model)).matmul(q[TensorIndex.Colon, TensorIndex.Slice(0, 2)]);
        var white = linalg.solve_triangular(linalg.cholesky(expectedCovariance), inSpan.T, upper: false);
        for (int axis = 0; axis < 2; axis++)
        {
            var values = white[axis];
            Stats.AssertStandardNormal(values, c with { Input = c.Input + $", whitened component {axis + 1} in span(W)" }, Stats.FalseFailProbability / 4);
            double spread = values.square().mean().ToDouble(), unit = 6 * Math.Sqrt(2.0 / n);
            if (Math.Abs(spread - 1) > unit)
                Assert.Fail(c.Describe($"in span(W) the samples' whitened component {axis + 1} has variance {spread:F4}, expected 1 ± {unit:F4}: the covariance there must be W W^T + sigma^2 I, sigma^2 added once."));
        }
    }
}
