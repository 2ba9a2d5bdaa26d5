// Generated from reference/ by `dotnet run --project autograder -- generate`: edit the reference, not this file.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenAI.Course.Elbo;

/// <summary>
/// CS 4331/5331 HW2, <c>VAE.py</c>: the convolutional VAE on 28x28 MNIST digits, flattened to
/// x [B, 784]. Reference layers: encoder 1x28x28 -> conv 4x4 stride 2 -> 32x14x14 -> conv 4x4
/// stride 2 -> 64x7x7 -> 256 -> (mu, logvar); decoder z -> 256 -> 64x7x7 -> transposed conv ->
/// 32x14x14 -> transposed conv -> 1x28x28, all ReLU, output unbounded (a unit-variance Gaussian
/// mean). Any convolutional encoder and decoder with these input and output shapes is accepted.
/// </summary>
public sealed class ConvVae : Module<Tensor, (Tensor reconX, Tensor mu, Tensor logvar)>, IGaussianVae
{
    // Declare the fields you need here.

    /// <inheritdoc />
    public int Latent { get; }

    /// <summary>Builds the convolutional encoder and decoder for a latent space of <paramref name="latent"/> dimensions.</summary>
    public ConvVae(int latent = 20) : base(nameof(ConvVae))
    {
        if (latent < 1) throw new ArgumentOutOfRangeException(nameof(latent), latent, "the latent space needs at least one dimension");
        Latent = latent;
        throw new NotImplementedException("build a convolutional encoder 1x28x28 -> (mu, logvar) of size latent (Conv2d layers, then Linear heads) and a decoder latent -> 1x28x28 (Linear, then ConvTranspose2d layers), then call RegisterComponents().");
    }

    /// <inheritdoc />
    public (Tensor mu, Tensor logvar) Encode(Tensor x)
    {
        throw new NotImplementedException("reshape x [B, 784] to [B, 1, 28, 28], apply the conv layers and return (mu, logvar), each [B, latent].");
    }

    /// <inheritdoc />
    public Tensor Decode(Tensor z)
    {
        throw new NotImplementedException("map z [B, latent] to a [B, C, 7, 7] grid, upsample it with ConvTranspose2d layers to [B, 1, 28, 28] and return it flattened to [B, 784].");
    }

    /// <summary>x to (reconstruction, mu, logvar), with z drawn by <see cref="MlpVae.Reparameterize"/>.</summary>
    public override (Tensor reconX, Tensor mu, Tensor logvar) forward(Tensor x) => ((IGaussianVae)this).Forward(x);
}
