using GenAI.Course.Elbo;
using GenAI.Worker.Harness;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// The calls of student code that the Elbo checks share (CS 4331 HW2: ELBO.py, VAE.py and the latent views), each one
/// <see cref="Student.Call{T}"/> or <see cref="Student.New{T}"/> with a name; kept with those checks, so a build that
/// holds only this assignment's checks holds only its calls.
/// </summary>
public static partial class Student
{
    /// <summary>Student's <c>GaussianElbo.NegativeLogLikelihood</c>.</summary>
    public static Tensor NegativeLogLikelihood(Tensor x, Tensor reconX) => Call(() => GaussianElbo.NegativeLogLikelihood(x, reconX));

    /// <summary>Student's <c>GaussianElbo.KlDiagNormal</c>.</summary>
    public static Tensor KlDiagNormal(Tensor mu, Tensor logvar) => Call(() => GaussianElbo.KlDiagNormal(mu, logvar));

    /// <summary>Student's <c>GaussianElbo.ElboLoss</c>.</summary>
    public static Tensor ElboLoss(Tensor x, Tensor reconX, Tensor mu, Tensor logvar) => Call(() => GaussianElbo.ElboLoss(x, reconX, mu, logvar));

    /// <summary>Student's <c>MlpVae.Reparameterize</c>.</summary>
    public static Tensor Reparameterize(Tensor mu, Tensor logvar, Generator? generator = null) => Call(() => MlpVae.Reparameterize(mu, logvar, generator));

    /// <summary>Student's <c>MlpVae</c> constructor.</summary>
    public static StudentModule NewMlpVae(int input, int hidden, int latent) => New(() => new MlpVae(input, hidden, latent));

    /// <summary>Student's <c>ConvVae</c> constructor.</summary>
    public static StudentModule NewConvVae(int latent) => New(() => new ConvVae(latent));

    /// <summary>Student's <c>Encode</c> of a <c>ConvVae</c> or <c>MlpVae</c>.</summary>
    public static (Tensor mu, Tensor logvar) VaeEncode(StudentModule vae, Tensor x) => Call(() => vae.As<IGaussianVae>().Encode(x));

    /// <summary>Student's <c>Decode</c> of a <c>ConvVae</c> or <c>MlpVae</c>.</summary>
    public static Tensor VaeDecode(StudentModule vae, Tensor z) => Call(() => vae.As<IGaussianVae>().Decode(z));

    /// <summary>Student's <c>forward</c> of a <c>ConvVae</c> or <c>MlpVae</c>.</summary>
    public static (Tensor reconX, Tensor mu, Tensor logvar) VaeForward(StudentModule vae, Tensor x) => Call(() => vae.As<nn.Module<Tensor, (Tensor, Tensor, Tensor)>>().forward(x));

    /// <summary>Sum of |gradient| of each parameter after a backward pass of a loss over Encode, Reparameterize and Decode.</summary>
    public static IReadOnlyList<(string name, double gradient)> VaeParameterGradients(StudentModule vae, Tensor x, Generator generator) =>
        Call(() => Gradients.GaussianVae(vae.As<nn.Module>(), x, generator));

    /// <summary>One epoch of the course's train.py loop (the student's Forward and ElboLoss) on the student's VAE with <paramref name="optimizer"/>; each iteration's loss.</summary>
    public static double[] VaeTrainEpoch(StudentModule vae, StudentModule optimizer, Tensor images, int batchSize, Generator generator) =>
        Call(() => Training.GaussianVaeEpoch(vae.As<nn.Module>(), optimizer.As<optim.Optimizer>(), images, batchSize, generator));

    /// <summary>Student's <c>LatentViews.LatentTraversal</c> on a model whose Decode(z) is scale * z + shift.</summary>
    public static Tensor LatentTraversal(int latent, double scale, double shift, Tensor baseZ, double from, double to, int steps) =>
        Call(() => WithTestDoubles.LatentTraversal(latent, scale, shift, baseZ, from, to, steps));

    /// <summary>Student's <c>LatentViews.SampleFromPrior</c> on a model whose Decode(z) is scale * z + shift.</summary>
    public static Tensor SampleFromPrior(int latent, double scale, double shift, int count, Generator? generator) =>
        Call(() => WithTestDoubles.SampleFromPrior(latent, scale, shift, count, generator));
}
