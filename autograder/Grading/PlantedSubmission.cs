using System.Text.Json;

namespace GenAI.Autograder.Grading;

/// <summary>
/// Submissions made from <c>reference/</c> by exact text edits: the planted bugs and correct variants of
/// <c>fixtures/submissions/planted.json</c>, which the audit grades and the tests grade end to end.
/// </summary>
public static class PlantedSubmission
{
    /// <summary>
    /// One catalogue entry: a bug (it must lose points in every item of Loses and nowhere else: a mistake costs points once) or a
    /// correct variant.
    /// </summary>
    /// <param name="Name">Its id.</param>
    /// <param name="IsBug">False for a correct variant (full marks everywhere).</param>
    /// <param name="Loses">Item ids ("assignment/number") that must lose points.</param>
    /// <param name="MayLose">Item ids whose checks also meet the mistake (a composite item calling the buggy helper): they are not
    /// charged for it (<see cref="Scorer"/>), and packing keeps other bugs off them, whose mistakes their failures would hide.</param>
    /// <param name="Assignment">The assignment it concerns, when it concerns one.</param>
    /// <param name="Edits">Exact edits of reference/ files.</param>
    /// <param name="Alone">Graded in a grading of its own: its edits apply beside others' but do not work with every one
    /// (an initialisation loop naming layers another entry replaces, an input embedding another entry's sampler does not feed).</param>
    public sealed record Entry(string Name, bool IsBug, IReadOnlyList<string> Loses, IReadOnlyList<string> MayLose, string? Assignment, IReadOnlyList<(string file, string find, string replace)> Edits, bool Alone = false)
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

    /// <summary>Entries graded as one submission: all bugs or all variants, of one assignment (or all assignments when null).</summary>
    /// <param name="Assignment">The assignment graded, or null for every assignment.</param>
    /// <param name="Entries">The entries whose edits the submission carries.</param>
    public sealed record Group(string? Assignment, IReadOnlyList<Entry> Entries)
    {
        /// <summary>All the entries' edits, in order.</summary>
        public IEnumerable<(string file, string find, string replace)> Edits => Entries.SelectMany(e => e.Edits);

        /// <summary>A name for tests and reports: the assignment and the entries' names.</summary>
        public string Describe() => $"{Assignment ?? "all"}: {string.Join(" + ", Entries.Select(e => e.Name))}";
    }

    /// <summary>
    /// Packs <paramref name="entries"/> greedily, in order, into groups that one grading can judge: entries of the same
    /// kind (bug or variant) and assignment whose edits still apply one after another (each find matching exactly once in
    /// <paramref name="reference"/> with the group's earlier edits applied), and, for bugs, whose Loses and MayLose items are
    /// disjoint and, with <paramref name="manifests"/>, not linked by <c>uses</c> either way (an item is not charged for a
    /// used item's mistake, so a bug in one would hide a bug in the other), so that every lost item has one possible cause.
    /// </summary>
    /// <exception cref="InvalidDataException">An entry's edit does not apply to the reference on its own.</exception>
    public static IReadOnlyList<Group> Pack(IReadOnlyList<Entry> entries, string reference, IReadOnlyList<Manifest>? manifests = null)
    {
        var links = (manifests ?? []).SelectMany(m => m.Items.SelectMany(i => (i.Uses ?? []).Select(u => ($"{m.Name}/{i.Number}", $"{m.Name}/{u}")))).ToList();
        var groups = new List<(string? assignment, bool bug, bool alone, List<Entry> entries, Dictionary<string, string> texts, HashSet<string> items)>();
        foreach (var entry in entries)
        {
            var items = entry.Loses.Concat(entry.MayLose).ToHashSet();
            var linked = items.Concat(links.Where(l => items.Contains(l.Item1)).Select(l => l.Item2)).Concat(links.Where(l => items.Contains(l.Item2)).Select(l => l.Item1)).ToHashSet();
            var group = entry.Alone ? default : groups.FirstOrDefault(g => !g.alone && g.assignment == entry.GradedAssignment && g.bug == entry.IsBug && !(g.bug && g.items.Overlaps(linked))
                && Apply(reference, g.texts, entry.Edits) is not null);
            if (group.entries is null)
            {
                group = (entry.GradedAssignment, entry.IsBug, entry.Alone, [], new Dictionary<string, string>(), []);
                groups.Add(group);
            }
            var applied = Apply(reference, group.texts, entry.Edits) ?? throw new InvalidDataException($"planted entry '{entry.Name}': an edit's find text does not occur exactly once in reference/");
            foreach (var (file, text) in applied) group.texts[file] = text;
            group.entries.Add(entry);
            group.items.UnionWith(items);
        }
        return groups.Select(g => new Group(g.assignment, g.entries)).ToList();
    }

    /// <summary>The files <paramref name="edits"/> change, applied over <paramref name="texts"/> (the reference's where absent); null when a find does not match exactly once.</summary>
    static Dictionary<string, string>? Apply(string reference, IReadOnlyDictionary<string, string> texts, IEnumerable<(string file, string find, string replace)> edits)
    {
        var changed = new Dictionary<string, string>();
        foreach (var (file, find, replace) in edits)
        {
            string path = Path.Combine(reference, file);
            string text = changed.TryGetValue(file, out var c) ? c : texts.TryGetValue(file, out var t) ? t : File.Exists(path) ? File.ReadAllText(path) : "";
            int first = text.IndexOf(find, StringComparison.Ordinal);
            if (first < 0 || text.IndexOf(find, first + 1, StringComparison.Ordinal) >= 0) return null;
            changed[file] = text.Replace(find, replace);
        }
        return changed;
    }

    /// <summary>
    /// What disagrees with the expectations of <paramref name="group"/>'s entries in <paramref name="graded"/> (results per
    /// assignment): an item of an entry's Loses that kept full marks, or an item that lost points outside every entry's Loses
    /// (a mistake charged twice; a variant may lose nowhere). Empty when the grading agrees.
    /// </summary>
    public static IReadOnlyList<string> Disagreements(Group group, IEnumerable<(string assignment, GradescopeResults results)> graded)
    {
        var found = new List<string>();
        string names = string.Join(", ", group.Entries.Select(e => e.Name));
        foreach (var (assignment, results) in graded)
        {
            if (results.Output.Contains("does not compile", StringComparison.Ordinal)) { found.Add($"{names}: does not compile on {assignment}"); continue; }
            foreach (var test in results.Tests)
            {
                string id = $"{assignment}/{test.Number}";
                bool lost = test.Score < test.MaxScore;
                var owners = group.Entries.Where(e => e.IsBug && e.Loses.Contains(id)).ToList();
                if (owners.Count > 0 && !lost) found.Add($"{owners[0].Name}: kept full marks in {id}, where it must lose points");
                else if (lost && !group.Entries.Any(e => e.IsBug && e.Loses.Contains(id)))
                    found.Add($"{names}: lost {test.MaxScore - test.Score:0.##} points in {id}: {Scorer.FirstFailure(test.Output)}");
            }
        }
        return found;
    }
}
