namespace GenAI.Worker;

/// <summary>Student code failed: the message says which function and how, for the student to read.</summary>
public sealed class StudentFailure(string message) : Exception(message);
