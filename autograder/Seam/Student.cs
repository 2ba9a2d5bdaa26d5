using GenAI.Course.Elbo;
using GenAI.Course.ScoreMatching;
using GenAI.Course.Vae;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// The one way checks reach student code. Each member calls the submission's public API and turns
/// a stub's <see cref="NotImplementedException"/> or any other exception into a test failure that
/// says which function failed and why. Moving student code into another process means
/// re-implementing this class, not the checks.
/// </summary>
public static class Student
{
    // CS 446 HW5, distributions.
    /// <summary>Student's <c>Distributions.LogPdfDiagonalGaussian</c>.</summary>
    public static Tensor LogPdfDiagonalGaussian(Tensor z, Tensor mu, Tensor sigmaSquare) =>
        Call("LogPdfDiagonalGaussian", () => Distributions.LogPdfDiagonalGaussian(z, mu, sigmaSquare));

    /// <summary>Student's <c>Distributions.LogPdfBernoulli</c>.</summary>
    public static Tensor LogPdfBernoulli(Tensor x, Tensor p) =>
        Call("LogPdfBernoulli", () => Distributions.LogPdfBernoulli(x, p));

    /// <summary>Student's <c>Distributions.SampleDiagonalGaussian</c>.</summary>
    public static Tensor SampleDiagonalGaussian(Tensor mu, Tensor sigmaSquare, Generator? generator = null) =>
        Call("SampleDiagonalGaussian", () => Distributions.SampleDiagonalGaussian(mu, sigmaSquare, generator));

    /// <summary>Student's <c>Distributions.SampleBernoulli</c>.</summary>
    public static Tensor SampleBernoulli(Tensor p, Generator? generator = null) =>
        Call("SampleBernoulli", () => Distributions.SampleBernoulli(p, generator));

    // CS 446 HW5, the MNIST VAE.
    /// <summary>Student's <c>Encoder</c> constructor.</summary>
    public static nn.Module<Tensor, (Tensor mu, Tensor sigmaSquare)> NewEncoder(int pixels, int hidden, int latent) =>
        Call("Encoder constructor", () => new Encoder(pixels, hidden, latent));

    /// <summary>Student's <c>Decoder</c> constructor.</summary>
    public static nn.Module<Tensor, Tensor> NewDecoder(int latent, int hidden, int pixels) =>
        Call("Decoder constructor", () => new Decoder(latent, hidden, pixels));

    /// <summary>Student's <c>Encoder.forward</c> (or any encoder's).</summary>
    public static (Tensor mu, Tensor sigmaSquare) Encode(nn.Module<Tensor, (Tensor mu, Tensor sigmaSquare)> encoder, Tensor x) =>
        Call("Encoder.forward", () => encoder.forward(x));

    /// <summary>Student's <c>Decoder.forward</c> (or any decoder's).</summary>
    public static Tensor Decode(nn.Module<Tensor, Tensor> decoder, Tensor z) =>
        Call("Decoder.forward", () => decoder.forward(z));

    /// <summary>Student's <c>MnistVae.Elbo</c> over the given encoder and decoder.</summary>
    public static Tensor Elbo(nn.Module<Tensor, (Tensor mu, Tensor sigmaSquare)> encoder, nn.Module<Tensor, Tensor> decoder, Tensor x, Generator? generator = null) =>
        Call("MnistVae.Elbo", () => new MnistVae(encoder, decoder).Elbo(x, generator));

    // CS 4331 HW2, ELBO.py and VAE.py.
    /// <summary>Student's <c>GaussianElbo.NegativeLogLikelihood</c>.</summary>
    public static Tensor NegativeLogLikelihood(Tensor x, Tensor reconX) =>
        Call("NegativeLogLikelihood", () => GaussianElbo.NegativeLogLikelihood(x, reconX));

    /// <summary>Student's <c>GaussianElbo.KlDiagNormal</c>.</summary>
    public static Tensor KlDiagNormal(Tensor mu, Tensor logvar) =>
        Call("KlDiagNormal", () => GaussianElbo.KlDiagNormal(mu, logvar));

