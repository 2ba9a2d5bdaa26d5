// Generated from reference/ by `dotnet run --project autograder -- generate`: edit the reference, not this file.
using GenAI.Course.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Course.Elbo;

/// <summary>CS 4331/5331 HW2, problem 2.4: <c>latent_traversal.py</c> and <c>sample_from_prior.py</c>.</summary>
public static class LatentViews
{
    /// <summary>
    /// <c>latent_traversal</c>: for each latent dimension k = 0 .. L-1 and each of <paramref name="steps"/>
    /// values v evenly spaced from <paramref name="from"/> to <paramref name="to"/> (both included), decodes
    /// z = <paramref name="baseZ"/> with z_k replaced by v, every other dimension kept fixed. Returns
    /// [L * steps, output]: dimension k's images are rows k * steps .. k * steps + steps - 1, v ascending.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="baseZ"/> is not a vector of the model's latent size, or <paramref name="steps"/> is below 2.</exception>
    public static Tensor LatentTraversal(IGaussianVae model, Tensor baseZ, double from = -3, double to = 3, int steps = 9)
    {
        if (baseZ.dim() != 1 || baseZ.shape[0] != model.Latent)
            throw new ArgumentException($"baseZ must be a vector of the latent size {model.Latent}, got [{string.Join(", ", baseZ.shape)}]", nameof(baseZ));
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "a traversal needs at least 2 steps");
        throw new NotImplementedException("build the [L * steps, L] codes (row k * steps + j is baseZ with dimension k set to the j-th of steps values from..to) and return Decode of them.");
    }

    /// <summary>
    /// <c>sample_from_prior</c>: draws <paramref name="count"/> codes z ~ N(0, I) of the model's latent
    /// size (on the CPU from <paramref name="generator"/>, see <see cref="Compute.StandardNormal"/>)
    /// and returns their decodings [count, output].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public static Tensor SampleFromPrior(IGaussianVae model, int count, Device device, Generator? generator = null)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "draw at least one sample");
        throw new NotImplementedException("draw z ~ N(0, I) of shape [count, Latent] and return Decode(z).");
    }
}
