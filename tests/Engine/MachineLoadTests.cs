using System.Diagnostics;
using FluentAssertions;
using GenAI.Autograder.Seam;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>The machine measurements behind fair call limits.</summary>
public sealed class MachineLoadTests
{
    /// <summary>Two processes spinning on every core leave a watched (sleeping) process at most three quarters of the machine.</summary>
    [Test]
    public void OtherProcessesSpinningLowerTheAvailableShare()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("/proc is Linux's");
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        var spinners = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Process.Start(new ProcessStartInfo("sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })!).ToList();
        try
        {
            var load = new MachineLoad(sleeper.Id);
            Thread.Sleep(1500);
            load.AvailableShare().Should().BeInRange(1.0 / 8, 0.75);
        }
        finally
        {
            foreach (var s in spinners) { s.Kill(); s.Dispose(); }
            sleeper.Kill();
        }
    }

    /// <summary>The slowdown is nominal over measured, never below 1 (a fast machine keeps the limits) nor above 8.</summary>
    [TestCase(80, 1)]
    [TestCase(40, 1)]
    [TestCase(20, 2)]
    [TestCase(1, 8)]
    public void SlowdownScalesWithTheMeasuredRate(double gflops, double expected) => MachineSpeed.Slowdown(gflops).Should().Be(expected);

    /// <summary>The measured rate is a positive, finite number of GFLOP/s.</summary>
    [Test]
    public void MeasuredRateIsPositive() => MachineSpeed.MeasureGflops().Should().BeGreaterThan(0).And.BeLessThan(1e5);
}
