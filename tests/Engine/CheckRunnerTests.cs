using FluentAssertions;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>The judge's run-checks verb runs exactly the checks its manifest patterns select.</summary>
public sealed class CheckRunnerTests
{
    /// <summary>--only with one class and one method runs those four checks and nothing else, and logs them as discovered, finished and done.</summary>
    [Test]
    public void OnlyTheSelectedChecksRun()
    {
        string progress = Path.Combine(Path.GetTempPath(), $"progress-{Guid.NewGuid():N}.jsonl");
        try
        {
            var (exit, console) = SubmissionBuild.Run("dotnet",
                [Paths.AutograderDll, "run-checks", "--progress", progress, "--only", "ScoreMatching.NoiseLevelChecks", "LinearGaussian.LinearGaussianChecks.IllConditionedDataKeepsTheMaximumLikelihood"],
                Paths.Repo, TimeSpan.FromMinutes(3));
            exit.Should().Be(0, console);
            var state = ProgressLog.Read(progress);
            state.Done.Should().BeTrue();
            state.Discovered.Should().HaveCount(4).And.OnlyContain(n => n.StartsWith("ScoreMatching.NoiseLevelChecks.", StringComparison.Ordinal) || n == "LinearGaussian.LinearGaussianChecks.IllConditionedDataKeepsTheMaximumLikelihood");
            state.Outcomes.Keys.Should().BeEquivalentTo(state.Discovered);
            state.Outcomes.Values.Should().OnlyContain(o => o.Passed);
        }
        finally { File.Delete(progress); }
    }
}
