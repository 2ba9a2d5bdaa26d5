using NUnit.Framework;

// End-to-end gradings marked [Parallelizable] (planted and zoo groups) run two at a time: a grading
// keeps about one core busy (the judge and its worker take turns), so two share a 2-core machine.
// Fast fixtures marked [Parallelizable] touch no process-wide state (torch's global generator or
// thread count, environment variables, the garbage collector) and run beside each other too.
[assembly: LevelOfParallelism(2)]

namespace GenAI.Grader.Tests;

/// <summary>
/// Gives every grading the tests start one libtorch intra-op thread (GENAI_THREADS, inherited by the
/// judge and passed to the worker), so two parallel gradings do not oversubscribe the cores. A value
/// already set wins; the audit test grades with 1 and 2 threads itself.
/// </summary>
[SetUpFixture]
public sealed class Parallelism
{
    /// <summary>Sets GENAI_THREADS=1 for this test run unless the caller chose a count.</summary>
    [OneTimeSetUp]
    public void OneThreadPerGrading()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GENAI_THREADS")))
            Environment.SetEnvironmentVariable("GENAI_THREADS", "1");
    }
}
