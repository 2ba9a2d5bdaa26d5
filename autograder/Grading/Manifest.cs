using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenAI.Autograder.Grading;

/// <summary>One graded item of an assignment: the checks it is made of and what they are worth.</summary>
/// <param name="Number">Gradescope's question number, e.g. "2.1".</param>
/// <param name="Name">What students see as the test name.</param>
/// <param name="Tests">Check classes (or single checks) under <c>GenAI.Autograder.Checks</c>, e.g. "Vae.ElboChecks".</param>
/// <param name="Points">Maximum score; earned in proportion to the checks that pass.</param>
/// <param name="Visibility">Gradescope visibility: visible, hidden, after_due_date or after_published.</param>
/// <param name="Uses">Numbers of the items whose functions this item's checks also call (a composite item such as an ELBO or a
/// training tier): when one of them lost points for a mistake, this item is not charged for failing with it (a mistake costs
/// points once, in its own item; see <see cref="Scorer"/>); they must not form a cycle.</param>
public sealed record ManifestItem(string Number, string Name, string[] Tests, double Points, string Visibility = "visible", string[]? Uses = null);

/// <summary>An assignment as data: which checks, for how many points, seen by whom. Edited by TAs, never compiled.</summary>
/// <param name="Name">Short name, the file name without .json.</param>
/// <param name="Title">Human title.</param>
/// <param name="Items">The graded items in order.</param>
public sealed record Manifest(string Name, string Title, ManifestItem[] Items)
{
    /// <summary>Gradescope's visibility values.</summary>
    public static readonly string[] Visibilities = { "visible", "hidden", "after_due_date", "after_published" };

    static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Maximum total score.</summary>
    [JsonIgnore]
    public double MaxScore => Items.Sum(i => i.Points);

    /// <summary>The topics its checks come from (the first part of each test name, e.g. "Vae"): folders of reference/ and autograder/Checks/.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Topics => Items.SelectMany(i => i.Tests).Select(t => t.Split('.')[0]).Distinct().ToList();

    /// <summary>Reads and validates a manifest file.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid manifest; the message names the file and the problem.</exception>
    public static Manifest Load(string path)
    {
        Manifest? manifest;
        try { manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), Options); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid manifest JSON: {e.Message}"); }
        if (manifest is null || string.IsNullOrWhiteSpace(manifest.Name) || manifest.Items is null || manifest.Items.Length == 0)
            throw new InvalidDataException($"{path}: a manifest needs a name and at least one item.");
        var numbers = new HashSet<string>();
        foreach (var item in manifest.Items)
        {
            string where = $"{path}: item '{item.Number} {item.Name}'";
            if (string.IsNullOrWhiteSpace(item.Number) || !numbers.Add(item.Number)) throw new InvalidDataException($"{where}: numbers must be present and unique.");
            if (item.Tests is null || item.Tests.Length == 0) throw new InvalidDataException($"{where}: lists no tests.");
            if (!(item.Points >= 0) || double.IsInfinity(item.Points)) throw new InvalidDataException($"{where}: points must be a non-negative number.");
            if (!Visibilities.Contains(item.Visibility)) throw new InvalidDataException($"{where}: visibility '{item.Visibility}' is not one of {string.Join(", ", Visibilities)}.");
        }
        foreach (var item in manifest.Items)
            foreach (var used in item.Uses ?? [])
                if (used == item.Number || !numbers.Contains(used)) throw new InvalidDataException($"{path}: item '{item.Number} {item.Name}' uses '{used}', which is not another item of this manifest.");
        // A helper's mistake is charged in the helper's item, not in the items that use it (Scorer), so uses must not loop back.
        var uses = manifest.Items.ToDictionary(i => i.Number, i => i.Uses ?? []);
        bool Reaches(string from, string target, HashSet<string> seen) =>
            uses[from].Any(u => u == target || (seen.Add(u) && Reaches(u, target, seen)));
        foreach (var item in manifest.Items)
            if (Reaches(item.Number, item.Number, new HashSet<string>()))
                throw new InvalidDataException($"{path}: item '{item.Number} {item.Name}' uses itself through other items; 'uses' must not form a cycle.");
        return manifest;
    }

    /// <summary>The manifests of every assignment folder (NAME/manifest.json) under <paramref name="folder"/>, by folder name.</summary>
    public static IReadOnlyList<Manifest> LoadAll(string folder) =>
        Directory.GetDirectories(folder).Select(d => Path.Combine(d, FileName)).Where(File.Exists).OrderBy(f => f, StringComparer.Ordinal).Select(Load).ToList();

    /// <summary>The manifest's file name in its assignment's folder (Assignments/NAME/manifest.json).</summary>
    public const string FileName = "manifest.json";

    /// <summary>True when check <paramref name="test"/> (relative to GenAI.Autograder.Checks) belongs to <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string test) =>
        test == pattern || (test.StartsWith(pattern, StringComparison.Ordinal) && test.Length > pattern.Length && (test[pattern.Length] == '.' || test[pattern.Length] == '('));
}
