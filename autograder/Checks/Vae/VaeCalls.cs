using GenAI.Course.Vae;
using GenAI.Worker.Harness;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// The calls of student code that the Vae checks share (CS 446 HW5: the MNIST VAE and its distributions), each one
/// <see cref="Student.Call{T}"/> or <see cref="Student.New{T}"/> with a name; kept with those checks, so a build that
/// holds only this assignment's checks holds only its calls.
/// </summary>
public static partial class Student
{
    /// <summary>Student's <c>Distributions.LogPdfDiagonalGaussian</c>.</summary>
    public static Tensor LogPdfDiagonalGaussian(Tensor z, Tensor mu, Tensor sigmaSquare) => Call(() => Distributions.LogPdfDiagonalGaussian(z, mu, sigmaSquare));

    /// <summary>Student's <c>Distributions.LogPdfBernoulli</c>.</summary>
    public static Tensor LogPdfBernoulli(Tensor x, Tensor p) => Call(() => Distributions.LogPdfBernoulli(x, p));

    /// <summary>Student's <c>Distributions.SampleDiagonalGaussian</c>.</summary>
    public static Tensor SampleDiagonalGaussian(Tensor mu, Tensor sigmaSquare, Generator? generator = null) => Call(() => Distributions.SampleDiagonalGaussian(mu, sigmaSquare, generator));

    /// <summary>Student's <c>Distributions.SampleBernoulli</c>.</summary>
    public static Tensor SampleBernoulli(Tensor p, Generator? generator = null) => Call(() => Distributions.SampleBernoulli(p, generator));

    /// <summary>Student's <c>Encoder</c> constructor.</summary>
    public static StudentModule NewEncoder(int pixels, int hidden, int latent) => New(() => new Encoder(pixels, hidden, latent));

    /// <summary>Student's <c>Decoder</c> constructor.</summary>
    public static StudentModule NewDecoder(int latent, int hidden, int pixels) => New(() => new Decoder(latent, hidden, pixels));

    /// <summary>Student's <c>MnistVae</c> constructor with the assignment's architecture.</summary>
    public static StudentModule NewMnistVae(int pixels, int hidden, int latent) => New(() => new MnistVae(pixels, hidden, latent));

    /// <summary>Student's <c>Encoder.forward</c>.</summary>
    public static (Tensor mu, Tensor sigmaSquare) Encode(StudentModule encoder, Tensor x) => Call(() => encoder.As<nn.Module<Tensor, (Tensor, Tensor)>>().forward(x));

    /// <summary>Student's <c>Decoder.forward</c>.</summary>
    public static Tensor Decode(StudentModule decoder, Tensor z) => Call(() => decoder.As<nn.Module<Tensor, Tensor>>().forward(z));

    /// <summary>Student's <c>MnistVae.Elbo</c> over a fixed encoder (mu, sigmaSquare for every row) and a decoder p = sigmoid(z W^T + c).</summary>
    public static Tensor ElboWithFixedEncoderAndLogisticDecoder(Tensor mu, Tensor sigmaSquare, Tensor w, Tensor c, Tensor x, Generator? generator = null) =>
        Call(() => WithTestDoubles.MnistVaeElbo(mu, sigmaSquare, w, c, x, generator));

    /// <summary>Student's <c>MnistVae.InterpolateMu</c>.</summary>
    public static Tensor InterpolateMu(Tensor muA, Tensor muB, double alpha) => Call(() => MnistVae.InterpolateMu(muA, muB, alpha));

    /// <summary>Trains the student's MnistVae with Adam on -Elbo (the course's loop); the mean ELBO of each epoch and the held-out ELBO (mean of 10 one-sample estimates).</summary>
    public static (double[] epochs, double heldOut) MnistVaeTrain(StudentModule vae, Tensor train, Tensor test, int epochs, int batchSize, double learningRate, Generator generator) =>
        Call(() => Training.MnistVae(vae.As<MnistVae>(), train, test, epochs, batchSize, learningRate, generator));
}
