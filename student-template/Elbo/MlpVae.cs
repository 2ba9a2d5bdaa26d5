// Generated from reference/ by `dotnet run --project autograder -- generate`: edit the reference, not this file.
using GenAI.Course.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenAI.Course.Elbo;

/// <summary>
/// CS 4331/5331 HW2, <c>VAE.py</c>: a fully connected VAE. The encoder maps x [B, input] through
/// one ReLU hidden layer to (mu, logvar) [B, latent]; the decoder maps z through one ReLU hidden
/// layer back to [B, input] (unbounded: the decoder is a unit-variance Gaussian mean). Problem 2.5's
/// fully connected variant of <see cref="ConvVae"/>.
/// </summary>
public sealed class MlpVae : Module<Tensor, (Tensor reconX, Tensor mu, Tensor logvar)>, IGaussianVae
{
    // Declare the fields you need here.

    /// <summary>Builds encoder and decoder MLPs (defaults: 784 inputs, 400 hidden, 20 latent).</summary>
    public MlpVae(int input = 784, int hidden = 400, int latent = 20) : base(nameof(MlpVae))
    {
        if (input < 1 || hidden < 1 || latent < 1) throw new ArgumentOutOfRangeException(nameof(latent), $"MlpVae({input}, {hidden}, {latent}): every size must be at least 1");
        Latent = latent;
        throw new NotImplementedException("build an MLP encoder input->hidden->(mu, logvar) of size latent and an MLP decoder latent->hidden->input, then call RegisterComponents().");
    }

    /// <inheritdoc />
    public int Latent { get; }

    /// <summary>Encoder: x [B, input] to (mu, logvar), each [B, latent].</summary>
    public (Tensor mu, Tensor logvar) Encode(Tensor x)
    {
        throw new NotImplementedException("return (mu, logvar) of q(z|x), each [B, latent].");
    }

    /// <summary>Decoder: z [B, latent] to the reconstruction mean [B, input].</summary>
    public Tensor Decode(Tensor z)
    {
        throw new NotImplementedException("return the decoder's output for z, [B, input].");
    }

    /// <summary>
    /// <c>reparameterize(mu, logvar)</c>, Eq. 1: z = mu + sigma * eps with sigma = exp(logvar / 2)
    /// and eps ~ N(0, I) of mu's shape (drawn on the CPU from <paramref name="generator"/>);
    /// differentiable in mu and logvar.
    /// </summary>
    public static Tensor Reparameterize(Tensor mu, Tensor logvar, Generator? generator = null)
    {
        throw new NotImplementedException("return mu + exp(0.5 * logvar) * eps with eps ~ N(0, I) of mu's shape; logvar is a log-variance.");
    }

    /// <summary>x to (reconstruction, mu, logvar), with z drawn by <see cref="Reparameterize"/>.</summary>
    public override (Tensor reconX, Tensor mu, Tensor logvar) forward(Tensor x) => ((IGaussianVae)this).Forward(x);
}
