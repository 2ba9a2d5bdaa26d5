using System.Diagnostics;
using System.Text;

namespace GenAI.Autograder.Grading;

/// <summary>
/// Lays out the worker's run folder (GenAI.Worker and the assemblies its deps.json names, a link to the native
/// libraries) and compiles a submission's C# sources in-process (<see cref="SubmissionCompiler"/>) into a workspace
/// of its own, then adds the submission's GenAI.Course.dll to the run folder. The checks are not in it. Compiler
/// warnings never fail the build.
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

    /// <summary>True when GenAI.Course.dll came from the <see cref="CompileCache"/> (these sources compiled before).</summary>
    public bool Reused { get; private init; }

    /// <summary>True when the <see cref="CompileServer"/> at the socket <see cref="Create"/> was given compiled it (or restored it from the cache).</summary>
    public bool ByServer { get; private init; }

    /// <summary>Files that did not compile and were graded as the template's versions (empty when everything compiled).</summary>
    public IReadOnlyList<SubmissionCompiler.ReplacedFile> Replaced { get; private init; } = Array.Empty<SubmissionCompiler.ReplacedFile>();

    /// <summary>The message shown at the top of the results when <see cref="Replaced"/> is not empty.</summary>
    public string ReplacedMessage => Replaced.Count == 0 ? "" :
        $"{string.Join(", ", Replaced.Select(r => r.Path))} did not compile, so {(Replaced.Count == 1 ? "it was" : "they were")} graded as the template's version: "
        + "the items that need that code score 0 and show its compiler errors; every other item was graded normally.\n\n"
        + string.Join("\n\n", Replaced.Select(r => r.Errors));

    /// <summary>
    /// Adds the compiler errors of a replaced file to every failed item whose output shows one of that file's
    /// template stubs (the item failed because the student's version did not compile).
    /// </summary>
    public void ExplainReplacedFiles(GradescopeResults results)
    {
        foreach (var test in results.Tests.Where(t => t.Score < t.MaxScore))
            foreach (var file in Replaced.Where(r => r.Stubs.Any(stub => test.Output.Contains(stub, StringComparison.Ordinal))))
                test.Output = $"Your {file.Path} does not compile, so this item ran the template's version of it (not implemented):\n{file.Errors}\n\n{test.Output}";
    }

    /// <summary>The source files that were built, relative to the template's root.</summary>
    public IReadOnlyList<string> Sources { get; private init; } = Array.Empty<string>();

    /// <summary>
    /// Lays out the worker's run folder from the autograder build in <paramref name="autograder"/>, before the submission
    /// is compiled: GenAI.Worker and the assemblies its deps.json names, a link to the native libraries, and a deps.json
    /// without GenAI.Course, so the worker can start (and load libtorch) while the compiler runs; the worker loads the
    /// submission's GenAI.Course.dll from beside itself when first asked to run student code (<see cref="Create"/> puts it there).
    /// </summary>
    public static void PrepareRunFolder(string autograder, string runFolder)
    {
        // The run folder lives where an unprivileged worker can read it (the workspace may sit in a private folder).
        if (Directory.Exists(runFolder)) Directory.Delete(runFolder, recursive: true);
        Directory.CreateDirectory(runFolder);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(runFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        // Files are copied (the .NET host resolves a symlinked app back to its real folder); only
        // runtimes/, the ~500 MB of native libtorch, is linked.
        foreach (var name in WorkerFiles(autograder))
            CopyReadable(Path.Combine(autograder, name), Path.Combine(runFolder, name));
        File.WriteAllText(Path.Combine(runFolder, WorkerDeps), WithoutCourse(File.ReadAllText(Path.Combine(autograder, WorkerDeps))));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path.Combine(runFolder, WorkerDeps), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        if (Directory.Exists(Path.Combine(autograder, "runtimes")))
            Directory.CreateSymbolicLink(Path.Combine(runFolder, "runtimes"), NativeCache.Ensure(Path.Combine(autograder, "runtimes")));
    }

    const string WorkerDeps = "GenAI.Worker.deps.json";

    /// <summary>The worker's deps.json with the GenAI.Course library and every dependency on it taken out.</summary>
    static string WithoutCourse(string deps)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(deps)!.AsObject();
        static bool IsCourse(string name) => name.StartsWith("GenAI.Course/", StringComparison.Ordinal);
        foreach (var (_, target) in root["targets"]!.AsObject())
        {
            var libraries = target!.AsObject();
            foreach (var name in libraries.Select(l => l.Key).Where(IsCourse).ToList()) libraries.Remove(name);
            foreach (var (_, library) in libraries)
                if (library?["dependencies"] is System.Text.Json.Nodes.JsonObject dependencies) dependencies.Remove("GenAI.Course");
        }
        var all = root["libraries"]!.AsObject();
        foreach (var name in all.Select(l => l.Key).Where(IsCourse).ToList()) all.Remove(name);
        return root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>
    /// Writes the collected <paramref name="sources"/>, builds them in <paramref name="workspace"/>/course and puts
    /// GenAI.Course.dll into the run folder <see cref="PrepareRunFolder"/> laid out from <paramref name="autograder"/>;
    /// a <see cref="CompileServer"/> listening at the socket <paramref name="compileServer"/> compiles them when it answers.
    /// </summary>
    public static SubmissionBuild Create(RepoLayout repo, SubmissionSources sources, string workspace, TimeSpan timeout, string autograder, string runFolder, string? compileServer = null)
    {
        if (sources.Empty is not null)
            return new SubmissionBuild { Errors = sources.Empty };

        string output = Path.Combine(workspace, "course");
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        var texts = sources.Files.Select(f => (f.Path, f.Text)).ToList();
        var paths = texts.Select(t => t.Path).ToList();
        string? cache = CompileCache.FromEnvironment().Folder;
        // The warm compile server when there is one (any problem with it: this process compiles, the same way).
        var compiled = compileServer is null ? null
            : CompileServer.TryBuild(compileServer, new CompileServer.Request(texts.Select(t => new CompileServer.Source(t.Path, t.Text)).ToList(), repo.Template, autograder, output, cache, timeout.TotalSeconds));
        bool byServer = compiled is not null;
        compiled ??= SubmissionCompiler.Build(texts, repo.Template, autograder, output, cache, timeout);
        if (compiled.TimedOut)
            return new SubmissionBuild { Sources = paths, Errors = $"The submission could not be compiled within {timeout.TotalSeconds:F0} s." };
        if (!compiled.Succeeded)
            return new SubmissionBuild { Sources = paths, Errors = "The submission does not compile:\n" + compiled.Errors };

        foreach (var name in CourseFiles)
            if (File.Exists(Path.Combine(output, name))) CopyReadable(Path.Combine(output, name), Path.Combine(runFolder, name));
        var missing = File.Exists(Path.Combine(autograder, "GenAI.Course.dll"))
            ? ApiCheck.Missing(Path.Combine(autograder, "GenAI.Course.dll"), Path.Combine(output, "GenAI.Course.dll"), autograder)
            : Array.Empty<string>();
        return new SubmissionBuild { Succeeded = true, Reused = compiled.Reused, ByServer = byServer, RunFolder = runFolder, Sources = paths, MissingApi = missing, Replaced = compiled.Replaced };
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

    /// <summary>GenAI.Worker's own files but its deps.json (the run folder gets its own), and the managed assemblies that deps.json lists, except the course library.</summary>
    static IEnumerable<string> WorkerFiles(string autograder)
    {
        string deps = Path.Combine(autograder, WorkerDeps);
        if (!File.Exists(deps)) throw new FileNotFoundException($"the worker is missing from {autograder} (GenAI.Worker.deps.json): rebuild the autograder.");
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(deps));
        var names = new HashSet<string> { "GenAI.Worker.dll", "GenAI.Worker.runtimeconfig.json" };
        foreach (var target in doc.RootElement.GetProperty("targets").EnumerateObject())
            foreach (var library in target.Value.EnumerateObject())
                if (library.Value.TryGetProperty("runtime", out var runtime))
                    foreach (var file in runtime.EnumerateObject())
                        names.Add(Path.GetFileName(file.Name));
        return names.Where(n => !CourseFiles.Contains(n) && File.Exists(Path.Combine(autograder, n))).OrderBy(n => n, StringComparer.Ordinal);
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
