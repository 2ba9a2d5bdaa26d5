using FluentAssertions;
using GenAI.Course.Autoregressive;
using GenAI.Course.Elbo;
using GenAI.Course.LinearGaussian;
using GenAI.Course.Ppca;
using GenAI.Course.ScoreMatching;
using static TorchSharp.torch;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Reference;

/// <summary>Argument checks that the template keeps from the reference (students do not write them, so the graded checks do not test them).</summary>
[Parallelizable]
public sealed class ArgumentValidationTests
{
    /// <summary>Noise levels must be positive and at least two.</summary>
    [TestCase(0.0, 0.1, 5, "*positive*")]
    [TestCase(1.0, -0.1, 5, "*positive*")]
    [TestCase(double.NaN, 0.1, 5, "*positive*")]
    [TestCase(1.0, 0.1, 1, "*at least two*")]
    public void GeometricNoiseLevelsRejectsBadArguments(double first, double last, int count, string message)
    {
        var act = () => ScoreMatching.GeometricNoiseLevels(first, last, count);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage(message);
    }

    /// <summary>p-PCA needs a 2-D data matrix and a latent dimension between 1 and m - 1.</summary>
    [Test]
    public void PpcaFitRejectsBadArguments()
    {
        using var data = randn(20, 5, dtype: float64);
        var zero = () => Ppca.Fit(data, 0);
        zero.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*between 1 and m - 1 = 4, not 0*");
        var full = () => Ppca.Fit(data, 5);
        full.Should().Throw<ArgumentOutOfRangeException>();
        using var flat = randn(20, dtype: float64);
        var vector = () => Ppca.Fit(flat, 1);
        vector.Should().Throw<ArgumentException>().WithMessage("*must be [n, m]*");
    }

    /// <summary>The CPT sampler needs one uniform per pixel.</summary>
    [Test]
    public void SampleImagesRejectsUniformsOfTheWrongWidth()
    {
        var cpts = new[] { full(new long[] { 2 }, 0.5, dtype: float64), full(new long[] { 2, 2 }, 0.5, dtype: float64) };
        using var uniforms = rand(4, 3, dtype: float64);
        var act = () => CptSampler.SampleImages(cpts, uniforms);
        act.Should().Throw<ArgumentException>().WithMessage("uniforms must be [count, 2] (one per pixel)*");
    }

    /// <summary>The linear-Gaussian fit needs x [n, p] and y [n].</summary>
    [Test]
    public void LinearGaussianFitRejectsMismatchedShapes()
    {
        using var x = randn(10, 2, dtype: float64);
        using var y = randn(9, dtype: float64);
        var act = () => LinearGaussian.Fit(x, y);
        act.Should().Throw<ArgumentException>().WithMessage("x must be [n, p] and y [n]; got [10, 2] and [9]*");
    }

    /// <summary>The CS 4331 VAEs need a latent dimension; traversals a code of that size and two steps; prior sampling a count.</summary>
    [Test]
    public void GaussianVaesAndLatentViewsRejectBadArguments()
    {
        var conv = () => new ConvVae(0);
        conv.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*at least one dimension*");
        var mlp = () => new MlpVae(784, 0, 2);
        mlp.Should().Throw<ArgumentOutOfRangeException>().WithMessage("MlpVae(784, 0, 2): every size must be at least 1*");
        using var vae = new MlpVae(6, 4, 3);
        using var wrongSize = zeros(2);
        var traversal = () => LatentViews.LatentTraversal(vae, wrongSize);
        traversal.Should().Throw<ArgumentException>().WithMessage("baseZ must be a vector of the latent size 3, got [2]*");
        using var code = zeros(3);
        var oneStep = () => LatentViews.LatentTraversal(vae, code, steps: 1);
        oneStep.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*at least 2 steps*");
        var none = () => LatentViews.SampleFromPrior(vae, 0, CPU);
        none.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*at least one sample*");
        using var images = zeros(3, 4, 784);
        var epoch = () => VaeTraining.TrainEpoch(vae, optim.Adam(vae.parameters()), images, 2);
        epoch.Should().Throw<ArgumentException>().WithMessage("images must be [N, 784], got [3, 4, 784]*");
    }
}
