using System.CommandLine;
using GenAI.Autograder.Grading;

namespace GenAI.Autograder.Verbs;

/// <summary>
/// <c>grade</c> on the command line: parses the options into <see cref="GradeOptions"/>, grades one submission with
/// <see cref="SubmissionGrader"/> and prints a table of points per assignment (results.json and the reports are the engine's).
/// </summary>
public static class GradeCommand
{
    static readonly Option<string?> Submission = Cli.Text("--submission", "DIR",
        "the student's .cs files: a folder (any depth) or a .zip, the whole template or only the files they changed (the rest come from the template) (default: reference/, or GenAI.Course/ in a student bundle)");
    static readonly Option<string?> Assignment = Cli.Text("--assignment", "NAME", "an assignment: a folder of autograder/Assignments (default: every assignment)");
    static readonly Option<string?> Out = Cli.Text("--out", "DIR",
        "where results go (default: ./results): OUT/results.json for one assignment, OUT/NAME/results.json for several");
    static readonly Option<double?> Timeout = Cli.Seconds("--timeout",
        "wall-clock limit for all checks together, in seconds (default: 480 per assignment graded, which leaves two minutes of Gradescope's default ten for the build and start-up)");
    static readonly Option<double?> CallTimeout = Cli.Seconds("--call-timeout",
        "limit for one call into student code, in seconds (default: 60), scaled up on a machine slower than the limits assume (measured); a call that exceeds it fails its check, the worker is restarted, and later calls of the same function fail at once");
    static readonly Option<bool> KeepWork = Cli.Flag("--keep-work", "keep OUT/.work (the submission's build) and the worker's run folder, and print where they are, for debugging");

    /// <summary>The <c>grade</c> verb.</summary>
    public static Verb Create()
    {
        var verb = new Verb("grade", "build a submission and grade it (see grade --help)")
        {
            Synopsis = "grade [--submission DIR] [--assignment NAME] [--out DIR] [--timeout SECONDS] [--call-timeout SECONDS] [--keep-work]",
            Notes = "Next to each results.json: report.html (for people), junit.xml (for CI) and\nclassroom-result.b64 (GitHub Classroom's runner result).\n\n"
                + "The first grade starts a warm compiler in the background (compile-server; it exits after 10 idle minutes) that\n"
                + "compiles the next grades' submissions in a fraction of the time; GENAI_COMPILE_SERVER=off keeps it from starting\n"
                + "(it is never started where CI=true, nor on Windows).",
        };
        foreach (var option in new Option[] { Submission, Assignment, Out, Timeout, CallTimeout, KeepWork }) verb.Options.Add(option);
        verb.SetAction(result => Grade(Read(result)));
        return verb;
    }

    /// <summary>Parses a grade command line (the arguments after <c>grade</c>); null with the reason in <paramref name="error"/> when it is not one.</summary>
    public static GradeOptions? Parse(string[] args, out string? error)
    {
        var result = Cli.Parse(Create(), args, out error);
        return error is null ? Read(result) : null;
    }

    static GradeOptions Read(ParseResult result) =>
        new(result.GetValue(Submission), result.GetValue(Assignment), result.GetValue(Out), result.GetValue(Timeout),
            KeepWorkspace: result.GetValue(KeepWork), CallTimeoutSeconds: result.GetValue(CallTimeout) ?? 60, UseCompileServer: true);

    /// <summary>Grades as <paramref name="options"/> say, reporting on the console; returns 0 when results were written, 2 on bad set-up.</summary>
    public static int Grade(GradeOptions options)
    {
        var outcome = SubmissionGrader.Grade(options, Console.Out, Console.Error);
        if (outcome.Results.Count > 0) PrintSummary(outcome.Results, Console.Out);
        return outcome.ExitCode;
    }

    /// <summary>A table per assignment: items, points and the first failure of each.</summary>
    public static void PrintSummary(IReadOnlyList<(Manifest manifest, GradescopeResults results)> graded, TextWriter log)
    {
        foreach (var (m, r) in graded)
        {
            log.WriteLine();
            log.WriteLine($"{m.Name}: {r.Score:0.##} / {m.MaxScore:0.##}   {m.Title}");
            int width = Math.Max(10, r.Tests.Max(t => t.Name.Length));
            foreach (var t in r.Tests)
            {
                string firstFailure = t.Status == "passed" ? "" : "  " + Scorer.FirstFailure(t.Output);
                if (firstFailure.Length > 110) firstFailure = firstFailure[..107] + "...";
                log.WriteLine($"  {t.Number,-5} {t.Name.PadRight(width)} {t.Score,6:0.##} / {t.MaxScore,-5:0.##} {(t.Status == "passed" ? "ok" : "FAIL")}{firstFailure}");
            }
        }
    }
}
