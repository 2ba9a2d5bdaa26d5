using System.Diagnostics;

namespace GenAI.Autograder.Seam;

/// <summary>
/// Lets the judge and its worker start while the submission is still being compiled, so that their start-ups overlap
/// the compile: with GENAI_JUDGE_GATED=1 (set by the grading parent), student code is first called once the parent
/// writes "go" to the judge's standard input (GenAI.Course.dll is in the run folder). Checks run up to their first
/// call meanwhile. When the input ends without "go" (the build failed, or the parent died), the judge exits at once.
/// </summary>
public static class BuildGate
{
    /// <summary>The environment variable that turns the gate on.</summary>
    public const string Variable = "GENAI_JUDGE_GATED";

    /// <summary>The line the parent writes once the run folder is complete.</summary>
    public const string Go = "go";

    /// <summary>The exit code of a judge whose build never came.</summary>
    public const int NoBuildExitCode = 3;

    static readonly ManualResetEventSlim Open = new(Environment.GetEnvironmentVariable(Variable) != "1");

    /// <summary>
    /// Calls <paramref name="beforeBuild"/> (the worker's start) on this thread, then, on a background thread, reads the
    /// parent's signal, calls <paramref name="afterBuild"/> (the worker's first answer) and opens the gate. Does nothing
    /// when the gate is off. Call it before this process first touches libtorch: a process start waits while another
    /// thread loads that library (measured: 0.5 s), so started first, the worker loads libtorch alongside this process.
    /// </summary>
    public static void Listen(Action beforeBuild, Action afterBuild)
    {
        if (Open.IsSet) return;
        beforeBuild();
        new Thread(() =>
        {
            if (Console.In.ReadLine() != Go) Environment.Exit(NoBuildExitCode);
            afterBuild();
            Open.Set();
        }) { IsBackground = true, Name = "build gate" }.Start();
    }

    /// <summary>Blocks until the run folder is complete; returns how long it waited.</summary>
    public static TimeSpan WaitUntilOpen()
    {
        if (Open.IsSet) return TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        Open.Wait();
        return clock.Elapsed;
    }
}
