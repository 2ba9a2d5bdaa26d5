using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>
/// What the compile cache's and the compile server's tests share: the autograder build that submissions compile against, a
/// one-file submission that compiles, and a scratch folder made before each test and deleted after it.
/// </summary>
public abstract class CompileFixture(string scratchPrefix)
{
    /// <summary>The folder of the autograder build the tests grade with (its references are the submissions').</summary>
    protected static string Autograder => Path.GetDirectoryName(Paths.AutograderDll)!;

    /// <summary>One source file that compiles.</summary>
    protected static readonly (string, string)[] Valid = [("Vae/A.cs", "namespace GenAI.Course;\npublic static class A\n{\n    public static int Twice(int x) => 2 * x;\n}\n")];

    /// <summary>This test's scratch folder.</summary>
    protected string scratch = "";

    [SetUp]
    public void Scratch() => scratch = Directory.CreateTempSubdirectory(scratchPrefix).FullName;

    [TearDown]
    public void Clean() => Directory.Delete(scratch, recursive: true);
}
