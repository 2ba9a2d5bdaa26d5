using FluentAssertions;
using GenAI.Course.Runtime;
using NUnit.Framework;
using TorchSharp;

namespace GenAI.Grader.Tests.Engine;

/// <summary>The device choice: CUDA when present, GENAI_DEVICE overrides, bad requests are explained; seeded noise; epoch batches.</summary>
[Parallelizable]
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

    /// <summary>
    /// Batches cuts the rows (and labels) of ShuffledBatches' order for the same seed, numbered from 1; dropLast leaves
    /// out the short last batch; the generator is drawn once, when the epoch is made.
    /// </summary>
    [Test]
    public void BatchesCutTheRowsOfShuffledBatches()
    {
        var data = torch.arange(20, dtype: torch.ScalarType.Float32).reshape(10, 2);
        var labels = torch.arange(10, dtype: torch.ScalarType.Int64) * 10;
        var order = Compute.ShuffledBatches(10, 4, new torch.Generator(7));
        var generator = new torch.Generator(7);
        var epoch = Compute.Batches(data, labels, 4, generator);
        var twin = new torch.Generator(7);
        torch.randperm(10, generator: twin).Dispose();
        torch.rand(3, generator: generator).equal(torch.rand(3, generator: twin)).all().item<bool>().Should().BeTrue();
        epoch.Count.Should().Be(3);
        int seen = 0;
        foreach (var batch in epoch)
        {
            var rows = order[seen++];
            batch.Number.Should().Be(seen);
            batch.Data.select(1, 0).data<float>().ToArray().Should().Equal(rows.Select(r => 2f * r));
            batch.Labels.data<long>().ToArray().Should().Equal(rows.Select(r => 10 * r));
        }
        seen.Should().Be(3);
        var full = Compute.Batches(data, 4, new torch.Generator(7), dropLast: true);
        full.Count.Should().Be(2);
        full.Select(b => b.Data.shape[0]).Should().Equal(4L, 4L);
        var noLabels = () => Compute.Batches(data, 4).First().Labels;
        noLabels.Should().Throw<InvalidOperationException>();
    }

    /// <summary>Each batch's tensors are disposed when the loop moves on.</summary>
    [Test]
    public void BatchesDisposeEachStep()
    {
        var data = torch.ones(6, 3);
        var kept = new List<torch.Tensor>();
        foreach (var batch in Compute.Batches(data, 2, new torch.Generator(1)))
        {
            batch.Data.IsInvalid.Should().BeFalse();
            kept.Add(batch.Data * 2);
        }
        kept.Should().OnlyContain(t => t.IsInvalid);
        data.IsInvalid.Should().BeFalse();
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
