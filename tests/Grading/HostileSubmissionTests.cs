using System.Diagnostics;
using System.Text.Json;
using FluentAssertions;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Grading;

/// <summary>
/// Submissions that attack the grader (fixtures/submissions/hostile.json): each must leave a valid
/// results.json, forge nothing, lose points only where its own code misbehaves, and finish in
/// bounded time. Student code runs in the worker; these run through the real grade command.
/// </summary>
[Category("EndToEnd"), Parallelizable(ParallelScope.All)]
public sealed class HostileSubmissionTests
{
    static JsonElement Catalogue() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Paths.Repo, "fixtures", "submissions", "hostile.json"))).RootElement;

    static IEnumerable<TestCaseData> Cases(bool alone) => Catalogue().GetProperty("cases").EnumerateArray()
        .Where(c => (c.TryGetProperty("alone", out var a) && a.GetBoolean()) == alone)
        .Select(c => new TestCaseData(c.GetProperty("name").GetString()).SetName($"Hostile_{c.GetProperty("name").GetString()}"));

    static IEnumerable<TestCaseData> SharedCases() => Cases(alone: false);
    internal static IEnumerable<TestCaseData> AloneCases() => Cases(alone: true);

    /// <summary>The attack loses points only where it must, with the expected explanation, and forges nothing (two gradings at a time).</summary>
    [TestCaseSource(nameof(SharedCases))]
    public void IsContained(string name) => Contain(name);

    internal static void Contain(string name)
    {
        var entry = Catalogue().GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        if (entry.TryGetProperty("needsRoot", out var needsRoot) && needsRoot.GetBoolean() && !(OperatingSystem.IsLinux() && Environment.UserName == "root"))
            Assert.Ignore("this attack is contained by isolation that only a root grader on Linux sets up (another user, namespaces)");
        var loses = entry.GetProperty("loses").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
        var mayLose = entry.GetProperty("mayLose").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
        var message = entry.GetProperty("message");
        string[] messages = message.ValueKind == JsonValueKind.Array ? message.EnumerateArray().Select(m => m.GetString()!).ToArray() : [message.GetString()!];
        var edits = Grader.Edits(entry).Select(e => (e.Item1, e.Item2, e.Item3.Replace("{repo}", Paths.Repo.TrimEnd('/'))));
        var args = entry.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).Concat(Grader.AssignmentArguments(entry)).ToArray();
        string forged = Path.Combine(Paths.Repo, "forged.txt");

        var clock = Stopwatch.StartNew();
        var run = Grader.Grade(Grader.Planted(edits), args);
        TestContext.Out.WriteLine($"{name}: graded in {clock.Elapsed.TotalSeconds:F1} s");

        run.ExitCode.Should().Be(0, run.Console);
        int only = Array.IndexOf(args, "--assignment");
        run.Results.Keys.Should().BeEquivalentTo(only >= 0 ? [args[only + 1]] : new[] { "cs446-hw5", "cs4331-hw2", "cs552-hw1", "cs552-hw2", "ece685d-hw5" });
        File.Exists(forged).Should().BeFalse("student code must not write into the repository");
        foreach (var (assignment, results) in run.Results)
        {
            Engine.GradescopeSchema.Validate(JsonDocument.Parse(run.RawJson[assignment]).RootElement).Should().BeEmpty();
            run.RawJson[assignment].Should().NotContain("forged");
            results.Output.Should().BeEmpty("the judge itself must never be interrupted by student code");
            foreach (var test in results.Tests)
            {
                string id = $"{assignment}/{test.Number}";
                if (loses.Contains(id))
                {
                    test.Score.Should().BeLessThan(test.MaxScore, $"{name} must lose points in {id}");
                    foreach (var part in messages) test.Output.Should().Contain(part);
                }
                else if (!mayLose.Contains(id))
                    test.Score.Should().Be(test.MaxScore, $"{name} must not cost points in {id}: {test.Output}");
            }
        }
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromMinutes(3));
    }
}

/// <summary>The hostile submissions that reach beyond their own worker ('alone' in hostile.json), graded with no other test running.</summary>
[Category("EndToEnd"), NonParallelizable]
public sealed class HostileSubmissionAloneTests
{
    /// <summary>The attack loses points only where it must, with the expected explanation, and forges nothing.</summary>
    [TestCaseSource(typeof(HostileSubmissionTests), nameof(HostileSubmissionTests.AloneCases))]
    public void IsContained(string name) => HostileSubmissionTests.Contain(name);
}
