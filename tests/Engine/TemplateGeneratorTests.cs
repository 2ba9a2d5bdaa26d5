using FluentAssertions;
using GenAI.Autograder.Generate;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>student-template/ is exactly what the generator makes from reference/, and the markers are strict.</summary>
[Parallelizable]
public sealed class TemplateGeneratorTests
{
    /// <summary>The checked-in template equals the generator's output, file by file (run `generate` after editing the reference).</summary>
    [Test]
    public void CheckedInTemplateIsTheGeneratorsOutput()
    {
        var differing = TemplateGenerator.Sync(Path.Combine(Paths.Repo, "reference"), Path.Combine(Paths.Repo, "student-template"), check: true);
        differing.Should().BeEmpty("student-template/ must be regenerated with `dotnet run --project autograder -- generate`");
    }

    /// <summary>Every solution block of the reference became a stub that says what to implement.</summary>
    [Test]
    public void TemplateHasNoSolutionCode()
    {
        var files = TemplateGenerator.Generate(Path.Combine(Paths.Repo, "reference"));
        string all = string.Join("\n", files.Values);
        all.Should().NotContain("SOLUTION");
        int stubs = System.Text.RegularExpressions.Regex.Matches(all, "throw new NotImplementedException\\(\"").Count;
        stubs.Should().BeGreaterThanOrEqualTo(19, "one stub per graded function, constructor and forward");
    }

    /// <summary>A block becomes one throw with the message, quotes escaped, indentation kept.</summary>
    [Test]
    public void ReplacesABlockWithAStub()
    {
        const string source = "class A\n{\n    int F()\n    {\n        // SOLUTION BEGIN: return the \"answer\"\n        return 42;\n        // SOLUTION END\n    }\n}\n";
        var output = TemplateGenerator.Transform(source, "A.cs");
        output.Should().Be(TemplateGenerator.Header + "\nclass A\n{\n    int F()\n    {\n        throw new NotImplementedException(\"return the \\\"answer\\\"\");\n    }\n}\n");
    }

    /// <summary>Declaration blocks become an invitation to declare fields.</summary>
    [Test]
    public void ReplacesDeclarations()
    {
        var output = TemplateGenerator.Transform("  // SOLUTION BEGIN (declarations)\n  int x;\n  // SOLUTION END\n", "B.cs");
        output.Should().Be(TemplateGenerator.Header + "\n  // Declare the fields you need here.\n");
    }

    /// <summary>Unbalanced, nested or misspelt markers are errors naming the file and line.</summary>
    [TestCase("// SOLUTION BEGIN: a\nx\n", "A.cs:1: SOLUTION BEGIN is never closed.")]
    [TestCase("x\n// SOLUTION END\n", "A.cs:2: SOLUTION END without SOLUTION BEGIN.")]
    [TestCase("// SOLUTION BEGIN: a\n// SOLUTION BEGIN: b\n// SOLUTION END\n", "A.cs:2: SOLUTION BEGIN inside the block begun at line 1.")]
    [TestCase("// SOLUTION START\n", "A.cs:1: malformed solution marker*")]
    public void RejectsBadMarkers(string source, string message)
    {
        var act = () => TemplateGenerator.Transform(source, "A.cs");
        act.Should().Throw<InvalidDataException>().WithMessage(message);
    }
}
