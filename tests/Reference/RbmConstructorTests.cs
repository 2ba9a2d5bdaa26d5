using FluentAssertions;
using GenAI.Course.Rbm;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Grader.Tests.Reference;

/// <summary>
/// The Gaussian-Bernoulli RBM's constructor is given code (the template keeps it, so no graded check
/// tests it): sigma keeps its precision, and the parameters follow its dtype.
/// </summary>
[Parallelizable]
public sealed class RbmConstructorTests
{
    /// <summary>A float64 sigma that float32 cannot represent (0.3, 1.1, 2.7) stays exact, and the model is float64, before and after to(float64).</summary>
    [Test]
    public void Float64SigmaIsNotRoundedToFloat32()
    {
        using var sigma = tensor(new[] { 0.3, 1.1, 2.7 }, dtype: float64);
        using var rbm = new GaussianBernoulliRbm(3, 2, sigma);
        foreach (var model in new[] { rbm, (GaussianBernoulliRbm)rbm.to(float64) })
        {
            var buffer = model.named_buffers().Single(b => b.name == "sigma").buffer;
            buffer.dtype.Should().Be(ScalarType.Float64);
            buffer.data<double>().ToArray().Should().Equal(0.3, 1.1, 2.7);
            model.parameters().Select(p => p.dtype).Should().OnlyContain(t => t == ScalarType.Float64);
        }
    }

    /// <summary>Without sigma the model is float32 (the default dtype) with unit standard deviations; a float32 sigma gives a float32 model.</summary>
    [Test]
    public void DefaultAndFloat32SigmaGiveAFloat32Model()
    {
        using var plain = new GaussianBernoulliRbm(4, 2);
        plain.named_buffers().Single(b => b.name == "sigma").buffer.data<float>().ToArray().Should().Equal(1f, 1f, 1f, 1f);
        plain.parameters().Select(p => p.dtype).Should().OnlyContain(t => t == ScalarType.Float32);
        using var sigma = tensor(new[] { 0.5f, 2f }, dtype: float32);
        using var single = new GaussianBernoulliRbm(2, 3, sigma);
        single.parameters().Select(p => p.dtype).Should().OnlyContain(t => t == ScalarType.Float32);
    }
}
