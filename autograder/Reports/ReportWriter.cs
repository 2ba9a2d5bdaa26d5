using System.Net;
using System.Text;
using System.Xml.Linq;
using GenAI.Autograder.Grading;

namespace GenAI.Autograder.Reports;

/// <summary>
/// The files written for one graded assignment: Gradescope's results.json, an HTML page for
/// people (scores, per-check output, and any PNG figures the run produced, embedded), JUnit XML
/// for CI systems, and GitHub Classroom's runner result (base64 JSON, as its autograding reporter reads).
/// </summary>
public static class ReportWriter
{
    /// <summary>Writes results.json, report.html (for staff: everything), student-report.html (what a student may see before the due date), junit.xml and classroom-result.b64 into <paramref name="folder"/>.</summary>
    public static void Write(Manifest manifest, GradescopeResults results, string folder)
    {
        results.Write(Path.Combine(folder, "results.json"));
        WriteAtomically(Path.Combine(folder, "report.html"), Html(manifest, results, Figures(folder)));
        WriteAtomically(Path.Combine(folder, "student-report.html"), Html(manifest, results, Figures(folder), forStudents: true));
        WriteAtomically(Path.Combine(folder, "junit.xml"), JUnit(manifest, results).ToString());
        WriteAtomically(Path.Combine(folder, "classroom-result.b64"), Convert.ToBase64String(Encoding.UTF8.GetBytes(Classroom(manifest, results))));
    }

