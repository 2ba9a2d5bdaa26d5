using System.Text.Json;
using FluentAssertions;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Grading;

/// <summary>
/// The whole grading path, through the real grade command: build in a workspace, checks in a child
/// process, results.json per assignment. Planted bugs must lose points in the right items and
/// correct variants must not.
/// </summary>
/// <remarks>Planted groups run two at a time; the tests that judge time limits run alone (<c>NonParallelizable</c>).</remarks>
[Category("EndToEnd"), Parallelizable(ParallelScope.All)]
public sealed class GradeEndToEndTests
{
    static readonly string[] Assignments = { "cs446-hw5", "cs4331-hw2", "cs552-hw1", "cs552-hw2", "ece685d-hw5" };

    /// <summary>The reference gets full marks on every manifest, in files that follow Gradescope's schema.</summary>
    [Test]
    public void ReferenceGetsFullMarks()
    {
        var run = Grader.GradeInProcess(Path.Combine(Paths.Repo, "reference"));
        run.ExitCode.Should().Be(0, run.Console);
        run.Results.Keys.Should().BeEquivalentTo(Assignments);
        foreach (var (name, results) in run.Results)
        {
            results.Tests.Should().OnlyContain(t => t.Score == t.MaxScore && t.Status == "passed", $"{name}: {run.Console}");
            results.Score.Should().Be(results.Tests.Sum(t => t.MaxScore)).And.BeGreaterThan(0);
            Engine.GradescopeSchema.Validate(JsonDocument.Parse(run.RawJson[name]).RootElement).Should().BeEmpty();
        }
    }

    /// <summary>The generated template scores 0 everywhere, without crashing, and every check says what to implement.</summary>
    [Test]
    public void TemplateGetsZeroWithGuidance()
    {
        var run = Grader.GradeInProcess(Path.Combine(Paths.Repo, "student-template"));
        run.ExitCode.Should().Be(0, run.Console);
        run.Results.Keys.Should().BeEquivalentTo(Assignments);
        foreach (var results in run.Results.Values)
        {
            results.Score.Should().Be(0);
            results.Output.Should().BeEmpty("the template compiles, has the full API, and its checks all ran");
            foreach (var test in results.Tests)
            {
                test.Score.Should().Be(0);
                var failures = test.Output.Split('\n').Where(l => l.StartsWith("    ", StringComparison.Ordinal)).ToList();
                failures.Should().NotBeEmpty().And.OnlyContain(l => l.Contains("is not implemented yet: "), test.Output);
            }
        }
    }

    /// <summary>A submission that does not compile gets 0 and a results.json that shows the compiler error.</summary>
    [Test]
    public void CompileErrorsAreShownToTheStudent()
    {
        var run = Grader.GradeInProcess(Path.Combine(Paths.Repo, "fixtures", "submissions", "does-not-compile"));
        run.ExitCode.Should().Be(0, run.Console);
        foreach (var results in run.Results.Values)
        {
            results.Score.Should().Be(0);
            results.Output.Should().Contain("does not compile").And.Contain("Broken.cs").And.Contain("CS1002");
            results.Tests.Should().OnlyContain(t => t.Score == 0);
        }
    }

    /// <summary>
    /// A file that does not compile costs only the items that need it: it is graded as the template's version, the items
    /// whose checks then meet its stubs score 0 and show its compiler error with the source line, every other item keeps full marks.
    /// </summary>
    [Test]
    public void AFileThatDoesNotCompileCostsOnlyTheItemsThatNeedIt()
    {
        var run = Grader.GradeInProcess(Grader.Planted(new[] { ("Vae/Distributions.cs", "return (torch.xlogy(x, p) + torch.xlogy(1 - x, 1 - p)).sum(-1);", "return (torch.xlogy(x, p) + torch.xlogy(1 - x, 1 - p)).sum(-1)") }), "--assignment", "cs446-hw5");
        run.ExitCode.Should().Be(0, run.Console);
        var results = run.Results.Values.Single();
        results.Output.Should().Contain("Vae/Distributions.cs did not compile").And.Contain("error CS1002");
        foreach (var item in results.Tests)
            if (new[] { "2.3", "2.4", "2.5", "2.6" }.Contains(item.Number))
            {
                item.Score.Should().Be(0, item.Output);
                item.Output.Should().StartWith("Your Vae/Distributions.cs does not compile").And.Contain("CS1002").And.Contain(".sum(-1)\n");
            }
            else if (item.Number != "2.7") item.Score.Should().Be(item.MaxScore, $"{item.Number} does not need Vae/Distributions.cs: {item.Output}");
    }

