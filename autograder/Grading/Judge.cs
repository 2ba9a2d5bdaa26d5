using System.Diagnostics;
using System.Text.Json;
using GenAI.Autograder.Seam;

namespace GenAI.Autograder.Grading;

/// <summary>
/// The judge: a child process (<c>run-checks</c>, from the autograder's own build) that runs the graded checks and
/// appends each outcome to a progress log, with student code in an isolated worker from the submission's run folder
/// (or, without one, in the judge itself: the course assembly the autograder was built with). A one-shot judge grades
/// one submission and exits; grading starts it gated, before the submission is compiled, so that its start-up overlaps
/// the compile (<see cref="BuildGate"/>). A warm judge (<see cref="StartWarm"/>, <c>run-checks --serve</c>) grades one
/// submission per <see cref="Submit"/>, each with a worker of its own, for the gradings a <see cref="JudgePool"/> shares.
/// </summary>
public sealed class Judge : IDisposable
{
    readonly Process process;
    readonly bool gated;
    readonly ManualResetEventSlim finished = new();
    string progressPath;

    Judge(Process process, string progressPath, bool gated, bool warm)
    {
        (this.process, this.progressPath, this.gated, Warm) = (process, progressPath, gated, warm);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => finished.Set();
        process.OutputDataReceived += (_, e) => { if (e.Data == JudgeRequest.DoneLine) finished.Set(); };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited) finished.Set();
    }

    /// <summary>True for a judge that grades one submission per <see cref="Submit"/>.</summary>
    public bool Warm { get; }

    /// <summary>How many submissions this judge was given.</summary>
    public int Gradings { get; private set; }

    /// <summary>True when this warm judge finished its last grading and can take another.</summary>
    public bool Idle => Warm && !process.HasExited && finished.IsSet;

    /// <summary>The judge's resident memory now, in bytes.</summary>
    public long ResidentBytes
    {
        get
        {
            try { process.Refresh(); return process.HasExited ? 0 : process.WorkingSet64; }
            catch (InvalidOperationException) { return 0; }
        }
    }

    /// <summary>
    /// Starts the judge in <paramref name="autograder"/> on the checks matching <paramref name="checks"/> (manifest
    /// patterns), with student code in a worker from <paramref name="runFolder"/> (null: in the judge). A
    /// <paramref name="gated"/> judge calls no student code before <see cref="Release"/>.
    /// </summary>
    public static Judge Start(string repoRoot, string autograder, string? runFolder, string progressPath, IReadOnlyList<string> checks, double callTimeoutSeconds, bool gated)
    {
        var info = StartInfo(autograder, ["--progress", progressPath, "--only", .. checks], redirectInput: gated);
        foreach (var (name, value) in Environment(repoRoot, autograder, runFolder, progressPath, callTimeoutSeconds))
            if (value is null) info.Environment.Remove(name); else info.Environment[name] = value;
        if (gated) info.Environment[BuildGate.Variable] = "1";
        return new Judge(Process.Start(info)!, progressPath, gated, warm: false);
    }

    /// <summary>Starts a warm judge in <paramref name="autograder"/>: it loads the checks now and grades what <see cref="Submit"/> sends it.</summary>
    public static Judge StartWarm(string autograder)
    {
        var info = StartInfo(autograder, ["--serve"], redirectInput: true);
        info.Environment.Remove(Checks.ImageSnapshot.UpdateVariable);
        var judge = new Judge(Process.Start(info)!, "", gated: false, warm: true);
        judge.finished.Set();
        return judge;
    }

    static ProcessStartInfo StartInfo(string autograder, IEnumerable<string> arguments, bool redirectInput)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = autograder, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput };
        foreach (var a in new[] { Path.Combine(autograder, "GenAI.Autograder.dll"), "run-checks" }.Concat(arguments)) info.ArgumentList.Add(a);
        info.Environment.Remove(BuildGate.Variable);
        WorkerSandbox.SleepWhileWaiting(info);
        return info;
    }

    /// <summary>
    /// Gives this idle warm judge one submission: the checks matching <paramref name="checks"/>, with student code in a
    /// fresh worker from <paramref name="runFolder"/>; <see cref="Wait"/> then waits for it.
    /// </summary>
    public void Submit(string repoRoot, string autograder, string runFolder, string progressPath, IReadOnlyList<string> checks, double callTimeoutSeconds)
    {
        if (!Warm) throw new InvalidOperationException("only a warm judge takes submissions");
        this.progressPath = progressPath;
        Gradings++;
        finished.Reset();
        var request = new JudgeRequest(progressPath, checks, Environment(repoRoot, autograder, runFolder, progressPath, callTimeoutSeconds));
        try
        {
            process.StandardInput.WriteLine(request.Line());
            process.StandardInput.Flush();
        }
        catch (IOException) { finished.Set(); } // the judge already ended: Wait says how
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
    /// Waits for the judge to finish its submission, at most <paramref name="timeout"/> from now (a judge that runs out
    /// of time is stopped), calling <paramref name="onProgress"/> whenever a check finishes; returns what the progress
    /// log says and, when the checks did not complete, why.
    /// </summary>
    public (ProgressLog.State state, string? interruption) Wait(TimeSpan timeout, TextWriter log, Action<ProgressLog.State> onProgress)
    {
        var clock = Stopwatch.StartNew();
        int reported = -1;
        bool timedOut = false;
        bool console = log == Console.Out && !Console.IsOutputRedirected;
        while (!finished.Wait(500) && !process.HasExited)
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
        bool ended = !Idle;
        if (ended) process.WaitForExit();
        var state = ProgressLog.Read(progressPath);
        log.WriteLine($"{(console ? "\r" : "")}  {state.Outcomes.Count}/{state.Discovered.Count} checks done ({clock.Elapsed.TotalSeconds:F0} s)");
        string? interruption = state.Done ? null
            : timedOut ? $"the checks ran out of time ({timeout.TotalSeconds:F0} s) during this check"
            : $"the check process stopped unexpectedly (exit code {(ended ? process.ExitCode : -1)}) during this check";
        return (state, interruption);
    }

    /// <summary>Stops the judge if it is still running (a gated judge whose submission did not build, a warm one) and everything it started.</summary>
    public void Dispose()
    {
        try { if (!process.HasExited) { process.Kill(entireProcessTree: true); process.WaitForExit(); } }
        catch (InvalidOperationException) { }
        process.Dispose();
    }

    /// <summary>
    /// The judge's environment for one grading: snapshot pictures of failed checks beside the progress log (grading never
    /// rewrites stored snapshots) and, with a <paramref name="runFolder"/>, student code in a worker from it under the limits
    /// and isolation grading uses. A null value removes the variable.
    /// </summary>
    static Dictionary<string, string?> Environment(string repoRoot, string autograder, string? runFolder, string progressPath, double callTimeoutSeconds)
    {
        var environment = new Dictionary<string, string?>
        {
            [Checks.ImageSnapshot.FiguresVariable] = Path.Combine(Path.GetDirectoryName(progressPath)!, "figures"),
            [Checks.ImageSnapshot.UpdateVariable] = null,
        };
        if (runFolder is null) return environment;
        environment["GENAI_WORKER"] = runFolder;
        environment["GENAI_WORKER_CALL_SECONDS"] = callTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // As root on Linux the worker runs as nobody; elsewhere it runs as the grader's user.
        if (OperatingSystem.IsLinux() && System.Environment.UserName == "root" && System.Environment.GetEnvironmentVariable("GENAI_WORKER_USER") is null)
            environment["GENAI_WORKER_USER"] = "65534:65534";
        // The worker must not see the repository (solutions, hidden checks), the autograder's build or the results.
        environment["GENAI_WORKER_HIDE"] = string.Join(Path.PathSeparator, new[] { repoRoot, autograder, Path.GetDirectoryName(progressPath)!, Path.GetDirectoryName(Path.GetDirectoryName(progressPath)!)! }.Distinct());
        return environment;
    }
}

/// <summary>One submission for a warm judge, as one JSON line on its standard input: where to log progress, which checks, and the environment to grade in.</summary>
/// <param name="Progress">The progress log to write.</param>
/// <param name="Only">Manifest patterns of the checks to run.</param>
/// <param name="Environment">Variables to set (null: remove) before grading, as a one-shot judge's start would.</param>
public sealed record JudgeRequest(string Progress, IReadOnlyList<string> Only, IReadOnlyDictionary<string, string?> Environment)
{
    /// <summary>The line a warm judge writes to its standard output after each submission.</summary>
    public const string DoneLine = "genai-judge: submission graded";

    /// <summary>The request as one JSON line.</summary>
    public string Line() => JsonSerializer.Serialize(this);

    /// <summary>The request in <paramref name="line"/>.</summary>
    public static JudgeRequest Parse(string line) =>
        JsonSerializer.Deserialize<JudgeRequest>(line) ?? throw new InvalidDataException("an empty judge request");
}
