using System.Xml.Linq;
using FluentAssertions;
using GenAI.Autograder.Grading;
using GenAI.Autograder.Reports;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>The HTML and JUnit reports written beside results.json.</summary>
[Parallelizable]
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

    /// <summary>
    /// The student report before the due date shows a hidden and a not-yet-due item only by number and name (no score,
    /// output or figure) and totals the visible items; the staff report shows everything; both name whose submission it is.
    /// </summary>
    [Test]
    public void StudentReportShowsWithheldItemsOnlyAsExisting()
    {
        string folder = Directory.CreateTempSubdirectory("genai-report").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "figures"));
        File.WriteAllBytes(Path.Combine(folder, "figures", "Late.png"), [0x89, 0x50, 0x4E, 0x47]);
        var manifest = new Manifest("demo", "Demo", [new ManifestItem("1", "open", ["A"], 4), new ManifestItem("2", "late", ["B"], 3, "after_due_date"), new ManifestItem("3", "secret", ["C"], 2, "hidden")]);
        var results = new GradescopeResults
        {
            Score = 5, ExtraData = new() { ["student"] = "alice", ["submission_sha256"] = "ab12", ["graded_at"] = "2026-12-02T09:00:00Z", ["autograder_version"] = "1.0.0+abc" },
            Tests =
            {
                new GradescopeTest { Number = "1", Name = "open", Score = 4, MaxScore = 4, Status = "passed", Output = "PASS visible check", Visibility = "visible" },
                new GradescopeTest { Number = "2", Name = "late", Score = 1, MaxScore = 3, Status = "failed", Output = "FAIL late check, see figures/Late.png", Visibility = "after_due_date" },
                new GradescopeTest { Number = "3", Name = "secret", Score = 0, MaxScore = 2, Status = "failed", Output = "FAIL secret hint", Visibility = "hidden" },
            },
        };
        ReportWriter.Write(manifest, results, folder);
        string student = File.ReadAllText(Path.Combine(folder, "student-report.html")), staff = File.ReadAllText(Path.Combine(folder, "report.html"));
        student.Should().Contain("<strong>4 / 4</strong> points on the items shown here; 2 more items (5 points) are graded but not shown yet")
            .And.Contain("2 late").And.Contain("shown after the due date").And.Contain("3 secret").And.Contain("not shown to students").And.Contain("PASS visible check")
            .And.NotContain("late check").And.NotContain("secret hint").And.NotContain("data:image/png");
        staff.Should().Contain("<strong>5 / 9</strong>").And.Contain("FAIL late check").And.Contain("FAIL secret hint").And.Contain("data:image/png");
        foreach (var page in new[] { student, staff })
            page.Should().Contain("student <code>alice</code>").And.Contain("submission SHA-256 <code>ab12</code>").And.Contain("graded <code>2026-12-02T09:00:00Z</code>").And.Contain("autograder <code>1.0.0+abc</code>");
        GradescopeResults.Read(Path.Combine(folder, "results.json")).ExtraData!["student"].Should().Be("alice");
        Directory.Delete(folder, true);
    }

    /// <summary>The submission hash is SHA-256 of path, zero byte and text per file in path order.</summary>
    [Test]
    public void IdentityHashesSourcesInPathOrder()
    {
        byte[] all = [.. System.Text.Encoding.UTF8.GetBytes("A.cs\0class A {}\nVae/B.cs\0class B\n{\n    int x = 1\n}\n")];
        SubmissionIdentity.Hash([("Vae/B.cs", "class B\n{\n    int x = 1\n}\n"), ("A.cs", "class A {}\n")])
            .Should().Be(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(all)).ToLowerInvariant());
    }

    /// <summary>A compiler error is shown with its file, line and column, the source line and a caret under the column.</summary>
    [Test]
    public void CompilerErrorsShowTheirSourceLine()
    {
        string output = Directory.CreateTempSubdirectory("genai-compile").FullName;
        var result = SubmissionCompiler.Compile([("Vae/B.cs", "class B\n{\n    int x = 1\n}\n")], Path.GetDirectoryName(Paths.AutograderDll)!, output);
        result.Succeeded.Should().BeFalse();
        result.Describe().Should().Be("Vae/B.cs(3,14): error CS1002: ; expected\n    3 |     int x = 1\n      |              ^");
        Directory.Delete(output, true);
    }
}
