using System.CommandLine;

namespace GenAI.Autograder.Verbs;

/// <summary>
/// <c>compile-server</c>: the warm compiler <c>grade</c> starts in the background after compiling a submission itself
/// (<see cref="Grading.CompileServer"/>); it serves the next grades' compiles and exits after ten idle minutes.
/// </summary>
public static class CompileServerCommand
{
    static readonly Option<string?> Socket = Cli.Required(Cli.Text("--socket", "PATH", "the Unix socket to listen on (its folder is made private to the user)"));
    static readonly Option<string?> Autograder = Cli.Required(Cli.Text("--autograder", "DIR", "the autograder build whose references submissions compile against"));
    static readonly Option<string?> Template = Cli.Required(Cli.Text("--template", "DIR", "the student template (compiled once to warm up, and the fallback for files that do not compile)"));
    static readonly Option<string?> WarmUp = Cli.Text("--warm-up", "DIR", "a submission (folder or .zip) to compile once before listening (default: the template)");
    static readonly Option<double?> Idle = Cli.Seconds("--idle", "exit after this many seconds without a request (default: 600)");

    /// <summary>The <c>compile-server</c> verb; returns 0 when it stops.</summary>
    public static Verb Create()
    {
        var verb = new Verb("compile-server", "the warm compiler grade starts in the background (exits after 10 idle minutes; GENAI_COMPILE_SERVER=off: never started)")
        {
            Synopsis = "compile-server --socket PATH --autograder DIR --template DIR [--warm-up DIR] [--idle SECONDS]",
        };
        foreach (var option in new Option[] { Socket, Autograder, Template, WarmUp, Idle }) verb.Options.Add(option);
        verb.SetAction(r =>
        {
            var idle = r.GetValue(Idle) is { } seconds ? TimeSpan.FromSeconds(seconds) : Grading.CompileServer.DefaultIdle;
            string template = Path.GetFullPath(r.GetValue(Template)!);
            Grading.CompileServer.Serve(Path.GetFullPath(r.GetValue(Socket)!), Path.GetFullPath(r.GetValue(Autograder)!), template, Path.GetFullPath(r.GetValue(WarmUp) ?? template), idle);
            return 0;
        });
        return verb;
    }
}
