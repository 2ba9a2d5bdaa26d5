using GenAI.Course.Autoregressive;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// The calls of student code that the Autoregressive checks share (CS/DS 552 HW1, problem 1: autoregressive images), each one
/// <see cref="Student.Call{T}"/> or <see cref="Student.New{T}"/> with a name; kept with those checks, so a build that
/// holds only this assignment's checks holds only its calls.
/// </summary>
public static partial class Student
{
    /// <summary>Student's <c>CptSampler.SampleImages</c>.</summary>
    public static Tensor SampleImages(IReadOnlyList<Tensor> cpts, Tensor uniforms) => Call(() => CptSampler.SampleImages(cpts, uniforms));

    /// <summary>Student's <c>PixelLstm</c> constructor.</summary>
    public static StudentModule NewPixelLstm(int hidden = 32, int layers = 2) => New(() => new PixelLstm(hidden, layers));

    /// <summary>Student's <c>PixelLstm.forward</c> (teacher-forced logits).</summary>
    public static Tensor PixelLstmForward(StudentModule lstm, Tensor images) => Call(() => lstm.As<PixelLstm>().forward(images));

    /// <summary>Student's <c>PixelLstm.Sample</c>.</summary>
    public static Tensor PixelLstmSample(StudentModule lstm, int count, int length, Generator? generator) => Call(() => lstm.As<PixelLstm>().Sample(count, length, generator));

    /// <summary>Student's <c>PixelLstm.Fit</c>: the loss after each epoch.</summary>
    public static double[] PixelLstmFit(StudentModule lstm, Tensor images, int epochs, double learningRate) => Call(() => lstm.As<PixelLstm>().Fit(images, epochs, learningRate));

    /// <summary>Student's <c>PixelLstm.ConditionalLogLikelihood</c>.</summary>
    public static Tensor ConditionalLogLikelihood(Tensor logits, Tensor images) => Call(() => PixelLstm.ConditionalLogLikelihood(logits, images));
}
