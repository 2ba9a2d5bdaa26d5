using System.IO.Compression;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GenAI.Autograder.Grading;

/// <summary>One C# source to build: its path relative to the template's root, its text (no BOM, \n line endings) and where it came from.</summary>
/// <param name="Path">Path relative to the template's root, with '/' separators.</param>
/// <param name="Text">The source text.</param>
/// <param name="Origin">Where it was found ("student-template" for a file filled in from the template).</param>
public sealed record SourceFile(string Path, string Text, string Origin);

/// <summary>
/// Collects a submission's C# sources the way students hand them in: a folder or a .zip (zips inside a
/// folder too, any nesting, one top folder or none), the whole template or only the files they edited.
/// Each file is placed at the template path its own path ends with; template files the submission does
/// not provide (none of their types declared) are filled in from the template; of two files for one
/// template path, the one at the deeper matching path wins. BOMs are stripped and line endings made \n.
/// Types of the template declared in another namespace, and public members a template type loses, are
/// reported before any compiler message.
/// </summary>
public sealed class SubmissionSources
{
    static readonly string[] SkippedFolders = { "bin", "obj", ".git", ".vs", "__snapshots__", "__mismatch__", "__MACOSX" };
    const string TemplateOrigin = "student-template";

    /// <summary>The sources to build, ordered by path.</summary>
    public IReadOnlyList<SourceFile> Files { get; private init; } = Array.Empty<SourceFile>();
    /// <summary>What was done to the submission (files filled in, duplicates chosen), for results.json.</summary>
    public IReadOnlyList<string> Notes { get; private init; } = Array.Empty<string>();
    /// <summary>Types and public members of the template the submission declares elsewhere or not at all.</summary>
    public IReadOnlyList<string> ApiProblems { get; private init; } = Array.Empty<string>();
    /// <summary>Why nothing can be graded (no C# files), or null.</summary>
    public string? Empty { get; private init; }

    /// <summary>The problems and notes as the text shown above the checks (empty when there are none).</summary>
    public string Report(string? between = null) => string.Join("\n\n", new[]
    {
        ApiProblems.Count == 0 ? "" : "Your code does not declare what the assignment needs where it needs it (keep the template's namespaces and names):\n  " + string.Join("\n  ", ApiProblems),
        between ?? "",
        string.Join("\n", Notes),
    }.Where(t => t.Length > 0));

