using GenAI.Course.ConditionalVae;
using GenAI.Worker.Harness;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// The calls of student code that the ConditionalVae checks share (ECE 685D HW5, problem 3: VAE and conditional VAE on Fashion-MNIST), each one
/// <see cref="Student.Call{T}"/> or <see cref="Student.New{T}"/> with a name; kept with those checks, so a build that
/// holds only this assignment's checks holds only its calls.
/// </summary>
public static partial class Student
{
    /// <summary>Student's <c>FashionVae</c> constructor.</summary>
    public static StudentModule NewFashionVae(int input, int hidden, int latent) => New(() => new FashionVae(input, hidden, latent));

    /// <summary>Student's <c>ConditionalFashionVae</c> constructor.</summary>
    public static StudentModule NewConditionalFashionVae(int input, int hidden, int latent, int classes) => New(() => new ConditionalFashionVae(input, hidden, latent, classes));

    /// <summary>Student's <c>Encode(x, labels)</c> of either model.</summary>
    public static (Tensor mu, Tensor logvar) FashionEncode(StudentModule vae, Tensor x, Tensor labels) => Call(() => vae.As<IFashionVae>().Encode(x, labels));

    /// <summary>Student's <c>Decode(z, labels)</c> of either model.</summary>
    public static Tensor FashionDecode(StudentModule vae, Tensor z, Tensor labels) => Call(() => vae.As<IFashionVae>().Decode(z, labels));

    /// <summary>
    /// Trains the student's model with the course's trainer (Adam, the student's Forward and Loss); the loss per sample of each
    /// epoch and on the held-out set, and the held-out loss with the true labels and with each moved to the next class, under one seed.
    /// </summary>
    public static (double[] epochs, double heldOut, double trueLabels, double otherLabels) FashionTrain(StudentModule vae, Tensor trainX, Tensor trainY, Tensor testX, Tensor testY,
                                                                int epochs, int batchSize, double learningRate, Generator generator, long evaluationSeed) =>
        Call(() => Training.FashionVae(vae.As<nn.Module>(), trainX, trainY, testX, testY, epochs, batchSize, learningRate, generator, evaluationSeed));

    /// <summary>Student's <c>FashionVaeLoss.Loss</c>.</summary>
    public static Tensor FashionLoss(Tensor reconX, Tensor x, Tensor mu, Tensor logvar) => Call(() => FashionVaeLoss.Loss(reconX, x, mu, logvar));

    /// <summary>Student's <c>FashionVaeLoss.OneHot</c> (dtype taken from <paramref name="like"/>).</summary>
    public static Tensor OneHot(Tensor labels, int classes, Tensor like)
    {
        var dtype = like.dtype;
        return Call(() => FashionVaeLoss.OneHot(labels, classes, dtype));
    }

    /// <summary>Student's <c>FashionVaeLoss.Reparameterize</c>.</summary>
    public static Tensor FashionReparameterize(Tensor mu, Tensor logvar, Generator? generator) => Call(() => FashionVaeLoss.Reparameterize(mu, logvar, generator));
}
