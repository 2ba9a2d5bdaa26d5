using GenAI.Course.Graphs;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// The calls of student code that the Graphs checks share (CS/DS 552 HW1, problem 3: the classroom edge model), each one
/// <see cref="Student.Call{T}"/> or <see cref="Student.New{T}"/> with a name; kept with those checks, so a build that
/// holds only this assignment's checks holds only its calls.
/// </summary>
public static partial class Student
{
    /// <summary>Student's <c>EdgeModel.LogLikelihood</c>.</summary>
    public static double EdgeLogLikelihood(Tensor features, Tensor edges, double a, double b) => Call(() => EdgeModel.LogLikelihood(features, edges, a, b));

    /// <summary>Student's <c>EdgeModel.Gradient</c>.</summary>
    public static (double dA, double dB) EdgeGradient(Tensor features, Tensor edges, double a, double b) => Call(() => EdgeModel.Gradient(features, edges, a, b));

    /// <summary>Student's <c>EdgeModel.GradientAscent</c>.</summary>
    public static EdgeFit EdgeGradientAscent(Tensor features, Tensor edges, double a0, double b0, double learningRate, int iterations) =>
        Call(() => EdgeModel.GradientAscent(features, edges, a0, b0, learningRate, iterations));

    /// <summary>Student's <c>EdgeModel.SampleEdges</c>.</summary>
    public static Tensor SampleEdges(Tensor features, double a, double b, Generator? generator) => Call(() => EdgeModel.SampleEdges(features, a, b, generator));
}
