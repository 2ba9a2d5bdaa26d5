using System.CommandLine;
using GenAI.Autograder.Verbs;

namespace GenAI.Autograder;

/// <summary>The autograder's verbs: grade, batch, merge, regrade-diff, bundle, run, audit, generate, run-checks (the child side of grade) and compile-server (the warm compiler grade starts).</summary>
public static class Program
{
    /// <summary>The command line: one verb per folder under Verbs/, each parsed by System.CommandLine.</summary>
    public static RootCommand Commands() =>
        new("GenAI autograder. Students: run `dotnet test` to check your work locally.")
        {
            GradeCommand.Create(),
            BatchCommand.Create(),
            MergeCommand.Create(),
            RegradeDiffCommand.Create(),
            BundleCommand.Create(),
            RunCommand.Create(),
            AuditCommand.Create(),
            GenerateCommand.Create(),
            RunChecksCommand.Create(),
            CompileServerCommand.Create(),
        };

    /// <summary>Entry point: runs the verb <paramref name="args"/> name; exit code 2 on bad usage (one line on stderr).</summary>
    public static int Main(string[] args) => Cli.Invoke(Commands(), args);
}
