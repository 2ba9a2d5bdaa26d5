using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Grading;

/// <summary>Submissions shaped the way students hand them in, graded end to end on cs446-hw5 (the fastest grading).</summary>
[Category("EndToEnd"), Parallelizable(ParallelScope.All)]
public sealed class UploadTests
{
    static readonly string Reference = Path.Combine(Paths.Repo, "reference");

    static IEnumerable<string> ReferenceSources() =>
        Directory.EnumerateFiles(Reference, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Reference, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal));

    static string Text(string relative) => File.ReadAllText(Path.Combine(Reference, relative));

    static string TempFolder() => Directory.CreateTempSubdirectory("genai-upload").FullName;

    static void AddEntry(ZipArchive zip, string name, byte[] bytes)
    {
        using var stream = zip.CreateEntry(name).Open();
        stream.Write(bytes);
    }

    static byte[] WindowsText(string text) => Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n"))).ToArray();

    static GradescopeResults Hw5(Grader.Run run)
    {
        run.ExitCode.Should().Be(0, run.Console);
        TestContext.Out.WriteLine(run.RawJson["cs446-hw5"]);
        return run.Results["cs446-hw5"];
    }

    /// <summary>
    /// A Gradescope upload of the one file a student edited, lying flat in the submission folder: it is placed at
    /// Vae/Distributions.cs, every other file comes from the template (and results.json names them), and exactly the
    /// items of Distributions.cs get their points.
    /// </summary>
    [Test]
    public void OneFileUploadIsCompletedFromTheTemplate()
    {
        string folder = TempFolder();
        File.WriteAllText(Path.Combine(folder, "Distributions.cs"), Text("Vae/Distributions.cs"));
        var hw5 = Hw5(Grader.Grade(folder, "--assignment", "cs446-hw5"));
        hw5.Output.Should().Contain("taken from the template as handed out: ScoreMatching/ScoreMatching.cs, Vae/MnistVae.cs (and ").And.NotContain("Vae/Distributions.cs");
        foreach (var item in hw5.Tests)
            if (item.Number is "2.3" or "2.4" or "2.5" or "2.6") item.Score.Should().Be(item.MaxScore, item.Output);
            else item.Output.Should().Contain("is not implemented yet");
    }

    /// <summary>
    /// A zip with one top folder, Windows line endings and BOMs in every file, and a stale stub of Distributions.cs at
    /// a second depth: the copy at the template's path is graded (full marks) and results.json says which was taken.
    /// </summary>
    [Test]
    public void ZipWithTopFolderCrlfBomAndADuplicateGetsFullMarks()
    {
        string folder = TempFolder(), zipPath = Path.Combine(folder, "alice.zip");
        using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
        {
            foreach (var file in ReferenceSources()) AddEntry(zip, "alice-hw5/" + file, WindowsText(Text(file)));
            AddEntry(zip, "alice-hw5/old/Distributions.cs", WindowsText(File.ReadAllText(Path.Combine(Paths.Repo, "student-template", "Vae", "Distributions.cs"))));
        }
        var hw5 = Hw5(Grader.Grade(zipPath, "--assignment", "cs446-hw5"));
        hw5.Score.Should().Be(hw5.Tests.Sum(t => t.MaxScore));
        hw5.Output.Should().Contain("Vae/Distributions.cs was handed in 2 times (alice.zip/alice-hw5/Vae/Distributions.cs, alice.zip/alice-hw5/old/Distributions.cs): graded alice.zip/alice-hw5/Vae/Distributions.cs")
            .And.NotContain("taken from the template");
    }

    /// <summary>
    /// A folder holding a zip without a top folder, nested two levels deep, of the two files cs446-hw5 grades: full marks, the
    /// rest filled in from the template.
    /// </summary>
    [Test]
    public void ZipWithoutTopFolderInsideAFolderGetsFullMarks()
    {
        string folder = TempFolder();
        Directory.CreateDirectory(Path.Combine(folder, "upload", "hw5"));
        using (var zip = ZipFile.Open(Path.Combine(folder, "upload", "hw5", "submission.zip"), ZipArchiveMode.Create))
            foreach (var file in new[] { "Vae/Distributions.cs", "Vae/MnistVae.cs", "ScoreMatching/ScoreMatching.cs" })
                AddEntry(zip, file, Encoding.UTF8.GetBytes(Text(file)));
        var hw5 = Hw5(Grader.Grade(folder, "--assignment", "cs446-hw5"));
        hw5.Score.Should().Be(hw5.Tests.Sum(t => t.MaxScore));
        hw5.Output.Should().Contain("Every file of ScoreMatching/, Vae/ came from your submission; ").And.Contain(" files outside them were taken from the template as handed out.");
    }

    /// <summary>
    /// A namespace the student changed is reported as the type the assignment needs and where it was found, above the
    /// compiler's errors in the files that use it (which are then graded as the template's versions).
    /// </summary>
    [Test]
    public void AChangedNamespaceIsNamedBeforeCompilerErrors()
    {
        string folder = TempFolder();
        foreach (var file in ReferenceSources())
        {
            string target = Path.Combine(folder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            string text = Text(file);
            File.WriteAllText(target, file == "Vae/Distributions.cs" ? text.Replace("namespace GenAI.Course.Vae", "namespace MyHomework.Vae") : text);
        }
        var hw5 = Hw5(Grader.Grade(folder, "--assignment", "cs446-hw5"));
        hw5.Tests.Single(t => t.Number == "2.3").Score.Should().Be(0, "LogPdfDiagonalGaussian is not where the checks look for it");
        hw5.Output.Should().StartWith("Your code does not declare what the assignment needs where it needs it")
            .And.Contain("GenAI.Course.Vae.Distributions not found; found MyHomework.Vae.Distributions").And.Contain("error CS");
        hw5.Output.IndexOf("not found; found", StringComparison.Ordinal).Should().BeLessThan(hw5.Output.IndexOf("error CS", StringComparison.Ordinal), "the namespace comes before the compiler's noise");
    }
}

