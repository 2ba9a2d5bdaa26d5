using GenAI.Course.ElboStudy;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// The calls of student code that the ElboStudy checks share (CS/DS 552 HW2, problem 2: feel your ELBO), each one
/// <see cref="Student.Call{T}"/> or <see cref="Student.New{T}"/> with a name; kept with those checks, so a build that
/// holds only this assignment's checks holds only its calls.
/// </summary>
public static partial class Student
{
    /// <summary>Student's <c>FeelYourElbo.LogLikelihoodByQuadrature</c> (default grid).</summary>
    public static double LogLikelihoodByQuadrature(Tensor x, double theta, double sigma2) => Call(() => Course.ElboStudy.FeelYourElbo.LogLikelihoodByQuadrature(x, theta, sigma2));

    /// <summary>Student's <c>FeelYourElbo.Elbo</c>.</summary>
    public static double FeelYourElbo(Tensor x, double theta, double sigma2, double slope, double variance) =>
        Call(() => Course.ElboStudy.FeelYourElbo.Elbo(x, theta, sigma2, slope, variance));

    /// <summary>Student's <c>FeelYourElbo.Posterior</c>.</summary>
    public static (double slope, double variance) ElboPosterior(double theta, double sigma2) => Call(() => Course.ElboStudy.FeelYourElbo.Posterior(theta, sigma2));
}
