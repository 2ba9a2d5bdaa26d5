using System.IO.Compression;
using System.Text.Json;
using FluentAssertions;
using GenAI.Autograder.Verbs;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Grading;

/// <summary>The student bundle and the Gradescope zip, built from this tree and used the way students and Gradescope use them.</summary>
[Category("EndToEnd"), Parallelizable(ParallelScope.All)]
public sealed class BundleTests
{
    static (RepoLayout repo, Manifest manifest) Assignment(string name)
    {
        var repo = new RepoLayout(Paths.Repo);
        return (repo, Manifest.LoadAll(repo.Assignments).Single(m => m.Name == name));
    }

    /// <summary>Copies reference/'s sources into <paramref name="into"/>; with <paramref name="overStubsOnly"/>, only over the files already there (a bundle's GenAI.Course/).</summary>
    static void CopyReferenceSources(string into, bool overStubsOnly = false)
    {
        string reference = Path.Combine(Paths.Repo, "reference");
        foreach (var file in Directory.EnumerateFiles(reference, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/bin/") && !f.Contains("/obj/")))
        {
            string target = Path.Combine(into, Path.GetRelativePath(reference, file));
            if (overStubsOnly && !File.Exists(target)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
            File.SetLastWriteTimeUtc(target, DateTime.UtcNow); // newer than any earlier build, so it is recompiled
        }
    }

    /// <summary>
    /// The student bundle holds only the visible items' checks (no hidden ones, no reference) and, in GenAI.Course/, only
    /// the assignment's code (its topics and the folders given whole; other assignments' stubs are compiled in from the
    /// template under build/). `dotnet test` in it lists each failing check by class and name without stack traces and
    /// ends with the points per visible item: 0 on the template, all of them once the stubs are implemented, with a
    /// compiler warning left in that stays a warning. `grade` inside it grades GenAI.Course/ as the autograder will.
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
        File.Exists(Path.Combine(root, "autograder", "Checks", "Elbo", "GaussianVaeAssert.cs")).Should().BeFalse("a helper of another assignment's checks");
        File.Exists(Path.Combine(root, "autograder", "Checks", "Vae", "__snapshots__", "DecoderChecks.GeneratedImagesMatchSnapshot.json")).Should().BeTrue("the decoder's snapshot check is public");
        Directory.GetDirectories(Path.Combine(root, "GenAI.Course")).Select(Path.GetFileName).Should().BeEquivalentTo("ScoreMatching", "Vae");
        Directory.GetDirectories(Path.Combine(root, "build", "student-template")).Select(Path.GetFileName).Should().BeEquivalentTo(new[] { "ScoreMatching", "Vae" }, "the bundle holds only its assignment's code");
        Directory.GetDirectories(Path.Combine(root, "student-host", "Harness")).Select(Path.GetFileName).Should().BeEquivalentTo(new[] { "ScoreMatching", "Vae" }, "only its topics' harness operations");
        Directory.GetDirectories(Path.Combine(root, "autograder", "Checks")).Select(Path.GetFileName).Should().BeEquivalentTo(new[] { "ScoreMatching", "Vae" }, "only its topics' checks");
        Directory.GetDirectories(Path.Combine(root, "autograder", "Assignments")).Select(Path.GetFileName).Should().BeEquivalentTo(new[] { "cs446-hw5" }, "only its own assignment folder");
        File.Exists(Path.Combine(root, "course-library", "Runtime", "Compute.cs")).Should().BeTrue("the course library comes whole");
        File.Exists(Path.Combine(root, "build", "coverage.runsettings")).Should().BeFalse("students collect no coverage");
        var shipped = Manifest.Load(Path.Combine(root, "autograder", "Assignments", "cs446-hw5", Manifest.FileName));
        shipped.Items.Should().OnlyContain(i => i.Visibility == "visible").And.HaveCount(manifest.Items.Count(i => i.Visibility == "visible"));
        double visibleMax = shipped.MaxScore;
        File.ReadAllText(Path.Combine(root, "README.md")).Should().Contain("dotnet test").And.Contain("-- grade");
        File.Exists(Path.Combine(root, "fixtures", "course-data", "letters.npy")).Should().BeTrue("checks and the run command read the course-format data");
        Directory.Exists(Path.Combine(root, "fixtures", "submissions")).Should().BeFalse("planted submissions are edits of the solutions");

        var (exit, log) = SubmissionBuild.Run("dotnet", new[] { "test" }, root, TimeSpan.FromMinutes(8));
        TestContext.Out.WriteLine(log);
        exit.Should().NotBe(0, "every check fails on the stubs");
        log.Should().Contain("  FAIL Vae.LogPdfDiagonalGaussianChecks.MatchesClosedFormPerSample\n       Distributions.LogPdfDiagonalGaussian is not implemented yet")
            .And.Contain("Passed:     0").And.NotContain("Stack Trace").And.NotContain("   at ").And.NotContain("coverage");
        log.Should().MatchRegex(@"  2\.3 logpdf_diagonal_gaussian \(2b i\) +0/4  \(0 of 4 checks passed\)").And.Contain($"visible items 0/{visibleMax}");

        CopyReferenceSources(Path.Combine(root, "GenAI.Course"), overStubsOnly: true);
        File.WriteAllText(Path.Combine(root, "GenAI.Course", "Vae", "Debugging.cs"), "namespace GenAI.Course.Vae;\n\nstatic class Debugging\n{\n    static void Count() { int debugCount = 0; }\n}\n");
        (exit, log) = SubmissionBuild.Run("dotnet", new[] { "test" }, root, TimeSpan.FromMinutes(8));
        TestContext.Out.WriteLine(log);
        exit.Should().Be(0, log);
        log.Should().Contain("warning CS0219").And.Contain("Failed:     0").And.MatchRegex(@"  2\.3 logpdf_diagonal_gaussian \(2b i\) +4/4\n").And.Contain($"visible items {visibleMax}/{visibleMax}");

        (exit, log) = SubmissionBuild.Run("dotnet", new[] { "run", "--project", "autograder", "--", "grade" }, root, TimeSpan.FromMinutes(8));
        TestContext.Out.WriteLine(log);
        exit.Should().Be(0, log);
        var graded = GradescopeResults.Read(Path.Combine(root, "results", "results.json"));
        graded.Tests.Select(t => t.Number).Should().Equal(shipped.Items.Select(i => i.Number));
        graded.Score.Should().Be(visibleMax, log);
        graded.Output.Should().NotContain("taken from the template", "the bundle holds only this assignment's files, all of them the student's");
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
        CopyReferenceSources(Path.Combine(root, "GenAI.Course"), overStubsOnly: true);
        var (exit, log) = SubmissionBuild.Run("dotnet", new[] { "test" }, root, TimeSpan.FromMinutes(8));
        exit.Should().Be(0, log);
        double visible = manifest.Items.Where(i => i.Visibility == "visible").Sum(i => i.Points);
        log.Should().Contain("Failed:     0").And.Contain($"visible items {visible:0.##}/{visible:0.##}", "the reference's code gets every visible point");
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
        // setup.sh's Release build skips Roslyn's ahead-of-time compile (an MSBuild property read from the environment):
        // it cost about 58 s of CPU here, and PrecompiledCompilerTests checks that target on this tree's own build.
        var environment = new Dictionary<string, string> { ["AUTOGRADER_ROOT"] = root, ["PrecompileCompiler"] = "false" };

        var (exit, log) = SubmissionBuild.Run("bash", new[] { Path.Combine(root, "source", "setup.sh") }, Path.Combine(root, "source"), TimeSpan.FromMinutes(10), environment);
        exit.Should().Be(0, log);
        log.Should().Contain("Audit clean");
        string audit = File.ReadAllText(Path.Combine(root, "audit", "audit.md"));
        audit.Should().Contain("Result: clean");
        foreach (var path in new[] { "isolated, 1 thread", "isolated, 2 threads" })
            audit.Should().Contain($"| ok | reference | cs446-hw5 | {path} |");
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
