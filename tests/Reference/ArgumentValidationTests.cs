using FluentAssertions;
using GenAI.Course.ScoreMatching;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Reference;

/// <summary>Argument checks that the template keeps from the reference (students do not write them, so the graded checks do not test them).</summary>
public sealed class ArgumentValidationTests
{
    /// <summary>Noise levels must be positive and at least two.</summary>
    [TestCase(0.0, 0.1, 5, "*positive*")]
    [TestCase(1.0, -0.1, 5, "*positive*")]
    [TestCase(double.NaN, 0.1, 5, "*positive*")]
    [TestCase(1.0, 0.1, 1, "*at least two*")]
    public void GeometricNoiseLevelsRejectsBadArguments(double first, double last, int count, string message)
    {
        var act = () => ScoreMatching.GeometricNoiseLevels(first, last, count);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage(message);
    }
}
