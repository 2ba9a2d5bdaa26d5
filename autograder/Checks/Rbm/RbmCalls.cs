using GenAI.Course.Rbm;
using GenAI.Worker.Harness;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// The calls of student code that the Rbm checks share (ECE 685D HW5, problem 2: the Gaussian-Bernoulli RBM), each one
/// <see cref="Student.Call{T}"/> or <see cref="Student.New{T}"/> with a name; kept with those checks, so a build that
/// holds only this assignment's checks holds only its calls.
/// </summary>
public static partial class Student
{
    /// <summary>Student's <c>GaussianBernoulliRbm</c> constructor.</summary>
    public static StudentModule NewRbm(int visible, int hidden, Tensor sigma) => New(() => new GaussianBernoulliRbm(visible, hidden, sigma));

    /// <summary>Student's <c>GaussianBernoulliRbm.HiddenProbability</c>.</summary>
    public static Tensor RbmHiddenProbability(StudentModule rbm, Tensor v) => Call(() => rbm.As<GaussianBernoulliRbm>().HiddenProbability(v));

    /// <summary>Student's <c>GaussianBernoulliRbm.VisibleMean</c>.</summary>
    public static Tensor RbmVisibleMean(StudentModule rbm, Tensor h) => Call(() => rbm.As<GaussianBernoulliRbm>().VisibleMean(h));

    /// <summary>Student's <c>GaussianBernoulliRbm.FreeEnergy</c>.</summary>
    public static Tensor RbmFreeEnergy(StudentModule rbm, Tensor v) => Call(() => rbm.As<GaussianBernoulliRbm>().FreeEnergy(v));

    /// <summary>The gradients of sum_b F(v_b) in the parameters (W, b, alpha), by the student's autograd.</summary>
    public static IReadOnlyDictionary<string, Tensor> RbmFreeEnergyGradients(StudentModule rbm, Tensor v) => Call(() => Gradients.RbmFreeEnergy(rbm.As<GaussianBernoulliRbm>(), v));

    /// <summary>Student's <c>GaussianBernoulliRbm.Gibbs</c>.</summary>
    public static Tensor RbmGibbs(StudentModule rbm, Tensor v, int k, Generator? generator) => Call(() => rbm.As<GaussianBernoulliRbm>().Gibbs(v, k, generator));

    /// <summary>Student's <c>GaussianBernoulliRbm.ContrastiveDivergenceLoss</c>: the loss and its gradients in the parameters.</summary>
    public static (Tensor loss, IReadOnlyDictionary<string, Tensor> gradients) RbmContrastiveDivergence(StudentModule rbm, Tensor v, int k, Generator? generator) =>
        Call(() => Gradients.RbmContrastiveDivergence(rbm.As<GaussianBernoulliRbm>(), v, k, generator));
}
