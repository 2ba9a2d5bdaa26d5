using GenAI.Course.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Course.Gmm;

/// <summary>
/// A Gaussian mixture p(x) = sum_k pi_k N(x | mu_k, Sigma_k) in D dimensions, float64.
/// </summary>
/// <param name="Weights">pi, [K], positive, summing to 1.</param>
/// <param name="Means">mu_k, [K, D].</param>
/// <param name="Covariances">Sigma_k, [K, D, D], symmetric positive definite.</param>
public sealed record GaussianMixture(Tensor Weights, Tensor Means, Tensor Covariances)
{
    /// <summary>Checks shapes, weights and covariances; returns the mixture in float64.</summary>
    /// <exception cref="ArgumentException">Shapes that disagree, weights that are not a distribution, or a covariance that is not positive definite.</exception>
    public static GaussianMixture Create(Tensor weights, Tensor means, Tensor covariances)
    {
        if (weights.dim() != 1 || means.dim() != 2 || covariances.dim() != 3 || means.shape[0] != weights.shape[0]
            || covariances.shape[0] != weights.shape[0] || covariances.shape[1] != means.shape[1] || covariances.shape[2] != means.shape[1])
            throw new ArgumentException($"expected weights [K], means [K, D] and covariances [K, D, D]; got [{string.Join(", ", weights.shape)}], [{string.Join(", ", means.shape)}] and [{string.Join(", ", covariances.shape)}].");
        var w = weights.to(float64);
        if (!(w > 0).all().ToBoolean() || Math.Abs(w.sum().ToDouble() - 1) > 1e-9)
            throw new ArgumentException("weights must be positive and sum to 1.", nameof(weights));
        var c = covariances.to(float64);
        var (_, info) = linalg.cholesky_ex(c);
        if (info.ne(0).any().ToBoolean())
            throw new ArgumentException("every covariance must be symmetric positive definite.", nameof(covariances));
        return new GaussianMixture(w, means.to(float64), c);
    }

    /// <summary>The assignment's mixture: pi = (0.2, 0.5, 0.3) (or the given weights), three distinct 2-D components.</summary>
    public static GaussianMixture Assignment(double[]? weights = null) => Create(
        tensor(weights ?? [0.2, 0.5, 0.3], dtype: float64),
        tensor(new double[] { -3, 0, 0, 0, 3, 2 }, [3, 2], dtype: float64),
        tensor(new double[] { 1.0, 0.6, 0.6, 1.0, 0.8, 0, 0, 0.8, 0.5, -0.3, -0.3, 1.2 }, [3, 2, 2], dtype: float64));
}

/// <summary>CS 4331/5331 HW2, problem 1: sampling a GMM and Monte Carlo estimates of its entropy.</summary>
public static class MixtureEntropy
{
    /// <summary>
    /// log p(x) for each row of <paramref name="x"/> [N, D]: log sum_k exp(log pi_k + log N(x | mu_k, Sigma_k)),
    /// with log-sum-exp so that tiny weights (1e-5) and far-away points stay finite and exact; [N].
    /// </summary>
    public static Tensor LogDensity(GaussianMixture mixture, Tensor x)
    {
        // SOLUTION BEGIN: compute log pi_k + log N(x | mu_k, Sigma_k) for every row and component (Cholesky: log det = 2 sum log diag L, Mahalanobis = |L^{-1}(x - mu)|^2), then logsumexp over k.
        using var scope = NewDisposeScope();
        var points = x.to(float64);
        long d = points.shape[1];
        var l = linalg.cholesky(mixture.Covariances);
        var centred = (points.unsqueeze(0) - mixture.Means.unsqueeze(1)).transpose(1, 2);
        var solved = linalg.solve_triangular(l, centred, upper: false);
        var mahalanobis = solved.square().sum(dim: 1);
        var logDet = 2 * l.diagonal(dim1: -2, dim2: -1).log().sum(dim: -1);
        var perComponent = mixture.Weights.log().unsqueeze(1) - 0.5 * (d * Math.Log(2 * Math.PI) + logDet.unsqueeze(1) + mahalanobis);
        return perComponent.logsumexp(0).MoveToOuterDisposeScope();
        // SOLUTION END
    }

    /// <summary>
    /// <paramref name="count"/> samples and the component that generated each: draw k ~ Categorical(pi),
    /// then x = mu_k + L_k z with L_k L_k^T = Sigma_k and z ~ N(0, I). Returns x [count, D] and labels [count] (int64, 0-based).
    /// </summary>
    public static (Tensor samples, Tensor labels) Sample(GaussianMixture mixture, int count, Generator? generator = null)
    {
        // SOLUTION BEGIN: draw the labels from the weights, then one standard normal vector per sample, scaled by the Cholesky factor of its component and shifted by its mean.
        using var scope = NewDisposeScope();
        var labels = mixture.Weights.multinomial(count, replacement: true, generator: generator);
        long d = mixture.Means.shape[1];
        var z = Compute.StandardNormal([count, d, 1], float64, mixture.Means.device, generator);
        var l = linalg.cholesky(mixture.Covariances).index_select(0, labels);
        var x = mixture.Means.index_select(0, labels) + l.matmul(z).squeeze(-1);
        return (x.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
        // SOLUTION END
    }

    /// <summary>
    /// The plug-in Monte Carlo estimate of H(p) = -E[log p(x)] from <paramref name="samples"/> [N, D]
    /// (drawn from the mixture): -(1/N) sum log p(x_i), and its standard error sd(log p) / sqrt(N), in nats.
    /// </summary>
    public static (double estimate, double standardError) EntropyEstimate(GaussianMixture mixture, Tensor samples)
    {
        // SOLUTION BEGIN: evaluate LogDensity on the samples; return minus its mean and its standard deviation over sqrt(N).
        using var scope = NewDisposeScope();
        var logP = LogDensity(mixture, samples);
        return (-logP.mean().ToDouble(), logP.std().ToDouble() / Math.Sqrt(samples.shape[0]));
        // SOLUTION END
    }

    /// <summary>
    /// Problems 1.2 and 1.3: draws <paramref name="count"/> samples from <paramref name="mixture"/> itself
    /// and returns <see cref="EntropyEstimate"/> on them.
    /// </summary>
    public static (double estimate, double standardError) EstimateEntropy(GaussianMixture mixture, int count, Generator? generator = null)
    {
        // SOLUTION BEGIN: sample count points from this mixture (not another one) and estimate the entropy on them.
        var (samples, labels) = Sample(mixture, count, generator);
        using (samples) using (labels) return EntropyEstimate(mixture, samples);
        // SOLUTION END
    }

    /// <summary>The differential entropy of one Gaussian N(mu, Sigma) in D dimensions: D/2 (1 + log 2 pi) + 1/2 log det Sigma.</summary>
    public static double GaussianEntropy(Tensor covariance)
    {
        // SOLUTION BEGIN: return D/2 (1 + log 2 pi) + 1/2 log det Sigma.
        long d = covariance.shape[0];
        var (_, logDet) = linalg.slogdet(covariance.to(float64));
        return 0.5 * d * (1 + Math.Log(2 * Math.PI)) + 0.5 * logDet.ToDouble();
        // SOLUTION END
    }
}
