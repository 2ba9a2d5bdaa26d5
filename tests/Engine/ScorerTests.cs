using System.Text.Json;
using FluentAssertions;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>Points from outcomes, and results.json as Gradescope specifies it.</summary>
[Parallelizable]
public sealed class ScorerTests
{
    static readonly Manifest Sample = new("demo", "Demo", new[]
    {
        new ManifestItem("1", "first", new[] { "A.Checks" }, 4),
        new ManifestItem("2", "second", new[] { "B.Checks" }, 2, "hidden"),
    });

    static ProgressLog.State State(bool done, string? running, params CheckOutcome[] outcomes) => new(
        new[] { "A.Checks.One", "A.Checks.Two", "B.Checks.One" }, outcomes.ToDictionary(o => o.Test), running, done);

    /// <summary>Points are earned in proportion to passing checks; an item is "passed" only when all its checks pass.</summary>
    [Test]
    public void GivesProportionalCredit()
    {
        var r = Scorer.Score(Sample, State(true, null, new CheckOutcome("A.Checks.One", true, "", 0.1), new CheckOutcome("A.Checks.Two", false, "wrong sign", 0.1), new CheckOutcome("B.Checks.One", true, "", 0.1)), null, "", 1);
        r.Tests.Select(t => t.Score).Should().Equal(2, 2);
        r.Tests.Select(t => t.Status).Should().Equal("failed", "passed");
        r.Score.Should().Be(4);
        r.Tests[0].Output.Should().Contain("1 of 2 checks passed").And.Contain("FAIL Checks.Two").And.Contain("wrong sign");
        r.Tests[1].Visibility.Should().Be("hidden");
    }

    /// <summary>
    /// A mistake costs points once: a composite item whose checks fail while an item it uses lost points for a mistake is not
    /// charged (full points, its failures still shown under a note naming the helper); it is charged, naming the failed
    /// helpers, when the helper only met a stub or one of its own checks did; and it says nothing when its helpers passed.
    /// </summary>
    [Test]
    public void ACompositeItemIsNotChargedForItsHelpersMistake()
    {
        var manifest = new Manifest("demo", "Demo", new[]
        {
            new ManifestItem("2.5", "sample_diagonal_gaussian", new[] { "A.Checks" }, 4),
            new ManifestItem("2.7", "elbo", new[] { "B.Checks" }, 2, Uses: new[] { "2.5" }),
        });
        CheckOutcome Fail(string test, string message) => new(test, false, message, 0.1);
        CheckOutcome Pass(string test) => new(test, true, "", 0.1);
        const string Stub = "Distributions.SampleDiagonalGaussian is not implemented yet: return mu + sqrt(sigmaSquare) * eps.";
        var bothFail = Scorer.Score(manifest, State(true, null, Fail("A.Checks.One", "wrong variance"), Pass("A.Checks.Two"), Fail("B.Checks.One", "ELBO off")), null, "", 1);
        bothFail.Tests[1].Score.Should().Be(2);
        bothFail.Tests[1].Status.Should().Be("passed");
        bothFail.Tests[1].Output.Should().StartWith("Not charged: the checks below call your code from 2.5 sample_diagonal_gaussian, which lost points for a mistake in its own item")
            .And.Contain("ELBO off");
        bothFail.Tests[0].Score.Should().Be(2);
        bothFail.Score.Should().Be(4);
        var helperStubbed = Scorer.Score(manifest, State(true, null, Fail("A.Checks.One", Stub), Fail("A.Checks.Two", Stub), Fail("B.Checks.One", "ELBO off")), null, "", 1);
        helperStubbed.Tests[1].Score.Should().Be(0);
        helperStubbed.Tests[1].Output.Should().StartWith("This item calls your code from 2.5 sample_diagonal_gaussian, which also failed in this run: fix it first");
        var ownStub = Scorer.Score(manifest, State(true, null, Fail("A.Checks.One", "wrong variance"), Pass("A.Checks.Two"), Fail("B.Checks.One", "MnistVae.Elbo is not implemented yet: return the ELBO.")), null, "", 1);
        ownStub.Tests[1].Score.Should().Be(0);
        ownStub.Tests[1].Output.Should().StartWith("This item calls your code from 2.5");
        var helperPasses = Scorer.Score(manifest, State(true, null, Pass("A.Checks.One"), Pass("A.Checks.Two"), Fail("B.Checks.One", "ELBO off")), null, "", 1);
        helperPasses.Tests[1].Score.Should().Be(0);
        helperPasses.Tests[1].Output.Should().NotContain("This item calls").And.NotContain("Not charged");
    }

