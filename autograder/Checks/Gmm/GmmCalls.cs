using GenAI.Course.Gmm;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// The calls of student code that the Gmm checks share (CS 4331 HW2, problem 1: the Gaussian mixture), each one
/// <see cref="Student.Call{T}"/> or <see cref="Student.New{T}"/> with a name; kept with those checks, so a build that
/// holds only this assignment's checks holds only its calls.
/// </summary>
public static partial class Student
{
    /// <summary>Student's <c>MixtureEntropy.LogDensity</c>.</summary>
    public static Tensor MixtureLogDensity(GaussianMixture mixture, Tensor x) => Call(() => MixtureEntropy.LogDensity(mixture, x));

    /// <summary>Student's <c>MixtureEntropy.Sample</c>: samples and labels.</summary>
    public static (Tensor samples, Tensor labels) MixtureSample(GaussianMixture mixture, int count, Generator? generator) => Call(() => MixtureEntropy.Sample(mixture, count, generator));

    /// <summary>Student's <c>MixtureEntropy.EntropyEstimate</c>.</summary>
    public static (double estimate, double standardError) MixtureEntropyEstimate(GaussianMixture mixture, Tensor samples) => Call(() => MixtureEntropy.EntropyEstimate(mixture, samples));

    /// <summary>Student's <c>MixtureEntropy.EstimateEntropy</c>.</summary>
    public static (double estimate, double standardError) MixtureEstimateEntropy(GaussianMixture mixture, int count, Generator? generator) =>
        Call(() => MixtureEntropy.EstimateEntropy(mixture, count, generator));

    /// <summary>Student's <c>MixtureEntropy.GaussianEntropy</c>.</summary>
    public static double GaussianEntropy(Tensor covariance) => Call(() => MixtureEntropy.GaussianEntropy(covariance));
}
