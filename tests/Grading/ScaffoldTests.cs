using FluentAssertions;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Grading;

/// <summary>
/// The README's recipe for adding an assignment, followed literally in a copy of the repository: a toy assignment with
/// one function (reference/Toy/Squares.cs), one check (autograder/Checks/Toy/SumOfSquaresChecks.cs) and one manifest
/// (autograder/Assignments/toy-hw/manifest.json), nothing else edited; the template regenerated with the generate verb.
/// </summary>
/// <remarks>Beside the other parallel tests: its build and two toy gradings keep less than one core busy.</remarks>
[Category("EndToEnd"), Parallelizable]
public sealed class ScaffoldTests
{
    const string Function = """
        using TorchSharp;
        using static TorchSharp.torch;

        namespace GenAI.Course.Toy;

        /// <summary>The toy assignment's one function.</summary>
        public static class Squares
        {
            /// <summary>The sum of x squared over the last dimension, one value per row.</summary>
            public static Tensor SumOfSquares(Tensor x)
            {
                // SOLUTION BEGIN: return the sum of x squared over the last dimension
                return x.square().sum(-1);
                // SOLUTION END
            }
        }
        """;

    const string Check = """
        using GenAI.Autograder.Numerics;
        using GenAI.Autograder.Seam;
        using GenAI.Course.Toy;
        using NUnit.Framework;
        using static TorchSharp.torch;

        namespace GenAI.Autograder.Checks.Toy;

        /// <summary>The toy assignment's check.</summary>
        public sealed class SumOfSquaresChecks : CheckBase
        {
            /// <summary>[[1, 2], [3, 4]] gives [5, 25].</summary>
            [Test]
            public void MatchesTheDefinition()
            {
                var x = tensor(new double[] { 1, 2, 3, 4 }).reshape(2, 2);
                Numeric.AssertClose(Student.Call(() => Squares.SumOfSquares(x)), tensor(new double[] { 5, 25 }),
                    new Case("SumOfSquares", "x = [[1, 2], [3, 4]]", "sum x^2 over the last dimension."));
            }
        }
        """;

    const string ManifestText = """
        { "name": "toy-hw", "title": "Toy homework", "items": [ { "number": "1", "name": "sum of squares", "tests": ["Toy.SumOfSquaresChecks"], "points": 2 } ] }
        """;

    static readonly string[] Left = [".git", "bin", "obj", "TestResults", "tests", "benchmarks", "results", "figures", "bundles", "__mismatch__"];

    /// <summary>The recipe's three files, a build, the template regenerated: the reference gets 2/2 and the template 0 with guidance.</summary>
    [Test]
    public void AToyAssignmentAddedByTheRecipeGrades()
    {
        string copy = Directory.CreateTempSubdirectory("genai-scaffold").FullName;
        foreach (var file in Directory.EnumerateFiles(Paths.Repo, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(Paths.Repo, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(Left.Contains)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, relative))!);
            File.Copy(file, Path.Combine(copy, relative));
        }
        void Write(string relative, string text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, relative))!);
            File.WriteAllText(Path.Combine(copy, relative), text);
        }
        Write("reference/Toy/Squares.cs", Function);
        Write("autograder/Checks/Toy/SumOfSquaresChecks.cs", Check);
        Write("autograder/Assignments/toy-hw/manifest.json", ManifestText);

        // Without precompiling Roslyn (about 30 s of crossgen2 on 2 cores for two gradings; PrecompiledCompilerTests covers it).
        var (built, buildLog) = SubmissionBuild.Run("dotnet", ["build", "autograder", "-c", "Release", "-v", "q", "-nologo", "-p:PrecompileCompiler=false"], copy, TimeSpan.FromMinutes(10));
        built.Should().Be(0, buildLog);
        string autograder = Path.Combine(copy, "autograder", "bin", "Release", "net10.0", "GenAI.Autograder.dll");
        var (generated, generateLog) = SubmissionBuild.Run("dotnet", [autograder, "generate"], copy, TimeSpan.FromMinutes(2));
        generated.Should().Be(0, generateLog);
        File.ReadAllText(Path.Combine(copy, "student-template", "Toy", "Squares.cs")).Should().Contain("throw new NotImplementedException(\"return the sum of x squared over the last dimension\")");

        var reference = Grade(copy, autograder, null);
        reference.Score.Should().Be(2, reference.Output);
        var template = Grade(copy, autograder, Path.Combine(copy, "student-template"));
        template.Score.Should().Be(0);
        template.Tests.Single().Output.Should().Contain("Squares.SumOfSquares is not implemented yet");
        Directory.Delete(copy, recursive: true);
    }

    static GradescopeResults Grade(string copy, string autograder, string? submission)
    {
        string output = Path.Combine(copy, "results", submission is null ? "reference" : "template");
        var args = new List<string> { autograder, "grade", "--assignment", "toy-hw", "--out", output };
        if (submission is not null) args.AddRange(["--submission", submission]);
        var (exit, log) = SubmissionBuild.Run("dotnet", args, copy, TimeSpan.FromMinutes(5));
        TestContext.Out.WriteLine(log);
        exit.Should().BeOneOf([0, 1], log);
        return GradescopeResults.Read(Path.Combine(output, "results.json"));
    }
}
