using GenAI.Course.Ppca;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// The calls of student code that the Ppca checks share (CS/DS 552 HW1, problem 2: p-PCA), each one
/// <see cref="Student.Call{T}"/> or <see cref="Student.New{T}"/> with a name; kept with those checks, so a build that
/// holds only this assignment's checks holds only its calls.
/// </summary>
public static partial class Student
{
    /// <summary>Student's <c>Ppca.Fit</c>.</summary>
    public static PpcaModel PpcaFit(Tensor data, int d) => Call(() => Ppca.Fit(data, d));

    /// <summary>Student's <c>Ppca.PosteriorMean</c>.</summary>
    public static Tensor PosteriorMean(PpcaModel model, Tensor x) => Call(() => Ppca.PosteriorMean(model, x));

    /// <summary>Student's <c>Ppca.PosteriorCovariance</c>.</summary>
    public static Tensor PosteriorCovariance(PpcaModel model) => Call(() => Ppca.PosteriorCovariance(model));

    /// <summary>Student's <c>Ppca.ExpectedImage</c>.</summary>
    public static Tensor ExpectedImage(PpcaModel model, Tensor z) => Call(() => Ppca.ExpectedImage(model, z));

    /// <summary>Student's <c>Ppca.Generate</c>.</summary>
    public static Tensor PpcaGenerate(PpcaModel model, int count, Generator? generator) => Call(() => Ppca.Generate(model, count, generator));

    /// <summary>Student's <c>Ppca.Sample</c>.</summary>
    public static Tensor PpcaSample(PpcaModel model, int count, Generator? generator) => Call(() => Ppca.Sample(model, count, generator));

    /// <summary>Student's <c>Ppca.LatentPerturbations</c>.</summary>
    public static Tensor LatentPerturbations(PpcaModel model, Tensor x, int[] dimensions, double[] offsets) => Call(() => Ppca.LatentPerturbations(model, x, dimensions, offsets));

    /// <summary>Student's <c>Ppca.LogLikelihood</c>.</summary>
    public static double PpcaLogLikelihood(PpcaModel model, Tensor data) => Call(() => Ppca.LogLikelihood(model, data));
}
