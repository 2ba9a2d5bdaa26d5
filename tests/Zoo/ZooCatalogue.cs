using System.Text.Json;
using GenAI.Autograder.Grading;

namespace GenAI.Grader.Tests.Zoo;

/// <summary>
/// The fairness and bug zoos (<c>tests/Zoo/zoo.json</c>): implementations translated from public
/// student and research code, each an exact edit of <c>reference/</c> confined to one assignment,
/// graded like the planted catalogue: packed into shared gradings where their items are independent.
/// </summary>
public static class ZooCatalogue
{
    /// <summary>One zoo case.</summary>
    /// <param name="Name">A short id.</param>
    /// <param name="Source">Where the translated code comes from (repository and path, or a description).</param>
    /// <param name="Assignment">The manifest it is graded on.</param>
    /// <param name="Loses">Bugs: items (NUMBER) that must lose points; empty for correct entries.</param>
    /// <param name="MayLose">Bugs: items whose checks also meet the mistake (a composite item calling the buggy helper), not charged for it.</param>
    /// <param name="Edits">Exact text edits of reference/ (file, find, replace), each find matching once.</param>
    /// <param name="Alone">Graded apart from the other entries (<see cref="PlantedSubmission.Entry"/>'s Alone).</param>
    public sealed record Entry(string Name, string Source, string Assignment, IReadOnlyList<string> Loses, IReadOnlyList<string> MayLose, IReadOnlyList<(string file, string find, string replace)> Edits, bool Alone);

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
        e.GetProperty("edits").EnumerateArray().Select(x => (x.GetProperty("file").GetString()!, x.GetProperty("find").GetString()!, x.GetProperty("replace").GetString()!)).ToList(),
        e.TryGetProperty("alone", out var alone) && alone.GetBoolean())).ToList();

    /// <summary>The entry as a planted submission, its items named "assignment/number".</summary>
    public static PlantedSubmission.Entry ToPlanted(Entry e, bool bug) => new(e.Name, bug,
        e.Loses.Select(n => $"{e.Assignment}/{n}").ToList(), e.MayLose.Select(n => $"{e.Assignment}/{n}").ToList(), e.Assignment, e.Edits, e.Alone);

    /// <summary>The entries of <paramref name="bugs"/> or the correct list packed into shared gradings (<see cref="PlantedSubmission.Pack"/>).</summary>
    public static IReadOnlyList<PlantedSubmission.Group> Groups(bool bugs) =>
        PlantedSubmission.Pack((bugs ? Bugs : Correct).Select(e => ToPlanted(e, bugs)).ToList(), Path.Combine(Paths.Repo, "reference"),
            Manifest.LoadAll(Path.Combine(Paths.Repo, "autograder", "Assignments")));
}