    /// <summary>
    /// Reads <paramref name="submission"/> (a folder or a .zip) against the template in <paramref name="template"/>;
    /// the note on files filled in names those under <paramref name="topics"/> (template folders) and counts the rest.
    /// </summary>
    /// <exception cref="SubmissionException">The submission does not exist or cannot be read.</exception>
    public static SubmissionSources Collect(string submission, string template, IReadOnlyCollection<string>? topics = null)
    {
        var found = new List<(string path, byte[] bytes)>();
        try
        {
            if (Directory.Exists(submission)) ReadFolder(submission, found);
            else if (File.Exists(submission)) ReadZip(File.ReadAllBytes(submission), Path.GetFileName(submission) + "/", found);
            else throw new SubmissionException($"The submission {submission} does not exist.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SubmissionException($"The submission {submission} cannot be read: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            throw new SubmissionException($"The submission {submission} is neither a folder nor a readable .zip file: {e.Message}");
        }

        // A bundle or a whole repository handed in: only the course project's folder is the submission.
        var projects = found.Where(f => f.path.EndsWith("/GenAI.Course.csproj", StringComparison.OrdinalIgnoreCase) || f.path == "GenAI.Course.csproj").ToList();
        string? projectFolder = projects.Count == 1 ? projects[0].path[..^"GenAI.Course.csproj".Length] : null;
        var sources = found.Where(f => f.path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) && (projectFolder is null || f.path.StartsWith(projectFolder, StringComparison.Ordinal)))
            .Select(f => (f.path, text: Decode(f.bytes))).ToList();
        if (sources.Count == 0)
            return new SubmissionSources { Empty = $"No C# source files (*.cs) were found in the submission ({Path.GetFileName(submission.TrimEnd('/', '\\'))})." };

        var templateFiles = Directory.EnumerateFiles(template, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(template, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(SkippedFolders.Contains))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToDictionary(f => f, f => Decode(File.ReadAllBytes(Path.Combine(template, f))));

        var notes = new List<string>();
        var files = new List<SourceFile>();
        var library = new Lazy<HashSet<string>>(() => LibraryTypes(template));   // read only when a file matches no template path
        var ignored = new List<string>();
        foreach (var group in sources.GroupBy(s => TemplatePath(s.path, templateFiles.Keys)))
        {
            if (group.Key is null)
            {
                foreach (var (path, text) in group)
                {
                    var types = Types(text).ToList();
                    if (types.Count > 0 && types.All(t => library.Value.Contains(t.FullName))) ignored.Add(path);
                    else files.Add(new SourceFile("Submitted/" + path, text, path));
                }
                continue;
            }
            var ranked = group.OrderByDescending(s => Matching(s.path, group.Key)).ThenBy(s => s.path.Count(c => c == '/')).ThenBy(s => s.path, StringComparer.Ordinal).ToList();
            files.Add(new SourceFile(group.Key, ranked[0].text, ranked[0].path));
            if (ranked.Count > 1)
                notes.Add($"{group.Key} was handed in {ranked.Count} times ({string.Join(", ", ranked.Select(r => r.path))}): graded {ranked[0].path}, the one whose folders match the template's, and ignored the others.");
        }

        if (ignored.Count > 0)
            notes.Add($"{string.Join(", ", ignored)} declare{(ignored.Count == 1 ? "s" : "")} only types of the course library (Formats/, Runtime/), which every submission shares as handed out: ignored.");
        var declared = files.SelectMany(f => Types(f.Text)).ToList();
        var filled = new List<string>();
        foreach (var (path, text) in templateFiles)
        {
            if (files.Any(f => f.Path == path)) continue;
            var types = Types(text).ToList();
            if (types.Count > 0 && types.Any(t => declared.Any(d => d.Name == t.Name))) continue;
            files.Add(new SourceFile(path, text, TemplateOrigin));
            filled.Add(path);
        }
        var named = filled.Where(f => topics is null || topics.Contains(f.Split('/')[0])).ToList();
        string folders = topics is null ? "" : string.Join(", ", topics.Order(StringComparer.Ordinal).Select(t => t + "/"));
        if (named.Count > 0)
            notes.Add($"Not in your submission, so taken from the template as handed out: {string.Join(", ", named)}"
                + (named.Count < filled.Count ? $" (and {filled.Count - named.Count} files outside {folders})." : "."));
        else if (filled.Count > 0)
            notes.Add($"Every file of {folders} came from your submission; {filled.Count} files outside them were taken from the template as handed out.");

        return new SubmissionSources
        {
            Files = files.OrderBy(f => f.Path, StringComparer.Ordinal).ToList(),
            Notes = notes,
            ApiProblems = Problems(templateFiles.Values, files.Where(f => f.Origin != TemplateOrigin).Select(f => f.Text)),
        };
    }

    /// <summary>
    /// The full names of the types of the course library (course-library/, handed out whole), found beside the template
    /// or above it (a student bundle keeps its template in build/student-template); empty when there is none.
    /// </summary>
    static HashSet<string> LibraryTypes(string template)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(template)); dir is not null; dir = dir.Parent)
        {
            string library = Path.Combine(dir.FullName, RepoLayout.LibraryFolder);
            if (Directory.Exists(library))
                return Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories)
                    .Where(f => !Path.GetRelativePath(library, f).Replace('\\', '/').Split('/').Any(SkippedFolders.Contains))
                    .SelectMany(f => Types(File.ReadAllText(f))).Select(t => t.FullName).ToHashSet(StringComparer.Ordinal);
        }
        return new HashSet<string>(StringComparer.Ordinal);
    }

    static void ReadFolder(string folder, List<(string, byte[])> found)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(folder, file).Replace('\\', '/');
            if (Skipped(relative)) continue;
            if (relative.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) ReadZip(File.ReadAllBytes(file), relative + "/", found);
            else if (relative.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) || relative.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase)) found.Add((relative, File.ReadAllBytes(file)));
        }
    }

    /// <summary>The .cs and .csproj entries of a zip, and those of zips inside it, prefixed with <paramref name="prefix"/>.</summary>
    static void ReadZip(byte[] zip, string prefix, List<(string, byte[])> found)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        foreach (var entry in archive.Entries)
        {
            string name = entry.FullName.Replace('\\', '/');
            if (name.EndsWith('/') || Skipped(name)) continue;
            bool zipped = name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);
            if (!zipped && !name.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) && !name.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase)) continue;
            using var stream = entry.Open();
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            if (zipped) ReadZip(bytes.ToArray(), prefix + name + "/", found);
            else found.Add((prefix + name, bytes.ToArray()));
        }
    }

    static bool Skipped(string relative)
    {
        var parts = relative.Split('/');
        return parts[..^1].Any(SkippedFolders.Contains) || parts[^1].StartsWith("._", StringComparison.Ordinal);
    }

    /// <summary>UTF-8 (or UTF-16 with a BOM) text without its BOM, with \n line endings.</summary>
    static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd().Replace("\r\n", "\n").Replace('\r', '\n');
    }

    /// <summary>The template path <paramref name="path"/> ends with (most trailing folders in common; the file name must match), or null when none or several fit equally.</summary>
    static string? TemplatePath(string path, IEnumerable<string> templatePaths)
    {
        var scored = templatePaths.Select(t => (t, score: Matching(path, t))).Where(s => s.score > 0).ToList();
        if (scored.Count == 0) return null;
        int best = scored.Max(s => s.score);
        var winners = scored.Where(s => s.score == best).ToList();
        return winners.Count == 1 ? winners[0].t : null;
    }

    /// <summary>How many trailing path segments <paramref name="path"/> shares with <paramref name="templatePath"/> (0 unless the file names agree).</summary>
    static int Matching(string path, string templatePath)
    {
        var a = path.Split('/');
        var b = templatePath.Split('/');
        int n = 0;
        while (n < a.Length && n < b.Length && string.Equals(a[^(n + 1)], b[^(n + 1)], StringComparison.OrdinalIgnoreCase)) n++;
        return n;
    }

    /// <summary>A declared top-level type: namespace, name, and its public member names.</summary>
    sealed record DeclaredType(string Namespace, string Name, IReadOnlyList<string> Members)
    {
        public string FullName => Namespace.Length == 0 ? Name : $"{Namespace}.{Name}";
    }

    static IEnumerable<DeclaredType> Types(string text) =>
        CSharpSyntaxTree.ParseText(text).GetCompilationUnitRoot()
            .DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax)
            .OfType<BaseTypeDeclarationSyntax>()
            .Select(t => new DeclaredType(
                string.Join(".", t.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Reverse().Select(n => n.Name.ToString())),
                t.Identifier.Text,
                t is TypeDeclarationSyntax type ? type.Members.Where(m => m.Modifiers.Any(k => k.IsKind(SyntaxKind.PublicKeyword))).Select(MemberName).OfType<string>().ToList() : Array.Empty<string>()));

    static string? MemberName(MemberDeclarationSyntax member) => member switch
    {
        MethodDeclarationSyntax m => m.Identifier.Text,
        PropertyDeclarationSyntax p => p.Identifier.Text,
        FieldDeclarationSyntax f => f.Declaration.Variables.FirstOrDefault()?.Identifier.Text,
        _ => null,
    };

    /// <summary>Template types the submitted files declare in another namespace, and public members they drop.</summary>
    static List<string> Problems(IEnumerable<string> templateTexts, IEnumerable<string> submittedTexts)
    {
        var submitted = submittedTexts.SelectMany(Types).ToList();
        var problems = new List<string>();
        foreach (var want in templateTexts.SelectMany(Types))
        {
            var same = submitted.Where(t => t.Name == want.Name).ToList();
            var exact = same.FirstOrDefault(t => t.Namespace == want.Namespace);
            if (exact is not null)
            {
                var members = same.Where(t => t.Namespace == want.Namespace).SelectMany(t => t.Members).ToHashSet();
                problems.AddRange(want.Members.Where(m => !members.Contains(m)).Distinct().Select(m => $"{want.FullName}.{m} not found (it must stay public, with this name)"));
            }
            else if (same.Count > 0)
                problems.Add($"{want.FullName} not found; found {string.Join(", ", same.Select(t => t.FullName).Distinct())}");
        }
        return problems.Distinct().ToList();
    }
}

/// <summary>A submission that cannot be read at all (missing, unreadable, not a zip): bad input, not a student's mistake.</summary>
public sealed class SubmissionException(string message) : Exception(message);
