using System.Diagnostics;
using GenAI.Autograder.Reports;

namespace GenAI.Autograder.Grading;

/// <summary>
/// The grading engine for one submission, shared by the grade, batch and audit verbs: finds the manifests, collects and
/// compiles the sources, runs the checks in a child judge (with student code in an isolated worker) under a time limit,
/// and writes results.json and the reports per assignment, progressively while the checks run and finally at the end.
/// </summary>
public static class SubmissionGrader
{
    /// <summary>
    /// Finds the repository and the manifests <paramref name="assignment"/> selects (all when null).
    /// Returns null after writing the reason to <paramref name="errors"/>.
    /// </summary>
    public static (RepoLayout repo, IReadOnlyList<Manifest> manifests)? Load(string? assignment, TextWriter errors)
    {
        try
        {
            var repo = RepoLayout.Find();
            var all = Manifest.LoadAll(repo.Assignments);
            var manifests = assignment is null ? all : all.Where(m => m.Name == assignment).ToList();
            if (manifests.Count == 0)
            {
                errors.WriteLine($"No assignment '{assignment}'. Known: {string.Join(", ", all.Select(m => m.Name))}.");
                return null;
            }
            return (repo, manifests);
        }
        catch (Exception e) when (e is IOException or InvalidDataException) { errors.WriteLine(e.Message); return null; }
    }

    /// <summary>
    /// Grades one submission, writing progress to <paramref name="log"/>; the outcome holds the final results per manifest.
    /// With <paramref name="judges"/>, the checks run in a warm judge from that pool once the submission compiled; without,
    /// in a one-shot judge started while it compiles.
    /// </summary>
    public static GradeOutcome Grade(GradeOptions options, TextWriter log, TextWriter errors, JudgePool? judges = null)
    {
        var setUpError = new GradeOutcome(2, GradeStatus.SetUpError, Array.Empty<(Manifest, GradescopeResults)>());
        string output = Path.GetFullPath(options.Out ?? "results");
        if (OutputProblem(output) is { } unwritable) { errors.WriteLine(unwritable); return setUpError; }
        var loadErrors = new StringWriter();
        if (Load(options.Assignment, loadErrors) is not var (repo, manifests))
        {
            // Gradescope shows nothing without a results.json: say the same there.
            string message = loadErrors.ToString().Trim();
            errors.WriteLine(message);
            new GradescopeResults { Output = message }.Write(Path.Combine(output, "results.json"));
            return setUpError;
        }
        string submission = Path.GetFullPath(options.Submission ?? repo.DefaultSubmission);
        string autograder = options.AutograderFolder ?? AppContext.BaseDirectory;
        string ResultsPath(Manifest m) => manifests.Count == 1 ? Path.Combine(output, "results.json") : Path.Combine(output, m.Name, "results.json");
        var clock = Stopwatch.StartNew();

        string workspace = Path.Combine(output, ".work");
        if (Directory.Exists(workspace)) Directory.Delete(workspace, recursive: true);
        Directory.CreateDirectory(workspace);
        string runFolder = Path.Combine(Path.GetTempPath(), $"genai-worker-{Guid.NewGuid():N}");
        string progress = Path.Combine(workspace, "progress.jsonl");
        GradeOutcome SetUpFailed(string message, double seconds)
        {
            errors.WriteLine(message);
            foreach (var m in manifests) Scorer.Failed(m, message, seconds).Write(ResultsPath(m));
            if (!options.KeepWorkspace) TryDelete(workspace);
            TryDelete(runFolder);
            return setUpError;
        }
        void KeepOrDelete()
        {
            if (options.KeepWorkspace) log.WriteLine($"Kept the build in {workspace} and the worker's run folder in {runFolder}.");
            else { TryDelete(workspace); TryDelete(runFolder); }
        }
        // The autograder's own build is incomplete (no worker beside it): nothing a submission can change.
        try { SubmissionBuild.PrepareRunFolder(autograder, runFolder); }
        catch (FileNotFoundException e) { return SetUpFailed(e.Message, 0); }
        var checks = manifests.SelectMany(m => m.Items).SelectMany(i => i.Tests).Distinct().ToList();
        // A one-shot judge, and the worker it starts first, start now and call student code once the submission is
        // compiled: their start-ups overlap reading and compiling the sources.
        using var early = judges is null ? Judge.Start(repo.Root, autograder, runFolder, progress, checks, options.CallTimeoutSeconds, gated: true) : null;

        SubmissionSources sources;
        try { sources = SubmissionSources.Collect(submission, repo.Template, manifests.SelectMany(m => m.Topics).ToHashSet()); }
        catch (SubmissionException e) { return SetUpFailed(e.Message, 0); }

        var empty = new ProgressLog.State(Array.Empty<string>(), new Dictionary<string, CheckOutcome>(), null, false);
        foreach (var m in manifests) Scorer.Score(m, empty, null, "Grading in progress.", 0).Write(ResultsPath(m));

        log.WriteLine($"Compiling {submission} ...");
        SubmissionBuild build;
        string? compileServer = options.UseCompileServer ? CompileServer.SocketFor(autograder) : null;
        try { build = SubmissionBuild.Create(repo, sources, workspace, TimeSpan.FromMinutes(10), autograder, runFolder, compileServer); }
        catch (FileNotFoundException e) { return SetUpFailed(e.Message, clock.Elapsed.TotalSeconds); }
        // No server answered: start one once this grading is done (its warm-up then competes with nothing), for the next grade.
        // Not in CI, where a grade runs once in a machine that is thrown away.
        bool startServer = compileServer is not null && !build.ByServer && Environment.GetEnvironmentVariable("CI") is not ("true" or "1");
        void StartServer() { if (startServer) CompileServer.StartInBackground(compileServer!, autograder, repo.Template, submission); }
        var identity = SubmissionIdentity.Of(options.Student ?? Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(submission)), sources.Files.Select(f => (f.Path, f.Text)), DateTimeOffset.UtcNow);
        if (!build.Succeeded)
        {
            string report = sources.Report(build.Errors);
            var failed = manifests.Select(m => (m, Scorer.Failed(m, report, clock.Elapsed.TotalSeconds))).ToList();
            foreach (var (m, r) in failed)
            {
                r.ExtraData = identity;
                ReportWriter.Write(m, r, Path.GetDirectoryName(ResultsPath(m))!);
            }
            log.WriteLine(report);
            KeepOrDelete();
            StartServer();
            return new GradeOutcome(0, GradeStatus.DoesNotBuild, failed);
        }

