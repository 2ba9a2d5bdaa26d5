using System.Diagnostics;
using FluentAssertions;
using GenAI.Autograder.Grading;
using GenAI.Autograder.Verbs;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Grading;

/// <summary>Sharding a real batch: the slices graded apart and merged give the gradebook of the batch graded whole.</summary>
[Category("EndToEnd")]
public sealed class ShardBatchTests
{
    /// <summary>
    /// The planted bugs of the batch: cs446-hw5 bugs that cost different items, so the gradebook's rows differ; with the reference
    /// and the template they put at least one student in each of the three slices.
    /// </summary>
    static readonly string[] Bugs = ["noise-levels-linear-not-geometric", "bernoulli-sampler-x-greater-than-p"];

    /// <summary>
    /// Four generated cs446-hw5 submissions (the reference, the template and two planted bugs) graded by <c>batch</c> unsharded and
    /// as shards 1/3, 2/3 and 3/3 (each slice non-empty), then joined by <c>merge</c>: the merged gradebook has the unsharded one's
    /// rows and points, byte for byte, and the merged dashboard lists all six.
    /// </summary>
    [Test]
    public void MergedShardsOfARealBatchEqualTheUnshardedBatch()
    {
        var clock = Stopwatch.StartNew();
        string root = Directory.CreateTempSubdirectory("genai-shard-batch").FullName;
        string submissions = Path.Combine(root, "in");
        Directory.CreateDirectory(submissions);
        var catalogue = Grader.PlantedCatalogue().GetProperty("bugs").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        Directory.Move(Grader.Planted([]), Path.Combine(submissions, "reference"));
        CopyFolder(Path.Combine(Paths.Repo, "student-template"), Path.Combine(submissions, "template"));
        foreach (string bug in Bugs) Directory.Move(Grader.Planted(Grader.Edits(catalogue[bug])), Path.Combine(submissions, bug));
        var students = Directory.GetDirectories(submissions).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        for (int i = 1; i <= 3; i++) students.Should().Contain(s => new Shard(i, 3).Holds(s!), $"shard {i}/3 must hold a student for the test to mean anything");
        string autograder = Path.GetDirectoryName(Paths.AutograderDll)!;

        string whole = Path.Combine(root, "whole");
        var log = new StringWriter();
        BatchCommand.Grade(submissions, "cs446-hw5", whole, jobs: 2, timeout: 300, log, autograder).Should().Be(0, log.ToString());
        var slices = new List<string>();
        for (int i = 1; i <= 3; i++)
        {
            string slice = Path.Combine(root, $"slice-{i}");
            BatchCommand.Grade(submissions, "cs446-hw5", slice, jobs: 2, timeout: 300, log, autograder, new Shard(i, 3)).Should().Be(0, log.ToString());
            slices.Add(slice);
        }
        string merged = Path.Combine(root, "merged");
        GenAI.Autograder.Program.Main(["merge", "--out", merged, "--assignment", "cs446-hw5", .. slices]).Should().Be(0);

        var expected = File.ReadAllLines(Path.Combine(whole, "gradebook.cs446-hw5.csv"));
        var got = File.ReadAllLines(Path.Combine(merged, "gradebook.cs446-hw5.csv"));
        TestContext.Out.WriteLine(string.Join("\n", expected));
        expected.Should().HaveCount(1 + students.Count);
        expected.Should().Contain(r => r.StartsWith("reference,42,42,graded,", StringComparison.Ordinal))
            .And.Contain(r => r.StartsWith("template,0,42,graded,", StringComparison.Ordinal));
        expected.Skip(1).Select(r => r.Split(',')[1]).Distinct().Should().HaveCountGreaterThan(3, "the bugs cost different points");
        got.Should().Equal(expected);
        string dashboard = File.ReadAllText(Path.Combine(merged, "index.html"));
        dashboard.Should().Contain($"{students.Count} of {students.Count} submissions graded");
        students.Should().OnlyContain(s => dashboard.Contains($"<a href=\"{s}/report.html\">{s}</a>"));
        TestContext.Out.WriteLine($"{students.Count} submissions graded whole and in 3 slices, merged, in {clock.Elapsed.TotalSeconds:F0} s");
        Directory.Delete(root, recursive: true);
    }

    static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj")) continue;
            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
