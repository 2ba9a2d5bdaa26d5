using GenAI.Autograder.Generate;
using GenAI.Autograder.Grading;

namespace GenAI.Autograder;

/// <summary>The autograder's verbs: grade, batch, merge, regrade-diff, bundle, run, audit, generate, and run-checks (the child side of grade).</summary>
public static class Program
{
    const string Usage = """
        GenAI autograder

          grade       build a submission and grade it (see grade --help)
          batch       grade a folder of submissions, a few at a time, with a gradebook (see batch --help)
          merge       join the output folders of sharded batches (batch --shard I/N) into one (see merge --help)
          regrade-diff  compare two gradebooks: who gains or loses points where
          bundle      make the student bundle or the Gradescope autograder zip (see bundle --help)
          run         run an assignment's experiments and write its figures (see run --help)
          audit       can this grader be trusted here? reference, template and planted submissions graded every way (see audit --help)
          generate    regenerate student-template/ from reference/ (--check: only report differences)
          run-checks  run the graded checks (or --only those matching manifest patterns) in this process and log progress (used by grade)

        Students: run `dotnet test` to check your work locally.
        """;

    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        string verb = args.Length > 0 ? args[0] : "";
        var rest = args.Skip(1).ToArray();
        switch (verb)
        {
            case "grade": return GradeCommand.Run(rest);
            case "batch": return BatchCommand.Run(rest);
            case "merge": return MergeCommand.Run(rest);
            case "regrade-diff": return RegradeDiff.Run(rest);
            case "bundle": return Bundle.BundleCommand.Run(rest);
            case "run": GenAI.Worker.NativeSettings.UseCourseKernels(); return Run.RunCommand.Run(rest);
            case "audit": return Audit.AuditCommand.Run(rest);
            case "generate": return GenerateTemplate(rest);
            case "run-checks":
                if (rest.Length < 2 || rest[0] != "--progress" || (rest.Length > 2 && rest[2] != "--only")) { Console.Error.WriteLine("usage: run-checks --progress FILE [--only PATTERN...]"); return 2; }
                GenAI.Worker.NativeSettings.UseCourseKernels();
                CheckRunner.Run(rest[1], rest.Skip(3).ToArray());
                return 0;
            case "": case "-h": case "--help": Console.WriteLine(Usage); return 0;
            default: Console.Error.WriteLine($"unknown command '{verb}'\n\n{Usage}"); return 2;
        }
    }

    static int GenerateTemplate(string[] args)
    {
        bool check = args.Contains("--check");
        var repo = RepoLayout.Find();
        try
        {
            var differing = TemplateGenerator.Sync(repo.Reference, repo.Template, check);
            if (differing.Count == 0) { Console.WriteLine("student-template/ is up to date."); return 0; }
            Console.WriteLine((check ? "student-template/ differs from the generator's output in:\n  " : "Rewrote:\n  ") + string.Join("\n  ", differing));
            return check ? 1 : 0;
        }
        catch (InvalidDataException e) { Console.Error.WriteLine(e.Message); return 2; }
    }
}