    /// <summary>
    /// GitHub Classroom's runner result: version 1, overall status, max_score, and one test per item
    /// with pass or fail, the message and the points. Classroom's reporter scores a runner by the
    /// share of passing tests, so partial credit within an item shows only in "score".
    /// </summary>
    public static string Classroom(Manifest manifest, GradescopeResults results) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            version = 1,
            status = results.Tests.All(t => t.Status == "passed") ? "pass" : "fail",
            max_score = manifest.MaxScore,
            tests = results.Tests.Select(t => new
            {
                name = $"{t.Number} {t.Name}",
                status = t.Status == "passed" ? "pass" : "fail",
                message = t.Status == "passed" ? "" : t.Output,
                test_code = "",
                filename = "",
                line_no = 0,
                execution_time = "",
                score = t.Score,
            }),
        });

    /// <summary>PNG files under <paramref name="folder"/>/figures, to embed in the HTML report.</summary>
    static IReadOnlyList<string> Figures(string folder)
    {
        string figures = Path.Combine(folder, "figures");
        return Directory.Exists(figures) ? Directory.GetFiles(figures, "*.png").OrderBy(f => f, StringComparer.Ordinal).ToList() : Array.Empty<string>();
    }

    /// <summary>What a student may see of an item before the due date: only visible items; the reason the others are withheld.</summary>
    public static string? Withheld(string visibility) => visibility switch
    {
        "visible" => null,
        "after_due_date" => "shown after the due date",
        "after_published" => "shown when grades are published",
        _ => "not shown to students",
    };

    /// <summary>
    /// A self-contained HTML page: whose submission it is, summary, one section per item with its checks, figures as data URIs.
    /// <paramref name="forStudents"/>: the page a student may see before the due date, where every item that is not
    /// <c>visible</c> shows only that it exists (no score, output or figure) and the total counts visible items only.
    /// </summary>
    public static string Html(Manifest manifest, GradescopeResults results, IReadOnlyList<string> figures, bool forStudents = false)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        static string P(double v) => v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
        var shownTests = results.Tests.Where(t => !forStudents || Withheld(t.Visibility) is null).ToList();
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(manifest.Title)).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}")
            .Append("table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}")
            .Append(".passed{color:#1a7f37}.failed{color:#cf222e}.withheld{color:#666}pre{background:#f6f8fa;padding:.6rem;white-space:pre-wrap;overflow-wrap:anywhere}")
            .Append(".bar{height:.6rem;background:#eee;border-radius:.3rem}.fill{height:100%;background:#1a7f37;border-radius:.3rem}img{max-width:100%}")
            .Append("</style></head><body>\n");
        double max = shownTests.Sum(t => t.MaxScore), score = shownTests.Sum(t => t.Score);
        html.Append("<h1>").Append(E(manifest.Title)).Append("</h1>\n");
        if (results.ExtraData is { } id)
            html.Append("<p class=\"withheld\">").Append(string.Join(" · ", new[] { ("student", "student"), ("submission_sha256", "submission SHA-256"), ("graded_at", "graded"), ("autograder_version", "autograder") }
                .Where(k => id.ContainsKey(k.Item1)).Select(k => $"{k.Item2} <code>{E(id[k.Item1])}</code>"))).Append("</p>\n");
        html.Append("<p><strong>").Append(P(score)).Append(" / ").Append(P(max)).Append("</strong> points");
        if (shownTests.Count < results.Tests.Count)
            html.Append(" on the items shown here; ").Append(results.Tests.Count - shownTests.Count).Append(results.Tests.Count - shownTests.Count == 1 ? " more item (" : " more items (")
                .Append(P(results.Tests.Except(shownTests).Sum(t => t.MaxScore))).Append(" points) are graded but not shown yet");
        html.Append(", graded in ").Append(results.ExecutionTime.ToString("0.#")).Append(" s</p>\n");
        double fraction = max > 0 ? score / max : 0;
        html.Append("<div class=\"bar\"><div class=\"fill\" style=\"width:").Append((100 * fraction).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)).Append("%\"></div></div>\n");
        if (results.Output.Length > 0) html.Append("<h2>Submission</h2>\n<pre>").Append(E(results.Output)).Append("</pre>\n");
        html.Append("<h2>Items</h2>\n<table><tr><th>#</th><th>item</th><th>points</th><th>status</th></tr>\n");
        foreach (var t in results.Tests)
        {
            html.Append("<tr><td>").Append(E(t.Number)).Append("</td><td><a href=\"#item-").Append(E(t.Number)).Append("\">").Append(E(t.Name)).Append("</a></td>");
            if (shownTests.Contains(t))
                html.Append("<td>").Append(P(t.Score)).Append(" / ").Append(P(t.MaxScore)).Append("</td><td class=\"").Append(t.Status).Append("\">").Append(t.Status).Append("</td></tr>\n");
            else html.Append("<td>? / ").Append(P(t.MaxScore)).Append("</td><td class=\"withheld\">").Append(Withheld(t.Visibility)).Append("</td></tr>\n");
        }
        html.Append("</table>\n");
        void Figure(string figure) =>
            html.Append("<figure><img alt=\"").Append(E(Path.GetFileName(figure))).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(File.ReadAllBytes(figure)))
                .Append("\"><figcaption>").Append(E(Path.GetFileName(figure))).Append("</figcaption></figure>\n");
        var shown = new HashSet<string>();
        foreach (var t in results.Tests)
        {
            html.Append("<h3 id=\"item-").Append(E(t.Number)).Append("\">").Append(E(t.Number)).Append(' ').Append(E(t.Name));
            if (!shownTests.Contains(t))
            {
                html.Append(" <span class=\"withheld\">(").Append(Withheld(t.Visibility)).Append(")</span></h3>\n");
                continue;
            }
            html.Append(" <span class=\"").Append(t.Status).Append("\">(").Append(P(t.Score)).Append(" / ").Append(P(t.MaxScore)).Append(")</span></h3>\n<pre>").Append(E(t.Output)).Append("</pre>\n");
            // A figure the item's output names (a snapshot's expected, got and difference) shows under the item.
            foreach (var figure in figures.Where(f => t.Output.Contains("figures/" + Path.GetFileName(f), StringComparison.Ordinal) && shown.Add(f)))
                Figure(figure);
        }
        // Figures no item names belong to no item a student can be shown.
        if (!forStudents && figures.Count > shown.Count)
        {
            html.Append("<h2>Figures</h2>\n");
            foreach (var figure in figures.Where(f => !shown.Contains(f))) Figure(figure);
        }
        return html.Append("</body></html>\n").ToString();
    }

    /// <summary>JUnit XML: one test suite per assignment, one test case per item, failures with the item's output.</summary>
    public static XDocument JUnit(Manifest manifest, GradescopeResults results)
    {
        var suite = new XElement("testsuite",
            new XAttribute("name", manifest.Name),
            new XAttribute("tests", results.Tests.Count),
            new XAttribute("failures", results.Tests.Count(t => t.Status != "passed")),
            new XAttribute("time", results.ExecutionTime.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (results.Output.Length > 0) suite.Add(new XElement("system-out", results.Output));
        foreach (var t in results.Tests)
        {
            var testCase = new XElement("testcase", new XAttribute("classname", manifest.Name), new XAttribute("name", $"{t.Number} {t.Name} ({t.Score:0.##}/{t.MaxScore:0.##})"));
            if (t.Status != "passed") testCase.Add(new XElement("failure", new XAttribute("message", $"{t.Score:0.##} of {t.MaxScore:0.##} points"), t.Output));
            suite.Add(testCase);
        }
        return new XDocument(new XElement("testsuites", suite));
    }

    static void WriteAtomically(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temp = path + ".tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
