using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenAI.Autograder.Grading;

/// <summary>One line of the progress log the check process appends to and the grader reads.</summary>
public sealed record ProgressEvent(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("test")] string? Test = null,
    [property: JsonPropertyName("tests")] string[]? Tests = null,
    [property: JsonPropertyName("passed")] bool Passed = false,
    [property: JsonPropertyName("message")] string? Message = null,
    [property: JsonPropertyName("seconds")] double Seconds = 0);

/// <summary>
/// The progress log: JSON lines, flushed one by one, so whatever the check process managed before
/// it died is kept. The grader treats it as data from an untrusted process: it only reads it.
/// </summary>
public static class ProgressLog
{
    /// <summary>Event: the list of all checks, written first.</summary>
    public const string Discovered = "discovered";
    /// <summary>Event: a check started.</summary>
    public const string Started = "started";
    /// <summary>Event: a check finished.</summary>
    public const string Finished = "finished";
    /// <summary>Event: the run completed; its seconds are those checks spent waiting for the build and the worker's start.</summary>
    public const string Done = "done";

    /// <summary>Serialises one event as a single line.</summary>
    public static string Line(ProgressEvent e) => JsonSerializer.Serialize(e);

    /// <summary>What a (possibly partial) log says: the checks discovered, the outcomes finished, the check running last, whether the run completed, and the seconds its checks waited for the build and the worker's start.</summary>
    public sealed record State(IReadOnlyList<string> Discovered, IReadOnlyDictionary<string, CheckOutcome> Outcomes, string? Running, bool Done, double Waited = 0);

    /// <summary>Parses a log; malformed lines (a torn last line, garbage) are skipped.</summary>
    public static State Read(string path)
    {
        var discovered = new List<string>();
        var outcomes = new Dictionary<string, CheckOutcome>();
        string? running = null;
        bool done = false;
        double waited = 0;
        if (File.Exists(path))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                ProgressEvent? e;
                try { e = JsonSerializer.Deserialize<ProgressEvent>(line); }
                catch (JsonException) { continue; }
                switch (e?.Event)
                {
                    case Discovered when e.Tests is not null: discovered = e.Tests.ToList(); break;
                    case Started when e.Test is not null: running = e.Test; break;
                    case Finished when e.Test is not null:
                        outcomes[e.Test] = new CheckOutcome(e.Test, e.Passed, e.Message ?? "", e.Seconds);
                        if (running == e.Test) running = null;
                        break;
                    case Done: done = true; waited = e.Seconds; break;
                }
            }
        }
        return new State(discovered, outcomes, running, done, waited);
    }
}
