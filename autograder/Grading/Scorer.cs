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
        // Items with a failed check that is a mistake (not a stub), and items with a check that met a stub or did not finish.
        var mistakes = new HashSet<string>();
        var unfinished = new HashSet<string>();
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
                    else
                    {
                        lines.Add($"FAIL {ShortName(test)}\n{Indent(outcome.Message)}");
                        if (StubMessage.Function(outcome.Message) is null) mistakes.Add(item.Number);
                        else unfinished.Add(item.Number);
                    }
                }
                else
                {
                    string why = interruption is null ? Pending : (state.Running == test ? interruption : $"not run: {interruption}");
                    lines.Add($"FAIL {ShortName(test)}\n{Indent(why)}");
                    unfinished.Add(item.Number);
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
        NameFailedHelpers(manifest, results, mistakes, unfinished);
        results.Score = Math.Round(results.Tests.Sum(t => t.Score), 4);
        return results;
    }

    /// <summary>
    /// A mistake costs points once, in its own item. A failed item whose manifest entry <c>uses</c> other items (its checks
    /// call their functions: an ELBO calls the log-densities, a training check the whole model) is not charged when one of
    /// those lost points for a mistake (not a stub) and none of its own checks met a stub or went unfinished: its checks
    /// still show, under a note naming the helper, and a mistake of its own shows once the helper is fixed. Where helpers
    /// failed but the item is charged (a stub, or only stubbed helpers), the note names them so the student fixes them first.
    /// </summary>
    static void NameFailedHelpers(Manifest manifest, GradescopeResults results, HashSet<string> mistakes, HashSet<string> unfinished)
    {
        var failed = results.Tests.Where(t => t.Status != "passed").ToDictionary(t => t.Number);
        foreach (var item in manifest.Items.Where(i => i.Uses is { Length: > 0 } && failed.ContainsKey(i.Number)))
        {
            var helpers = item.Uses!.Where(failed.ContainsKey).ToList();
            if (helpers.Count == 0) continue;
            string Named(IEnumerable<string> numbers) => string.Join("; ", numbers.Select(n => $"{n} {failed[n].Name}"));
            var test = failed[item.Number];
            var wrong = helpers.Where(mistakes.Contains).ToList();
            if (wrong.Count > 0 && mistakes.Contains(item.Number) && !unfinished.Contains(item.Number))
            {
                test.Score = test.MaxScore;
                test.Status = "passed";
                test.Output = $"Not charged: the checks below call your code from {Named(wrong)}, which lost points for a mistake in its own item; "
                    + "a mistake costs points once. Fix it there first: a mistake of this item's own would show here then.\n" + test.Output;
            }
            else
                test.Output = $"This item calls your code from {Named(helpers)}, which also failed in this run: fix {(helpers.Count == 1 ? "it" : "them")} first, a mistake there may be the cause here.\n" + test.Output;
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
