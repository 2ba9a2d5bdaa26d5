using FluentAssertions;
using GenAI.Autograder.Seam;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>What a worker's environment holds of the grader's: only what the runtime and libtorch's kernels need.</summary>
[NonParallelizable]
public sealed class WorkerEnvironmentTests
{
    /// <summary>
    /// The CPU-kernel settings the audit's portable run sets (and a TA may set to grade as another CPU would) reach the worker;
    /// any other variable of the grader's does not.
    /// </summary>
    [Test]
    public void KeepsTheCpuKernelSettingsAndNothingElse()
    {
        var settings = new Dictionary<string, string>(CpuKernels.Baseline) { ["GENAI_TEST_SECRET"] = "grader only" };
        var previous = settings.Keys.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (name, value) in settings) Environment.SetEnvironmentVariable(name, value);
            var info = WorkerSandbox.StartInfo(new WorkerLimits(Path.GetTempPath(), TimeSpan.FromSeconds(1), 1L << 30, 16, null, []));
            foreach (var (name, value) in CpuKernels.Baseline) info.Environment.Should().Contain(name, value);
            CpuKernels.Baseline.Should().ContainKey("ATEN_CPU_CAPABILITY").WhoseValue.Should().Be("default");
            info.Environment.Should().NotContainKey("GENAI_TEST_SECRET");
        }
        finally { foreach (var (name, value) in previous) Environment.SetEnvironmentVariable(name, value); }
    }
}
