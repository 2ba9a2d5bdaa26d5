using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using FluentAssertions;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>grade.ps1, checked with PowerShell's own parser and run in a hosted runspace (pwsh itself cannot be installed here).</summary>
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
    [Test]
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
}
