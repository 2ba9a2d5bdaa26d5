using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace GenAI.Autograder.Grading;

/// <summary>
/// Whose submission a report is about (student id, SHA-256 of the sources, grading time, autograder version: results.json's
/// extra_data and the report's header), and compiler errors shown with the source line they point at.
/// </summary>
public static partial class SubmissionIdentity
{
    /// <summary>The autograder's informational version (the SDK appends the source commit when it knows it).</summary>
    public static string Version => typeof(SubmissionIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>extra_data for <paramref name="student"/>'s <paramref name="sources"/> (paths relative to <paramref name="submission"/>) graded at <paramref name="time"/>.</summary>
    public static Dictionary<string, string> Of(string student, string submission, IReadOnlyList<string> sources, DateTimeOffset time) => new()
    {
        ["student"] = student,
        ["submission_sha256"] = Hash(submission, sources),
        ["graded_at"] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["autograder_version"] = Version,
    };

    /// <summary>SHA-256 over each source's relative path (with '/'), a zero byte and its bytes, in ordinal path order.</summary>
    public static string Hash(string submission, IReadOnlyList<string> sources)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in sources.OrderBy(f => f.Replace('\\', '/'), StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(file.Replace('\\', '/') + "\0"));
            sha.AppendData(File.ReadAllBytes(Path.Combine(submission, file)));
        }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>
    /// <paramref name="errors"/> with each "FILE(LINE,COLUMN): error ..." line followed by that line of FILE (read from
    /// <paramref name="submission"/>, never outside it) and a caret under the column.
    /// </summary>
    public static string WithSourceLines(string errors, string submission)
    {
        string root = Path.GetFullPath(submission) + Path.DirectorySeparatorChar;
        var text = new StringBuilder();
        foreach (var line in errors.Split('\n'))
        {
            text.Append(line).Append('\n');
            var m = Location().Match(line);
            if (!m.Success) continue;
            string file = Path.GetFullPath(Path.Combine(root, m.Groups["file"].Value));
            if (!file.StartsWith(root, StringComparison.Ordinal) || !File.Exists(file)) continue;
            int number = int.Parse(m.Groups["line"].Value), column = int.Parse(m.Groups["column"].Value);
            string? source = File.ReadLines(file).Skip(number - 1).FirstOrDefault();
            if (source is null) continue;
            string prefix = $"    {number} | ";
            text.Append(prefix).Append(source.Replace('\t', ' ')).Append('\n')
                .Append(new string(' ', prefix.Length - 2)).Append("| ").Append(new string(' ', Math.Max(0, column - 1))).Append("^\n");
        }
        return text.ToString().TrimEnd('\n');
    }

    [GeneratedRegex(@"^(?<file>[^(\n]+\.cs)\((?<line>\d+),(?<column>\d+)\): error ")]
    private static partial Regex Location();
}
