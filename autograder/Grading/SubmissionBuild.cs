using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace GenAI.Autograder.Grading;

/// <summary>
/// Builds a submission's C# sources against the template's project in a workspace of its own and
/// lays out the worker's run folder: GenAI.Worker and the assemblies its deps.json names, with
/// the submission's GenAI.Course.dll, and a link to the native libraries. The checks are not in
/// it. Compiler warnings never fail the build.
/// </summary>
public sealed class SubmissionBuild
{
    static readonly string[] CourseFiles = { "GenAI.Course.dll", "GenAI.Course.pdb", "GenAI.Course.xml" };

    /// <summary>True when the sources compiled.</summary>
    public bool Succeeded { get; private init; }
    /// <summary>Compiler errors (or the reason nothing was built), for the student.</summary>
    public string Errors { get; private init; } = "";
    /// <summary>The folder to run the checks from (valid when <see cref="Succeeded"/>).</summary>
    public string RunFolder { get; private init; } = "";
    /// <summary>Public API members the checks need that the submission lacks (empty when it matches).</summary>
    public IReadOnlyList<string> MissingApi { get; private init; } = Array.Empty<string>();

    /// <summary>The source files that were built, relative to the template's root.</summary>
    public IReadOnlyList<string> Sources { get; private init; } = Array.Empty<string>();

    /// <summary>
    /// Writes the collected <paramref name="sources"/>, builds them in <paramref name="workspace"/>
    /// and prepares the run folder from the autograder build in <paramref name="autograder"/>.
    /// </summary>
    public static SubmissionBuild Create(RepoLayout repo, SubmissionSources sources, string workspace, TimeSpan timeout, string autograder, string runFolder)
    {
        if (sources.Empty is not null)
            return new SubmissionBuild { Errors = sources.Empty };

        if (Directory.Exists(workspace)) Directory.Delete(workspace, recursive: true);
        string src = Path.Combine(workspace, "src"), output = Path.Combine(workspace, "course");
        Directory.CreateDirectory(src);
        sources.WriteTo(src);
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
        {
            bool restore = log.Contains("NuGet.targets", StringComparison.Ordinal) || Regex.IsMatch(log, @"\bNU1\d{3}\b");
            string headline = restore
                ? "The submission could not be built because restoring packages failed on the grading machine (not a problem of your code; tell the course staff):\n"
                : "The submission does not compile:\n";
            return new SubmissionBuild { Sources = sources.Files.Select(f => f.Path).ToList(), Errors = headline + CompilerErrors(log, src) };
        }

        // The run folder lives where an unprivileged worker can read it (the workspace may sit in a private folder).
        string run = runFolder;
        if (Directory.Exists(run)) Directory.Delete(run, recursive: true);
        Directory.CreateDirectory(run);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(run, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        // Files are copied (the .NET host resolves a symlinked app back to its real folder); only
        // runtimes/, the ~500 MB of native libtorch, is linked.
        foreach (var name in WorkerFiles(autograder))
            CopyReadable(Path.Combine(autograder, name), Path.Combine(run, name));
        if (Directory.Exists(Path.Combine(autograder, "runtimes")))
            Directory.CreateSymbolicLink(Path.Combine(run, "runtimes"), NativeCache.Ensure(Path.Combine(autograder, "runtimes")));
        foreach (var name in CourseFiles)
            if (File.Exists(Path.Combine(output, name))) CopyReadable(Path.Combine(output, name), Path.Combine(run, name));
        var missing = File.Exists(Path.Combine(autograder, "GenAI.Course.dll"))
            ? ApiCheck.Missing(Path.Combine(autograder, "GenAI.Course.dll"), Path.Combine(output, "GenAI.Course.dll"), autograder)
            : Array.Empty<string>();
        return new SubmissionBuild { Succeeded = true, RunFolder = run, Sources = sources.Files.Select(f => f.Path).ToList(), MissingApi = missing };
    }

    /// <summary>The message shown to the student when <see cref="MissingApi"/> is not empty.</summary>
    public string ApiMessage => MissingApi.Count == 0 ? "" :
        "Your code does not have the public API the assignment needs (keep the template's names, namespaces and signatures); checks that use these fail:\n  "
        + string.Join("\n  ", MissingApi);

    /// <summary>A copy the unprivileged worker can read, whatever the source's mode (Gradescope's setup closes the sources).</summary>
    static void CopyReadable(string from, string to)
    {
        File.Copy(from, to);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(to, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>GenAI.Worker's own files and the managed assemblies its deps.json lists, except the course library.</summary>
    static IEnumerable<string> WorkerFiles(string autograder)
    {
        string deps = Path.Combine(autograder, "GenAI.Worker.deps.json");
        if (!File.Exists(deps)) throw new FileNotFoundException($"the worker is missing from {autograder} (GenAI.Worker.deps.json): rebuild the autograder.");
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(deps));
        var names = new HashSet<string> { "GenAI.Worker.dll", "GenAI.Worker.deps.json", "GenAI.Worker.runtimeconfig.json" };
        foreach (var target in doc.RootElement.GetProperty("targets").EnumerateObject())
            foreach (var library in target.Value.EnumerateObject())
                if (library.Value.TryGetProperty("runtime", out var runtime))
                    foreach (var file in runtime.EnumerateObject())
                        names.Add(Path.GetFileName(file.Name));
        return names.Where(n => !CourseFiles.Contains(n) && File.Exists(Path.Combine(autograder, n))).OrderBy(n => n, StringComparer.Ordinal);
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
