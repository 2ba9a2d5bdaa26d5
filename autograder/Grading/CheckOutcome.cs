namespace GenAI.Autograder.Grading;

/// <summary>The outcome of one check, as the process that ran it reported it.</summary>
/// <param name="Test">Check name relative to GenAI.Autograder.Checks, e.g. "Vae.ElboChecks.GradientsFlowToEncoderAndDecoder".</param>
/// <param name="Passed">True only for an explicit pass.</param>
/// <param name="Message">Failure message (empty on a pass).</param>
/// <param name="Seconds">Wall time of the check.</param>
public sealed record CheckOutcome(string Test, bool Passed, string Message, double Seconds);
