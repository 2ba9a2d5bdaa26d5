using System.Text.Json;
using FluentAssertions;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Grading;

/// <summary>
/// The whole grading path, through the real grade command: build in a workspace, checks in a child
/// process, results.json per assignment. Planted bugs must lose points in the right items and
/// correct variants must not.
/// </summary>
[Category("EndToEnd")]
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

    /// <summary>An unknown assignment is a usage error that lists the known ones.</summary>
    [Test]
    public void UnknownAssignmentIsAUsageError()
    {
        var run = Grader.Grade(Path.Combine(Paths.Repo, "reference"), "--assignment", "nope");
        run.ExitCode.Should().Be(2);
        run.Console.Should().Contain("No assignment 'nope'").And.Contain("cs446-hw5");
    }

    /// <summary>
    /// Student code that ends its process (even with exit code 0) only fails the checks that call it:
    /// the worker is restarted for the next call and every other check keeps its points.
    /// </summary>
    [Test]
    public void ACrashFailsOnlyTheChecksThatCallIt()
    {
        var run = Grader.Grade(Grader.Planted(new[] { ("Vae/Distributions.cs", "return (torch.xlogy(x, p) + torch.xlogy(1 - x, 1 - p)).sum(-1);", "Environment.Exit(0); return x;") }));
        run.ExitCode.Should().Be(0, run.Console);
        run.Results["cs4331-hw2"].Score.Should().Be(77);
        run.Results["ece685d-hw5"].Score.Should().Be(95);
        var hw5 = run.Results["cs446-hw5"];
        hw5.Output.Should().BeEmpty("the judge itself was not interrupted");
        foreach (var item in hw5.Tests.Where(t => t.Number is not ("2.4" or "2.7")))
            item.Score.Should().Be(item.MaxScore, $"{item.Number} does not call logpdf_bernoulli: {item.Output}");
        foreach (var number in new[] { "2.4", "2.7" })
        {
            var item = hw5.Tests.Single(t => t.Number == number);
            item.Score.Should().BeLessThan(item.MaxScore);
            item.Output.Should().Contain("ended the worker process (exit code 0: your code called Environment.Exit");
        }
    }

    /// <summary>A call that never returns is stopped at the per-call limit; that check fails and later checks still run.</summary>
    [Test]
    public void AnEndlessLoopFailsOnlyItsChecks()
    {
        var run = Grader.Grade(Grader.Planted(new[] { ("ScoreMatching/ScoreMatching.cs", "double sigmaL = noiseLevels[^1];", "double sigmaL = noiseLevels[^1];\n        while (sigmaL > 0) { }") }),
            "--call-timeout", "30", "--assignment", "cs446-hw5");
        run.ExitCode.Should().Be(0, run.Console);
        var hw5 = run.Results["cs446-hw5"];
        var langevin = hw5.Tests.Single(t => t.Number == "4.3");
        langevin.Score.Should().Be(0);
        langevin.Output.Should().Contain("AnnealedLangevinDynamics did not finish within").And.Contain("the 30 s call limit");
        foreach (var item in hw5.Tests.Where(t => t.Number != "4.3"))
            item.Score.Should().Be(item.MaxScore, $"{item.Number} does not call the Langevin sampler: {item.Output}");
    }

    /// <summary>A judge that runs out of its overall time keeps finished checks and zeroes the rest, saying why.</summary>
    [Test]
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

    static IEnumerable<TestCaseData> Bugs() => Grader.PlantedCatalogue().GetProperty("bugs").EnumerateArray()
        .Select(b => new TestCaseData(b.GetProperty("name").GetString()).SetName($"Bug_{b.GetProperty("name").GetString()}"));

    static IEnumerable<TestCaseData> Variants() => Grader.PlantedCatalogue().GetProperty("variants").EnumerateArray()
        .Select(v => new TestCaseData(v.GetProperty("name").GetString()).SetName($"Variant_{v.GetProperty("name").GetString()}"));

    static JsonElement Entry(string kind, string name) =>
        Grader.PlantedCatalogue().GetProperty(kind).EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    /// <summary>A planted bug loses points in each item it must, with an explanation, and nowhere it must not.</summary>
    [TestCaseSource(nameof(Bugs))]
    public void PlantedBugLosesPointsInTheRightItems(string name)
    {
        var entry = Entry("bugs", name);
        var loses = entry.GetProperty("loses").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
        var mayLose = entry.GetProperty("mayLose").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
        var run = Grader.Grade(Grader.Planted(Grader.Edits(entry)), Grader.AssignmentArguments(entry));
        run.ExitCode.Should().Be(0, run.Console);
        run.Results.Should().NotBeEmpty(run.Console);
        foreach (var (assignment, results) in run.Results)
        {
            results.Output.Should().BeEmpty("the planted submission compiles: " + results.Output);
            foreach (var test in results.Tests)
            {
                string id = $"{assignment}/{test.Number}";
                if (loses.Contains(id))
                {
                    test.Score.Should().BeLessThan(test.MaxScore, $"{name} must lose points in {id}");
                    test.Output.Should().Contain("FAIL").And.Contain("case '");
                }
                else if (!mayLose.Contains(id))
                    test.Score.Should().Be(test.MaxScore, $"{name} must not lose points in {id}: {test.Output}");
            }
        }
        run.Results.Values.SelectMany(r => r.Tests).Count(t => t.Score < t.MaxScore).Should().BeGreaterThanOrEqualTo(loses.Count);
    }

    /// <summary>A correct solution that differs from the reference where the assignment leaves room gets full marks.</summary>
    [TestCaseSource(nameof(Variants))]
    public void CorrectVariantGetsFullMarks(string name)
    {
        var entry = Entry("variants", name);
        var run = Grader.Grade(Grader.Planted(Grader.Edits(entry)), Grader.AssignmentArguments(entry));
        run.ExitCode.Should().Be(0, run.Console);
        run.Results.Should().NotBeEmpty(run.Console);
        foreach (var (assignment, results) in run.Results)
        {
            results.Output.Should().BeEmpty();
            foreach (var test in results.Tests)
                test.Score.Should().Be(test.MaxScore, $"{name} is correct but lost points in {assignment}/{test.Number}: {test.Output}");
        }
    }
}
