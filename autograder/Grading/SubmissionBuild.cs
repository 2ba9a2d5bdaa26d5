using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace GenAI.Autograder.Grading;

/// <summary>
/// Builds a submission's C# sources against the template's project in a workspace of its own and
/// lays out a run folder: the autograder's own build with the submission's GenAI.Course.dll in
/// place of the one it was built with. Compiler warnings never fail the build.
/// </summary>
public sealed class SubmissionBuild
{
    static readonly string[] CourseFiles = { "GenAI.Course.dll", "GenAI.Course.pdb", "GenAI.Course.xml" };
    static readonly string[] SkippedFolders = { "bin", "obj", ".git", ".vs", "__snapshots__", "__mismatch__" };

    /// <summary>True when the sources compiled.</summary>
    public bool Succeeded { get; private init; }
    /// <summary>Compiler errors (or the reason nothing was built), for the student.</summary>
    public string Errors { get; private init; } = "";
    /// <summary>The folder to run the checks from (valid when <see cref="Succeeded"/>).</summary>
    public string RunFolder { get; private init; } = "";
    /// <summary>The source files that were built, relative to the submission folder.</summary>
    public IReadOnlyList<string> Sources { get; private init; } = Array.Empty<string>();

    /// <summary>
    /// Copies the sources under <paramref name="submission"/>, builds them in <paramref name="workspace"/>
    /// and prepares the run folder from the autograder build in <paramref name="autograder"/>.
    /// </summary>
    public static SubmissionBuild Create(RepoLayout repo, string submission, string workspace, TimeSpan timeout, string autograder)
    {
        if (!Directory.Exists(submission))
            return new SubmissionBuild { Errors = $"The submission folder {submission} does not exist." };
        var sources = Directory.EnumerateFiles(submission, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(submission, f))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => SkippedFolders.Contains(part)))
            .OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (sources.Count == 0)
            return new SubmissionBuild { Errors = $"No C# source files (*.cs) were found in the submission ({submission})." };

        if (Directory.Exists(workspace)) Directory.Delete(workspace, recursive: true);
        string src = Path.Combine(workspace, "src"), output = Path.Combine(workspace, "course");
        Directory.CreateDirectory(src);
        foreach (var file in sources)
        {
            string target = Path.Combine(src, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(submission, file), target);
        }
        File.Copy(repo.CourseProject, Path.Combine(src, "GenAI.Course.csproj"));
        // The workspace's own build settings: the repository's pinned versions, warnings never errors.
        File.WriteAllText(Path.Combine(src, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <LangVersion>latest</LangVersion>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
                <MSBuildTreatWarningsAsErrors>false</MSBuildTreatWarningsAsErrors>
                <WarningLevel>0</WarningLevel>
                <DebugType>portable</DebugType>
                <GenerateDocumentationFile>false</GenerateDocumentationFile>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(src, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(src, "Directory.Packages.props"),
            $"<Project>\n  <Import Project=\"{Path.Combine(repo.Root, "Directory.Packages.props")}\" />\n</Project>\n");

        var (exit, log) = Run("dotnet", new[] { "build", Path.Combine(src, "GenAI.Course.csproj"), "-o", output, "--nologo", "-v", "q", "-clp:NoSummary" }, src, timeout);
        if (exit != 0)
            return new SubmissionBuild { Sources = sources, Errors = "The submission does not compile:\n" + CompilerErrors(log, src) };

        string run = Path.Combine(workspace, "run");
        Directory.CreateDirectory(run);
        foreach (var entry in Directory.EnumerateFileSystemEntries(autograder))
        {
            string name = Path.GetFileName(entry);
            if (CourseFiles.Contains(name)) continue;
            string link = Path.Combine(run, name);
            // Files are copied (the .NET host resolves a symlinked app back to the autograder's own
            // folder, which holds the reference build); only folders, such as the ~500 MB of native
            // libtorch under runtimes/, are linked.
            if (Directory.Exists(entry)) Directory.CreateSymbolicLink(link, entry);
            else File.Copy(entry, link);
        }
        foreach (var name in CourseFiles)
            if (File.Exists(Path.Combine(output, name))) File.Copy(Path.Combine(output, name), Path.Combine(run, name));
        return new SubmissionBuild { Succeeded = true, RunFolder = run, Sources = sources };
    }

    /// <summary>The error lines of a build log, with workspace paths made relative, each once.</summary>
    public static string CompilerErrors(string log, string sourceFolder)
    {
        var errors = log.Split('\n').Select(l => l.Trim()).Where(l => Regex.IsMatch(l, @"\berror\b", RegexOptions.IgnoreCase))
            .Select(l => Regex.Replace(l.Replace(sourceFolder + Path.DirectorySeparatorChar, ""), @"\s*\[[^\]]*\.csproj\]$", ""))
            .Distinct().ToList();
        return errors.Count > 0 ? string.Join("\n", errors) : log.Trim();
    }

    /// <summary>Runs a process to completion (or kills it at <paramref name="timeout"/>), returning its exit code and combined output.</summary>
    public static (int exit, string output) Run(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) info.Environment[k] = v;
        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, output + $"\n(killed after {timeout.TotalSeconds:F0} s)");
        }
        process.WaitForExit();
        return (process.ExitCode, output.ToString());
    }
}