        log.WriteLine($"Compiled {build.Sources.Count} source files in {clock.Elapsed.TotalSeconds:F1} s{(build.Reused ? " (compiled before: reused from the cache)" : build.ByServer ? " (by the warm compile server)" : "")}; running the checks ...");
        string sourceReport = sources.Report(string.Join("\n\n", new[] { build.ReplacedMessage, build.ApiMessage }.Where(t => t.Length > 0)));
        if (sourceReport.Length > 0) log.WriteLine(sourceReport);
        var judge = early ?? judges!.Take(autograder);
        if (early is not null) early.Release();
        else judge.Submit(repo.Root, autograder, runFolder, progress, checks, options.CallTimeoutSeconds);
        ProgressLog.State state;
        string? interruption;
        try
        {
            (state, interruption) = judge.Wait(TimeSpan.FromSeconds(options.TimeoutSeconds ?? GradeOptions.DefaultTimeoutSeconds * manifests.Count), log, s =>
            {
                foreach (var m in manifests) Scorer.Score(m, s, null, "Grading in progress.", clock.Elapsed.TotalSeconds).Write(ResultsPath(m));
            });
        }
        catch when (early is null)
        {
            judge.Dispose();
            throw;
        }
        if (early is null) judges!.Give(judge, autograder);
        var final = new List<(Manifest, GradescopeResults)>();
        try
        {
            foreach (var m in manifests)
            {
                string top = string.Join("\n\n", new[] { interruption is null ? "" : $"Grading was interrupted: {interruption}.", sourceReport }.Where(t => t.Length > 0));
                var results = Scorer.Score(m, state, interruption, top, clock.Elapsed.TotalSeconds);
                build.ExplainReplacedFiles(results);
                results.ExtraData = identity;
                CollectFigures(m, Path.Combine(workspace, "figures"), Path.GetDirectoryName(ResultsPath(m))!);
                ReportWriter.Write(m, results, Path.GetDirectoryName(ResultsPath(m))!);
                final.Add((m, results));
            }
        }
        catch (InvalidDataException e) { errors.WriteLine(e.Message); return new GradeOutcome(2, GradeStatus.SetUpError, Array.Empty<(Manifest, GradescopeResults)>()); }
        KeepOrDelete();
        StartServer();
        // In a GitHub Actions step, hand the result to Classroom's reporter as the step output `result`.
        if (Environment.GetEnvironmentVariable("GITHUB_OUTPUT") is { Length: > 0 } githubOutput && final.Count == 1)
            File.AppendAllText(githubOutput, $"result={File.ReadAllText(Path.Combine(Path.GetDirectoryName(ResultsPath(final[0].Item1))!, "classroom-result.b64"))}\n");
        return new GradeOutcome(0, interruption is null ? GradeStatus.Graded : GradeStatus.Interrupted, final);
    }

    /// <summary>Why results cannot be written to <paramref name="output"/> (a file, or not writable), or null when they can.</summary>
    static string? OutputProblem(string output)
    {
        if (File.Exists(output)) return $"--out {output} is a file; give a folder for the results.";
        try
        {
            Directory.CreateDirectory(output);
            string probe = Path.Combine(output, $".write-test-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"--out {output} is not a writable folder: {e.Message}";
        }
    }

    /// <summary>Copies the snapshot pictures of <paramref name="m"/>'s checks from the judge's <paramref name="from"/> into OUT/figures, replacing the last grading's.</summary>
    static void CollectFigures(Manifest m, string from, string resultsFolder)
    {
        string to = Path.Combine(resultsFolder, "figures");
        bool Ours(string png) => m.Items.Any(i => i.Tests.Any(p => Manifest.Matches(p, Path.GetFileNameWithoutExtension(png))));
        if (Directory.Exists(to)) foreach (var old in Directory.GetFiles(to, "*.png").Where(Ours)) File.Delete(old);
        if (!Directory.Exists(from)) return;
        foreach (var png in Directory.GetFiles(from, "*.png").Where(Ours))
        {
            Directory.CreateDirectory(to);
            File.Copy(png, Path.Combine(to, Path.GetFileName(png)), overwrite: true);
        }
    }

    static void TryDelete(string folder)
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>What to grade, where the results go, and the limits.</summary>
/// <param name="Submission">Folder with the student's sources (null: reference/).</param>
/// <param name="Assignment">One manifest name (null: every assignment).</param>
/// <param name="Out">Results folder (null: ./results).</param>
/// <param name="TimeoutSeconds">Wall-clock limit for all checks together (null: <see cref="GradeOptions.DefaultTimeoutSeconds"/> per assignment graded).</param>
/// <param name="AutograderFolder">The autograder build the checks run from (null: this process's own folder).</param>
/// <param name="KeepWorkspace">Keep OUT/.work (the build) and the worker's run folder (under the temp folder) after grading, and say where, for debugging.</param>
/// <param name="CallTimeoutSeconds">Wall-clock limit for one call into student code.</param>
/// <param name="Student">Who the submission is from, for the reports (null: the submission folder's name).</param>
/// <param name="UseCompileServer">Compile in the warm <see cref="CompileServer"/> where one answers, and start one after grading where none did (the grade verb; batch and audit compile in their own long-lived process).</param>
public sealed record GradeOptions(string? Submission, string? Assignment, string? Out, double? TimeoutSeconds = null, string? AutograderFolder = null, bool KeepWorkspace = false, double CallTimeoutSeconds = 60, string? Student = null, bool UseCompileServer = false)
{
    /// <summary>The default limit for the checks of one assignment: Gradescope's default container (one assignment) stops at 600 s and then shows nothing, so this leaves 120 s for the build and start-up.</summary>
    public const double DefaultTimeoutSeconds = 480;
}

/// <summary>How grading a submission ended.</summary>
public enum GradeStatus
{
    /// <summary>Every check ran.</summary>
    Graded,
    /// <summary>The sources did not build (or there were none): every item 0 with the reason.</summary>
    DoesNotBuild,
    /// <summary>The check process crashed or ran out of time: finished checks kept their points.</summary>
    Interrupted,
    /// <summary>Nothing was graded: the repository or a manifest is broken, or the assignment is unknown.</summary>
    SetUpError,
}

/// <summary>The outcome of grading one submission.</summary>
/// <param name="ExitCode">0 when results were written, 2 on a set-up error.</param>
/// <param name="Status">How grading ended.</param>
/// <param name="Results">The final results, one per manifest.</param>
public sealed record GradeOutcome(int ExitCode, GradeStatus Status, IReadOnlyList<(Manifest Manifest, GradescopeResults Results)> Results);
