using FluentAssertions;
using GradeRun = GenAI.Grader.Tests.Grading.Grader;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Zoo;

/// <summary>
/// Grading the zoos end to end: every correct implementation gets full marks, every mistake loses
/// points in each item it names and nowhere else (see <see cref="ZooCatalogue"/> for how cases share a grading).
/// </summary>
[Category("EndToEnd"), Parallelizable(ParallelScope.All)]
public sealed class ZooTests
{
    static IEnumerable<TestCaseData> CorrectGroups() => ZooCatalogue.Groups(bugs: false)
        .Select(g => new TestCaseData(g).SetName($"Correct_{g.Assignment}_{string.Join("+", g.Entries.Select(e => e.Name))}"));

    static IEnumerable<TestCaseData> BugGroups() => ZooCatalogue.Groups(bugs: true)
        .Select(g => new TestCaseData(g).SetName($"Bugs_{g.Assignment}_{string.Join("+", g.Entries.Select(e => e.Name))}"));

    /// <summary>The catalogue is large enough, every entry names its source, and bugs name the items they lose.</summary>
    [Test]
    public void CatalogueIsComplete()
    {
        ZooCatalogue.Correct.Should().HaveCountGreaterThanOrEqualTo(30);
        ZooCatalogue.Bugs.Should().HaveCountGreaterThanOrEqualTo(30);
        foreach (var e in ZooCatalogue.Correct.Concat(ZooCatalogue.Bugs))
        {
            e.Source.Should().NotBeNullOrWhiteSpace(e.Name);
            e.Edits.Should().NotBeEmpty(e.Name);
        }
        ZooCatalogue.Bugs.Should().OnlyContain(b => b.Loses.Count > 0);
        ZooCatalogue.Correct.Concat(ZooCatalogue.Bugs).Select(e => e.Name).Should().OnlyHaveUniqueItems();
        ZooCatalogue.Correct.Select(e => e.Assignment).Distinct().Should().HaveCount(5, "every assignment has correct implementations from elsewhere");
        ZooCatalogue.Bugs.Select(e => e.Assignment).Distinct().Should().HaveCount(5, "every assignment has realistic mistakes");
    }

    /// <summary>Correct implementations written elsewhere get full marks in every item.</summary>
    [TestCaseSource(nameof(CorrectGroups))]
    public void CorrectImplementationsGetFullMarks(PlantedSubmission.Group group) => Grade(group);

    /// <summary>Each realistic mistake loses points in every item it names, with the failing case shown, and no other item loses any.</summary>
    [TestCaseSource(nameof(BugGroups))]
    public void MistakesLosePointsInTheirOwnItems(PlantedSubmission.Group group) => Grade(group);

    static void Grade(PlantedSubmission.Group group)
    {
        var run = GradeRun.GradeInProcess(GradeRun.Planted(group.Edits), "--assignment", group.Assignment!);
        run.ExitCode.Should().Be(0, run.Console);
        var results = run.Results.Should().ContainKey(group.Assignment!, run.Console).WhoseValue;
        results.Output.Should().BeEmpty("the zoo submission compiles: " + results.Output);
        PlantedSubmission.Disagreements(group, [(group.Assignment!, results)]).Should().BeEmpty(group.Describe() + GradeRun.LostItems(results));
        foreach (var test in results.Tests.Where(t => group.Entries.Any(e => e.Loses.Contains($"{group.Assignment}/{t.Number}"))))
            test.Output.Should().Contain("FAIL").And.Contain("case '", $"{group.Assignment}/{test.Number} must show the failing case");
    }
}
