using FluentAssertions;
using GenAI.Autograder.Grading;
using GenAI.Autograder.Verbs;
using NUnit.Framework;
using YamlDotNet.RepresentationModel;

namespace GenAI.Grader.Tests.Grading;

/// <summary>Scaling out: shards partition a class, merged shards give the unsharded gradebook, regrade diffs, and the CI workflow that uses them.</summary>
[Parallelizable]
public sealed class ShardMergeTests
{
    static readonly Manifest Sample = new("demo", "Demo", [new ManifestItem("1", "first", ["A"], 4), new ManifestItem("2", "second, with a comma", ["B"], 6)]);

    /// <summary>Every one of 600 names is in exactly one of 3 shards, each holding 150 to 250; bad specifications are refused.</summary>
    [Test]
    public void ShardsPartitionTheClass()
    {
        var names = Enumerable.Range(0, 600).Select(k => $"student{k:D3}").ToList();
        var shards = Enumerable.Range(1, 3).Select(i => new Shard(i, 3)).ToList();
        names.Should().OnlyContain(n => shards.Count(s => s.Holds(n)) == 1);
        shards.Select(s => names.Count(s.Holds)).Should().OnlyContain(c => c >= 150 && c <= 250);
        Shard.TryParse("2/3", out var parsed).Should().BeTrue();
        parsed.Should().Be(new Shard(2, 3));
        foreach (var bad in new[] { "0/3", "4/3", "3", "a/b", "1/0", null })
            Shard.TryParse(bad, out _).Should().BeFalse(bad ?? "null");
    }

    /// <summary>Twelve graded students split into shards 1/3, 2/3 and 3/3 and merged give the gradebook of all twelve, byte for byte, and a dashboard listing all.</summary>
    [Test]
    public void MergedShardsEqualTheUnshardedGradebook()
    {
        string root = Directory.CreateTempSubdirectory("genai-merge").FullName;
        string whole = Path.Combine(root, "whole");
        var students = Enumerable.Range(0, 12).Select(k => $"s{k:D2}").ToList();
        foreach (var (s, k) in students.Select((s, k) => (s, k)))
        {
            var results = new GradescopeResults
            {
                Score = k % 5 + (k % 2) * 6,
                Tests =
                {
                    new GradescopeTest { Number = "1", Name = "first", Score = k % 5, MaxScore = 4, Status = k % 5 == 4 ? "passed" : "failed", Output = "FAIL A\n    got 1 expected 2" },
                    new GradescopeTest { Number = "2", Name = "second, with a comma", Score = (k % 2) * 6, MaxScore = 6, Status = k % 2 == 1 ? "passed" : "failed", Output = "FAIL B\n    wrong" },
                },
            };
            results.Write(Path.Combine(whole, s, "results.json"));
            File.WriteAllText(Path.Combine(whole, s, Gradebook.Marker), "fingerprint");
            File.WriteAllText(Path.Combine(whole, s, "report.html"), $"<p>{s}</p>");
        }
        Gradebook.WriteGradebooks(whole, students, [Sample], single: true);
        var shardFolders = new List<string>();
        for (int i = 1; i <= 3; i++)
        {
            string shard = Path.Combine(root, $"shard{i}");
            foreach (var s in students.Where(new Shard(i, 3).Holds))
                foreach (var file in Directory.GetFiles(Path.Combine(whole, s)))
                {
                    Directory.CreateDirectory(Path.Combine(shard, s));
                    File.Copy(file, Path.Combine(shard, s, Path.GetFileName(file)));
                }
            Directory.CreateDirectory(shard);
            shardFolders.Add(shard);
        }
        string merged = Path.Combine(root, "merged");
        MergeCommand.Merge(shardFolders, merged, [Sample], single: true).Should().Be(12);
        File.ReadAllText(Path.Combine(merged, "gradebook.demo.csv")).Should().Be(File.ReadAllText(Path.Combine(whole, "gradebook.demo.csv")));
        string dashboard = File.ReadAllText(Path.Combine(merged, "index.html"));
        dashboard.Should().Contain("12 of 12 submissions graded");
        students.Should().OnlyContain(s => dashboard.Contains($"<a href=\"{s}/report.html\">{s}</a>"));
        var act = () => MergeCommand.Merge([shardFolders[0], shardFolders[0]], Path.Combine(root, "twice"), [Sample], single: true);
        act.Should().Throw<InvalidDataException>().WithMessage("*graded in two shards*");
        Directory.Delete(root, true);
    }

