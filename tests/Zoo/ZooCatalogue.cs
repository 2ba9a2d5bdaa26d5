using System.Text.Json;

namespace GenAI.Grader.Tests.Zoo;

/// <summary>
/// The fairness and bug zoos (<c>tests/Zoo/zoo.json</c>): implementations translated from public
/// student and research code, each an exact edit of <c>reference/</c> confined to one assignment.
/// Entries that can share a submission are packed into groups, so one grading serves several cases:
/// correct entries whenever their edits still apply one after another, bugs only when no item one of
/// them may lose is touched by another (so every lost item has one cause).
/// </summary>
public static class ZooCatalogue
{
    /// <summary>One zoo case.</summary>
    /// <param name="Name">A short id.</param>
    /// <param name="Source">Where the translated code comes from (repository and path, or a description).</param>
    /// <param name="Assignment">The manifest it is graded on.</param>
    /// <param name="Loses">Bugs: items (NUMBER) that must lose points; empty for correct entries.</param>
    /// <param name="MayLose">Bugs: items that may also lose points (a composite item calling the buggy helper).</param>
    /// <param name="Edits">Exact text edits of reference/ (file, find, replace), each find matching once.</param>
    public sealed record Entry(string Name, string Source, string Assignment, IReadOnlyList<string> Loses, IReadOnlyList<string> MayLose, IReadOnlyList<(string file, string find, string replace)> Edits);

    /// <summary>Entries graded together: all from one assignment.</summary>
    public sealed record Group(string Assignment, IReadOnlyList<Entry> Entries)
    {
        /// <summary>A test name: kind, assignment and the entries' names.</summary>
        public string Describe(string kind) => $"{kind}_{Assignment}_{string.Join("+", Entries.Select(e => e.Name))}";
    }

    static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Paths.Repo, "tests", "Zoo", "zoo.json"))).RootElement);

    /// <summary>The correct implementations.</summary>
    public static IReadOnlyList<Entry> Correct => Read("correct");

    /// <summary>The realistic mistakes.</summary>
    public static IReadOnlyList<Entry> Bugs => Read("bugs");

    static IReadOnlyList<Entry> Read(string kind) => Root.Value.GetProperty(kind).EnumerateArray().Select(e => new Entry(
        e.GetProperty("name").GetString()!,
        e.GetProperty("source").GetString()!,
        e.GetProperty("assignment").GetString()!,
        e.TryGetProperty("loses", out var l) ? l.EnumerateArray().Select(x => x.GetString()!).ToList() : [],
        e.TryGetProperty("mayLose", out var m) ? m.EnumerateArray().Select(x => x.GetString()!).ToList() : [],
        e.GetProperty("edits").EnumerateArray().Select(x => (x.GetProperty("file").GetString()!, x.GetProperty("find").GetString()!, x.GetProperty("replace").GetString()!)).ToList())).ToList();

    /// <summary>
    /// Packs <paramref name="entries"/> greedily, in catalogue order, into groups of one assignment whose
    /// edits apply one after another (each find still matching exactly once) and, when
    /// <paramref name="disjointItems"/>, whose entries name no common item in Loses or MayLose.
    /// </summary>
    public static IReadOnlyList<Group> Pack(IReadOnlyList<Entry> entries, bool disjointItems)
    {
        var groups = new List<(string assignment, List<Entry> entries, Dictionary<string, string> texts, HashSet<string> items)>();
        foreach (var entry in entries)
        {
            var items = entry.Loses.Concat(entry.MayLose).ToHashSet();
            bool placed = false;
            foreach (var g in groups.Where(g => g.assignment == entry.Assignment))
            {
                if (disjointItems && g.items.Overlaps(items)) continue;
                if (TryApply(g.texts, entry.Edits) is not { } applied) continue;
                foreach (var (file, text) in applied) g.texts[file] = text;
                g.entries.Add(entry);
                g.items.UnionWith(items);
                placed = true;
                break;
            }
            if (placed) continue;
            var fresh = new Dictionary<string, string>();
            var first = TryApply(fresh, entry.Edits) ?? throw new InvalidDataException($"zoo entry '{entry.Name}': an edit's find text does not occur exactly once in reference/");
            foreach (var (file, text) in first) fresh[file] = text;
            groups.Add((entry.Assignment, [entry], fresh, items));
        }
        return groups.Select(g => new Group(g.assignment, g.entries)).ToList();
    }

    /// <summary>The files <paramref name="edits"/> change, applied over <paramref name="texts"/> (reference/ where absent); null when a find does not match exactly once.</summary>
    static Dictionary<string, string>? TryApply(IReadOnlyDictionary<string, string> texts, IEnumerable<(string file, string find, string replace)> edits)
    {
        var changed = new Dictionary<string, string>();
        foreach (var (file, find, replace) in edits)
        {
            string text = changed.TryGetValue(file, out var c) ? c : texts.TryGetValue(file, out var t) ? t : File.ReadAllText(Path.Combine(Paths.Repo, "reference", file));
            int first = text.IndexOf(find, StringComparison.Ordinal);
            if (first < 0 || text.IndexOf(find, first + 1, StringComparison.Ordinal) >= 0) return null;
            changed[file] = text.Replace(find, replace);
        }
        return changed;
    }
}
