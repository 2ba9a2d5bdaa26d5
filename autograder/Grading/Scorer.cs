namespace GenAI.Autograder.Grading;

/// <summary>
/// Turns check outcomes into points for one manifest. Only explicit passes earn points: a check
/// that did not finish, or was never run, scores 0 with a message saying so.
/// </summary>
public static class Scorer
{
    /// <summary>Message for checks that have not reported yet while grading is still running.</summary>
    public const string Pending = "not finished yet (grading in progress)";

    /// <summary>
    /// Scores <paramref name="manifest"/> from <paramref name="state"/>. <paramref name="interruption"/>,
    /// when set, says why unfinished checks will never finish (time-out, crash) and is shown on them.
    /// </summary>
    /// <exception cref="InvalidDataException">A manifest pattern matches no discovered check.</exception>
    public static GradescopeResults Score(Manifest manifest, ProgressLog.State state, string? interruption, string submissionOutput, double seconds)
    {
        var results = new GradescopeResults { ExecutionTime = Math.Round(seconds, 1), Output = submissionOutput };
        foreach (var item in manifest.Items)
        {
            var tests = state.Discovered.Where(t => item.Tests.Any(p => Manifest.Matches(p, t))).ToList();
            if (state.Discovered.Count > 0 && tests.Count == 0)
                throw new InvalidDataException($"manifest '{manifest.Name}', item {item.Number}: no check matches {string.Join(", ", item.Tests)}.");
            int passed = 0;
            var lines = new List<string>();
            foreach (var test in tests)
            {
                if (state.Outcomes.TryGetValue(test, out var outcome))
                {
                    if (outcome.Passed) { passed++; lines.Add($"PASS {ShortName(test)}"); }
                    else lines.Add($"FAIL {ShortName(test)}\n{Indent(outcome.Message)}");
                }
                else
                {
                    string why = interruption is null ? Pending : (state.Running == test ? interruption : $"not run: {interruption}");
                    lines.Add($"FAIL {ShortName(test)}\n{Indent(why)}");
                }
            }
            double score = tests.Count == 0 ? 0 : Math.Round(item.Points * passed / tests.Count, 4);
            results.Tests.Add(new GradescopeTest
            {
                Number = item.Number,
                Name = item.Name,
                MaxScore = item.Points,
                Score = score,
                Status = tests.Count > 0 && passed == tests.Count ? "passed" : "failed",
                Output = tests.Count == 0 ? (interruption ?? Pending) : $"{passed} of {tests.Count} checks passed.\n" + string.Join("\n", lines),
                Visibility = item.Visibility,
            });
        }
        results.Score = Math.Round(results.Tests.Sum(t => t.Score), 4);
        return results;
    }

    /// <summary>A results file for a submission that could not be run at all: every item 0, with the reason.</summary>
    public static GradescopeResults Failed(Manifest manifest, string output, double seconds) => new()
    {
        ExecutionTime = Math.Round(seconds, 1),
        Output = output,
        Tests = manifest.Items.Select(i => new GradescopeTest
        {
            Number = i.Number, Name = i.Name, MaxScore = i.Points, Score = 0, Status = "failed", Visibility = i.Visibility,
            Output = "Not graded: the submission could not be run (see the message at the top).",
        }).ToList(),
    };

    static string ShortName(string test) => test.Contains('.') ? test[(test.IndexOf('.') + 1)..] : test;

    static string Indent(string text) => string.Join("\n", text.Split('\n').Select(l => "    " + l));
}
