namespace GenAI.Autograder.Numerics;

/// <summary>What a check is looking at, for failure messages: the student function, the input case, and a hint.</summary>
public sealed record Case
{
    /// <summary>A case, which becomes <see cref="Latest"/>: what a failure of student code that no narrower context claims is reported under.</summary>
    public Case(string Function, string Input, string Hint = "")
    {
        this.Function = Function;
        this.Input = Input;
        this.Hint = Hint;
        latest = this;
    }

    /// <summary>The student function under test, as the assignment names it.</summary>
    public string Function { get; init; }

    /// <summary>A short description of the input case.</summary>
    public string Input { get; init; }

    /// <summary>The likely mistake when this check fails (may be empty).</summary>
    public string Hint { get; init; }

    [ThreadStatic] static Case? latest;

    /// <summary>
    /// The case the running check made last on this thread (null before its first): a check names its case before it
    /// calls the student code the case describes, so an exception thrown there is shown with the input that raised it.
    /// Cleared as each check starts.
    /// </summary>
    public static Case? Latest { get => latest; set => latest = value; }

    /// <summary>"Function, case 'input'" plus the message and the hint on its own line.</summary>
    public string Describe(string message) =>
        $"{Function}, case '{Input}': {message}" + (Hint.Length > 0 ? $"\n  hint: {Hint}" : "");
}
