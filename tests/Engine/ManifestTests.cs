using System.Reflection;
using FluentAssertions;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>Assignment manifests: the shipped ones are valid and point at real checks; bad ones are refused.</summary>
[Parallelizable]
public sealed class ManifestTests
{
    static string Assignments => Path.Combine(Paths.Repo, "autograder", "Assignments");

    /// <summary>Every check of the autograder, relative to its Checks namespace.</summary>
    /// <summary>Every check by its NUnit name: Class.Method, or Class.Method(args) for each test case (booleans as True/False, as NUnit names them).</summary>
    static List<string> AllChecks() => typeof(CheckRunner).Assembly.GetTypes()
        .Where(t => t.FullName!.StartsWith(CheckRunner.ChecksNamespace, StringComparison.Ordinal))
        .SelectMany(t => t.GetMethods().SelectMany(m =>
        {
            string name = CheckRunner.Relative($"{t.FullName}.{m.Name}")!;
            var cases = m.GetCustomAttributes<TestCaseAttribute>().Select(c => $"{name}({string.Join(",", c.Arguments.Select(a => a is bool b ? (b ? "True" : "False") : Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture)))})").ToList();
            return cases.Count > 0 ? cases : m.GetCustomAttributes<TestAttribute>().Any() ? [name] : [];
        })).ToList();

    /// <summary>Each item of each shipped manifest matches at least one check, and every check is graded by some manifest.</summary>
    [Test]
    public void ShippedManifestsCoverEveryCheck()
    {
        var manifests = Manifest.LoadAll(Assignments);
        manifests.Select(m => m.Name).Should().BeEquivalentTo("cs446-hw5", "cs4331-hw2", "cs552-hw1", "cs552-hw2", "ece685d-hw5");
        var checks = AllChecks();
        checks.Should().HaveCountGreaterThan(30);
        foreach (var item in manifests.SelectMany(m => m.Items))
            checks.Should().Contain(c => item.Tests.Any(p => Manifest.Matches(p, c)), $"item {item.Number} must match a check");
        foreach (var check in checks)
            manifests.SelectMany(m => m.Items).Should().Contain(i => i.Tests.Any(p => Manifest.Matches(p, check)), $"{check} must be graded");
    }

