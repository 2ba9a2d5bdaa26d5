using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace GenAI.Autograder.Grading;

/// <summary>
/// Whose submission a report is about (student id, SHA-256 of the sources, grading time, autograder version: results.json's
/// extra_data and the report's header).
/// </summary>
public static class SubmissionIdentity
{
    /// <summary>The autograder's informational version (the SDK appends the source commit when it knows it).</summary>
    public static string Version => typeof(SubmissionIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>extra_data for <paramref name="student"/>'s <paramref name="sources"/> (path relative to the template's root, text as graded) graded at <paramref name="time"/>.</summary>
    public static Dictionary<string, string> Of(string student, IEnumerable<(string Path, string Text)> sources, DateTimeOffset time) => new()
    {
        ["student"] = student,
        ["submission_sha256"] = Hash(sources),
        ["graded_at"] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["autograder_version"] = Version,
    };

    /// <summary>SHA-256 over each source's relative path (with '/'), a zero byte and its UTF-8 text, in ordinal path order.</summary>
    public static string Hash(IEnumerable<(string Path, string Text)> sources)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, text) in sources.OrderBy(f => f.Path.Replace('\\', '/'), StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(path.Replace('\\', '/') + "\0"));
            sha.AppendData(Encoding.UTF8.GetBytes(text));
        }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }
}
