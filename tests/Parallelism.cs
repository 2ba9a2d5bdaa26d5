using NUnit.Framework;

// Fixtures marked [Parallelizable] run two at a time: the planted and zoo gradings (each keeps about one core
// busy: the judge and its worker take turns), and the uploads, bundles, scaffold, run-command and grade.ps1
// tests beside them. Hostile cases (one overwrites every .json under the temporary folder), the audit (it
// measures time and memory), batches (parallel inside) and timing tests stay unmarked: NUnit runs those alone.
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
