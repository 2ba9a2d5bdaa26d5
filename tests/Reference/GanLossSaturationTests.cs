using FluentAssertions;
using GenAI.Course.Gan;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Grader.Tests.Reference;

/// <summary>
/// The reference's GAN losses where D saturates in float32 (D(x) rounds to 0 or 1, which a sigmoid of a
/// logit beyond about 17 does): values clamped at -100 as PyTorch's BCELoss does, and gradients finite.
/// log(1 - D).clamp_min(-100) has the right value there but a NaN gradient (0 times infinity), which
/// turned a whole generator step into NaN parameters.
/// </summary>
[Parallelizable]
public sealed class GanLossSaturationTests
{
    static Tensor Probabilities(params float[] values) => tensor(values, dtype: float32).requires_grad_(true);

    /// <summary>The discriminator's loss at D(x) = 0 and D(G(z)) = 1: finite value (the clamp) and finite gradient.</summary>
    [Test]
    public void DiscriminatorLossHasFiniteGradientsWhenDSaturates()
    {
        var real = Probabilities(0f, 0.5f);
        var fake = Probabilities(1f, 0.5f);
        var loss = GanLoss.Discriminator(real, fake);
        loss.ToDouble().Should().BeApproximately(100 - Math.Log(0.5), 1e-4, "each clamped log is -100: -((-100 + log 0.5) / 2 + (-100 + log 0.5) / 2)");
        loss.backward();
        real.grad!.isfinite().all().ToBoolean().Should().BeTrue($"d loss / d real = {string.Join(", ", real.grad!.data<float>().ToArray())}");
        fake.grad!.isfinite().all().ToBoolean().Should().BeTrue($"d loss / d fake = {string.Join(", ", fake.grad!.data<float>().ToArray())}");
        real.grad!.data<float>()[1].Should().BeApproximately(-1f / 0.5f / 2, 1e-6f, "away from saturation the gradient is -1 / (n D(x))");
    }

    /// <summary>The generator's loss at D(G(z)) = 1: value -100 / n per saturated sample, finite gradient.</summary>
    [Test]
    public void GeneratorLossHasFiniteGradientsWhenDSaturates()
    {
        var fake = Probabilities(1f, 0.25f);
        var loss = GanLoss.Generator(fake);
        loss.ToDouble().Should().BeApproximately((-100 + Math.Log(0.75)) / 2, 1e-4);
        loss.backward();
        fake.grad!.isfinite().all().ToBoolean().Should().BeTrue($"d loss / d fake = {string.Join(", ", fake.grad!.data<float>().ToArray())}");
        fake.grad!.data<float>()[1].Should().BeApproximately(-1f / 0.75f / 2, 1e-6f, "away from saturation the gradient is -1 / (n (1 - D(G(z))))");
    }
}
