// Generated from reference/ by `dotnet run --project autograder -- generate`: edit the reference, not this file.
using GenAI.Course.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenAI.Course.Vae;

/// <summary>
/// CS 446 HW5 encoder q(z|x): fc1 (pixels to hidden) then tanh, then two heads, fc21 for the mean
/// and fc22 for the log-variance. <c>forward</c> returns (mu, sigmaSquare = exp(log-variance)).
/// </summary>
public sealed class Encoder : Module<Tensor, (Tensor mu, Tensor sigmaSquare)>
{
    // Declare the fields you need here.

    /// <summary>Builds the layers: fc1 [pixels to hidden], fc21 and fc22 [hidden to latent].</summary>
    public Encoder(int pixels = 784, int hidden = 500, int latent = 2) : base(nameof(Encoder))
    {
        throw new NotImplementedException("create Linear layers fc1 (pixels->hidden), fc21 (hidden->latent, mean) and fc22 (hidden->latent, log-variance), then call RegisterComponents().");
    }

    /// <summary>x [B, pixels] to (mu [B, latent], sigmaSquare [B, latent]).</summary>
    public override (Tensor mu, Tensor sigmaSquare) forward(Tensor x)
    {
        throw new NotImplementedException("h = tanh(fc1(x)); return (fc21(h), exp(fc22(h))): the second head is a log-variance.");
    }
}

/// <summary>
/// CS 446 HW5 decoder p(x|z), question 2(a): fc3 (latent to hidden) then tanh, fc4 (hidden to
/// pixels) then sigmoid. Returns the Bernoulli means, [B, pixels], each in (0, 1).
/// </summary>
public sealed class Decoder : Module<Tensor, Tensor>
{
    // Declare the fields you need here.

    /// <summary>Builds the layers: fc3 [latent to hidden], fc4 [hidden to pixels].</summary>
    public Decoder(int latent = 2, int hidden = 500, int pixels = 784) : base(nameof(Decoder))
    {
        throw new NotImplementedException("create Linear layers fc3 (latent->hidden) and fc4 (hidden->pixels), then call RegisterComponents().");
    }

    /// <summary>z [B, latent] to Bernoulli means [B, pixels].</summary>
    public override Tensor forward(Tensor z)
    {
        throw new NotImplementedException("return sigmoid(fc4(tanh(fc3(z)))).");
    }
}

/// <summary>
/// CS 446 HW5 VAE: an encoder q(z|x) returning (mu, sigmaSquare), a decoder p(x|z) returning
/// Bernoulli means, and the prior p(z) = N(0, I).
/// </summary>
public sealed class MnistVae : Module
{
    readonly Module<Tensor, (Tensor mu, Tensor sigmaSquare)> encoder;
    readonly Module<Tensor, Tensor> decoder;

    /// <summary>A VAE of the assignment's architecture (defaults: 784 pixels, hidden 500, latent 2).</summary>
    public MnistVae(int pixels = 784, int hidden = 500, int latent = 2)
        : this(new Encoder(pixels, hidden, latent), new Decoder(latent, hidden, pixels)) { }

    /// <summary>A VAE over any encoder and decoder with the same contracts as <see cref="Encoder"/> and <see cref="Decoder"/>.</summary>
    public MnistVae(Module<Tensor, (Tensor mu, Tensor sigmaSquare)> encoder, Module<Tensor, Tensor> decoder) : base(nameof(MnistVae))
    {
        this.encoder = encoder;
        this.decoder = decoder;
        RegisterComponents();
    }

    /// <summary>q(z|x): x [B, pixels] to (mu, sigmaSquare).</summary>
    public Module<Tensor, (Tensor mu, Tensor sigmaSquare)> EncoderNetwork => encoder;

    /// <summary>p(x|z): z [B, latent] to Bernoulli means.</summary>
    public Module<Tensor, Tensor> DecoderNetwork => decoder;

    /// <summary>
    /// One epoch of Adam on -<see cref="Elbo"/> over shuffled batches of <paramref name="images"/> [N, pixels]
    /// (binary); returns the mean ELBO per image. <paramref name="progress"/> hears (batch, batches, batch ELBO).
    /// </summary>
    public double TrainEpoch(Tensor images, optim.Optimizer optimizer, int batchSize, Generator? generator = null, Action<int, int, double>? progress = null)
    {
        train();
        var epoch = Compute.Batches(images, batchSize, generator);
        double total = 0;
        foreach (var batch in epoch)
        {
            var x = batch.Data;
            optimizer.zero_grad();
            var elbo = Elbo(x, generator);
            (-elbo).backward();
            optimizer.step();
            double value = elbo.ToDouble();
            total += value * x.shape[0];
            progress?.Invoke(batch.Number, epoch.Count, value);
        }
        return total / images.shape[0];
    }

    /// <summary>
    /// <c>interpolate_mu</c>, question 2(e) iii: alpha * muA + (1 - alpha) * muB, so alpha = 1 gives
    /// <paramref name="muA"/> and alpha = 0 gives <paramref name="muB"/>.
    /// </summary>
    public static Tensor InterpolateMu(Tensor muA, Tensor muB, double alpha)
    {
        throw new NotImplementedException("return alpha * muA + (1 - alpha) * muB.");
    }

    /// <summary>
    /// <c>elbo</c>, question 2(c), Eq. 2: the batch mean over x [B, pixels] of a one-sample
    /// estimate of E_q[log p(x|z) + log p(z) - log q(z|x)] with z drawn by
    /// <see cref="Distributions.SampleDiagonalGaussian"/>. A scalar to maximise (training minimises
    /// its negative); any unbiased estimate (e.g. Eq. 1 with the closed-form KL) has the same mean.
    /// </summary>
    public Tensor Elbo(Tensor x, Generator? generator = null)
    {
        throw new NotImplementedException("encode x to (mu, sigmaSquare), draw z with SampleDiagonalGaussian, decode to p, and return the batch mean of logpdf_bernoulli(x, p) + logpdf_diagonal_gaussian(z, 0, 1) - logpdf_diagonal_gaussian(z, mu, sigmaSquare).");
    }
}