    /// <summary>A renamed public method is reported once at the top (read from metadata), and only its checks lose points.</summary>
    [Test]
    public void AWrongApiIsReportedUpFront()
    {
        var run = Grader.Grade(Grader.Planted(new[]
        {
            ("Vae/Distributions.cs", "public static Tensor LogPdfBernoulli(Tensor x, Tensor p)", "public static Tensor LogPdfBernouli(Tensor x, Tensor p)"),
            ("Vae/MnistVae.cs", "Distributions.LogPdfBernoulli(x, p)", "Distributions.LogPdfBernouli(x, p)"),
        }), "--assignment", "cs446-hw5");
        run.ExitCode.Should().Be(0, run.Console);
        var results = run.Results.Values.Single();
        results.Output.Should().Contain("does not have the public API").And.Contain("Tensor Vae.Distributions.LogPdfBernoulli(Tensor, Tensor)");
        foreach (var item in results.Tests)
            if (item.Number == "2.4") item.Output.Should().Contain("MissingMethodException");
            else item.Score.Should().Be(item.MaxScore, item.Output);
    }

    /// <summary>A folder without C# sources is graded 0 with a message saying so.</summary>
    [Test]
    public void EmptySubmissionIsExplained()
    {
        string empty = Directory.CreateTempSubdirectory("genai-empty").FullName;
        var run = Grader.GradeInProcess(empty);
        run.ExitCode.Should().Be(0, run.Console);
        run.Results.Values.Should().OnlyContain(r => r.Score == 0 && r.Output.Contains("No C# source files"));
    }

    /// <summary>A judge that runs out of its overall time keeps finished checks and zeroes the rest, saying why.</summary>
    [Test, NonParallelizable]
    public void AnOverallTimeoutKeepsFinishedChecks()
    {
        var run = Grader.Grade(Grader.Planted(new[] { ("ScoreMatching/ScoreMatching.cs", "double sigmaL = noiseLevels[^1];", "double sigmaL = noiseLevels[^1];\n        while (sigmaL > 0) { }") }),
            "--assignment", "cs446-hw5", "--timeout", "20", "--call-timeout", "300");
        run.ExitCode.Should().Be(0, run.Console);
        var hw5 = run.Results["cs446-hw5"];
        hw5.Output.Should().Contain("interrupted");
        var denoising = hw5.Tests.Single(t => t.Number == "4.2");
        denoising.Score.Should().Be(denoising.MaxScore, "its checks finished before the endless loop (checks run in name order)");
        hw5.Tests.Single(t => t.Number == "4.3").Output.Should().Contain("ran out of time (20 s) during this check");
        foreach (var number in new[] { "4.1", "2.3" })
            hw5.Tests.Single(t => t.Number == number).Output.Should().Contain("not run: the checks ran out of time");
    }

    static IEnumerable<TestCaseData> PlantedGroups() =>
        PlantedSubmission.Pack(PlantedSubmission.Load(Path.Combine(Paths.Repo, "fixtures", "submissions", "planted.json")), Path.Combine(Paths.Repo, "reference"),
                Manifest.LoadAll(Path.Combine(Paths.Repo, "autograder", "Assignments")))
            .Select(g => new TestCaseData(g).SetName($"Planted_{(g.Entries[0].IsBug ? "bugs" : "variants")}_{g.Assignment ?? "all"}_{string.Join("+", g.Entries.Select(e => e.Name))}"));

    /// <summary>
    /// Planted bugs lose points in each item they must, with an explanation, and nowhere no bug of their group may; correct
    /// variants get full marks. Entries that touch independent items share a grading (<see cref="PlantedSubmission.Pack"/>).
    /// </summary>
    [TestCaseSource(nameof(PlantedGroups))]
    public void PlantedSubmissionsLoseAndKeepPointsWhereTheySay(PlantedSubmission.Group group)
    {
        var run = Grader.GradeInProcess(Grader.Planted(group.Edits), group.Assignment is null ? [] : ["--assignment", group.Assignment]);
        run.ExitCode.Should().Be(0, run.Console);
        run.Results.Should().NotBeEmpty(run.Console);
        var graded = run.Results.Select(kv => (kv.Key, kv.Value)).ToList();
        PlantedSubmission.Disagreements(group, graded).Should().BeEmpty(group.Describe() + string.Concat(graded.Select(g => Grader.LostItems(g.Value))));
        foreach (var (assignment, results) in graded)
            foreach (var test in results.Tests.Where(t => group.Entries.Any(e => e.IsBug && e.Loses.Contains($"{assignment}/{t.Number}"))))
                test.Output.Should().Contain("FAIL").And.Contain("case '", $"{assignment}/{test.Number} must show the failing case");
    }
}
