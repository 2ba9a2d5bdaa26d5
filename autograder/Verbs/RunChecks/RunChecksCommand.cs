using System.CommandLine;
using GenAI.Autograder.Grading;

namespace GenAI.Autograder.Verbs;

/// <summary>
/// <c>run-checks</c>, the child side of <c>grade</c> (the judge): runs the graded checks in this process with
/// <see cref="CheckRunner"/> and appends each outcome to the progress log that the grading parent polls.
/// </summary>
public static class RunChecksCommand
{
    static readonly Option<string?> Progress = Cli.Text("--progress", "FILE", "the progress log to write, one JSON line per event");
    static readonly Option<bool> Serve = Cli.Flag("--serve", "stay warm: grade one submission per JSON request line on standard input (used by batch and the tests)");
    static readonly Option<string[]> Only = new("--only")
    {
        HelpName = "PATTERN",
        Description = "run only the checks matching these manifest patterns (e.g. Vae.ElboChecks; default: every check)",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>The <c>run-checks</c> verb; returns 0 once the checks ran (their failures are in the log), 2 on bad usage.</summary>
    public static Verb Create()
    {
        var verb = new Verb("run-checks", "run the graded checks (or --only those matching manifest patterns) in this process and log progress (used by grade)")
        {
            Synopsis = "run-checks --progress FILE [--only PATTERN...] | run-checks --serve",
        };
        verb.Options.Add(Progress);
        verb.Options.Add(Only);
        verb.Options.Add(Serve);
        verb.Validators.Add(r =>
        {
            if (r.GetValue(Serve) == (r.GetValue(Progress) is not null)) r.AddError("give either --progress FILE or --serve.");
        });
        verb.SetAction(r =>
        {
            if (r.GetValue(Serve))
            {
                CheckRunner.Serve(Console.In);
                return 0;
            }
            // The worker starts first, so its start-up (loading libtorch) overlaps this process's own.
            Seam.BuildGate.Listen(Seam.Student.StartEarly, Seam.Student.Handshake);
            GenAI.Worker.NativeSettings.Apply();
            CheckRunner.Run(r.GetValue(Progress)!, r.GetValue(Only) ?? []);
            return 0;
        });
        return verb;
    }
}