/// <summary>Bad input for TAs: one line on the console, exit code 2, no stack trace, and a results.json saying the same wherever the output folder is known. Nothing is built.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class BadInputTests
{
    static (int exit, string console) Grade(params string[] args) =>
        SubmissionBuild.Run("dotnet", new[] { Paths.AutograderDll, "grade" }.Concat(args), Paths.Repo, TimeSpan.FromMinutes(2));

    static void OneClearLine(int exit, string console, string expected)
    {
        exit.Should().Be(2, console);
        console.Trim().Split('\n').Should().ContainSingle(console).Which.Should().Contain(expected);
        console.Should().NotContain("   at ");
    }

    static string ResultsOutput(string folder)
    {
        string json = File.ReadAllText(Path.Combine(folder, "results.json"));
        TestContext.Out.WriteLine(json);
        Engine.GradescopeSchema.Validate(JsonDocument.Parse(json).RootElement).Should().BeEmpty();
        var results = GradescopeResults.Read(Path.Combine(folder, "results.json"));
        results.Score.Should().Be(0);
        return results.Output;
    }

    /// <summary>A mistyped submission path.</summary>
    [Test]
    public void MissingSubmission()
    {
        string output = Directory.CreateTempSubdirectory("genai-bad").FullName;
        var (exit, console) = Grade("--submission", Path.Combine(output, "alcie"), "--assignment", "cs446-hw5", "--out", output);
        OneClearLine(exit, console, "alcie does not exist");
        ResultsOutput(output).Should().Contain("alcie does not exist");
    }

    /// <summary>A .zip that is not one.</summary>
    [Test]
    public void UnreadableZip()
    {
        string output = Directory.CreateTempSubdirectory("genai-bad").FullName, zip = Path.Combine(output, "alice.zip");
        File.WriteAllText(zip, "not a zip");
        var (exit, console) = Grade("--submission", zip, "--assignment", "cs446-hw5", "--out", Path.Combine(output, "results"));
        OneClearLine(exit, console, "alice.zip is neither a folder nor a readable .zip file");
        ResultsOutput(Path.Combine(output, "results")).Should().Contain("is neither a folder nor a readable .zip file");
    }

    /// <summary>An unknown assignment, with a results.json for Gradescope.</summary>
    [Test]
    public void UnknownAssignment()
    {
        string output = Directory.CreateTempSubdirectory("genai-bad").FullName;
        var (exit, console) = Grade("--assignment", "cs446-hw6", "--out", output);
        OneClearLine(exit, console, "No assignment 'cs446-hw6'. Known: cs4331-hw2, cs446-hw5");
        ResultsOutput(output).Should().Contain("No assignment 'cs446-hw6'");
    }

    /// <summary>--out naming a file, and --out below a file (not writable, even for root).</summary>
    [Test]
    public void OutputThatIsAFileOrNotWritable()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("genai-bad").FullName, "results.txt");
        File.WriteAllText(file, "keep me");
        var (exit, console) = Grade("--assignment", "cs446-hw5", "--out", file);
        OneClearLine(exit, console, "results.txt is a file; give a folder for the results");
        File.ReadAllText(file).Should().Be("keep me");
        (exit, console) = Grade("--assignment", "cs446-hw5", "--out", Path.Combine(file, "alice"));
        OneClearLine(exit, console, "is not a writable folder");
    }

    /// <summary>An autograder build without its worker (a partial copy): one line naming what is missing, no stack trace, and a results.json.</summary>
    [Test]
    public void AutograderWithoutItsWorker()
    {
        string output = Directory.CreateTempSubdirectory("genai-bad").FullName, autograder = Directory.CreateTempSubdirectory("genai-partial").FullName;
        var errors = new StringWriter();
        var outcome = SubmissionGrader.Grade(new GradeOptions(null, "cs446-hw5", output, AutograderFolder: autograder), new StringWriter(), errors);
        OneClearLine(outcome.ExitCode, errors.ToString(), "the worker is missing from");
        ResultsOutput(output).Should().Contain("rebuild the autograder");
    }
}
