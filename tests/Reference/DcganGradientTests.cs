using FluentAssertions;
using GenAI.Course.Gan;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Grader.Tests.Reference;

/// <summary>
/// The reference generator's gradients are finite with two intra-op threads. On an AVX-512 CPU, libtorch 2.10 with
/// oneDNN computed NaN for every generator gradient here (not saturation: D(G(z)) was between 0.14 and 0.28);
/// GenAI.Course.Runtime.CpuSettings turns oneDNN off. Where oneDNN's kernels are right this passes either way.
/// </summary>
[NonParallelizable]
public sealed class DcganGradientTests
{
    /// <summary>The min-max generator loss of a fresh DCGAN back-propagated with 2 threads, before and after a discriminator step: every G gradient finite.</summary>
    [Test]
    public void GeneratorGradientsAreFiniteWithTwoThreads()
    {
        int threads = get_num_threads();
        set_num_threads(2);
        try
        {
            manual_seed(20261123);
            using var gan = new Dcgan(1e-4);
            var z = randn([16, 100], generator: new Generator(94));
            var real = rand([16, 1, 28, 28], generator: new Generator(95)) * 2 - 1;
            foreach (string when in new[] { "before", "after" })
            {
                if (when == "after") gan.DiscriminatorStep(real, z);
                gan.G.zero_grad();
                GanLoss.Generator(gan.D.forward(gan.G.forward(z))).backward();
                var broken = gan.G.named_parameters().Where(p => !p.parameter.grad!.isfinite().all().ToBoolean()).Select(p => p.name).ToList();
                broken.Should().BeEmpty($"the generator's gradients must be finite {when} a discriminator step");
            }
        }
        finally { set_num_threads(threads); }
    }
}
