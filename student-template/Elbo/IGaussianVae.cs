// Generated from reference/ by `dotnet run --project autograder -- generate`: edit the reference, not this file.
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Course.Elbo;

/// <summary>
/// What the convolutional VAE of <c>VAE.py</c> and its fully connected variant (problem 2.5) share:
/// images flattened to x [B, 784] with pixels in [0, 1], a diagonal Gaussian posterior given by its
/// <b>log-variance</b>, and a unit-variance Gaussian decoder whose mean is <see cref="Decode"/>.
/// </summary>
public interface IGaussianVae
{
    /// <summary>Dimension of the latent space.</summary>
    int Latent { get; }

    /// <summary>Encoder: x [B, 784] to (mu, logvar) of q(z | x), each [B, <see cref="Latent"/>].</summary>
    (Tensor mu, Tensor logvar) Encode(Tensor x);

    /// <summary>Decoder: z [B, <see cref="Latent"/>] to the reconstruction mean [B, 784].</summary>
    Tensor Decode(Tensor z);

    /// <summary>(reconstruction, mu, logvar): Encode, z by <see cref="MlpVae.Reparameterize"/> with eps from <paramref name="generator"/>, Decode.</summary>
    (Tensor reconX, Tensor mu, Tensor logvar) Forward(Tensor x, Generator? generator = null)
    {
        var (mu, logvar) = Encode(x);
        return (Decode(MlpVae.Reparameterize(mu, logvar, generator)), mu, logvar);
    }
}
