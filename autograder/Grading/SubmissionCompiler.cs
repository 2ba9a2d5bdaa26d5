using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;

namespace GenAI.Autograder.Grading;

/// <summary>
/// Compiles a submission's C# sources into GenAI.Course.dll in this process with Roslyn, as
/// <c>dotnet build -c Release</c> of the template's project would: the same references (the .NET
/// reference pack, or the running framework where no SDK is installed, and the course's package
/// assemblies the worker ships, read from its deps.json), implicit usings, nullable context, latest
/// language version and assembly version 1.0.0.0. Warnings never fail; errors come back with file,
/// line and the source line. No MSBuild, no restore, no child process.
/// </summary>
public static class SubmissionCompiler
{
    /// <summary>The usings the SDK adds to a console or library project (ImplicitUsings=enable).</summary>
    static readonly string[] ImplicitUsings = { "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks" };

    /// <summary>The preprocessor symbols of a Release build for net10.0.</summary>
    static readonly string[] Defines = new[] { "TRACE", "RELEASE", "NET", "NET10_0", "NETCOREAPP" }
        .Concat(Enumerable.Range(5, 6).Select(v => $"NET{v}_0_OR_GREATER"))
        .Concat(new[] { "NETCOREAPP1_0_OR_GREATER", "NETCOREAPP1_1_OR_GREATER", "NETCOREAPP2_0_OR_GREATER", "NETCOREAPP2_1_OR_GREATER", "NETCOREAPP2_2_OR_GREATER", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP3_1_OR_GREATER" })
        .ToArray();

    /// <summary>At most this many errors are listed; the rest are counted.</summary>
    const int ShownErrors = 20;

    /// <summary>The outcome: the compiler errors (empty when it compiled), and whether the assembly came from the <see cref="CompileCache"/>.</summary>
    public sealed record Result(IReadOnlyList<Diagnostic> Errors, bool Reused = false)
    {
        /// <summary>True when GenAI.Course.dll was written.</summary>
        public bool Succeeded => Errors.Count == 0;

        /// <summary>The relative paths of the files that hold at least one error.</summary>
        public IReadOnlyList<string> FailingFiles => Errors.Select(e => e.Location.SourceTree?.FilePath).OfType<string>().Distinct().ToList();

        /// <summary>
        /// The errors (of <paramref name="file"/> only, when given) as a student reads them:
        /// <c>file(line,col): error CSxxxx: message</c>, each followed by its source line and a caret under the column.
        /// </summary>
        public string Describe(string? file = null)
        {
            var errors = Errors.Where(e => file is null || e.Location.SourceTree?.FilePath == file).ToList();
            var text = new StringBuilder();
            foreach (var e in errors.Take(ShownErrors))
            {
                var span = e.Location.GetLineSpan();
                string where = e.Location.IsInSource ? $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): " : "";
                text.Append(where).Append("error ").Append(e.Id).Append(": ").AppendLine(e.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
                if (e.Location.IsInSource && e.Location.SourceTree is { } tree)
                {
                    string prefix = $"    {span.StartLinePosition.Line + 1} | ";
                    text.Append(prefix).AppendLine(tree.GetText().Lines[span.StartLinePosition.Line].ToString().TrimEnd().Replace('\t', ' '))
                        .Append(' ', prefix.Length - 2).Append("| ").Append(' ', span.StartLinePosition.Character).AppendLine("^");
                }
            }
            if (errors.Count > ShownErrors) text.AppendLine($"... and {errors.Count - ShownErrors} more errors");
            return text.ToString().TrimEnd();
        }
    }

    /// <summary>A submission file that did not compile and was graded as the template's version of it.</summary>
    /// <param name="Path">Relative to the submission (and to the template).</param>
    /// <param name="Errors">Its compiler errors, as <see cref="Result.Describe"/> shows them.</param>
    /// <param name="Stubs">The messages of the template's <c>NotImplementedException</c>s in that file: a check that fails with one of them failed because of this file.</param>
    public sealed record ReplacedFile(string Path, string Errors, IReadOnlyList<string> Stubs);

    /// <summary>
    /// Compiles <paramref name="sources"/>; when that fails, compiles again with each file that has errors and differs
    /// from the template replaced by the template's version (in <paramref name="template"/>), so a file that does not
    /// compile costs only the items that need it. When no such replacement compiles, the result is the first
    /// compilation's, with no file replaced.
    /// </summary>
    public static (Result Result, IReadOnlyList<ReplacedFile> Replaced) CompileWithFallback(IReadOnlyList<(string Path, string Text)> sources, string template, string autograder, string outputFolder, CancellationToken cancel = default, CompileCache? cache = null)
    {
        var first = Compile(sources, autograder, outputFolder, cancel, cache);
        var current = sources.ToList();
        var replaced = new List<ReplacedFile>();
        var result = first;
        // A replaced file can reveal errors in another that used what the student added to it: a few rounds settle it.
        for (int round = 0; round < 3 && !result.Succeeded; round++)
        {
            var failing = result.FailingFiles.Where(f => replaced.All(r => r.Path != f)).ToList();
            var fixable = failing.Select(f => (file: f, text: TemplateText(template, f))).Where(f => f.text is not null && f.text != current.First(s => s.Path == f.file).Text).ToList();
            if (fixable.Count == 0 || fixable.Count == current.Count) break;
            foreach (var (file, text) in fixable)
            {
                replaced.Add(new ReplacedFile(file, result.Describe(file), StubMessages(text!)));
                current[current.FindIndex(s => s.Path == file)] = (file, text!);
            }
            result = Compile(current, autograder, outputFolder, cancel, cache);
        }
        return result.Succeeded ? (result, replaced) : (first, Array.Empty<ReplacedFile>());
    }

    /// <summary>
    /// What a build of a submission comes to, in plain data (it crosses to and from the <see cref="CompileServer"/>).
    /// </summary>
    /// <param name="Succeeded">GenAI.Course.dll and .pdb were written to the output folder.</param>
    /// <param name="Reused">They came from the <see cref="CompileCache"/>.</param>
    /// <param name="TimedOut">The compile ran past its time limit (nothing was written).</param>
    /// <param name="Errors">The compiler errors as <see cref="Result.Describe"/> shows them (empty when it succeeded).</param>
    /// <param name="Replaced">Files graded as the template's versions (see <see cref="CompileWithFallback"/>).</param>
    public sealed record Report(bool Succeeded, bool Reused, bool TimedOut, string Errors, IReadOnlyList<ReplacedFile> Replaced);

    /// <summary>
    /// <see cref="CompileWithFallback"/> within <paramref name="timeout"/>, with the given cache (null: none), as a
    /// <see cref="Report"/>: the one compile both this process and the <see cref="CompileServer"/> run.
    /// </summary>
    public static Report Build(IReadOnlyList<(string Path, string Text)> sources, string template, string autograder, string outputFolder, string? cacheFolder, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            var (result, replaced) = CompileWithFallback(sources, template, autograder, outputFolder, cancel.Token, new CompileCache(cacheFolder));
            return new Report(result.Succeeded, result.Reused, false, result.Succeeded ? "" : result.Describe(), replaced);
        }
        catch (OperationCanceledException) { return new Report(false, false, true, "", Array.Empty<ReplacedFile>()); }
    }

    /// <summary>
    /// The size and write time of every reference the compile of <paramref name="autograder"/>'s submissions reads, and of
    /// the worker's deps.json that lists them: a long-lived compiler whose stamp changed holds stale references.
    /// </summary>
    public static string ReferenceStamp(string autograder) =>
        string.Join("\n", ReferencePaths(autograder).Append(Path.Combine(autograder, "GenAI.Worker.deps.json"))
            .Select(p => new FileInfo(p)).Select(f => $"{f.FullName}|{(f.Exists ? f.Length : -1)}|{(f.Exists ? f.LastWriteTimeUtc.Ticks : 0)}"));

    static string? TemplateText(string template, string file)
    {
        string path = System.IO.Path.Combine(template, file);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    /// <summary>The messages of the <c>throw new NotImplementedException("...")</c> stubs in a template file.</summary>
    static IReadOnlyList<string> StubMessages(string text) =>
        System.Text.RegularExpressions.Regex.Matches(text, """throw new NotImplementedException\("((?:[^"\\]|\\.)*)"\)""")
            .Select(m => System.Text.RegularExpressions.Regex.Unescape(m.Groups[1].Value)).ToList();

    /// <summary>
    /// Compiles <paramref name="sources"/> (path relative to the submission, text) and, when they compile,
    /// writes GenAI.Course.dll and its portable PDB to <paramref name="outputFolder"/>. The course's package
    /// assemblies are found in <paramref name="autograder"/> (the autograder's build, which holds the worker).
    /// Sources compiled before come from <paramref name="cache"/> (default: <see cref="CompileCache.FromEnvironment"/>).
    /// </summary>
    public static Result Compile(IReadOnlyList<(string Path, string Text)> sources, string autograder, string outputFolder, CancellationToken cancel = default, CompileCache? cache = null)
    {
        Directory.CreateDirectory(outputFolder);
        string dll = Path.Combine(outputFolder, "GenAI.Course.dll"), pdb = Path.Combine(outputFolder, "GenAI.Course.pdb");
        cache ??= CompileCache.FromEnvironment();
        string? key = cache.Folder is null ? null : CompileCache.Key(sources, ReferencePaths(autograder), Settings);
        if (key is not null && cache.TryRestore(key, dll, pdb)) return new Result(Array.Empty<Diagnostic>(), Reused: true);
        EmitResult emitted;
        using (var peStream = new MemoryStream())
        using (var pdbStream = new MemoryStream())
        {
            emitted = Emit(sources, autograder, peStream, pdbStream, cancel);
            if (emitted.Success)
            {
                byte[] peBytes = peStream.ToArray(), pdbBytes = pdbStream.ToArray();
                File.WriteAllBytes(dll, peBytes);
                File.WriteAllBytes(pdb, pdbBytes);
                if (key is not null) cache.Store(key, peBytes, pdbBytes);
            }
        }
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ToList();
        return new Result(errors);
    }

    /// <summary>Everything <see cref="Emit"/> tells the compiler besides the sources and references (part of the cache key).</summary>
    static readonly string Settings = string.Join("|", Defines) + "|" + Generated + "|Release|nullable|latest|deterministic|portable-pdb";

    /// <summary>Parses, binds and emits <paramref name="sources"/> with the generated file, the template project's options and references.</summary>
    static EmitResult Emit(IReadOnlyList<(string Path, string Text)> sources, string autograder, Stream pe, Stream pdb, CancellationToken cancel)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: Defines);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(SourceText.From(s.Text, Encoding.UTF8), parse, s.Path.Replace('\\', '/'), cancel)).ToList();
        trees.Add(CSharpSyntaxTree.ParseText(Generated, parse, "obj/GenAI.Course.Generated.cs", Encoding.UTF8, cancel));
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable,
            allowUnsafe: false, deterministic: true, warningLevel: 0);
        var compilation = CSharpCompilation.Create("GenAI.Course", trees, References(autograder), options);
        return compilation.Emit(pe, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb, pdbFilePath: "GenAI.Course.pdb"), cancellationToken: cancel);
    }

    /// <summary>What the SDK generates for the template's project: global usings and the assembly's identity.</summary>
    static string Generated =>
        string.Concat(ImplicitUsings.Select(u => $"global using {u};\n")) + """
        [assembly: System.Reflection.AssemblyVersion("1.0.0.0")]
        [assembly: System.Reflection.AssemblyFileVersion("1.0.0.0")]
        [assembly: System.Reflection.AssemblyInformationalVersion("1.0.0")]
        [assembly: System.Reflection.AssemblyProduct("GenAI.Course")]
        [assembly: System.Reflection.AssemblyTitle("GenAI.Course")]
        [assembly: System.Runtime.Versioning.TargetFramework(".NETCoreApp,Version=v10.0", FrameworkDisplayName = ".NET 10.0")]
        """;

    static readonly Dictionary<string, IReadOnlyList<string>> Paths = new();
    static readonly Dictionary<string, IReadOnlyList<MetadataReference>> Cache = new();

    /// <summary>The files of the framework's reference assemblies and of the course's package assemblies (cached per autograder folder).</summary>
    static IReadOnlyList<string> ReferencePaths(string autograder)
    {
        lock (Paths)
        {
            if (Paths.TryGetValue(autograder, out var cached)) return cached;
            return Paths[autograder] = FrameworkAssemblies().Concat(CoursePackageAssemblies(autograder)).ToList();
        }
    }

    /// <summary>The framework's reference assemblies and the course's package assemblies (cached per autograder folder).</summary>
    static IReadOnlyList<MetadataReference> References(string autograder)
    {
        var paths = ReferencePaths(autograder);
        lock (Cache)
        {
            if (Cache.TryGetValue(autograder, out var cached)) return cached;
            return Cache[autograder] = paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
        }
    }

    /// <summary>
    /// Microsoft.NETCore.App's reference pack of the running runtime's version (what MSBuild compiles
    /// against), or, on a machine with a runtime but no SDK, the runtime's own assemblies.
    /// </summary>
    static IEnumerable<string> FrameworkAssemblies()
    {
        string runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var root = new DirectoryInfo(runtime.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Parent?.Parent;
        string packs = Path.Combine(root?.FullName ?? "", "packs", "Microsoft.NETCore.App.Ref");
        var version = Environment.Version;
        var pack = Directory.Exists(packs)
            ? Directory.GetDirectories(packs)
                .Select(d => (dir: d, v: Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : null))
                .Where(p => p.v is not null && p.v.Major == version.Major)
                .OrderByDescending(p => p.v).Select(p => Path.Combine(p.dir, "ref", $"net{version.Major}.0"))
                .FirstOrDefault(Directory.Exists)
            : null;
        return Directory.GetFiles(pack ?? runtime, "*.dll").Where(IsManaged);
    }

    /// <summary>The runtime assemblies of GenAI.Course's package dependencies (TorchSharp and what it needs), as the worker's deps.json lists them.</summary>
    static IEnumerable<string> CoursePackageAssemblies(string autograder)
    {
        string deps = Path.Combine(autograder, "GenAI.Worker.deps.json");
        if (!File.Exists(deps)) throw new FileNotFoundException($"the worker is missing from {autograder} (GenAI.Worker.deps.json): rebuild the autograder.");
        using var doc = JsonDocument.Parse(File.ReadAllText(deps));
        // A runtime-specific build (dotnet publish -r linux-x64) lists its libraries under the second target, the first being empty.
        var (libraries, course) = doc.RootElement.GetProperty("targets").EnumerateObject()
            .Select(t => (t.Value, t.Value.EnumerateObject().FirstOrDefault(l => l.Name.StartsWith("GenAI.Course/", StringComparison.Ordinal))))
            .FirstOrDefault(t => t.Item2.Value.ValueKind == JsonValueKind.Object);
        if (libraries.ValueKind != JsonValueKind.Object)
            throw new FileNotFoundException($"{deps} does not list GenAI.Course: rebuild the autograder.");
        var pending = new Queue<string>(Dependencies(course.Value));
        var seen = new HashSet<string>();
        while (pending.TryDequeue(out var name))
        {
            if (!seen.Add(name)) continue;
            var library = libraries.EnumerateObject().FirstOrDefault(l => l.Name == name);
            if (library.Value.ValueKind != JsonValueKind.Object) continue;
            foreach (var next in Dependencies(library.Value)) pending.Enqueue(next);
            if (library.Value.TryGetProperty("runtime", out var runtime))
                foreach (var file in runtime.EnumerateObject())
                {
                    string path = Path.Combine(autograder, Path.GetFileName(file.Name));
                    if (File.Exists(path)) yield return path;
                }
        }
    }

    static IEnumerable<string> Dependencies(JsonElement library) =>
        library.TryGetProperty("dependencies", out var d) ? d.EnumerateObject().Select(p => $"{p.Name}/{p.Value.GetString()}") : Enumerable.Empty<string>();

    /// <summary>True for a file with .NET metadata (the runtime folder also holds native libraries on some systems).</summary>
    static bool IsManaged(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
            return pe.HasMetadata;
        }
        catch (BadImageFormatException) { return false; }
    }
}
