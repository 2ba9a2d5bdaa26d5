using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using GenAI.Autograder.Grading;

namespace GenAI.Autograder.Reports;

/// <summary>
/// The class view a batch writes as OUT/index.html: per assignment, the distribution of total scores (histogram),
/// each item's mean and pass rate, the failure messages grouped by check with numbers stripped (counts and the
/// students who got each), and a link to every report. Self-contained: inline CSS and SVG, no scripts, no network.
/// </summary>
public static partial class Dashboard
{
    /// <summary>One student's results for one assignment (null: not graded yet) and the report's path relative to OUT.</summary>
    public sealed record Row(string Student, GradescopeResults? Results, string Report);

    /// <summary>The rows of <paramref name="students"/> for <paramref name="m"/> from the results under <paramref name="output"/> (<paramref name="single"/>: OUT/STUDENT/results.json, else OUT/STUDENT/NAME/results.json).</summary>
    public static IReadOnlyList<Row> Rows(string output, IReadOnlyList<string> students, Manifest m, bool single) => students.Select(s =>
    {
        string folder = single ? s : Path.Combine(s, m.Name);
        string results = Path.Combine(output, folder, "results.json");
        bool graded = File.Exists(Path.Combine(output, s, Gradebook.Marker)) && File.Exists(results);
        return new Row(s, graded ? GradescopeResults.Read(results) : null, Path.Combine(folder, "report.html").Replace('\\', '/'));
    }).ToList();

    /// <summary>Writes OUT/index.html for <paramref name="manifests"/> from the results on disk.</summary>
    public static void Write(string output, IReadOnlyList<string> students, IReadOnlyList<Manifest> manifests, bool single)
    {
        string html = Html(manifests.Select(m => (m, Rows(output, students, m, single))).ToList());
        string file = Path.Combine(output, "index.html");
        File.WriteAllText(file + ".tmp", html);
        File.Move(file + ".tmp", file, overwrite: true);
    }

    static string E(string s) => WebUtility.HtmlEncode(s);

