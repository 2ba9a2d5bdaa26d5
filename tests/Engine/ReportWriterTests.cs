using System.Xml.Linq;
using FluentAssertions;
using GenAI.Autograder.Grading;
using GenAI.Autograder.Reports;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>The HTML and JUnit reports written beside results.json.</summary>
public sealed class ReportWriterTests
{
    static readonly Manifest Sample = new("demo", "Demo <HW>", new[] { new ManifestItem("1", "first", new[] { "A" }, 4), new ManifestItem("2", "second", new[] { "B" }, 2) });

    static GradescopeResults Results() => new()
    {
        Score = 2, ExecutionTime = 3.5, Output = "",
        Tests =
        {
            new GradescopeTest { Number = "1", Name = "first", Score = 0, MaxScore = 4, Status = "failed", Output = "FAIL x < y & <script>" },
            new GradescopeTest { Number = "2", Name = "second", Score = 2, MaxScore = 2, Status = "passed", Output = "PASS" },
        },
    };

    /// <summary>The page shows the score and every item's output, HTML-escaped, and embeds figures as data URIs.</summary>
    [Test]
    public void HtmlShowsScoresOutputsAndFigures()
    {
        string folder = Directory.CreateTempSubdirectory("genai-report").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "figures"));
        File.WriteAllBytes(Path.Combine(folder, "figures", "curve.png"), new byte[] { 0x89, 0x50, 0x4E, 0x47 });
        ReportWriter.Write(Sample, Results(), folder);
        string html = File.ReadAllText(Path.Combine(folder, "report.html"));
        html.Should().Contain("<strong>2 / 6</strong>").And.Contain("Demo &lt;HW&gt;").And.Contain("FAIL x &lt; y &amp; &lt;script&gt;")
            .And.NotContain("<script>").And.Contain("data:image/png;base64,iVBORw==").And.Contain("curve.png");
        File.Exists(Path.Combine(folder, "results.json")).Should().BeTrue();
        Directory.Delete(folder, true);
    }

    /// <summary>The GitHub Classroom payload decodes to version 1 with one test per item and pass/fail statuses.</summary>
    [Test]
    public void ClassroomPayloadFollowsTheReportersFormat()
    {
        string folder = Directory.CreateTempSubdirectory("genai-classroom").FullName;
        ReportWriter.Write(Sample, Results(), folder);
        string json = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(File.ReadAllText(Path.Combine(folder, "classroom-result.b64"))));
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        doc.RootElement.GetProperty("version").GetInt32().Should().Be(1);
        doc.RootElement.GetProperty("status").GetString().Should().Be("fail");
        doc.RootElement.GetProperty("max_score").GetDouble().Should().Be(6);
        var tests = doc.RootElement.GetProperty("tests").EnumerateArray().ToList();
        tests.Select(t => t.GetProperty("status").GetString()).Should().Equal("fail", "pass");
        tests[0].GetProperty("message").GetString().Should().Contain("FAIL x < y");
        Directory.Delete(folder, true);
    }

    /// <summary>JUnit XML has one case per item and a failure element for each item that lost points.</summary>
    [Test]
    public void JUnitListsFailures()
    {
        var suite = ReportWriter.JUnit(Sample, Results()).Root!.Element("testsuite")!;
        suite.Attribute("tests")!.Value.Should().Be("2");
        suite.Attribute("failures")!.Value.Should().Be("1");
        suite.Elements("testcase").Should().HaveCount(2);
        suite.Elements("testcase").Single(c => c.Element("failure") is not null).Attribute("name")!.Value.Should().StartWith("1 first (0/4)");
        XDocument.Parse(ReportWriter.JUnit(Sample, Results()).ToString()).Should().NotBeNull();
    }
}
