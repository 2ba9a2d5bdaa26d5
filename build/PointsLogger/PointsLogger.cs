using System.Text.RegularExpressions;
using GenAI.Autograder.Grading;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Client;

namespace GenAI.Points;

/// <summary>
/// `dotnet test` in the student bundle: each failing check once, by class and name, with its message and no stack
/// trace; then the points the autograder would give for the visible items, item by item, scored by its own Scorer.
/// </summary>
[FriendlyName("points")]
[ExtensionUri("logger://genai/points")]
public sealed class PointsLogger : ITestLogger
{
    const string ChecksNamespace = "GenAI.Autograder.Checks.";
    readonly Dictionary<string, CheckOutcome> outcomes = new();
    string? source;

    /// <summary>Subscribes to results and the end of the run.</summary>
    public void Initialize(TestLoggerEvents events, string testRunDirectory)
    {
        events.TestResult += (_, e) => Record(e.Result);
        events.TestRunComplete += (_, _) => Summarise(Console.Out);
    }

    void Record(TestResult result)
    {
        string name = result.TestCase.FullyQualifiedName;
        if (name.StartsWith(ChecksNamespace, StringComparison.Ordinal)) name = name[ChecksNamespace.Length..];
        source ??= result.TestCase.Source;
        bool passed = result.Outcome == TestOutcome.Passed;
        string message = (result.ErrorMessage ?? "").Trim();
        lock (outcomes) outcomes[name] = new CheckOutcome(name, passed, message, result.Duration.TotalSeconds);
        if (passed || result.Outcome == TestOutcome.Skipped) return;
        lock (Console.Out)
        {
            Console.WriteLine($"  FAIL {name}");
            foreach (var line in message.Split('\n').Take(12)) Console.WriteLine($"       {line.TrimEnd()}");
        }
    }

    /// <summary>Points per visible item from the checks that ran (items none of whose checks ran, e.g. under --filter, are listed as not run).</summary>
    void Summarise(TextWriter output)
    {
        if (source is null) return;
        string folder = Path.Combine(Path.GetDirectoryName(source)!, "Assignments");
        if (!Directory.Exists(folder)) return;
        foreach (var manifest in Manifest.LoadAll(folder))
        {
            var names = outcomes.Keys.ToList();
            var ran = manifest.Items.Where(i => names.Any(n => i.Tests.Any(p => Manifest.Matches(p, n)))).ToArray();
            var state = new ProgressLog.State(names, outcomes, null, true);
            var scored = Scorer.Score(manifest with { Items = ran }, state, null, "", 0).Tests.ToDictionary(t => t.Number);
            output.WriteLine();
            output.WriteLine($"{manifest.Title}: points for the visible items (the course may grade more)");
            int width = manifest.Items.Max(i => i.Number.Length + 1 + i.Name.Length);
            foreach (var item in manifest.Items)
            {
                string label = $"{item.Number} {item.Name}".PadRight(width);
                output.WriteLine(scored.TryGetValue(item.Number, out var t)
                    ? $"  {label}  {t.Score:0.##}/{t.MaxScore:0.##}{(t.Status == "passed" ? "" : $"  ({Regex.Match(t.Output, @"\d+ of \d+ checks passed").Value})")}"
                    : $"  {label}  not run");
            }
            output.WriteLine($"  visible items {scored.Values.Sum(t => t.Score):0.##}/{manifest.MaxScore:0.##}");
        }
    }
}