    /// <summary>A check that never finished scores 0 and says why; finished ones keep their points.</summary>
    [Test]
    public void UnfinishedChecksScoreZeroWithTheReason()
    {
        var r = Scorer.Score(Sample, State(false, "A.Checks.Two", new CheckOutcome("A.Checks.One", true, "", 0.1)), "the check process stopped unexpectedly (exit code 134) during this check", "", 1);
        r.Tests[0].Score.Should().Be(2);
        r.Tests[0].Output.Should().Contain("exit code 134");
        r.Tests[1].Score.Should().Be(0);
        r.Tests[1].Output.Should().Contain("not run: the check process stopped");
    }

    /// <summary>While grading runs, unfinished checks are 0 and marked in progress: never full marks early.</summary>
    [Test]
    public void PendingChecksNeverScore()
    {
        var r = Scorer.Score(Sample, State(false, null), null, "Grading in progress.", 0);
        r.Score.Should().Be(0);
        r.Tests.Should().OnlyContain(t => t.Status == "failed" && t.Output.Contains(Scorer.Pending));
    }

    /// <summary>A manifest naming a check that does not exist is an error, not 0 points for students.</summary>
    [Test]
    public void UnknownChecksAreAnError()
    {
        var bad = Sample with { Items = new[] { new ManifestItem("1", "x", new[] { "Nope" }, 1) } };
        var act = () => Scorer.Score(bad, State(true, null), null, "", 0);
        act.Should().Throw<InvalidDataException>().WithMessage("*no check matches Nope*");
    }

    /// <summary>
    /// The written file has Gradescope's field names and types: score, execution_time, output,
    /// visibility, stdout_visibility, and tests with score, max_score, status, name, number, output,
    /// visibility; the total is the sum of the tests.
    /// </summary>
    [Test]
    public void WritesGradescopeSchema()
    {
        string path = Path.Combine(Path.GetTempPath(), $"results-{Guid.NewGuid():N}", "results.json");
        Scorer.Failed(Sample, "The submission does not compile:\nA.cs(1,1): error CS1002: ; expected", 3.2).Write(path);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        GradescopeSchema.Validate(doc.RootElement).Should().BeEmpty();
        doc.RootElement.GetProperty("output").GetString().Should().Contain("CS1002");
        doc.RootElement.GetProperty("score").GetDouble().Should().Be(0);
        Directory.Delete(Path.GetDirectoryName(path)!, true);
    }

    /// <summary>The progress log reader skips a torn last line (the writer died mid-line) and garbage.</summary>
    [Test]
    public void ProgressLogSurvivesTornLines()
    {
        string path = Path.Combine(Path.GetTempPath(), $"progress-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(path, ProgressLog.Line(new ProgressEvent(ProgressLog.Discovered, Tests: new[] { "A.B.C" })) + "\n"
            + ProgressLog.Line(new ProgressEvent(ProgressLog.Started, Test: "A.B.C")) + "\nnot json\n{\"event\":\"finished\",\"test\":\"A.B");
        var state = ProgressLog.Read(path);
        state.Discovered.Should().Equal("A.B.C");
        state.Outcomes.Should().BeEmpty();
        state.Running.Should().Be("A.B.C");
        state.Done.Should().BeFalse();
        File.Delete(path);
    }
}