    /// <summary>The regrade diff names who gains or loses, by how much and in which items, who appears or disappears, and counts the rest.</summary>
    [Test]
    public void RegradeDiffListsWhoGainsOrLosesWhere()
    {
        const string before = "student,score,max_score,status,1,\"2,b\"\nalice,4,10,graded,4,0\nbob,10,10,graded,4,6\ncarol,0,10,not built,0,0\ndave,3,10,graded,3,0\n";
        const string after = "student,score,max_score,status,1,\"2,b\"\nalice,10,10,graded,4,6\nbob,7,10,graded,1,6\ncarol,4,10,graded,4,0\nerin,10,10,graded,4,6\n";
        var (text, changed) = RegradeDiffCommand.Compare(before, after);
        changed.Should().BeTrue();
        text.Should().Be("▲ alice: 4 -> 10 (+6); 2,b 0 -> 6\n▼ bob: 10 -> 7 (-3); 1 4 -> 1\n▲ carol: 0 -> 4 (+4), not built -> graded; 1 0 -> 4\n+ erin: new, 10 points\n- dave: not in the new gradebook\n0 students unchanged.\n");
        RegradeDiffCommand.Compare(before, before).Should().Be(("4 students unchanged.\n", false));
    }

    /// <summary>
    /// The GitHub Actions workflow grades shards 1..N of a matrix with `batch --shard I/N` (N = SHARDS = the matrix's size),
    /// uploads each slice with its hidden .graded markers, and merges them in a job that needs the grading and publishes the dashboard.
    /// </summary>
    [Test]
    public void WorkflowGradesShardsAndPublishesTheMergedDashboard()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Paths.Repo, ".github", "workflows", "grade-class.yml"))) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        YamlNode At(YamlNode node, params string[] path) => path.Aggregate(node, (n, key) => ((YamlMappingNode)n).Children[new YamlScalarNode(key)]);
        string Text(YamlNode node) => ((YamlScalarNode)node).Value!;
        int shards = int.Parse(Text(At(root, "env", "SHARDS")));
        var matrix = ((YamlSequenceNode)At(root, "jobs", "grade", "strategy", "matrix", "shard")).Children.Select(n => int.Parse(Text(n))).ToList();
        matrix.Should().Equal(Enumerable.Range(1, shards));
        shards.Should().BeGreaterThan(1);
        var gradeSteps = ((YamlSequenceNode)At(root, "jobs", "grade", "steps")).Children.Cast<YamlMappingNode>().ToList();
        string Run(YamlMappingNode step) => step.Children.TryGetValue(new YamlScalarNode("run"), out var run) ? Text(run) : "";
        string Uses(YamlMappingNode step) => step.Children.TryGetValue(new YamlScalarNode("uses"), out var uses) ? Text(uses) : "";
        gradeSteps.Select(Run).Should().Contain(r => r.Contains("batch --submissions") && r.Contains("--shard ${{ matrix.shard }}/${{ env.SHARDS }}") && r.Contains("--out \"slice-${{ matrix.shard }}\""));
        var upload = gradeSteps.Single(s => Uses(s).StartsWith("actions/upload-artifact@", StringComparison.Ordinal));
        Text(At(upload, "with", "include-hidden-files")).Should().Be("true");
        Text(At(upload, "with", "path")).Should().Be("slice-${{ matrix.shard }}");
        Text(At(root, "jobs", "merge", "needs")).Should().Be("grade");
        var mergeSteps = ((YamlSequenceNode)At(root, "jobs", "merge", "steps")).Children.Cast<YamlMappingNode>().ToList();
        Text(At(mergeSteps.Single(s => Uses(s).StartsWith("actions/download-artifact@", StringComparison.Ordinal)), "with", "pattern")).Should().Be("slice-*");
        mergeSteps.Select(Run).Should().Contain(r => r.Contains("-- merge --out class") && r.Contains("slices/slice-*"));
        Text(At(mergeSteps.Last(), "with", "name")).Should().Be("class-dashboard");
        Text(At(mergeSteps.Last(), "with", "path")).Should().Be("class");
    }
}
