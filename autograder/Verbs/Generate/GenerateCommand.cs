using System.CommandLine;
using GenAI.Autograder.Generate;
using GenAI.Autograder.Grading;

namespace GenAI.Autograder.Verbs;

/// <summary>
/// <c>generate</c>: rewrites student-template/ from reference/ with <see cref="TemplateGenerator"/> (solution markers become
/// stubs), or with <c>--check</c> only lists the files that differ (exit code 1) so CI can catch a stale template.
/// </summary>
public static class GenerateCommand
{
    static readonly Option<bool> Check = Cli.Flag("--check", "only report the files of student-template/ that differ from the generator's output (exit code 1 when some do); rewrite nothing");

    /// <summary>The <c>generate</c> verb.</summary>
    public static Verb Create()
    {
        var verb = new Verb("generate", "regenerate student-template/ from reference/ (--check: only report differences)")
        {
            Synopsis = "generate [--check]",
            Notes = "Exit code 0: up to date or rewritten; 1: --check found differences; 2: a solution marker the generator cannot read.",
        };
        verb.Options.Add(Check);
        verb.SetAction(r => Generate(r.GetValue(Check)));
        return verb;
    }

    static int Generate(bool check)
    {
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
