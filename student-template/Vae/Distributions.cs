// Generated from reference/ by `dotnet run --project autograder -- generate`: edit the reference, not this file.
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
        throw new NotImplementedException("return log N(z; mu, diag(sigmaSquare)) summed over the last dimension, shape [B]; sigmaSquare is the variance, not the standard deviation.");
    }

    /// <summary>
    /// <c>logpdf_bernoulli</c>: log Ber(x; p) = x log p + (1 - x) log(1 - p), summed over the last
    /// dimension; shape [B]. Finite (0) where x agrees with a certain p in {0, 1}, never NaN.
    /// </summary>
    public static Tensor LogPdfBernoulli(Tensor x, Tensor p)
    {
        throw new NotImplementedException("return sum over the last dimension of x*log(p) + (1-x)*log(1-p), shape [B], with no NaN or -inf where x agrees with p in {0, 1} (0*log 0 counts as 0).");
    }

    /// <summary>
    /// <c>sample_diagonal_gaussian</c>: one reparameterised draw z = mu + sqrt(sigmaSquare) * eps,
    /// eps ~ N(0, I), same shape as <paramref name="mu"/>; differentiable in mu and sigmaSquare.
    /// Noise comes from <paramref name="generator"/> (global generator when null), drawn on the CPU.
    /// </summary>
    public static Tensor SampleDiagonalGaussian(Tensor mu, Tensor sigmaSquare, Generator? generator = null)
    {
        throw new NotImplementedException("return mu + sqrt(sigmaSquare) * eps with eps ~ N(0, I) of mu's shape (reparameterisation: keep the graph to mu and sigmaSquare).");
    }

    /// <summary>
    /// <c>sample_Bernoulli</c>: x_d = 1 with probability p_d, else 0; same shape as <paramref name="p"/>,
    /// in a floating dtype (this solution keeps p's; the original template's comment asks for float32;
    /// both are accepted). Noise from <paramref name="generator"/> (global generator when null).
    /// </summary>
    public static Tensor SampleBernoulli(Tensor p, Generator? generator = null)
    {
        throw new NotImplementedException("return a tensor of p's shape whose entries are 1 with probability p and 0 otherwise.");
    }
}
