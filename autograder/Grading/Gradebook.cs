using System.Globalization;
using System.Text;

namespace GenAI.Autograder.Grading;

/// <summary>
/// A class's gradebooks on disk: OUT/gradebook.ASSIGNMENT.csv (one row per student, one column per item) rebuilt from
/// each student's results.json, and the marker that says a student's folder holds finished results (batch writes it,
/// merge and the dashboard read it).
/// </summary>
public static class Gradebook
{
    /// <summary>The file in OUT/STUDENT that holds the fingerprint of the sources last graded there.</summary>
    public const string Marker = ".graded";

    /// <summary>Rewrites OUT/gradebook.ASSIGNMENT.csv from the results on disk (a student with no results yet gets an empty row).</summary>
    public static void WriteGradebooks(string output, IReadOnlyList<string> students, IReadOnlyList<Manifest> manifests, bool single)
    {
        foreach (var m in manifests)
        {
            var csv = new StringBuilder();
            csv.Append("student,score,max_score,status");
            foreach (var item in m.Items) csv.Append(',').Append(Csv(item.Number));
            csv.Append('\n');
            foreach (var student in students)
            {
                string path = single ? Path.Combine(output, student, "results.json") : Path.Combine(output, student, m.Name, "results.json");
                bool graded = File.Exists(Path.Combine(output, student, Marker));
                csv.Append(Csv(student));
                if (graded && File.Exists(path))
                {
                    var r = GradescopeResults.Read(path);
                    string status = Reports.Dashboard.Status(r);
                    csv.Append(',').Append(r.Score.ToString(CultureInfo.InvariantCulture)).Append(',').Append(m.MaxScore.ToString(CultureInfo.InvariantCulture)).Append(',').Append(status);
                    foreach (var item in m.Items)
                        csv.Append(',').Append(r.Tests.FirstOrDefault(t => t.Number == item.Number)?.Score.ToString(CultureInfo.InvariantCulture) ?? "");
                }
                else csv.Append(",,").Append(m.MaxScore.ToString(CultureInfo.InvariantCulture)).Append(",pending").Append(new string(',', m.Items.Length));
                csv.Append('\n');
            }
            string file = Path.Combine(output, $"gradebook.{m.Name}.csv");
            File.WriteAllText(file + ".tmp", csv.ToString());
            File.Move(file + ".tmp", file, overwrite: true);
        }
    }

    static string Csv(string field) => field.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
