using System.IO.Compression;
using System.Text.Json;
using FluentAssertions;
using GenAI.Autograder.Bundle;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Grading;

/// <summary>The student bundle and the Gradescope zip, built from this tree and used the way students and Gradescope use them.</summary>
[Category("EndToEnd")]
public sealed class BundleTests
{
    static (RepoLayout repo, Manifest manifest) Assignment(string name)
    {
        var repo = new RepoLayout(Paths.Repo);
        return (repo, Manifest.LoadAll(repo.Assignments).Single(m => m.Name == name));
    }

    static void CopyReferenceSources(string into)
    {
        string reference = Path.Combine(Paths.Repo, "reference");
        foreach (var file in Directory.EnumerateFiles(reference, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/bin/") && !f.Contains("/obj/")))
        {
            string target = Path.Combine(into, Path.GetRelativePath(reference, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
            File.SetLastWriteTimeUtc(target, DateTime.UtcNow); // newer than any earlier build, so it is recompiled
        }
    }

    /// <summary>
    /// The student bundle holds only the visible items' checks (no hidden ones, no reference), and
    /// `dotnet test` in it fails every check on the template with guidance and passes them all once
    /// the stubs are implemented.
    /// </summary>
    [Test]
    public void StudentBundleHasOnlyPublicChecksAndWorks()
    {
        var (repo, manifest) = Assignment("cs446-hw5");
        string output = Directory.CreateTempSubdirectory("genai-bundle").FullName;
        string zip = BundleCommand.Student(repo, manifest, output);
        string root = Path.Combine(output, "unzipped");
        ZipFile.ExtractToDirectory(zip, root);

        Directory.Exists(Path.Combine(root, "reference")).Should().BeFalse();
        File.Exists(Path.Combine(root, "autograder", "Checks", "ScoreMatching", "LangevinChecks.cs")).Should().BeFalse("4.3 is graded after the due date");
        File.Exists(Path.Combine(root, "autograder", "Checks", "Elbo", "KlDiagNormalChecks.cs")).Should().BeFalse("not part of this assignment");
        File.Exists(Path.Combine(root, "autograder", "Checks", "Vae", "ElboChecks.cs")).Should().BeTrue();
        File.Exists(Path.Combine(root, "autograder", "Checks", "Vae", "__snapshots__", "DecoderChecks.GeneratedImagesMatchSnapshot.json")).Should().BeTrue("the decoder's snapshot check is public");
        var shipped = Manifest.Load(Path.Combine(root, "autograder", "assignments", "cs446-hw5.json"));
        shipped.Items.Should().OnlyContain(i => i.Visibility == "visible").And.HaveCount(manifest.Items.Count(i => i.Visibility == "visible"));
        File.ReadAllText(Path.Combine(root, "README.md")).Should().Contain("dotnet test");
        File.Exists(Path.Combine(root, "fixtures", "course-data", "letters.npy")).Should().BeTrue("checks and the run command read the course-format data");
        Directory.Exists(Path.Combine(root, "fixtures", "submissions")).Should().BeFalse("planted submissions are edits of the solutions");

        var (exit, log) = SubmissionBuild.Run("dotnet", new[] { "test" }, root, TimeSpan.FromMinutes(8));
        exit.Should().NotBe(0, "every check fails on the stubs");
        log.Should().Contain("is not implemented yet").And.Contain("Passed:     0");

        CopyReferenceSources(Path.Combine(root, "GenAI.Course"));
        (exit, log) = SubmissionBuild.Run("dotnet", new[] { "test" }, root, TimeSpan.FromMinutes(8));
        exit.Should().Be(0, log);
        log.Should().Contain("Failed:     0");
        Directory.Delete(output, recursive: true);
    }

    /// <summary>
    /// The cs552-hw1 bundle carries the course-format data its training check reads: with the stubs
    /// implemented, `dotnet test` in it passes every check, the LSTM training tier included.
    /// </summary>
    [Test]
    public void StudentBundleCarriesTheCourseData()
    {
        var (repo, manifest) = Assignment("cs552-hw1");
        string output = Directory.CreateTempSubdirectory("genai-bundle").FullName;
        string root = Path.Combine(output, "unzipped");
        ZipFile.ExtractToDirectory(BundleCommand.Student(repo, manifest, output), root);
        CopyReferenceSources(Path.Combine(root, "GenAI.Course"));
        var (exit, log) = SubmissionBuild.Run("dotnet", new[] { "test" }, root, TimeSpan.FromMinutes(8));
        exit.Should().Be(0, log);
        log.Should().Contain("Failed:     0").And.Contain("Passed:    32");
        Directory.Delete(output, recursive: true);
    }

    /// <summary>
    /// The Gradescope zip's setup.sh builds it, audits the reference it carries and deletes it; its run_autograder
    /// grades a submission at a temporary root laid out like /autograder, writing a valid results.json.
    /// </summary>
    [Test]
    public void GradescopeZipGradesAtATemporaryRoot()
    {
        var (repo, manifest) = Assignment("cs446-hw5");
        string output = Directory.CreateTempSubdirectory("genai-gradescope").FullName;
        string zip = BundleCommand.Gradescope(repo, manifest, output);
        using (var archive = ZipFile.OpenRead(zip))
        {
            archive.Entries.Select(e => e.FullName).Should().Contain(new[] { "setup.sh", "run_autograder", "Dockerfile" })
                .And.Contain(e => e.StartsWith("reference/")).And.NotContain(e => e.StartsWith("tests/"));
        }
        string root = Path.Combine(output, "autograder");
        ZipFile.ExtractToDirectory(zip, Path.Combine(root, "source"));
        CopyReferenceSources(Path.Combine(root, "submission"));
        Directory.CreateDirectory(Path.Combine(root, "results"));
        var environment = new Dictionary<string, string> { ["AUTOGRADER_ROOT"] = root };

        var (exit, log) = SubmissionBuild.Run("bash", new[] { Path.Combine(root, "source", "setup.sh") }, Path.Combine(root, "source"), TimeSpan.FromMinutes(10), environment);
        exit.Should().Be(0, log);
        log.Should().Contain("Audit clean");
        File.ReadAllText(Path.Combine(root, "audit", "audit.md")).Should().Contain("clean");
        Directory.Exists(Path.Combine(root, "source", "reference")).Should().BeFalse("setup.sh deletes the reference after the audit");
        (exit, log) = SubmissionBuild.Run("bash", new[] { Path.Combine(root, "source", "run_autograder") }, root, TimeSpan.FromMinutes(10), environment);
        exit.Should().Be(0, log);

        string results = File.ReadAllText(Path.Combine(root, "results", "results.json"));
        Engine.GradescopeSchema.Validate(JsonDocument.Parse(results).RootElement).Should().BeEmpty();
        var parsed = GradescopeResults.Read(Path.Combine(root, "results", "results.json"));
        parsed.Score.Should().Be(manifest.MaxScore, log);
        Directory.Delete(output, recursive: true);
    }
}