    /// <summary>Student's <c>GaussianElbo.ElboLoss</c>.</summary>
    public static Tensor ElboLoss(Tensor x, Tensor reconX, Tensor mu, Tensor logvar) =>
        Call("ElboLoss", () => GaussianElbo.ElboLoss(x, reconX, mu, logvar));

    /// <summary>Student's <c>MlpVae.Reparameterize</c>.</summary>
    public static Tensor Reparameterize(Tensor mu, Tensor logvar, Generator? generator = null) =>
        Call("MlpVae.Reparameterize", () => MlpVae.Reparameterize(mu, logvar, generator));

    /// <summary>Student's <c>MlpVae</c> constructor.</summary>
    public static MlpVae NewMlpVae(int input, int hidden, int latent) =>
        Call("MlpVae constructor", () => new MlpVae(input, hidden, latent));

    /// <summary>Student's <c>MlpVae.Encode</c>.</summary>
    public static (Tensor mu, Tensor logvar) MlpEncode(MlpVae vae, Tensor x) => Call("MlpVae.Encode", () => vae.Encode(x));

    /// <summary>Student's <c>MlpVae.forward</c>.</summary>
    public static (Tensor reconX, Tensor mu, Tensor logvar) MlpForward(MlpVae vae, Tensor x) => Call("MlpVae.forward", () => vae.forward(x));

    /// <summary>Student's <c>MnistVae</c> constructor with the assignment's architecture.</summary>
    public static MnistVae NewMnistVae(int pixels, int hidden, int latent) => Call("MnistVae constructor", () => new MnistVae(pixels, hidden, latent));

    /// <summary>Student's <c>MlpVae.Decode</c>.</summary>
    public static Tensor MlpDecode(MlpVae vae, Tensor z) => Call("MlpVae.Decode", () => vae.Decode(z));

    // CS 446 HW5, score matching.
    /// <summary>Student's <c>ScoreMatching.GeometricNoiseLevels</c>.</summary>
    public static double[] GeometricNoiseLevels(double sigmaFirst, double sigmaLast, int count) =>
        Call("GeometricNoiseLevels", () => ScoreMatching.GeometricNoiseLevels(sigmaFirst, sigmaLast, count));

    /// <summary>Student's <c>ScoreMatching.DenoisingLoss</c>.</summary>
    public static Tensor DenoisingLoss(ScoreFunction score, Tensor samples, double[] noiseLevels, Generator? generator = null) =>
        Call("DenoisingLoss", () => ScoreMatching.DenoisingLoss(score, samples, noiseLevels, generator));

    /// <summary>Student's <c>ScoreMatching.AnnealedLangevinDynamics</c>.</summary>
    public static Tensor AnnealedLangevinDynamics(ScoreFunction score, Tensor x0, double[] noiseLevels, double eps, int steps, Generator? generator = null) =>
        Call("AnnealedLangevinDynamics", () => ScoreMatching.AnnealedLangevinDynamics(score, x0, noiseLevels, eps, steps, generator));

    static T Call<T>(string function, Func<T> body)
    {
        try
        {
            var result = body();
            if (result is null) Assert.Fail($"{function} returned null.");
            return result!;
        }
        catch (NotImplementedException e)
        {
            Assert.Fail($"{function} is not implemented yet: {e.Message}");
            throw; // unreachable: Assert.Fail throws
        }
        catch (Exception e) when (e is not AssertionException and not SuccessException and not IgnoreException and not InconclusiveException)
        {
            Assert.Fail($"{function} threw {e.GetType().Name}: {FirstLines(e.Message)}");
            throw;
        }
    }

    /// <summary>libtorch errors carry a C++ stack trace after the message: keep what a student can use.</summary>
    static string FirstLines(string message)
    {
        int cut = message.IndexOf("\nException raised from", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        var lines = message.Split('\n');
        return lines.Length <= 4 ? message.Trim() : string.Join("\n", lines.Take(4)).Trim() + " ...";
    }
}
