using System.Text;
using System.Text.RegularExpressions;

namespace GenAI.Autograder.Generate;

/// <summary>
/// Makes <c>student-template/</c> from <c>reference/</c> by solution markers (the nbgrader / Otter
/// practice). In a .cs file,
/// <code>
/// // SOLUTION BEGIN: what the student must do
/// ...solution...
/// // SOLUTION END
/// </code>
/// becomes <c>throw new NotImplementedException("what the student must do");</c> and a
/// <c>// SOLUTION BEGIN (declarations)</c> block becomes a comment inviting the student's own
/// declarations. Everything else is copied as it is.
/// </summary>
public static class TemplateGenerator
{
    static readonly Regex Begin = new(@"^(?<indent>\s*)// SOLUTION BEGIN: (?<message>.+?)\s*$");
    static readonly Regex BeginDeclarations = new(@"^(?<indent>\s*)// SOLUTION BEGIN \(declarations\)\s*$");
    static readonly Regex End = new(@"^\s*// SOLUTION END\s*$");
    static readonly Regex AnyMarker = new(@"//\s*SOLUTION\b");
    static readonly string[] Skipped = { "bin", "obj", "StrykerOutput", "TestResults" };

    /// <summary>Only C# sources and project files are generated; build outputs and tool reports are not.</summary>
    static bool IsSource(string relative) =>
        !relative.Split('/').Any(Skipped.Contains) && (relative.EndsWith(".cs", StringComparison.Ordinal) || relative.EndsWith(".csproj", StringComparison.Ordinal));

    /// <summary>First line of every generated C# file.</summary>
    public const string Header = "// Generated from reference/ by `dotnet run --project autograder -- generate`: edit the reference, not this file.";

    /// <summary>The template's files (path relative to the folder, content) generated from <paramref name="referenceFolder"/>.</summary>
    /// <exception cref="InvalidDataException">Markers are unbalanced or malformed; the message names the file and line.</exception>
    public static SortedDictionary<string, string> Generate(string referenceFolder)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(referenceFolder, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(referenceFolder, path).Replace('\\', '/');
            if (!IsSource(relative)) continue;
            string text = File.ReadAllText(path);
            files[relative] = relative.EndsWith(".cs", StringComparison.Ordinal) ? Transform(text, relative)
                            : TransformProject(text);
        }
        return files;
    }

    /// <summary>Replaces solution blocks in one C# file.</summary>
    public static string Transform(string source, string name)
    {
        var output = new StringBuilder(Header).Append('\n');
        bool inside = false;
        int lineNumber = 0, begunAt = 0;
        foreach (var line in source.Replace("\r\n", "\n").Split('\n'))
        {
            lineNumber++;
            Match begin = Begin.Match(line), declarations = BeginDeclarations.Match(line);
            if (begin.Success || declarations.Success)
            {
                if (inside) throw new InvalidDataException($"{name}:{lineNumber}: SOLUTION BEGIN inside the block begun at line {begunAt}.");
                inside = true;
                begunAt = lineNumber;
                if (begin.Success)
                {
                    string message = begin.Groups["message"].Value.Replace("\\", "\\\\").Replace("\"", "\\\"");
                    output.Append(begin.Groups["indent"].Value).Append("throw new NotImplementedException(\"").Append(message).Append("\");\n");
                }
                else output.Append(declarations.Groups["indent"].Value).Append("// Declare the fields you need here.\n");
                continue;
            }
            if (End.IsMatch(line))
            {
                if (!inside) throw new InvalidDataException($"{name}:{lineNumber}: SOLUTION END without SOLUTION BEGIN.");
                inside = false;
                continue;
            }
            if (AnyMarker.IsMatch(line))
                throw new InvalidDataException($"{name}:{lineNumber}: malformed solution marker '{line.Trim()}' (use '// SOLUTION BEGIN: message', '// SOLUTION BEGIN (declarations)' or '// SOLUTION END').");
            if (!inside) output.Append(line).Append('\n');
        }
        if (inside) throw new InvalidDataException($"{name}:{begunAt}: SOLUTION BEGIN is never closed.");
        return output.ToString().TrimEnd('\n') + "\n";
    }

    static string TransformProject(string project) =>
        Regex.Replace(project, @"<!--.*?-->", "<!-- Student template, generated from reference/ by the autograder's generate command: do not edit by hand. -->", RegexOptions.Singleline);

    /// <summary>
    /// Writes the template into <paramref name="templateFolder"/> (removing generated files that no
    /// longer exist in the reference) or, with <paramref name="check"/>, only lists the differences.
    /// Returns the paths that differ.
    /// </summary>
    public static IReadOnlyList<string> Sync(string referenceFolder, string templateFolder, bool check)
    {
        var wanted = Generate(referenceFolder);
        var existing = Directory.Exists(templateFolder)
            ? Directory.EnumerateFiles(templateFolder, "*", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(templateFolder, p).Replace('\\', '/'))
                .Where(IsSource).ToHashSet()
            : new HashSet<string>();
        var differing = new List<string>();
        foreach (var (relative, content) in wanted)
        {
            string path = Path.Combine(templateFolder, relative);
            if (existing.Contains(relative) && File.ReadAllText(path) == content) continue;
            differing.Add(relative);
            if (check) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
        }
        foreach (var stale in existing.Where(e => !wanted.ContainsKey(e)).OrderBy(e => e, StringComparer.Ordinal))
        {
            differing.Add(stale);
            if (!check) File.Delete(Path.Combine(templateFolder, stale));
        }
        return differing;
    }
}
