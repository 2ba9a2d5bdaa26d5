namespace GenAI.Autograder.Grading;

/// <summary>The outcome of one check, as the process that ran it reported it.</summary>
/// <param name="Test">Check name relative to GenAI.Autograder.Checks, e.g. "Vae.ElboChecks.GradientsFlowToEncoderAndDecoder".</param>
/// <param name="Passed">True only for an explicit pass.</param>
/// <param name="Message">Failure message (empty on a pass).</param>
/// <param name="Seconds">Wall time of the check.</param>
public sealed record CheckOutcome(string Test, bool Passed, string Message, double Seconds);

/// <summary>What check messages say about stubs.</summary>
public static class StubMessage
{
    /// <summary>The function a stub's failure names ("Decoder constructor" of "Decoder constructor is not implemented yet: ..."), or null for any other failure.</summary>
    public static string? Function(string message)
    {
        int at = message.IndexOf(" is not implemented yet", StringComparison.Ordinal);
        return at > 0 ? message[..at] : null;
    }
}
