using System.Text.Json;
using GenAI.Autograder.Grading;
using GenAI.Autograder.Verbs;

namespace GenAI.Grader.Tests.Grading;

/// <summary>Runs the real grade command (the autograder's built executable) the way a TA does, and reads what it wrote.</summary>
static class Grader
{
    /// <summary>The outcome of one grade run.</summary>
    public sealed record Run(int ExitCode, string Console, IReadOnlyDictionary<string, GradescopeResults> Results, IReadOnlyDictionary<string, string> RawJson);

    /// <summary>
    /// Grades <paramref name="submission"/> with the autograder's command line, into a fresh temporary
    /// folder: on every assignment, or on the one an "--assignment NAME" in <paramref name="extraArgs"/> names.
    /// </summary>
    public static Run Grade(string submission, params string[] extraArgs)
    {
        string output = Path.Combine(Path.GetTempPath(), "genai-grade-tests", Guid.NewGuid().ToString("N"));
        var args = new List<string> { Paths.AutograderDll, "grade", "--submission", submission, "--out", output };
        args.AddRange(extraArgs);
        var (exit, console) = SubmissionBuild.Run("dotnet", args, Paths.Repo, TimeSpan.FromMinutes(10));
        int at = Array.IndexOf(extraArgs, "--assignment");
        return Collect(exit, console, output, at >= 0 && at + 1 < extraArgs.Length ? extraArgs[at + 1] : null);
    }

    /// <summary>The "--assignment NAME" arguments for a catalogue entry that concerns one assignment (its item ids or its "assignment"), else none.</summary>
    public static string[] AssignmentArguments(JsonElement entry)
    {
        var names = new HashSet<string>();
        if (entry.TryGetProperty("assignment", out var assignment)) names.Add(assignment.GetString()!);
        foreach (var list in new[] { "loses", "mayLose" })
            if (entry.TryGetProperty(list, out var ids))
                foreach (var id in ids.EnumerateArray()) names.Add(id.GetString()!.Split('/')[0]);
        return names.Count == 1 ? ["--assignment", names.Single()] : [];
    }

    /// <summary>The warm judges <see cref="GradeInProcess"/> shares across the run (stopped by <see cref="WarmJudges"/>).</summary>
    public static readonly JudgePool Judges = new();

    /// <summary>
    /// The same through the engine's API in this process, with the same arguments (the checks still run in a child process
    /// from the autograder's build, a warm judge of <see cref="Judges"/>): no process start, a warm compiler and a warm
    /// judge, so the planted and zoo gradings cost little more than their checks.
    /// </summary>
    public static Run GradeInProcess(string submission, params string[] extraArgs)
    {
        string output = Path.Combine(Path.GetTempPath(), "genai-grade-tests", Guid.NewGuid().ToString("N"));
        var parsed = GradeCommand.Parse(["--submission", submission, "--out", output, .. extraArgs], out string? error);
        if (parsed is null) throw new ArgumentException(error ?? "no options", nameof(extraArgs));
        var console = new StringWriter();
        var outcome = SubmissionGrader.Grade(parsed with { AutograderFolder = Path.GetDirectoryName(Paths.AutograderDll) }, console, console, Judges);
        if (outcome.Results.Count > 0) GradeCommand.PrintSummary(outcome.Results, console);
        return Collect(outcome.ExitCode, console.ToString(), output, parsed.Assignment);
    }

    static Run Collect(int exit, string console, string output, string? assignment)
    {
        var results = new Dictionary<string, GradescopeResults>();
        var raw = new Dictionary<string, string>();
        if (Directory.Exists(output))
            foreach (var file in Directory.EnumerateFiles(output, "results.json", SearchOption.AllDirectories).Where(f => !f.Contains(".work")))
            {
                string name = Path.GetDirectoryName(file) == output && assignment is not null ? assignment : Path.GetFileName(Path.GetDirectoryName(file)!);
                raw[name] = File.ReadAllText(file);
                results[name] = GradescopeResults.Read(file);
            }
        try { Directory.Delete(output, recursive: true); } catch (IOException) { }
        return new Run(exit, console, results, raw);
    }

    /// <summary>Every item of <paramref name="results"/> that lost points, with its whole output (a disagreement's message shows only a check's first line).</summary>
    public static string LostItems(GradescopeResults results) =>
        string.Concat(results.Tests.Where(t => t.Score < t.MaxScore).Select(t => $"\n--- {t.Number} ({t.Score}/{t.MaxScore}):\n{t.Output}"));

    /// <summary>A copy of reference/'s sources in a temporary folder, with exact text edits applied (each must match once).</summary>
    public static string Planted(IEnumerable<(string file, string find, string replace)> edits) =>
        PlantedSubmission.Create(Path.Combine(Paths.Repo, "reference"), edits, Path.Combine(Path.GetTempPath(), "genai-planted", Guid.NewGuid().ToString("N")));

    /// <summary>The planted submissions of fixtures/submissions/planted.json.</summary>
    public static JsonElement PlantedCatalogue() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Paths.Repo, "fixtures", "submissions", "planted.json"))).RootElement;

    /// <summary>The edits of one catalogue entry.</summary>
    public static IEnumerable<(string, string, string)> Edits(JsonElement entry) =>
        entry.GetProperty("edits").EnumerateArray().Select(e => (e.GetProperty("file").GetString()!, e.GetProperty("find").GetString()!, e.GetProperty("replace").GetString()!));
}