    /// <summary>
    /// Each assignment is a folder named as its manifest, with a README that names each of its topics; every experiment the
    /// run verb finds is an assignment's; no topic belongs to two assignments (a student bundle carries whole topics), and every topic folder
    /// of the checks and of the worker's harness belongs to one.
    /// </summary>
    [Test]
    public void EachAssignmentIsAFolderOwningItsTopics()
    {
        var manifests = Manifest.LoadAll(Assignments);
        foreach (var manifest in manifests)
        {
            string folder = Path.Combine(Assignments, manifest.Name);
            File.Exists(Path.Combine(folder, Manifest.FileName)).Should().BeTrue($"{manifest.Name} is the folder's name");
            string readme = File.ReadAllText(Path.Combine(folder, "README.md"));
            foreach (var topic in manifest.Topics) readme.Should().Contain($"`{topic}`", $"{manifest.Name}'s README names its topic {topic}");
        }
        GenAI.Autograder.Run.Experiments.All.Keys.Should().BeSubsetOf(manifests.Select(m => m.Name), "experiments live in an assignment's folder");
        foreach (var manifest in manifests)
        {
            // What travels in the assignment's bundle names only its own topics of the course (and the shared library).
            var allowed = manifest.Topics.Append("Formats").Append("Runtime").ToHashSet();
            var own = new[] { Path.Combine(Assignments, manifest.Name) }
                .Concat(manifest.Topics.SelectMany(t => new[] { Path.Combine(Paths.Repo, "autograder", "Checks", t), Path.Combine(Paths.Repo, "student-host", "Harness", t) }))
                .Where(Directory.Exists).SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories));
            foreach (var file in own)
                System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(file), @"\bGenAI\.Course\.(\w+)").Select(m => m.Groups[1].Value)
                    .Where(t => !allowed.Contains(t)).Should().BeEmpty($"{Path.GetRelativePath(Paths.Repo, file)} travels in {manifest.Name}'s bundle, which holds only its topics");
        }
        var owners = manifests.SelectMany(m => m.Topics.Select(t => (topic: t, m.Name))).GroupBy(p => p.topic).ToList();
        owners.Where(g => g.Count() > 1).Select(g => g.Key).Should().BeEmpty("a topic belongs to one assignment");
        var topics = owners.Select(g => g.Key).ToList();
        foreach (var root in new[] { Path.Combine(Paths.Repo, "autograder", "Checks"), Path.Combine(Paths.Repo, "student-host", "Harness"), Path.Combine(Paths.Repo, "reference") })
            Directory.GetDirectories(root).Select(Path.GetFileName).Where(d => d is not ("bin" or "obj"))
                .Should().OnlyContain(d => topics.Contains(d!), $"every folder of {Path.GetFileName(root)}/ is a topic of some assignment");
    }

    /// <summary>Patterns match a class or a method on a dot boundary, never a prefix of another name.</summary>
    [TestCase("Vae.ElboChecks", "Vae.ElboChecks.A", true)]
    [TestCase("Vae.ElboChecks", "Vae.ElboChecksExtra.A", false)]
    [TestCase("ScoreMatching.NoiseLevelChecks.AreGeometricBetweenTheEnds", "ScoreMatching.NoiseLevelChecks.AreGeometricBetweenTheEnds(0.1d,0.01d,10)", true)]
    [TestCase("Vae", "Vae.ElboChecks.A", true)]
    public void MatchesOnNameBoundaries(string pattern, string test, bool matches) => Manifest.Matches(pattern, test).Should().Be(matches);

    /// <summary>Invalid manifests fail with the file and the problem.</summary>
    [TestCase("""{ "name": "x", "title": "t", "items": [ { "number": "1", "name": "a", "tests": ["A"], "points": 1, "visibility": "secret" } ] }""", "*visibility 'secret'*")]
    [TestCase("""{ "name": "x", "title": "t", "items": [ { "number": "1", "name": "a", "tests": ["A"], "points": 1 }, { "number": "1", "name": "b", "tests": ["B"], "points": 1 } ] }""", "*unique*")]
    [TestCase("""{ "name": "x", "title": "t", "items": [ { "number": "1", "name": "a", "tests": [], "points": 1 } ] }""", "*lists no tests*")]
    [TestCase("""{ "name": "x", "title": "t", "items": [ { "number": "1", "name": "a", "tests": ["A"], "points": -1 } ] }""", "*non-negative*")]
    [TestCase("""{ "name": "x", "title": "t", "items": [ { "number": "1", "name": "a", "tests": ["A"], "points": 1, "uses": ["9"] } ] }""", "*uses '9', which is not another item*")]
    [TestCase("""{ "name": "x", "title": "t", "items": [ { "number": "1", "name": "a", "tests": ["A"], "points": 1, "uses": ["1"] } ] }""", "*uses '1', which is not another item*")]
    [TestCase("""{ "name": "x", "title": "t", "items": [ { "number": "1", "name": "a", "tests": ["A"], "points": 1, "uses": ["2"] }, { "number": "2", "name": "b", "tests": ["B"], "points": 1, "uses": ["1"] } ] }""", "*item '1 a' uses itself through other items*")]
    [TestCase("""{ "name": "x" """, "*not valid manifest JSON*")]
    public void RejectsInvalidManifests(string json, string message)
    {
        string path = Path.Combine(Path.GetTempPath(), $"manifest-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            var act = () => Manifest.Load(path);
            act.Should().Throw<InvalidDataException>().WithMessage(message).Which.Message.Should().Contain(path);
        }
        finally { File.Delete(path); }
    }
}
