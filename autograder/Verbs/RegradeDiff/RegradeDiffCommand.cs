using System.Globalization;
using System.Text;

using System.CommandLine;

namespace GenAI.Autograder.Verbs;

/// <summary><c>regrade-diff OLD_GRADEBOOK NEW_GRADEBOOK</c>: who gains or loses points where, between two gradebooks of one assignment.</summary>
public static class RegradeDiffCommand
{
    static readonly Argument<string> Old = GradebookFile("OLD_GRADEBOOK", "the gradebook.ASSIGNMENT.csv from before the regrade");
    static readonly Argument<string> New = GradebookFile("NEW_GRADEBOOK", "the gradebook.ASSIGNMENT.csv from after it");

    static Argument<string> GradebookFile(string name, string description) =>
        Cli.Validated(new Argument<string>(name) { Description = description },
            r => { if (!File.Exists(r.GetValueOrDefault<string>())) r.AddError($"{name} {r.GetValueOrDefault<string>()} does not exist"); });

    /// <summary>The <c>regrade-diff</c> verb; returns 0 when no score changed, 1 when some did, 2 on bad usage.</summary>
    public static Verb Create()
    {
        var verb = new Verb("regrade-diff", "compare two gradebooks: who gains or loses points where")
        {
            Synopsis = "regrade-diff OLD_GRADEBOOK NEW_GRADEBOOK",
            Notes = "Compares two gradebook.ASSIGNMENT.csv files (before and after a regrade): one line per student whose\ntotal changed, with the items that moved; students only in one file; a count of unchanged ones.\nExit code 0: no score changed; 1: some did; 2: bad usage.",
        };
        verb.Arguments.Add(Old);
        verb.Arguments.Add(New);
        verb.SetAction(r =>
        {
            string oldPath = r.GetValue(Old)!, newPath = r.GetValue(New)!;
            try
            {
                var (text, changed) = Compare(File.ReadAllText(oldPath), File.ReadAllText(newPath));
                Console.Write(text);
                return changed ? 1 : 0;
            }
            catch (InvalidDataException e) { Console.Error.WriteLine($"regrade-diff: {e.Message}"); return 2; }
        });
        return verb;
    }

    /// <summary>The report for two gradebooks' texts, and whether any student's score or item changed.</summary>
    public static (string text, bool changed) Compare(string oldCsv, string newCsv)
    {
        var (oldHeader, oldRows) = Parse(oldCsv);
        var (newHeader, newRows) = Parse(newCsv);
        var items = newHeader.Skip(4).ToList();
        var text = new StringBuilder();
        int unchanged = 0;
        bool changed = false;
        foreach (var (student, row) in newRows.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (!oldRows.TryGetValue(student, out var before)) { text.Append($"+ {student}: new, {Score(row, 1)} points\n"); changed = true; continue; }
            var moves = new List<string>();
            foreach (var item in items)
            {
                int o = Array.IndexOf(oldHeader, item), n = Array.IndexOf(newHeader, item);
                double a = o < 0 ? 0 : Score(before, o), b = Score(row, n);
                if (a != b) moves.Add($"{item} {a.ToString(CultureInfo.InvariantCulture)} -> {b.ToString(CultureInfo.InvariantCulture)}");
            }
            double total = Score(row, 1) - Score(before, 1);
            if (total == 0 && moves.Count == 0 && before[3] == row[3]) { unchanged++; continue; }
            changed = true;
            text.Append($"{(total > 0 ? "▲" : total < 0 ? "▼" : "=")} {student}: {Score(before, 1).ToString(CultureInfo.InvariantCulture)} -> {Score(row, 1).ToString(CultureInfo.InvariantCulture)} ({total.ToString("+0.####;-0.####;0", CultureInfo.InvariantCulture)})")
                .Append(before[3] != row[3] ? $", {before[3]} -> {row[3]}" : "").Append(moves.Count > 0 ? "; " + string.Join(", ", moves) : "").Append('\n');
        }
        foreach (var student in oldRows.Keys.Where(s => !newRows.ContainsKey(s)).Order(StringComparer.Ordinal)) { text.Append($"- {student}: not in the new gradebook\n"); changed = true; }
        text.Append($"{unchanged} students unchanged.\n");
        return (text.ToString(), changed);
    }

    static double Score(string[] row, int column) =>
        column < row.Length && double.TryParse(row[column], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : 0;

    static (string[] header, Dictionary<string, string[]> rows) Parse(string csv)
    {
        var lines = Records(csv).ToList();
        if (lines.Count == 0 || lines[0].Length < 4 || lines[0][0] != "student") throw new InvalidDataException("not a gradebook (its header must start with student,score,max_score,status).");
        return (lines[0], lines.Skip(1).Where(r => r.Length >= 4).ToDictionary(r => r[0], r => r));
    }

    /// <summary>CSV records as the gradebook writes them (fields with a comma, quote or newline are quoted, quotes doubled).</summary>
    static IEnumerable<string[]> Records(string csv)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < csv.Length; i++)
        {
            char c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\n')
            {
                fields.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                yield return fields.ToArray();
                fields.Clear();
            }
            else field.Append(c);
        }
        if (field.Length > 0 || fields.Count > 0) { fields.Add(field.ToString()); yield return fields.ToArray(); }
    }
}