    static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The page: one section per assignment.</summary>
    public static string Html(IReadOnlyList<(Manifest manifest, IReadOnlyList<Row> rows)> assignments)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Class dashboard</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}")
            .Append("table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}td,th{border-bottom:1px solid #ddd;padding:.35rem;text-align:left;vertical-align:top}")
            .Append("td.n{text-align:right;font-variant-numeric:tabular-nums}.bar{display:inline-block;height:.7rem;background:#1a7f37;vertical-align:middle}")
            .Append(".msg{font-family:ui-monospace,monospace;font-size:.85rem;white-space:pre-wrap;overflow-wrap:anywhere}.muted{color:#666}svg text{font-size:11px;fill:#333}")
            .Append("table.fail{table-layout:fixed}table.fail td{overflow-wrap:anywhere}table.fail td.who{font-size:.85rem}")
            .Append("</style></head><body>\n<h1>Class dashboard</h1>\n");
        foreach (var (m, rows) in assignments) Section(html, m, rows);
        return html.Append("</body></html>\n").ToString();
    }

    static void Section(StringBuilder html, Manifest m, IReadOnlyList<Row> rows)
    {
        var graded = rows.Where(r => r.Results is not null).ToList();
        var scores = graded.Select(r => r.Results!.Score).OrderBy(s => s).ToList();
        html.Append("<h2>").Append(E(m.Title)).Append(" <span class=\"muted\">(").Append(E(m.Name)).Append(")</span></h2>\n<p>")
            .Append(graded.Count).Append(" of ").Append(rows.Count).Append(" submissions graded");
        if (scores.Count > 0)
            html.Append("; mean ").Append(F(scores.Average())).Append(", median ").Append(F(Median(scores))).Append(" of ").Append(F(m.MaxScore)).Append(" points");
        html.Append(".</p>\n<h3>Total scores</h3>\n").Append(Histogram(scores, m.MaxScore));

        html.Append("<h3>Items</h3>\n<table><tr><th>#</th><th>item</th><th>visibility</th><th class=\"n\">mean</th><th class=\"n\">max</th><th>pass rate</th></tr>\n");
        foreach (var item in m.Items)
        {
            var tests = graded.Select(r => r.Results!.Tests.FirstOrDefault(t => t.Number == item.Number)).Where(t => t is not null).ToList();
            double mean = tests.Count > 0 ? tests.Average(t => t!.Score) : 0, rate = tests.Count > 0 ? tests.Count(t => t!.Status == "passed") / (double)tests.Count : 0;
            html.Append("<tr><td>").Append(E(item.Number)).Append("</td><td>").Append(E(item.Name)).Append("</td><td>").Append(E(item.Visibility))
                .Append("</td><td class=\"n\">").Append(F(mean)).Append("</td><td class=\"n\">").Append(F(item.Points)).Append("</td><td><span class=\"bar\" style=\"width:")
                .Append(F(8 * rate, "0.##")).Append("rem\"></span> ").Append(F(100 * rate, "0")).Append("%</td></tr>\n");
        }
        html.Append("</table>\n<h3>Most common failures</h3>\n");
        var all = Failures(graded);
        var groups = all.Where(g => StubMessage.Function(g.Message) is null)
            .OrderByDescending(g => g.Students.Count).ThenBy(g => g.Item, StringComparer.Ordinal).ThenBy(g => g.Message, StringComparer.Ordinal).ToList();
        string Who(IEnumerable<string> students) => string.Join(", ", students.Select(s => Link(rows.First(r => r.Student == s))));
        if (groups.Count == 0) html.Append("<p>No failures").Append(all.Count > 0 ? " other than stubs left unimplemented" : "").Append(".</p>\n");
        else
        {
            html.Append("<table class=\"fail\"><colgroup><col style=\"width:5.5rem\"><col style=\"width:11rem\"><col style=\"width:13rem\"><col><col style=\"width:13rem\"></colgroup>\n")
                .Append("<tr><th class=\"n\">students</th><th>item</th><th>check</th><th>message (numbers as #)</th><th>who</th></tr>\n");
            foreach (var g in groups)
                html.Append("<tr><td class=\"n\">").Append(g.Students.Count).Append("</td><td>").Append(E(g.Item)).Append("</td><td>").Append(E(g.Check)).Append("</td><td class=\"msg\">")
                    .Append(E(g.Message)).Append("</td><td class=\"who\">").Append(Who(g.Students)).Append("</td></tr>\n");
            html.Append("</table>\n");
        }
        // Stubs left as handed out fail every check that reaches them with the same sentence: one row per function, not per check.
        var stubs = all.Where(g => StubMessage.Function(g.Message) is not null).GroupBy(g => StubMessage.Function(g.Message)!)
            .Select(f => (function: f.Key, items: f.Select(g => g.Item).Distinct().Order(StringComparer.Ordinal).ToList(), checks: f.Count(),
                          students: f.SelectMany(g => g.Students).Distinct().Order(StringComparer.Ordinal).ToList()))
            .OrderByDescending(f => f.students.Count).ThenBy(f => f.items[0], StringComparer.Ordinal).ToList();
        if (stubs.Count > 0)
        {
            html.Append("<h3>Not implemented yet</h3>\n<table class=\"fail\"><colgroup><col style=\"width:5.5rem\"><col style=\"width:16rem\"><col><col style=\"width:5rem\"><col style=\"width:13rem\"></colgroup>\n")
                .Append("<tr><th class=\"n\">students</th><th>function</th><th>items</th><th class=\"n\">checks</th><th>who</th></tr>\n");
            foreach (var f in stubs)
                html.Append("<tr><td class=\"n\">").Append(f.students.Count).Append("</td><td>").Append(E(f.function)).Append("</td><td>").Append(E(string.Join("; ", f.items)))
                    .Append("</td><td class=\"n\">").Append(f.checks).Append("</td><td class=\"who\">").Append(Who(f.students)).Append("</td></tr>\n");
            html.Append("</table>\n");
        }
        html.Append("<h3>Students</h3>\n<table><tr><th>student</th><th class=\"n\">score</th><th>status</th></tr>\n");
        foreach (var r in rows)
            html.Append("<tr><td>").Append(r.Results is null ? E(r.Student) : Link(r)).Append("</td><td class=\"n\">").Append(r.Results is null ? "" : F(r.Results.Score))
                .Append("</td><td>").Append(r.Results is null ? "pending" : E(Status(r.Results))).Append("</td></tr>\n");
        html.Append("</table>\n");
    }

    static string Link(Row r) => $"<a href=\"{E(r.Report)}\">{E(r.Student)}</a>";

    /// <summary>How grading ended, read from the top-level output: graded, interrupted, wrong API or not built.</summary>
    public static string Status(GradescopeResults r) => r.Output.Length == 0 ? "graded"
        : r.Output.StartsWith("Grading was interrupted", StringComparison.Ordinal) ? "interrupted"
        : r.Output.StartsWith("Your code does not have the public API", StringComparison.Ordinal) ? "wrong API"
        : "not built";

    static double Median(IReadOnlyList<double> sorted) => sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    /// <summary>An SVG histogram of <paramref name="scores"/> in ten equal bins from 0 to <paramref name="max"/> (the last bin includes max).</summary>
    public static string Histogram(IReadOnlyList<double> scores, double max)
    {
        const int bins = 10, width = 640, height = 200, left = 36, bottom = 28, top = 10;
        var counts = new int[bins];
        foreach (double s in scores) counts[max > 0 ? Math.Clamp((int)Math.Floor(s / max * bins), 0, bins - 1) : 0]++;
        int highest = Math.Max(1, counts.Max());
        double barWidth = (width - left - 10) / (double)bins, plot = height - bottom - top;
        var svg = new StringBuilder($"<svg role=\"img\" aria-label=\"histogram of total scores\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\n");
        svg.Append($"<line x1=\"{left}\" y1=\"{top + plot}\" x2=\"{width - 10}\" y2=\"{top + plot}\" stroke=\"#333\"/>\n");
        for (int b = 0; b < bins; b++)
        {
            double x = left + b * barWidth, h = plot * counts[b] / highest;
            string range = $"{F(max * b / bins)}-{F(max * (b + 1) / bins)}";
            svg.Append($"<rect class=\"bin\" x=\"{F(x + 2)}\" y=\"{F(top + plot - h)}\" width=\"{F(barWidth - 4)}\" height=\"{F(h)}\" fill=\"#1a7f37\"><title>{range}: {counts[b]}</title></rect>\n");
            if (counts[b] > 0) svg.Append($"<text x=\"{F(x + barWidth / 2)}\" y=\"{F(top + plot - h - 2)}\" text-anchor=\"middle\">{counts[b]}</text>\n");
            svg.Append($"<text x=\"{F(x + barWidth / 2)}\" y=\"{height - bottom + 14}\" text-anchor=\"middle\">{F(max * b / bins, "0.#")}</text>\n");
        }
        svg.Append($"<text x=\"{width - 10}\" y=\"{height - 2}\" text-anchor=\"end\">points (bins of {F(max / bins, "0.#")}; the last includes {F(max)})</text>\n");
        svg.Append($"<text x=\"4\" y=\"{top + 8}\">{highest}</text>\n");
        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>A failure message with its numbers replaced by '#', so the same mistake groups across students.</summary>
    public static string Normalise(string message) => Numbers().Replace(message, "#");

    [GeneratedRegex(@"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")]
    private static partial Regex Numbers();

    /// <summary>A group of identical failures: item, check, normalised first line of the message, and who got it.</summary>
    public sealed record FailureGroup(string Item, string Check, string Message, List<string> Students);

    /// <summary>The failures of every graded row, grouped by item, check and normalised message; a submission that was not graded at all is one group.</summary>
    public static IReadOnlyList<FailureGroup> Failures(IEnumerable<Row> graded)
    {
        var groups = new Dictionary<(string, string, string), FailureGroup>();
        void Add(string item, string check, string message, string student)
        {
            var key = (item, check, Normalise(message));
            if (!groups.TryGetValue(key, out var g)) groups[key] = g = new FailureGroup(item, check, key.Item3, new List<string>());
            if (!g.Students.Contains(student)) g.Students.Add(student);
        }
        foreach (var r in graded)
        {
            string status = Status(r.Results!);
            if (status is "not built" or "wrong API") { Add("(all)", status, r.Results!.Output.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "", r.Student); continue; }
            foreach (var t in r.Results!.Tests.Where(t => t.Status != "passed"))
                foreach (var (check, message) in FailedChecks(t.Output))
                    Add($"{t.Number} {t.Name}", check, message, r.Student);
        }
        return groups.Values.ToList();
    }

    /// <summary>The (check, first message line) of each FAIL in an item's output, as <see cref="Scorer"/> writes it.</summary>
    static IEnumerable<(string check, string message)> FailedChecks(string output)
    {
        var lines = output.Split('\n');
        for (int i = 0; i < lines.Length; i++)
            if (lines[i].StartsWith("FAIL ", StringComparison.Ordinal))
                yield return (lines[i][5..].Trim(), i + 1 < lines.Length && lines[i + 1].StartsWith("    ", StringComparison.Ordinal) ? lines[i + 1].Trim() : "");
    }
}
