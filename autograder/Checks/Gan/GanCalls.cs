using GenAI.Course.Gan;
using GenAI.Worker.Harness;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// The calls of student code that the Gan checks share (ECE 685D HW5, problem 1: the DCGAN and the linear probe), each one
/// <see cref="Student.Call{T}"/> or <see cref="Student.New{T}"/> with a name; kept with those checks, so a build that
/// holds only this assignment's checks holds only its calls.
/// </summary>
public static partial class Student
{
    /// <summary>Student's <c>Discriminator</c> constructor.</summary>
    public static StudentModule NewDiscriminator() => New(() => new Discriminator());

    /// <summary>Student's <c>Discriminator.forward</c>.</summary>
    public static Tensor DiscriminatorForward(StudentModule d, Tensor images) => Call(() => d.As<Discriminator>().forward(images));

    /// <summary>Student's <c>Discriminator.Features</c>.</summary>
    public static Tensor DiscriminatorFeatures(StudentModule d, Tensor images) => Call(() => d.As<Discriminator>().Features(images));

    /// <summary>Student's <c>ImageGenerator</c> constructor.</summary>
    public static StudentModule NewImageGenerator() => New(() => new ImageGenerator());

    /// <summary>Student's <c>ImageGenerator.forward</c>.</summary>
    public static Tensor ImageGeneratorForward(StudentModule g, Tensor z) => Call(() => g.As<ImageGenerator>().forward(z));

    /// <summary>Student's <c>GanLoss.Discriminator</c>.</summary>
    public static Tensor GanDiscriminatorLoss(Tensor real, Tensor fake) => Call(() => GanLoss.Discriminator(real, fake));

    /// <summary>Student's <c>GanLoss.Generator</c>.</summary>
    public static Tensor GanGeneratorLoss(Tensor fake) => Call(() => GanLoss.Generator(fake));

    /// <summary>Student's <c>Dcgan</c> constructor.</summary>
    public static StudentModule NewDcgan(double learningRate) => New(() => new Dcgan(learningRate));

    /// <summary>Student's <c>Dcgan.Latent</c>.</summary>
    public static Tensor DcganLatent(StudentModule gan, int count, Generator? generator) => Call(() => gan.As<Dcgan>().Latent(count, generator));

    /// <summary>Student's <c>Dcgan.Sample</c>.</summary>
    public static Tensor DcganSample(StudentModule gan, int count, Generator? generator) => Call(() => gan.As<Dcgan>().Sample(count, generator));

    /// <summary>Student's <c>Dcgan.DiscriminatorStep</c>.</summary>
    public static double DcganDiscriminatorStep(StudentModule gan, Tensor real, Tensor z) => Call(() => gan.As<Dcgan>().DiscriminatorStep(real, z));

    /// <summary>Student's <c>Dcgan.GeneratorStep</c>.</summary>
    public static double DcganGeneratorStep(StudentModule gan, Tensor z) => Call(() => gan.As<Dcgan>().GeneratorStep(z));

    /// <summary>The min-max objective mean log D(x) + mean log(1 - D(G(z))) of the student's networks (training mode, dropout seeded).</summary>
    public static double DcganObjective(StudentModule gan, Tensor real, Tensor z, Generator seed) => Call(() => Gradients.DcganObjective(gan.As<Dcgan>(), real, z, seed));

    /// <summary>Zeroes the gradients D's and G's parameters hold, as a fresh model has them before its first step.</summary>
    public static void DcganZeroGradients(StudentModule gan) => Call(() => Gradients.DcganZeroGradients(gan.As<Dcgan>()));

    /// <summary>Fingerprints (sum, sum of squares, sum of |.|) of D's and G's parameters.</summary>
    public static (double[] d, double[] g) DcganFingerprints(StudentModule gan) => Call(() => Gradients.DcganFingerprints(gan.As<Dcgan>()));

    /// <summary>Student's <c>LinearProbe.Fit</c>: the layer's weight and bias.</summary>
    public static (Tensor weight, Tensor bias) LinearProbeFit(Tensor features, Tensor labels, int classes, int epochs, double learningRate) =>
        Call(() => Training.LinearProbe(features, labels, classes, epochs, learningRate));

    /// <summary>Student's <c>LinearProbe.Accuracy</c> of the layer (weight, bias).</summary>
    public static double LinearProbeAccuracy(Tensor weight, Tensor bias, Tensor features, Tensor labels) => Call(() => Training.LinearProbeAccuracy(weight, bias, features, labels));
}
