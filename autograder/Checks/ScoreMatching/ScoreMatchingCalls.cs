using GenAI.Course.ScoreMatching;
using GenAI.Worker.Harness;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// The calls of student code that the ScoreMatching checks share (CS 446 HW5: score matching), each one
/// <see cref="Student.Call{T}"/> or <see cref="Student.New{T}"/> with a name; kept with those checks, so a build that
/// holds only this assignment's checks holds only its calls.
/// </summary>
public static partial class Student
{
    /// <summary>Student's <c>ScoreMatching.GeometricNoiseLevels</c>.</summary>
    public static double[] GeometricNoiseLevels(double sigmaFirst, double sigmaLast, int count) => Call(() => ScoreMatching.GeometricNoiseLevels(sigmaFirst, sigmaLast, count));

    /// <summary>Student's <c>ScoreMatching.DenoisingLoss</c> with <paramref name="score"/> as the model.</summary>
    public static Tensor DenoisingLoss(ScoreModel score, Tensor samples, double[] noiseLevels, Generator? generator = null)
    {
        var (loss, calls) = Call(() => WithTestDoubles.DenoisingLoss(score.Mean, score.Scale, score.A, score.B, score.Record, score.RecordInputs, samples, noiseLevels, generator));
        score.Recorded(calls);
        return loss;
    }

    /// <summary>Student's <c>ScoreMatching.AnnealedLangevinDynamics</c>: the samples, and x0 as it was after the call (to catch in-place changes).</summary>
    public static (Tensor samples, Tensor x0After) AnnealedLangevinDynamics(ScoreModel score, Tensor x0, double[] noiseLevels, double eps, int steps, Generator? generator = null)
    {
        var (samples, x0After, calls) = Call(() => WithTestDoubles.AnnealedLangevinDynamics(score.Mean, score.Scale, score.A, score.B, score.Record, score.RecordInputs, x0, noiseLevels, eps, steps, generator));
        score.Recorded(calls);
        return (samples, x0After);
    }
}
