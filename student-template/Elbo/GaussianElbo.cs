// Generated from reference/ by `dotnet run --project autograder -- generate`: edit the reference, not this file.
using static TorchSharp.torch;

namespace GenAI.Course.Elbo;

/// <summary>
/// CS 4331/5331 HW2, <c>ELBO.py</c>: the negative ELBO of a VAE with a unit-variance Gaussian
/// decoder and a diagonal Gaussian posterior given by its <b>log-variance</b>.
/// </summary>
public static class GaussianElbo
{
    /// <summary>
    /// <c>negative_log_likelihood(x, recon_x)</c>: -log N(x; recon_x, I) per sample, i.e.
    /// 0.5 * sum_d (x_d - recon_d)^2 + (D/2) log(2 pi), summed over the last dimension; shape [B].
    /// The grader accepts the result with or without the constant (D/2) log(2 pi); the factor 0.5
    /// (unit variance) is required.
    /// </summary>
    public static Tensor NegativeLogLikelihood(Tensor x, Tensor reconX)
    {
        throw new NotImplementedException("return 0.5 * sum over the last dimension of (x - recon_x)^2 (+ D/2 * log(2*pi) if you include the constant), shape [B].");
    }

    /// <summary>
    /// <c>kl_diag_normal(mu, logvar)</c>: KL(N(mu, diag(exp(logvar))) || N(0, I)) =
    /// -1/2 * sum_k (1 + logvar_k - mu_k^2 - exp(logvar_k)), summed over the last dimension; shape [B].
    /// </summary>
    public static Tensor KlDiagNormal(Tensor mu, Tensor logvar)
    {
        throw new NotImplementedException("return -0.5 * sum over the last dimension of (1 + logvar - mu^2 - exp(logvar)), shape [B].");
    }

    /// <summary>
    /// The ELBO loss L = ReconLoss + KL (Eq. 3): the batch mean (or sum) of
    /// <see cref="NegativeLogLikelihood"/> + <see cref="KlDiagNormal"/>, a scalar to minimise.
    /// </summary>
    public static Tensor ElboLoss(Tensor x, Tensor reconX, Tensor mu, Tensor logvar)
    {
        throw new NotImplementedException("return the batch mean of negative_log_likelihood(x, recon_x) + kl_diag_normal(mu, logvar), a scalar.");
    }
}
