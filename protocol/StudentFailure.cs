namespace GenAI.Worker;

/// <summary>Student code failed: the message says which function and how, for the student to read.</summary>
/// <param name="message">Which function failed and how.</param>
/// <param name="notImplemented">
/// The call ended at a NotImplementedException (a stub): the worker is kept for the next group of checks, where any other
/// failure has it replaced (<see cref="Wire.NotImplemented"/>).
/// </param>
public sealed class StudentFailure(string message, bool notImplemented = false) : Exception(message)
{
    /// <summary>True when the call ended at a NotImplementedException, a stub's failure.</summary>
    public bool NotImplemented { get; } = notImplemented;
}
