using NUnit.Framework;

namespace GenAI.Grader.Tests;

/// <summary>
/// The tests' gradings compile in their own processes (<c>GENAI_COMPILE_SERVER=off</c> for this process and every process it
/// starts): no test leaves a background compiler behind, and none depends on another's. CompileServerTests start their own.
/// </summary>
[SetUpFixture]
public sealed class NoCompileServer
{
    /// <summary>Turns the compile server off before any test runs.</summary>
    [OneTimeSetUp]
    public void TurnOff() => Environment.SetEnvironmentVariable(GenAI.Autograder.Grading.CompileServer.Variable, "off");
}
