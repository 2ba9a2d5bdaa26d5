using FluentAssertions;
using GradeRun = GenAI.Grader.Tests.Grading.Grader;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Zoo;

/// <summary>
/// Grading the zoos end to end: every correct implementation gets full marks, every mistake loses
/// points in each item it names and nowhere else (see <see cref="ZooCatalogue"/> for how cases share a grading).
/// </summary>
[Category("EndToEnd")]
public sealed class ZooTests
{
    static IEnumerable<TestCaseData> CorrectGroups() => ZooCatalogue.Pack(ZooCatalogue.Correct, disjointItems: false)
        .Select(g => new TestCaseData(g).SetName(g.Describe("Correct")));

    static IEnumerable<TestCaseData> BugGroups() => ZooCatalogue.Pack(ZooCatalogue.Bugs, disjointItems: true)
        .Select(g => new TestCaseData(g).SetName(g.Describe("Bugs")));

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
    public void CorrectImplementationsGetFullMarks(ZooCatalogue.Group group)
    {
        var run = GradeRun.Grade(GradeRun.Planted(group.Entries.SelectMany(e => e.Edits)), "--assignment", group.Assignment);
        run.ExitCode.Should().Be(0, run.Console);
        var results = run.Results.Should().ContainKey(group.Assignment, run.Console).WhoseValue;
        results.Output.Should().BeEmpty("the zoo submission compiles: " + results.Output);
        foreach (var test in results.Tests)
            test.Score.Should().Be(test.MaxScore, $"correct code ({string.Join(", ", group.Entries.Select(e => e.Name))}) lost points in {group.Assignment}/{test.Number}: {test.Output}");
    }

    /// <summary>Each realistic mistake loses points in every item it names, with a message, and no other item loses any.</summary>
    [TestCaseSource(nameof(BugGroups))]
    public void MistakesLosePointsInTheirOwnItems(ZooCatalogue.Group group)
    {
        var run = GradeRun.Grade(GradeRun.Planted(group.Entries.SelectMany(e => e.Edits)), "--assignment", group.Assignment);
        run.ExitCode.Should().Be(0, run.Console);
        var results = run.Results.Should().ContainKey(group.Assignment, run.Console).WhoseValue;
        results.Output.Should().BeEmpty("the zoo submission compiles: " + results.Output);
        foreach (var test in results.Tests)
        {
            var owners = group.Entries.Where(e => e.Loses.Contains(test.Number)).ToList();
            if (owners.Count > 0)
            {
                test.Score.Should().BeLessThan(test.MaxScore, $"{owners[0].Name} must lose points in {group.Assignment}/{test.Number}");
                test.Output.Should().Contain("FAIL").And.Contain("case '");
            }
            else if (!group.Entries.Any(e => e.MayLose.Contains(test.Number)))
                test.Score.Should().Be(test.MaxScore, $"no mistake of {string.Join(", ", group.Entries.Select(e => e.Name))} belongs to {group.Assignment}/{test.Number}: {test.Output}");
        }
    }
}
