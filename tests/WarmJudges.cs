using NUnit.Framework;

namespace GenAI.Grader.Tests;

/// <summary>Stops the warm judges of <see cref="Grading.Grader.Judges"/> once every test has run.</summary>
[SetUpFixture]
public sealed class WarmJudges
{
    /// <summary>Stops the idle judges (a judge also exits by itself when the test host's end closes its input).</summary>
    [OneTimeTearDown]
    public void Stop() => Grading.Grader.Judges.Dispose();
}
