using System.Diagnostics;
using FluentAssertions;
using GenAI.Autograder.Grading;
using GenAI.Autograder.Reports;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>The class dashboard (OUT/index.html): histogram, item statistics, grouped failures, links, and that a real browser renders it.</summary>
[Parallelizable]
public sealed class DashboardTests
{
    static readonly Manifest Sample = new("demo", "Demo <HW>", [new ManifestItem("1", "first", ["A"], 4), new ManifestItem("2", "second", ["B"], 6, "hidden")]);

    static GradescopeResults Results(double first, double second, string failure) => new()
    {
        Score = first + second,
        Tests =
        {
            new GradescopeTest { Number = "1", Name = "first", Score = first, MaxScore = 4, Status = first == 4 ? "passed" : "failed",
                Output = first == 4 ? "1 of 1 checks passed.\nPASS Check" : $"0 of 1 checks passed.\nFAIL Check\n    {failure}\n      hint: something" },
            new GradescopeTest { Number = "2", Name = "second", Score = second, MaxScore = 6, Status = second == 6 ? "passed" : "failed", Output = second == 6 ? "PASS Other" : "FAIL Other\n    wrong" },
        },
    };

    /// <summary>A class of four (one pending): scores and pass rates as computed by hand, failures differing only in numbers grouped with both students, every report linked.</summary>
    [Test]
    public void ShowsDistributionItemsGroupedFailuresAndLinks()
    {
        string output = Directory.CreateTempSubdirectory("genai-dashboard").FullName;
        void Student(string name, GradescopeResults r)
        {
            Directory.CreateDirectory(Path.Combine(output, name));
            r.Write(Path.Combine(output, name, "results.json"));
            File.WriteAllText(Path.Combine(output, name, Gradebook.Marker), "x");
        }
        Student("alice", Results(4, 6, ""));
        Student("bob", Results(0, 6, "F, case 'c': got 1.5 expected 2 (|diff| 0.5 > 1e-06)"));
        Student("carol", Results(0, 0, "F, case 'c': got -3.25e-2 expected 2 (|diff| 2.0325 > 1e-06)"));
        Dashboard.Write(output, ["alice", "bob", "carol", "dave"], [Sample], single: true);
        string html = File.ReadAllText(Path.Combine(output, "index.html"));
        html.Should().Contain("3 of 4 submissions graded; mean 5.33, median 6 of 10 points").And.Contain("Demo &lt;HW&gt;");
        html.Split("<rect class=\"bin\"").Length.Should().Be(11, "ten bins");
        html.Should().Contain("<title>0-1: 1</title>").And.Contain("<title>6-7: 1</title>").And.Contain("<title>9-10: 1</title>");
        html.Should().Contain("<td class=\"n\">1.33</td><td class=\"n\">4</td>").And.Contain("33%</td>", "item 1: mean 4/3, one of three passed");
        html.Should().Contain("<td class=\"n\">4</td><td class=\"n\">6</td>").And.Contain("67%</td>", "item 2: mean 4, two of three passed");
        html.Should().Contain("<td class=\"n\">2</td><td>1 first</td><td>Check</td><td class=\"msg\">F, case &#39;c&#39;: got # expected # (|diff| # &gt; #)</td><td class=\"who\"><a href=\"bob/report.html\">bob</a>, <a href=\"carol/report.html\">carol</a></td>");
        html.Should().Contain("<a href=\"alice/report.html\">alice</a>").And.Contain("<td>dave</td><td class=\"n\"></td><td>pending</td>");
        html.Should().NotContain("<script").And.NotContain("<link").And.NotContain("src=\"http");
        Directory.Delete(output, true);
    }

