using FluentAssertions;
using GenAI.Course.Runtime;
using NUnit.Framework;
using TorchSharp;

namespace GenAI.Grader.Tests.Engine;

/// <summary>The device choice: CUDA when present, GENAI_DEVICE overrides, bad requests are explained; seeded noise; epoch batches.</summary>
public sealed class ComputeTests
{
    /// <summary>Unset picks CUDA when available and the CPU otherwise; cpu is always honoured.</summary>
    [Test]
    public void DefaultsToCudaWhenAvailable()
    {
        Compute.Choose(null, cudaAvailable: false).Should().Be("cpu");
        Compute.Choose("", cudaAvailable: true).Should().Be("cuda");
        Compute.Choose(" CPU ", cudaAvailable: true).Should().Be("cpu");
        Compute.Choose("cuda:1", cudaAvailable: true).Should().Be("cuda:1");
    }

    /// <summary>The process-wide device follows GENAI_DEVICE and CUDA's availability.</summary>
    [Test]
    public void ProcessDeviceFollowsTheEnvironment() =>
        Compute.Device.ToString().Should().StartWith(Compute.Choose(Environment.GetEnvironmentVariable(Compute.DeviceVariable), torch.cuda.is_available()));

    /// <summary>Asking for CUDA without it, or for a device that does not exist, says what to do.</summary>
    [TestCase("cuda", false, "*no CUDA device*TorchBackend=cuda*")]
    [TestCase("gpu", true, "*not a device: use cpu, cuda or cuda:N*")]
    [TestCase("cuda:x", true, "*not a device*")]
    public void ExplainsBadRequests(string requested, bool cuda, string message)
    {
        var act = () => Compute.Choose(requested, cuda);
        act.Should().Throw<ArgumentException>().WithMessage(message);
    }

    /// <summary>Noise drawn through Compute depends only on the generator's seed, not on the device asked for.</summary>
    [Test]
    public void NoiseComesFromTheExplicitCpuGenerator()
    {
        var a = Compute.StandardNormal(new long[] { 5 }, torch.ScalarType.Float64, torch.CPU, new torch.Generator(42));
        var b = torch.randn(new long[] { 5 }, dtype: torch.ScalarType.Float64, generator: new torch.Generator(42));
        a.equal(b).all().item<bool>().Should().BeTrue();
    }

    /// <summary>An epoch's batches cover every row once, in randperm's order for the same seed, all full but the last.</summary>
    [Test]
    public void ShuffledBatchesFollowRandpermAndCoverEveryRow()
    {
        var batches = Compute.ShuffledBatches(10, 4, new torch.Generator(7));
        batches.Select(b => b.Length).Should().Equal(4, 4, 2);
        var order = torch.randperm(10, generator: new torch.Generator(7)).data<long>().ToArray();
        batches.SelectMany(b => b).Should().Equal(order);
        order.Should().BeEquivalentTo(Enumerable.Range(0, 10).Select(i => (long)i));
    }

    /// <summary>Empty epochs and empty batches are refused.</summary>
    [TestCase(0, 4, "n")]
    [TestCase(10, 0, "batchSize")]
    public void ShuffledBatchesRejectBadSizes(long n, int batchSize, string parameter)
    {
        var act = () => Compute.ShuffledBatches(n, batchSize);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(parameter);
    }
}
