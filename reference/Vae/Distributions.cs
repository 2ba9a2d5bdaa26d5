using GenAI.Course.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Course.Vae;

/// <summary>
/// CS 446 HW5, question 2(b): densities and samplers of the MNIST VAE. Everything is parameterised
/// by the <b>variance</b> <c>sigmaSquare</c>, as in the assignment's <c>hw5_vae.py</c>.
/// </summary>
public static class Distributions
{
    /// <summary>
    /// <c>logpdf_diagonal_gaussian</c>: log N(z; mu, diag(sigmaSquare)), summed over the last
    /// dimension. <paramref name="z"/> is [B, D]; <paramref name="mu"/> and
    /// <paramref name="sigmaSquare"/> are [B, D] or a 1-D [D] prior that broadcasts against z.
    /// Returns one value per sample, shape [B].
    /// </summary>
    public static Tensor LogPdfDiagonalGaussian(Tensor z, Tensor mu, Tensor sigmaSquare)
    {
        // SOLUTION BEGIN: return log N(z; mu, diag(sigmaSquare)) summed over the last dimension, shape [B]; sigmaSquare is the variance, not the standard deviation.
        var perDim = -0.5 * (Math.Log(2 * Math.PI) + sigmaSquare.log() + (z - mu).square() / sigmaSquare);
        return perDim.sum(-1);
        // SOLUTION END
    }

    /// <summary>
    /// <c>logpdf_bernoulli</c>: log Ber(x; p) = x log p + (1 - x) log(1 - p), summed over the last
    /// dimension; shape [B]. Finite (0) where x agrees with a certain p in {0, 1}, never NaN.
    /// </summary>
    public static Tensor LogPdfBernoulli(Tensor x, Tensor p)
    {
        // SOLUTION BEGIN: return sum over the last dimension of x*log(p) + (1-x)*log(1-p), shape [B], with no NaN or -inf where x agrees with p in {0, 1} (0*log 0 counts as 0).
        return (torch.xlogy(x, p) + torch.xlogy(1 - x, 1 - p)).sum(-1);
        // SOLUTION END
    }

    /// <summary>
    /// <c>sample_diagonal_gaussian</c>: one reparameterised draw z = mu + sqrt(sigmaSquare) * eps,
    /// eps ~ N(0, I), same shape as <paramref name="mu"/>; differentiable in mu and sigmaSquare.
    /// Noise comes from <paramref name="generator"/> (global generator when null), drawn on the CPU.
    /// </summary>
    public static Tensor SampleDiagonalGaussian(Tensor mu, Tensor sigmaSquare, Generator? generator = null)
    {
        // SOLUTION BEGIN: return mu + sqrt(sigmaSquare) * eps with eps ~ N(0, I) of mu's shape (reparameterisation: keep the graph to mu and sigmaSquare).
        var eps = Compute.StandardNormal(mu.shape, mu.dtype, mu.device, generator);
        return mu + sigmaSquare.sqrt() * eps;
        // SOLUTION END
    }

    /// <summary>
    /// <c>sample_Bernoulli</c>: x_d = 1 with probability p_d, else 0; same shape as <paramref name="p"/>,
    /// in a floating dtype (this solution keeps p's; the original template's comment asks for float32;
    /// both are accepted). Noise from <paramref name="generator"/> (global generator when null).
    /// </summary>
    public static Tensor SampleBernoulli(Tensor p, Generator? generator = null)
    {
        // SOLUTION BEGIN: return a tensor of p's shape whose entries are 1 with probability p and 0 otherwise.
        var u = Compute.Uniform(p.shape, p.dtype, p.device, generator);
        return (u < p).to(p.dtype);
        // SOLUTION END
    }
}
