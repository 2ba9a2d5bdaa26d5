using System.Diagnostics;
using GenAI.Autograder.Seam;

namespace GenAI.Autograder.Grading;

/// <summary>
/// The judge: a child process (<c>run-checks</c>, from the autograder's own build) that runs the graded checks and
/// appends each outcome to a progress log, with student code in an isolated worker from the submission's run folder
/// (or, without one, in the judge itself: the course assembly the autograder was built with). Grading starts it gated,
/// before the submission is compiled, so that its start-up overlaps the compile (<see cref="BuildGate"/>).
/// </summary>
public sealed class Judge : IDisposable
{
    readonly Process process;
    readonly string progressPath;
    readonly bool gated;

    Judge(Process process, string progressPath, bool gated) => (this.process, this.progressPath, this.gated) = (process, progressPath, gated);

    /// <summary>
    /// Starts the judge in <paramref name="autograder"/> on the checks matching <paramref name="checks"/> (manifest
    /// patterns), with student code in a worker from <paramref name="runFolder"/> (null: in the judge). A
    /// <paramref name="gated"/> judge calls no student code before <see cref="Release"/>.
    /// </summary>
    public static Judge Start(string repoRoot, string autograder, string? runFolder, string progressPath, IReadOnlyList<string> checks, double callTimeoutSeconds, bool gated)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = autograder, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = gated };
        foreach (var a in new[] { Path.Combine(autograder, "GenAI.Autograder.dll"), "run-checks", "--progress", progressPath, "--only" }.Concat(checks)) info.ArgumentList.Add(a);
        // Snapshot pictures of failed checks go beside the progress log; grading never rewrites stored snapshots.
        info.Environment[Checks.ImageSnapshot.FiguresVariable] = Path.Combine(Path.GetDirectoryName(progressPath)!, "figures");
        info.Environment.Remove(Checks.ImageSnapshot.UpdateVariable);
        WorkerSandbox.SleepWhileWaiting(info);
        if (runFolder is not null) Isolate(info, runFolder, repoRoot, autograder, progressPath, callTimeoutSeconds);
        if (gated) info.Environment[BuildGate.Variable] = "1";
        else info.Environment.Remove(BuildGate.Variable);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Judge(process, progressPath, gated);
    }

    /// <summary>Runs an ungated judge to the end (see <see cref="Start"/> and <see cref="Wait"/>).</summary>
    public static (ProgressLog.State state, string? interruption) Run(string repoRoot, string autograder, string? runFolder, string progressPath, IReadOnlyList<string> checks, TimeSpan timeout, double callTimeoutSeconds, TextWriter log, Action<ProgressLog.State> onProgress)
    {
        using var judge = Start(repoRoot, autograder, runFolder, progressPath, checks, callTimeoutSeconds, gated: false);
        return judge.Wait(timeout, log, onProgress);
    }

    /// <summary>Tells a gated judge that the run folder is complete: student code may run now.</summary>
    public void Release()
    {
        if (!gated) return;
        try
        {
            process.StandardInput.WriteLine(BuildGate.Go);
            process.StandardInput.Flush();
        }
        catch (IOException) { } // the judge already ended: Wait says how
    }

    /// <summary>
    /// Waits for the judge to finish, at most <paramref name="timeout"/> from now, calling <paramref name="onProgress"/>
    /// whenever a check finishes; returns what the progress log says and, when the judge did not complete, why.
    /// </summary>
    public (ProgressLog.State state, string? interruption) Wait(TimeSpan timeout, TextWriter log, Action<ProgressLog.State> onProgress)
    {
        var clock = Stopwatch.StartNew();
        int reported = -1;
        bool timedOut = false;
        bool console = log == Console.Out && !Console.IsOutputRedirected;
        while (!process.WaitForExit(500))
        {
            if (clock.Elapsed > timeout) { process.Kill(entireProcessTree: true); timedOut = true; break; }
            var s = ProgressLog.Read(progressPath);
            if (s.Outcomes.Count != reported)
            {
                reported = s.Outcomes.Count;
                onProgress(s);
                if (s.Discovered.Count > 0 && console) log.Write($"\r  {s.Outcomes.Count}/{s.Discovered.Count} checks done ({clock.Elapsed.TotalSeconds:F0} s)");
            }
        }
        process.WaitForExit();
        var state = ProgressLog.Read(progressPath);
        log.WriteLine($"{(console ? "\r" : "")}  {state.Outcomes.Count}/{state.Discovered.Count} checks done ({clock.Elapsed.TotalSeconds:F0} s)");
        string? interruption = state.Done ? null
            : timedOut ? $"the checks ran out of time ({timeout.TotalSeconds:F0} s) during this check"
            : $"the check process stopped unexpectedly (exit code {process.ExitCode}) during this check";
        return (state, interruption);
    }

    /// <summary>Stops the judge if it is still running (a gated judge whose submission did not build) and everything it started.</summary>
    public void Dispose()
    {
        try { if (!process.HasExited) { process.Kill(entireProcessTree: true); process.WaitForExit(); } }
        catch (InvalidOperationException) { }
        process.Dispose();
    }

    /// <summary>Tells the judge to run student code in a worker from <paramref name="runFolder"/>, under the limits and isolation grading uses.</summary>
    static void Isolate(ProcessStartInfo info, string runFolder, string repoRoot, string autograder, string progressPath, double callTimeoutSeconds)
    {
        info.Environment["GENAI_WORKER"] = runFolder;
        info.Environment["GENAI_WORKER_CALL_SECONDS"] = callTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // As root on Linux the worker runs as nobody; elsewhere it runs as the grader's user.
        if (OperatingSystem.IsLinux() && Environment.UserName == "root" && Environment.GetEnvironmentVariable("GENAI_WORKER_USER") is null)
            info.Environment["GENAI_WORKER_USER"] = "65534:65534";
        // The worker must not see the repository (solutions, hidden checks), the autograder's build or the results.
        info.Environment["GENAI_WORKER_HIDE"] = string.Join(Path.PathSeparator, new[] { repoRoot, autograder, Path.GetDirectoryName(progressPath)!, Path.GetDirectoryName(Path.GetDirectoryName(progressPath)!)! }.Distinct());
    }
}
