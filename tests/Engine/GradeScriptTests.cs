using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using FluentAssertions;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>grade.ps1, checked with PowerShell's own parser and run in a hosted runspace (pwsh itself cannot be installed here).</summary>
[Parallelizable(ParallelScope.All)]
public sealed class GradeScriptTests
{
    static string Script => Path.Combine(Paths.Repo, "grade.ps1");

    /// <summary>The script parses without errors and forwards to `dotnet run --project autograder -- grade`.</summary>
    [Test]
    public void ParsesAndForwardsToTheGradeCommand()
    {
        var ast = Parser.ParseFile(Script, out _, out ParseError[] errors);
        errors.Should().BeEmpty();
        ast.ParamBlock!.Parameters.Select(p => p.Name.VariablePath.UserPath).Should().BeEquivalentTo("Submission", "Assignment", "Out", "Timeout", "CallTimeout", "Help");
        var commands = ast.FindAll(a => a is CommandAst, true).Cast<CommandAst>().ToList();
        commands.Should().ContainSingle(c => c.GetCommandName() == "dotnet");
        ast.Extent.Text.Should().Contain("'run', '--project', $project, '--', 'grade'");
    }

    /// <summary>Run in a hosted PowerShell runspace with -Help, it runs the real grade command and prints its usage.</summary>
    [Test, Category("EndToEnd")] // dotnet run's build check: 8-10 s
    public void RunsInAHostedRunspace()
    {
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using var shell = PowerShell.Create();
        shell.Runspace = runspace;
        shell.AddCommand(Script).AddParameter("Help");
        Collection<PSObject> output = shell.Invoke();
        string text = string.Join("\n", output.Select(o => o?.ToString()));
        shell.Streams.Error.Should().BeEmpty();
        text.Should().Contain("grade [--submission DIR]").And.Contain("--assignment");
    }

    /// <summary>
    /// -Submission and -Out are resolved as PowerShell users mean them: relative to the runspace's current location (not
    /// the process's working directory) and from ~. A missing submission is reported in the results.json written under -Out.
    /// </summary>
    [Test, Category("EndToEnd")] // two runs of the grade command through dotnet run: 17 s
    public void ResolvesPathsFromTheCurrentLocationAndHome()
    {
        string here = Directory.CreateTempSubdirectory("genai-ps-location").FullName;
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        runspace.SessionStateProxy.Path.SetLocation(here);
        string home = runspace.SessionStateProxy.Path.GetResolvedProviderPathFromPSPath("~", out _).Single();
        foreach (var (submission, expected) in new[] { ("alice", Path.Combine(here, "alice")), ("~/genai-no-such-submission", Path.Combine(home, "genai-no-such-submission")) })
        {
            using var shell = PowerShell.Create();
            shell.Runspace = runspace;
            shell.AddCommand(Script).AddParameter("Submission", submission).AddParameter("Assignment", "cs446-hw5").AddParameter("Out", "results");
            try { shell.Invoke(); }
            catch (RuntimeException) { } // the grade command's one line on stderr, and its exit code 2, surface as an error here
            string results = File.ReadAllText(Path.Combine(here, "results", "results.json"));
            results.Should().Contain($"The submission {expected} does not exist.");
            File.Delete(Path.Combine(here, "results", "results.json"));
        }
        Directory.Delete(here, recursive: true);
    }
}
