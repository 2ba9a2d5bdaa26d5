using GenAI.Course.Faces;
using GenAI.Worker.Harness;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// The calls of student code that the Faces checks share (CS/DS 552 HW2, problem 1: the faces (V)AE), each one
/// <see cref="Student.Call{T}"/> or <see cref="Student.New{T}"/> with a name; kept with those checks, so a build that
/// holds only this assignment's checks holds only its calls.
/// </summary>
public static partial class Student
{
    /// <summary>Student's <c>FaceAutoencoder</c> constructor (576 pixels, the assignment's 24x24 faces).</summary>
    public static StudentModule NewFaceAutoencoder(bool variational, int latent, int hidden) => New(() => new FaceAutoencoder(variational, latent, hidden, 576));

    /// <summary>Student's <c>FaceAutoencoder.Encode</c>.</summary>
    public static (Tensor mu, Tensor logvar) FaceEncode(StudentModule model, Tensor x) => Call(() => model.As<FaceAutoencoder>().Encode(x));

    /// <summary>Student's <c>FaceAutoencoder.Decode</c>.</summary>
    public static Tensor FaceDecode(StudentModule model, Tensor z) => Call(() => model.As<FaceAutoencoder>().Decode(z));

    /// <summary>Student's <c>FaceAutoencoder.Latent</c>.</summary>
    public static Tensor FaceLatent(StudentModule model, Tensor mu, Tensor logvar, Generator? generator) => Call(() => model.As<FaceAutoencoder>().Latent(mu, logvar, generator));

    /// <summary>Trains the student's model with the course's loop; the loss per face of each epoch and the held-out reconstruction MSE.</summary>
    public static (double[] epochs, double heldOutMse) FaceTrain(StudentModule model, Tensor train, Tensor test, int epochs, int batchSize, double learningRate, double beta, Generator generator) =>
        Call(() => Training.Faces(model.As<FaceAutoencoder>(), train, test, epochs, batchSize, learningRate, beta, generator));

    /// <summary>One epoch of the student's <c>FaceLoss.TrainEpoch</c> with plain SGD; the model keeps what it learned.</summary>
    public static double FaceSgdEpoch(StudentModule model, Tensor faces, int batchSize, double learningRate, double beta, Generator generator) =>
        Call(() => Training.FacesSgdEpoch(model.As<FaceAutoencoder>(), faces, batchSize, learningRate, beta, generator));

    /// <summary>Student's <c>FaceLoss.Loss</c>.</summary>
    public static Tensor FaceLossValue(Tensor reconX, Tensor x, Tensor mu, Tensor logvar, double beta) => Call(() => FaceLoss.Loss(reconX, x, mu, logvar, beta));

    /// <summary>Student's <c>FaceLoss.Interpolate</c>.</summary>
    public static Tensor FaceInterpolate(Tensor from, Tensor to, int count) => Call(() => FaceLoss.Interpolate(from, to, count));
}
