using System.IO.Compression;
using FluentAssertions;
using GenAI.Autograder.Grading;
using GenAI.Autograder.Verbs;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Grading;

/// <summary>Batch grading: folders and zips, a gradebook per assignment, and resuming without regrading.</summary>
[Category("EndToEnd")]
public sealed class BatchTests
{
    /// <summary>Three students (a folder, a zip, a broken build) graded two at a time; a rerun skips them until a source changes.</summary>
    [Test]
    public void GradesAFolderAndResumes()
    {
        string root = Directory.CreateTempSubdirectory("genai-batch").FullName;
        string submissions = Path.Combine(root, "in"), output = Path.Combine(root, "out");
        Directory.CreateDirectory(submissions);
        string alice = Grader.Planted(Array.Empty<(string, string, string)>());
        Directory.Move(alice, Path.Combine(submissions, "alice"));
        ZipFile.CreateFromDirectory(Path.Combine(Paths.Repo, "student-template"), Path.Combine(submissions, "bob.zip"));
        CopyFolder(Path.Combine(Paths.Repo, "fixtures", "submissions", "does-not-compile"), Path.Combine(submissions, "carol"));
        string autograder = Path.GetDirectoryName(Paths.AutograderDll)!;

        var log = new StringWriter();
        BatchCommand.Grade(submissions, "cs446-hw5", output, jobs: 2, timeout: 300, log, autograder).Should().Be(0, log.ToString());
        var rows = File.ReadAllLines(Path.Combine(output, "gradebook.cs446-hw5.csv"));
        rows[0].Should().StartWith("student,score,max_score,status,2.1,2.2");
        rows.Should().Contain(r => r.StartsWith("alice,42,42,graded,")).And.Contain(r => r.StartsWith("bob,0,42,graded,")).And.Contain(r => r.StartsWith("carol,0,42,not built,"));
        File.Exists(Path.Combine(output, "alice", "results.json")).Should().BeTrue();
        File.Exists(Path.Combine(output, "alice", "report.html")).Should().BeTrue();
        log.ToString().Should().Contain("[3/3]").And.Contain("submissions per hour");

        log = new StringWriter();
        BatchCommand.Grade(submissions, "cs446-hw5", output, 2, 300, log, autograder).Should().Be(0);
        log.ToString().Should().Contain("(3 already graded)");

        File.AppendAllText(Path.Combine(submissions, "alice", "Vae", "Distributions.cs"), "\n// changed\n");
        log = new StringWriter();
        BatchCommand.Grade(submissions, "cs446-hw5", output, 2, 300, log, autograder).Should().Be(0);
        log.ToString().Should().Contain("(2 already graded)").And.Contain("alice: cs446-hw5 42/42");
        Directory.Delete(root, recursive: true);
    }

    static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
