using System.Text.Json;

namespace GenAI.Grader.Tests.Engine;

/// <summary>
/// The parts of Gradescope's results.json specification the harness relies on, checked field by
/// field (names, JSON types, allowed values, and the total equal to the sum of the tests).
/// </summary>
static class GradescopeSchema
{
    static readonly string[] Visibilities = { "visible", "hidden", "after_due_date", "after_published" };

    /// <summary>The list of violations (empty when the document conforms).</summary>
    public static List<string> Validate(JsonElement root)
    {
        var errors = new List<string>();
        void Need(JsonElement e, string name, JsonValueKind kind, string where)
        {
            if (!e.TryGetProperty(name, out var v)) errors.Add($"{where}: missing '{name}'");
            else if (v.ValueKind != kind) errors.Add($"{where}: '{name}' is {v.ValueKind}, expected {kind}");
        }
        void Visibility(JsonElement e, string name, string where)
        {
            if (e.TryGetProperty(name, out var v) && !Visibilities.Contains(v.GetString())) errors.Add($"{where}: {name} '{v}' is not a Gradescope visibility");
        }
        if (root.ValueKind != JsonValueKind.Object) return new List<string> { "root is not an object" };
        Need(root, "score", JsonValueKind.Number, "root");
        Need(root, "execution_time", JsonValueKind.Number, "root");
        Need(root, "output", JsonValueKind.String, "root");
        Need(root, "tests", JsonValueKind.Array, "root");
        Visibility(root, "visibility", "root");
        Visibility(root, "stdout_visibility", "root");
        if (root.TryGetProperty("output_format", out var format) && !new[] { "text", "html", "simple_format", "md", "ansi" }.Contains(format.GetString()))
            errors.Add($"root: output_format '{format}' is not allowed");
        if (errors.Count > 0) return errors;
        double sum = 0;
        int i = 0;
        foreach (var t in root.GetProperty("tests").EnumerateArray())
        {
            string where = $"tests[{i++}]";
            Need(t, "score", JsonValueKind.Number, where);
            Need(t, "max_score", JsonValueKind.Number, where);
            Need(t, "name", JsonValueKind.String, where);
            Need(t, "output", JsonValueKind.String, where);
            Visibility(t, "visibility", where);
            if (t.TryGetProperty("status", out var s) && s.GetString() is not ("passed" or "failed")) errors.Add($"{where}: status '{s}'");
            if (t.TryGetProperty("score", out var sc) && t.TryGetProperty("max_score", out var mx) && sc.ValueKind == JsonValueKind.Number && mx.ValueKind == JsonValueKind.Number)
            {
                if (sc.GetDouble() < 0 || sc.GetDouble() > mx.GetDouble() + 1e-9) errors.Add($"{where}: score {sc} outside 0..{mx}");
                sum += sc.GetDouble();
            }
        }
        if (Math.Abs(sum - root.GetProperty("score").GetDouble()) > 1e-6) errors.Add($"root: score {root.GetProperty("score")} is not the sum of the tests ({sum})");
        return errors;
    }
}
