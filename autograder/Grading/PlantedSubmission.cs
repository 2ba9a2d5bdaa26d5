using System.Text.Json;

namespace GenAI.Autograder.Grading;

/// <summary>
/// Submissions made from <c>reference/</c> by exact text edits: the planted bugs and correct variants of
/// <c>fixtures/submissions/planted.json</c>, which the audit grades and the tests grade end to end.
/// </summary>
public static class PlantedSubmission
{
    /// <summary>One catalogue entry: a bug (it must lose points in every item of Loses and nowhere outside Loses and MayLose) or a correct variant.</summary>
    /// <param name="Name">Its id.</param>
    /// <param name="IsBug">False for a correct variant (full marks everywhere).</param>
    /// <param name="Loses">Item ids ("assignment/number") that must lose points.</param>
    /// <param name="MayLose">Item ids that may lose points too.</param>
    /// <param name="Assignment">The assignment it concerns, when it concerns one.</param>
    /// <param name="Edits">Exact edits of reference/ files.</param>
    public sealed record Entry(string Name, bool IsBug, IReadOnlyList<string> Loses, IReadOnlyList<string> MayLose, string? Assignment, IReadOnlyList<(string file, string find, string replace)> Edits)
    {
        /// <summary>The assignments it is graded on: its own, the one its item ids name, or null for every assignment.</summary>
        public string? GradedAssignment => Assignment ?? (Loses.Concat(MayLose).Select(id => id.Split('/')[0]).Distinct().ToList() is [var single] ? single : null);
    }

    /// <summary>The entries of a planted catalogue file (bugs first, then variants).</summary>
    /// <exception cref="InvalidDataException">The file is not a valid catalogue.</exception>
    public static IReadOnlyList<Entry> Load(string path)
    {
        try
        {
            var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
            static IReadOnlyList<string> Ids(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
            IEnumerable<Entry> Read(string kind, bool bug) => root.GetProperty(kind).EnumerateArray().Select(e => new Entry(
                e.GetProperty("name").GetString()!, bug, Ids(e, "loses"), Ids(e, "mayLose"),
                e.TryGetProperty("assignment", out var a) ? a.GetString() : null,
                e.GetProperty("edits").EnumerateArray().Select(x => (x.GetProperty("file").GetString()!, x.GetProperty("find").GetString()!, x.GetProperty("replace").GetString()!)).ToList()));
            return Read("bugs", true).Concat(Read("variants", false)).ToList();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: not a valid planted catalogue: {e.Message}");
        }
    }

    /// <summary>
    /// Copies the C# sources of <paramref name="reference"/> into <paramref name="folder"/> and applies
    /// <paramref name="edits"/> (each find must occur exactly once); returns the folder.
    /// </summary>
    /// <exception cref="InvalidDataException">An edit's find text does not occur exactly once.</exception>
    public static string Create(string reference, IEnumerable<(string file, string find, string replace)> edits, string folder)
    {
        foreach (var source in Directory.EnumerateFiles(reference, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(reference, source);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, relative))!);
            File.Copy(source, Path.Combine(folder, relative), overwrite: true);
        }
        foreach (var (file, find, replace) in edits)
        {
            string path = Path.Combine(folder, file);
            string text = File.Exists(path) ? File.ReadAllText(path) : throw new InvalidDataException($"planted edit: reference/{file} does not exist");
            int first = text.IndexOf(find, StringComparison.Ordinal);
            if (first < 0 || text.IndexOf(find, first + 1, StringComparison.Ordinal) >= 0)
                throw new InvalidDataException($"planted edit: '{find}' must occur exactly once in reference/{file}");
            File.WriteAllText(path, text.Replace(find, replace));
        }
        return folder;
    }

    /// <summary>
    /// What disagrees with <paramref name="entry"/>'s expectations in <paramref name="graded"/> (results per
    /// assignment): a bug that keeps full marks in an item of Loses, or loses points outside Loses and MayLose; a
    /// variant that loses points anywhere. Empty when the grading agrees.
    /// </summary>
    public static IReadOnlyList<string> Disagreements(Entry entry, IEnumerable<(string assignment, GradescopeResults results)> graded)
    {
        var found = new List<string>();
        foreach (var (assignment, results) in graded)
        {
            if (results.Output.Contains("does not compile", StringComparison.Ordinal)) { found.Add($"{entry.Name}: does not compile on {assignment}"); continue; }
            foreach (var test in results.Tests)
            {
                string id = $"{assignment}/{test.Number}";
                bool lost = test.Score < test.MaxScore;
                if (entry.IsBug && entry.Loses.Contains(id) && !lost) found.Add($"{entry.Name}: kept full marks in {id}, where it must lose points");
                else if (lost && !(entry.IsBug && (entry.Loses.Contains(id) || entry.MayLose.Contains(id))))
                    found.Add($"{entry.Name}: lost {test.MaxScore - test.Score:0.##} points in {id}: {FirstFailure(test.Output)}");
            }
        }
        return found;
    }

    /// <summary>The first failure line of an item's output, shortened.</summary>
    public static string FirstFailure(string output)
    {
        string line = output.Split('\n').SkipWhile(l => !l.StartsWith("FAIL", StringComparison.Ordinal)).Skip(1).FirstOrDefault()?.Trim() ?? output.Split('\n')[0];
        return line.Length > 200 ? line[..197] + "..." : line;
    }
}
