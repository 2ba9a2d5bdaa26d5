using GenAI.Course.Elbo;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>Student functions called on test doubles built where student code runs, from plain data: the Elbo topic's part (a student bundle carries only its assignment's topics).</summary>
public static partial class WithTestDoubles
{
    /// <summary>The student's <c>LatentViews.LatentTraversal</c> on a model whose Decode(z) is scale * z + shift.</summary>
    [Harness("LatentViews.LatentTraversal")]
    public static Tensor LatentTraversal(int latent, double scale, double shift, Tensor baseZ, double from, double to, int steps) =>
        LatentViews.LatentTraversal(new AffineDecoderVae(latent, scale, shift), baseZ, from, to, steps);

    /// <summary>The student's <c>LatentViews.SampleFromPrior</c> on a model whose Decode(z) is scale * z + shift.</summary>
    [Harness("LatentViews.SampleFromPrior")]
    public static Tensor SampleFromPrior(int latent, double scale, double shift, int count, Generator? generator) =>
        LatentViews.SampleFromPrior(new AffineDecoderVae(latent, scale, shift), count, CPU, generator);
}

/// <summary>
/// A VAE for checks of code that only decodes: Decode(z) = scale * z + shift (so the output has the
/// latent's width and shows exactly which codes were decoded); Encode gives zero means and log-variances.
/// </summary>
public sealed class AffineDecoderVae(int latent, double scale, double shift) : IGaussianVae
{
    /// <inheritdoc />
    public int Latent => latent;

    /// <inheritdoc />
    public (Tensor mu, Tensor logvar) Encode(Tensor x) => (zeros(x.shape[0], latent, dtype: x.dtype), zeros(x.shape[0], latent, dtype: x.dtype));

    /// <inheritdoc />
    public Tensor Decode(Tensor z) => scale * z + shift;
}
