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
    // SOLUTION BEGIN (declarations)
    readonly Conv2d conv1, conv2;
    readonly Linear encoderHidden, encoderMu, encoderLogvar, decoderHidden, decoderGrid;
    readonly ConvTranspose2d deconv1, deconv2;
    // SOLUTION END

    /// <inheritdoc />
    public int Latent { get; }

    /// <summary>Builds the convolutional encoder and decoder for a latent space of <paramref name="latent"/> dimensions.</summary>
    public ConvVae(int latent = 20) : base(nameof(ConvVae))
    {
        if (latent < 1) throw new ArgumentOutOfRangeException(nameof(latent), latent, "the latent space needs at least one dimension");
        Latent = latent;
        // SOLUTION BEGIN: build a convolutional encoder 1x28x28 -> (mu, logvar) of size latent (Conv2d layers, then Linear heads) and a decoder latent -> 1x28x28 (Linear, then ConvTranspose2d layers), then call RegisterComponents().
        conv1 = Conv2d(1, 32, 4, stride: 2, padding: 1);
        conv2 = Conv2d(32, 64, 4, stride: 2, padding: 1);
        encoderHidden = Linear(64 * 7 * 7, 256);
        encoderMu = Linear(256, latent);
        encoderLogvar = Linear(256, latent);
        decoderHidden = Linear(latent, 256);
        decoderGrid = Linear(256, 64 * 7 * 7);
        deconv1 = ConvTranspose2d(64, 32, 4, stride: 2, padding: 1);
        deconv2 = ConvTranspose2d(32, 1, 4, stride: 2, padding: 1);
        RegisterComponents();
        // SOLUTION END
    }

    /// <inheritdoc />
    public (Tensor mu, Tensor logvar) Encode(Tensor x)
    {
        // SOLUTION BEGIN: reshape x [B, 784] to [B, 1, 28, 28], apply the conv layers and return (mu, logvar), each [B, latent].
        using var scope = NewDisposeScope();
        var h = functional.relu(conv1.forward(x.reshape(-1, 1, 28, 28)));
        h = functional.relu(conv2.forward(h));
        h = functional.relu(encoderHidden.forward(h.flatten(1)));
        return (encoderMu.forward(h).MoveToOuterDisposeScope(), encoderLogvar.forward(h).MoveToOuterDisposeScope());
        // SOLUTION END
    }

    /// <inheritdoc />
    public Tensor Decode(Tensor z)
    {
        // SOLUTION BEGIN: map z [B, latent] to a [B, C, 7, 7] grid, upsample it with ConvTranspose2d layers to [B, 1, 28, 28] and return it flattened to [B, 784].
        using var scope = NewDisposeScope();
        var h = functional.relu(decoderHidden.forward(z));
        h = functional.relu(decoderGrid.forward(h)).reshape(-1, 64, 7, 7);
        h = functional.relu(deconv1.forward(h));
        return deconv2.forward(h).flatten(1).MoveToOuterDisposeScope();
        // SOLUTION END
    }

    /// <summary>x to (reconstruction, mu, logvar), with z drawn by <see cref="MlpVae.Reparameterize"/>.</summary>
    public override (Tensor reconX, Tensor mu, Tensor logvar) forward(Tensor x) => ((IGaussianVae)this).Forward(x);
}
