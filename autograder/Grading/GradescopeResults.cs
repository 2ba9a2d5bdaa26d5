using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenAI.Autograder.Grading;

/// <summary>One test entry of Gradescope's results.json.</summary>
public sealed class GradescopeTest
{
    /// <summary>Points earned.</summary>
    [JsonPropertyName("score")] public double Score { get; set; }
    /// <summary>Points possible.</summary>
    [JsonPropertyName("max_score")] public double MaxScore { get; set; }
    /// <summary>"passed" or "failed".</summary>
    [JsonPropertyName("status")] public string Status { get; set; } = "failed";
    /// <summary>Test name.</summary>
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    /// <summary>Question number.</summary>
    [JsonPropertyName("number")] public string Number { get; set; } = "";
    /// <summary>What the student reads.</summary>
    [JsonPropertyName("output")] public string Output { get; set; } = "";
    /// <summary>visible, hidden, after_due_date or after_published.</summary>
    [JsonPropertyName("visibility")] public string Visibility { get; set; } = "visible";
}

/// <summary>Gradescope's results.json (autograder specification): total score, output, per-test entries.</summary>
public sealed class GradescopeResults
{
    /// <summary>Total points earned.</summary>
    [JsonPropertyName("score")] public double Score { get; set; }
    /// <summary>Seconds the grading took.</summary>
    [JsonPropertyName("execution_time")] public double ExecutionTime { get; set; }
    /// <summary>Submission-level text shown above the tests (compiler errors, interruptions).</summary>
    [JsonPropertyName("output")] public string Output { get; set; } = "";
    /// <summary>Format of <see cref="Output"/>.</summary>
    [JsonPropertyName("output_format")] public string OutputFormat { get; set; } = "text";
    /// <summary>Default visibility of the tests.</summary>
    [JsonPropertyName("visibility")] public string Visibility { get; set; } = "visible";
    /// <summary>Whether students see the autograder's stdout.</summary>
    [JsonPropertyName("stdout_visibility")] public string StdoutVisibility { get; set; } = "hidden";
    /// <summary>Whose submission this is: student, submission_sha256, graded_at, autograder_version (absent while grading runs).</summary>
    [JsonPropertyName("extra_data")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, string>? ExtraData { get; set; }
    /// <summary>Per-item results.</summary>
    [JsonPropertyName("tests")] public List<GradescopeTest> Tests { get; set; } = new();

    static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>Writes the file atomically (temporary file then rename), so a reader never sees half a file.</summary>
    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Options));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a results.json.</summary>
    public static GradescopeResults Read(string path) =>
        JsonSerializer.Deserialize<GradescopeResults>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: empty results file");
}
