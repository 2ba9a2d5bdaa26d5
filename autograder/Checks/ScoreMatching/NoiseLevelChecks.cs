using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;

namespace GenAI.Autograder.Checks.ScoreMatching;

/// <summary>CS 446 HW5 4: geometric noise levels sigma_1 .. sigma_L in annealing order.</summary>
public sealed class NoiseLevelChecks : CheckBase
{
    const string Hint = "level i is sigmaFirst * (sigmaLast / sigmaFirst)^(i / (L - 1)) for i = 0 .. L-1: geometric (constant ratio), both ends included, in the given order.";

    /// <summary>
    /// Levels equal exp of an evenly spaced grid between the logs of the ends (a second form of the geometric sequence), within
    /// 1e-6 relative: levels made in float32 (as the course's Python template makes them: exp of a float32 linspace) are off
    /// by a few float32 roundoffs (6e-8 each), while a linear grid, a missing end or a wrong exponent is off by 1e-2 or more.
    /// </summary>
    [TestCase(0.1, 0.01, 10)]
    [TestCase(1.0, 0.01, 5)]
    [TestCase(50.0, 0.5, 2)]
    public void AreGeometricBetweenTheEnds(double first, double last, int count)
    {
        var c = new Case("GeometricNoiseLevels", $"{first} to {last}, L = {count}", Hint);
        var levels = Student.GeometricNoiseLevels(first, last, count);
        Assert.That(levels.Length, Is.EqualTo(count), c.Describe($"returned {levels.Length} levels."));
        for (int i = 0; i < count; i++)
            Numeric.AssertClose(levels[i], Math.Exp(Math.Log(first) + i * (Math.Log(last) - Math.Log(first)) / (count - 1)), c with { Input = c.Input + $", level {i}" }, rtol: 1e-6, atol: 0);
    }
}
