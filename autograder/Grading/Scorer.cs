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
        NameFailedHelpers(manifest, results);
        results.Score = Math.Round(results.Tests.Sum(t => t.Score), 4);
        return results;
    }

    /// <summary>
    /// A mistake costs points once, in its own item, or says where it comes from: a failed item whose
    /// manifest entry <c>uses</c> other items that failed too starts by naming them, so the student fixes the helper first.
    /// </summary>
    static void NameFailedHelpers(Manifest manifest, GradescopeResults results)
    {
        var failed = results.Tests.Where(t => t.Status != "passed").ToDictionary(t => t.Number);
        foreach (var item in manifest.Items.Where(i => i.Uses is { Length: > 0 } && failed.ContainsKey(i.Number)))
        {
            var helpers = item.Uses!.Where(failed.ContainsKey).Select(n => $"{n} {failed[n].Name}").ToList();
            if (helpers.Count == 0) continue;
            var test = failed[item.Number];
            test.Output = $"This item calls your code from {string.Join("; ", helpers)}, which also failed in this run: fix {(helpers.Count == 1 ? "it" : "them")} first, a mistake there may be the cause here.\n" + test.Output;
        }
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

    /// <summary>The first failure message of an item's output (the line after its first FAIL), shortened to 200 characters.</summary>
    public static string FirstFailure(string output)
    {
        string line = output.Split('\n').SkipWhile(l => !l.StartsWith("FAIL", StringComparison.Ordinal)).Skip(1).FirstOrDefault()?.Trim() ?? output.Split('\n')[0];
        return line.Length > 200 ? line[..197] + "..." : line;
    }

    static string ShortName(string test) => test.Contains('.') ? test[(test.IndexOf('.') + 1)..] : test;

    static string Indent(string text) => string.Join("\n", text.Split('\n').Select(l => "    " + l));
}
