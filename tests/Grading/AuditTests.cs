using FluentAssertions;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Grading;

/// <summary>The audit verb: a clean audit of one assignment end to end, and how planted gradings are judged.</summary>
/// <remarks>Beside the other parallel tests: the audit's time limit is Gradescope's box (600 s), far above a grading's time on a shared machine.</remarks>
[Parallelizable(ParallelScope.All)]
public sealed class AuditTests
{
    /// <summary>
    /// On this machine the reference gets full marks isolated and in-process with 1 and 2 threads and isolated with the portable
    /// kernels of an older CPU, the template zero with
    /// guidance, the sampled planted entries lose and keep where they say, and the assignment fits the box: exit 0, audit.md.
    /// cs552-hw2, the assignment that grades fastest (the Gradescope bundle test audits cs446-hw5's reference isolated with 1 and 2 threads).
    /// </summary>
    [Test, Category("EndToEnd")]
    public void AuditOfOneAssignmentIsClean()
    {
        string output = Path.Combine(Path.GetTempPath(), "genai-audit-tests", Guid.NewGuid().ToString("N"));
        var (exit, console) = SubmissionBuild.Run("dotnet", [Paths.AutograderDll, "audit", "--assignment", "cs552-hw2", "--quick", "--out", output], Paths.Repo, TimeSpan.FromMinutes(20));
        exit.Should().Be(0, console);
        string report = File.ReadAllText(Path.Combine(output, "audit.md"));
        report.Should().Contain("Result: clean");
        foreach (var path in new[] { "isolated, 1 thread", "isolated, 2 threads", "in-process, 1 thread", "in-process, 2 threads", "isolated, 1 thread, portable kernels" })
            report.Should().Contain($"| ok | reference | cs552-hw2 | {path} |");
        report.Should().Contain("| ok | template | cs552-hw2 |").And.Contain("| ok | bugs ").And.Contain("| ok | variants ").And.Contain("| ok | fits Gradescope's default box |");
        Directory.Delete(output, recursive: true);
    }

    static GradescopeResults Results(params (string number, double score, double max)[] items) => new()
    {
        Tests = items.Select(i => new GradescopeTest { Number = i.number, Name = i.number, Score = i.score, MaxScore = i.max, Output = i.score < i.max ? "0 of 1 checks passed.\nFAIL Checks.A\n    what went wrong" : "" }).ToList(),
    };

    /// <summary>
    /// Bugs graded together must each lose in their items and nowhere else (not in a mayLose item either: a mistake costs
    /// points once); a variant must lose nowhere; each disagreement is named.
    /// </summary>
    [Test]
    public void PlantedGradingsAreJudgedItemByItem()
    {
        var bugs = new PlantedSubmission.Group("hw", [new("b", true, ["hw/1"], ["hw/3"], null, []), new("c", true, ["hw/4"], [], null, [])]);
        PlantedSubmission.Disagreements(bugs, [("hw", Results(("1", 0, 2), ("2", 2, 2), ("3", 2, 2), ("4", 0, 1)))]).Should().BeEmpty();
        PlantedSubmission.Disagreements(bugs, [("hw", Results(("1", 0, 2), ("2", 2, 2), ("3", 1, 2), ("4", 0, 1)))]).Should().ContainSingle().Which.Should().Contain("lost 1 points in hw/3");
        PlantedSubmission.Disagreements(bugs, [("hw", Results(("1", 2, 2), ("2", 2, 2), ("3", 2, 2), ("4", 0, 1)))]).Should().ContainSingle().Which.Should().Contain("b: kept full marks in hw/1");
        PlantedSubmission.Disagreements(bugs, [("hw", Results(("1", 0, 2), ("2", 1, 2), ("3", 2, 2), ("4", 0, 1)))]).Should().ContainSingle().Which.Should().Contain("lost 1 points in hw/2: what went wrong");
        var variants = new PlantedSubmission.Group("hw", [new("v", false, [], [], "hw", [])]);
        PlantedSubmission.Disagreements(variants, [("hw", Results(("1", 2, 2), ("2", 2, 2)))]).Should().BeEmpty();
        PlantedSubmission.Disagreements(variants, [("hw", Results(("1", 2, 2), ("2", 0, 2)))]).Should().ContainSingle().Which.Should().Contain("hw/2");
    }

    /// <summary>Packing: bugs share a grading only when their items are disjoint and their edits still apply; bugs and variants never share one; an entry marked alone shares none.</summary>
    [Test]
    public void PackingKeepsEveryLostItemWithOneCause()
    {
        string reference = Directory.CreateTempSubdirectory("genai-pack").FullName;
        File.WriteAllText(Path.Combine(reference, "A.cs"), "alpha beta gamma delta");
        PlantedSubmission.Entry Bug(string name, string find, params string[] loses) => new(name, true, loses, [], null, [("A.cs", find, find.ToUpperInvariant())]);
        var groups = PlantedSubmission.Pack([
            Bug("a", "alpha", "hw/1"),
            Bug("b", "beta", "hw/2"),
            Bug("c", "gamma", "hw/1"),
            Bug("d", "alpha beta", "hw/3"),
            new("v", false, [], [], "hw", [("A.cs", "delta", "DELTA")]),
            new("w", false, [], [], "hw", [("A.cs", "gamma", "GAMMA")], Alone: true),
            new("y", false, [], [], "hw", [("A.cs", "beta", "BETA")]),
        ], reference);
        groups.Select(g => string.Join(",", g.Entries.Select(e => e.Name))).Should().Equal("a,b", "c,d", "v,y", "w");
        groups.Should().OnlyContain(g => g.Assignment == "hw");
        var act = () => PlantedSubmission.Pack([Bug("x", "omega", "hw/1")], reference);
        act.Should().Throw<InvalidDataException>().WithMessage("*'x'*");
        Directory.Delete(reference, recursive: true);
    }
}
