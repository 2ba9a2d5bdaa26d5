using FluentAssertions;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Grading;

/// <summary>
/// A warm judge (<see cref="JudgePool"/>) must grade every submission as a fresh judge would, whatever it graded before,
/// and must not be reused once a grading stopped it.
/// </summary>
[Category("EndToEnd"), Parallelizable(ParallelScope.All)]
public sealed class WarmJudgeTests
{
    static string Autograder => Path.GetDirectoryName(Paths.AutograderDll)!;

    static GradescopeResults Grade(string submission, JudgePool? judges, double? timeout = null)
    {
        string output = Path.Combine(Path.GetTempPath(), "genai-grade-tests", Guid.NewGuid().ToString("N"));
        var console = new StringWriter();
        var outcome = SubmissionGrader.Grade(new GradeOptions(submission, "cs446-hw5", output, timeout, Autograder, CallTimeoutSeconds: 300), console, console, judges);
        outcome.ExitCode.Should().Be(0, console.ToString());
        try { return outcome.Results.Single().Results; }
        finally { Directory.Delete(output, recursive: true); }
    }

    /// <summary>
    /// One judge grades a submission whose code throws and draws from the global generator, then the reference: the
    /// reference's results are those of a one-shot judge, item by item, and the same judge did both.
    /// </summary>
    [Test]
    public void ASecondSubmissionIsGradedAsByAFreshJudge()
    {
        string broken = Grader.Planted(new[]
        {
            ("Vae/Distributions.cs", "return (torch.xlogy(x, p) + torch.xlogy(1 - x, 1 - p)).sum(-1);", "torch.rand(1000); throw new InvalidOperationException(\"planted\");"),
        });
        string reference = Path.Combine(Paths.Repo, "reference");
        using var judges = new JudgePool();
        var first = Grade(broken, judges);
        first.Score.Should().BeLessThan(first.Tests.Sum(t => t.MaxScore), "the planted exception fails its items");
        var warm = Grade(reference, judges);
        var fresh = Grade(reference, judges: null);
        warm.Tests.Select(t => (t.Number, t.Score, t.Status, t.Output)).Should().Equal(fresh.Tests.Select(t => (t.Number, t.Score, t.Status, t.Output)));
        warm.Score.Should().Be(warm.Tests.Sum(t => t.MaxScore));
        var judge = judges.Take(Autograder);
        try { judge.Gradings.Should().Be(2, "the pool kept its one judge for the second grading"); }
        finally { judge.Dispose(); }
    }

    /// <summary>A judge stopped because its submission ran out of time is not given the next submission.</summary>
    [Test, NonParallelizable]
    public void AJudgeStoppedByATimeoutIsReplaced()
    {
        string endless = Grader.Planted(new[] { ("ScoreMatching/ScoreMatching.cs", "double sigmaL = noiseLevels[^1];", "double sigmaL = noiseLevels[^1];\n        while (sigmaL > 0) { }") });
        using var judges = new JudgePool();
        var results = Grade(endless, judges, timeout: 10);
        results.Output.Should().Contain("interrupted");
        var judge = judges.Take(Autograder);
        try { judge.Gradings.Should().Be(0, "a fresh judge replaces the stopped one"); }
        finally { judge.Dispose(); }
    }
}