    /// <summary>
    /// Stubs left as handed out fail every check that reaches them with one sentence: they leave the table of failures (where
    /// they would bury the misconceptions) for a table of their own, one row per function with its items, checks and students.
    /// </summary>
    [Test]
    public void StubsAreListedOncePerFunction()
    {
        string output = Directory.CreateTempSubdirectory("genai-dashboard").FullName;
        var stub = new GradescopeResults
        {
            Score = 0,
            Tests =
            {
                new GradescopeTest { Number = "1", Name = "first", Score = 0, MaxScore = 4, Status = "failed",
                    Output = "0 of 2 checks passed.\nFAIL A.One\n    Decoder constructor is not implemented yet: create fc3.\nFAIL A.Two\n    Decoder constructor is not implemented yet: create fc3." },
                new GradescopeTest { Number = "2", Name = "second", Score = 0, MaxScore = 6, Status = "failed",
                    Output = "0 of 1 checks passed.\nFAIL B.Three\n    Decoder constructor is not implemented yet: create fc3." },
            },
        };
        foreach (var name in new[] { "tom", "tim" })
        {
            Directory.CreateDirectory(Path.Combine(output, name));
            stub.Write(Path.Combine(output, name, "results.json"));
            File.WriteAllText(Path.Combine(output, name, Gradebook.Marker), "x");
        }
        Directory.CreateDirectory(Path.Combine(output, "ann"));
        Results(0, 6, "got 1 expected 2").Write(Path.Combine(output, "ann", "results.json"));
        File.WriteAllText(Path.Combine(output, "ann", Gradebook.Marker), "x");
        Dashboard.Write(output, ["ann", "tim", "tom"], [Sample], single: true);
        string html = File.ReadAllText(Path.Combine(output, "index.html"));
        html.Should().Contain("<h3>Not implemented yet</h3>");
        html.Should().Contain("<td class=\"n\">2</td><td>Decoder constructor</td><td>1 first; 2 second</td><td class=\"n\">3</td><td class=\"who\"><a href=\"tim/report.html\">tim</a>, <a href=\"tom/report.html\">tom</a></td>");
        html.Should().Contain("<td>Check</td><td class=\"msg\">got # expected #</td>").And.NotContain("<td class=\"msg\">Decoder constructor is not implemented");
        Directory.Delete(output, true);
    }

    /// <summary>Headless Chromium renders the dashboard: its screenshot shows the histogram's and pass-rate bars' green.</summary>
    [Test]
    public void RendersInHeadlessChromium()
    {
        string? chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (chromium is null) Assert.Ignore("Chromium is not installed (apt-get install -y chromium).");
        string output = Directory.CreateTempSubdirectory("genai-dashboard").FullName;
        for (int k = 0; k < 12; k++)
        {
            string name = $"student{k:D2}";
            Directory.CreateDirectory(Path.Combine(output, name));
            Results(k % 3 == 0 ? 4 : 0, k % 2 == 0 ? 6 : 0, $"got {k} expected 2").Write(Path.Combine(output, name, "results.json"));
            File.WriteAllText(Path.Combine(output, name, Gradebook.Marker), "x");
        }
        Dashboard.Write(output, [.. Enumerable.Range(0, 12).Select(k => $"student{k:D2}")], [Sample], single: true);
        string png = Path.Combine(output, "screenshot.png");
        var info = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--screenshot={png}", "--window-size=1200,1400", new Uri(Path.Combine(output, "index.html")).AbsoluteUri })
            info.ArgumentList.Add(a);
        using (var process = Process.Start(info)!)
        {
            process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEndAsync();
            process.WaitForExit(120_000).Should().BeTrue("Chromium finishes a screenshot within two minutes");
        }
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        bitmap.Should().NotBeNull("Chromium wrote a PNG");
        int green = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
            for (int x = 0; x < bitmap.Width; x += 2)
                if (bitmap.GetPixel(x, y) is { Red: 26, Green: 127, Blue: 55 }) green++;
        green.Should().BeGreaterThan(500, "the histogram's bars are drawn in #1a7f37");
        Directory.Delete(output, true);
    }
}
