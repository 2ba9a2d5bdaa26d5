namespace GenAI.Autograder.Numerics;

/// <summary>What a check is looking at, for failure messages: the student function, the input case, and a hint.</summary>
/// <param name="Function">The student function under test, as the assignment names it.</param>
/// <param name="Input">A short description of the input case.</param>
/// <param name="Hint">The likely mistake when this check fails (may be empty).</param>
public sealed record Case(string Function, string Input, string Hint = "")
{
    /// <summary>"Function, case 'input'" plus the message and the hint on its own line.</summary>
    public string Describe(string message) =>
        $"{Function}, case '{Input}': {message}" + (Hint.Length > 0 ? $"\n  hint: {Hint}" : "");
}
