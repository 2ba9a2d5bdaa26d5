using GenAI.Course.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenAI.Course.Rbm;

/// <summary>
/// ECE 685D HW5, problem 2: a Gaussian-Bernoulli RBM with real visible units v [V] and binary hidden
/// units h [M], energy E(v, h) = -( sum_ij W_ij h_j v_i / sigma_i - sum_i (v_i - b_i)^2 / (2 sigma_i^2) + sum_j alpha_j h_j ).
/// W [V, M], b [V] and alpha [M] are trained; sigma [V] is fixed at construction (ones by default).
/// Every method takes a batch [B, V] (or [B, M]) and keeps the parameters' dtype.
/// </summary>
public sealed class GaussianBernoulliRbm : nn.Module
{
    // Field names match the registered names, so module.to(...) finds them: W [V, M], b [V], alpha [M], sigma [V].
    Parameter W;
    Parameter b;
    Parameter alpha;
    Tensor sigma;

    /// <summary>
    /// W ~ N(0, 0.01^2) from the global generator, zero biases; <paramref name="sigma"/> [V] (positive)
    /// fixes the visible units' standard deviations (ones when null). Parameters are named W, b and alpha.
    /// The parameters take a floating-point <paramref name="sigma"/>'s dtype (the default dtype otherwise),
    /// so a float64 sigma makes a float64 model and is never rounded.
    /// </summary>
    public GaussianBernoulliRbm(int visible, int hidden, Tensor? sigma = null) : base(nameof(GaussianBernoulliRbm))
    {
        var dtype = sigma is not null && sigma.is_floating_point() ? sigma.dtype : get_default_dtype();
        W = new Parameter(randn(visible, hidden, dtype: dtype) * 0.01);
        b = new Parameter(zeros(visible, dtype: dtype));
        alpha = new Parameter(zeros(hidden, dtype: dtype));
        this.sigma = sigma?.to(dtype).clone() ?? ones(visible, dtype: dtype);
        if (this.sigma.shape.Length != 1 || this.sigma.shape[0] != visible || !(this.sigma > 0).all().item<bool>())
            throw new ArgumentException($"sigma must be [{visible}] and positive.", nameof(sigma));
        register_parameter("W", W);
        register_parameter("b", b);
        register_parameter("alpha", alpha);
        register_buffer("sigma", this.sigma);
    }

    /// <summary>p(h_j = 1 | v) = sigmoid(alpha_j + sum_i W_ij v_i / sigma_i), [B, M].</summary>
    public Tensor HiddenProbability(Tensor v)
    {
        // SOLUTION BEGIN: divide v by sigma, multiply by W and add alpha; squash with a sigmoid.
        return sigmoid((v / sigma).matmul(W) + alpha);
        // SOLUTION END
    }

    /// <summary>The mean of p(v | h), a Gaussian N(b_i + sigma_i sum_j W_ij h_j, sigma_i^2) per unit: [B, V].</summary>
    public Tensor VisibleMean(Tensor h)
    {
        // SOLUTION BEGIN: b + sigma * (h W^T).
        return b + sigma * h.matmul(W.T);
        // SOLUTION END
    }

    /// <summary>
    /// The free energy F(v) = -log sum_h exp(-E(v, h))
    /// = sum_i (v_i - b_i)^2 / (2 sigma_i^2) - sum_j softplus(alpha_j + sum_i W_ij v_i / sigma_i), [B].
    /// </summary>
    public Tensor FreeEnergy(Tensor v)
    {
        // SOLUTION BEGIN: the quadratic visible term summed over i, minus softplus of the hidden pre-activations summed over j.
        var quadratic = ((v - b) / sigma).square().sum(-1) / 2;
        return quadratic - nn.functional.softplus((v / sigma).matmul(W) + alpha).sum(-1);
        // SOLUTION END
    }

    /// <summary>
    /// k steps of block Gibbs sampling from <paramref name="v"/>: h ~ p(h | v), then v ~ p(v | h)
    /// (a draw, not the mean), k times; returns the last v, [B, V], without gradient.
    /// </summary>
    public Tensor Gibbs(Tensor v, int k, Generator? generator = null)
    {
        // SOLUTION BEGIN: alternate Bernoulli draws of h from HiddenProbability and Gaussian draws of v around VisibleMean with sd sigma.
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = v.detach();
        for (int step = 0; step < k; step++)
        {
            var p = HiddenProbability(x);
            var h = Compute.Uniform(p.shape, p.dtype, p.device, generator).lt(p).to(p.dtype);
            x = VisibleMean(h) + sigma * Compute.StandardNormal(x.shape, x.dtype, x.device, generator);
        }
        return x.MoveToOuterDisposeScope();
        // SOLUTION END
    }

    /// <summary>
    /// The CD-k surrogate loss mean_batch F(v) - mean_batch F(v_k), where v_k is the end of a k-step
    /// Gibbs chain started at the data (detached): its gradient is the CD-k estimate of -d log p(v).
    /// </summary>
    public Tensor ContrastiveDivergenceLoss(Tensor v, int k, Generator? generator = null)
    {
        // SOLUTION BEGIN: run Gibbs for k steps from v, then return the mean free energy of the data minus that of the chain's end.
        var negative = Gibbs(v, k, generator);
        return FreeEnergy(v).mean() - FreeEnergy(negative).mean();
        // SOLUTION END
    }

    /// <summary>The mean-field reconstruction VisibleMean(HiddenProbability(v)), [B, V].</summary>
    public Tensor Reconstruct(Tensor v) => VisibleMean(HiddenProbability(v));

    /// <summary>
    /// One epoch of CD-k on <paramref name="data"/> [N, V]: shuffled mini-batches of <paramref name="batchSize"/>,
    /// one optimizer step per batch. Returns the mean reconstruction MSE of the epoch's batches;
    /// <paramref name="progress"/> hears (batch, batches, mse).
    /// </summary>
    public double TrainEpoch(Tensor data, optim.Optimizer optimizer, int k = 5, int batchSize = 128, Generator? generator = null, Action<int, int, double>? progress = null)
    {
        var epoch = Compute.Batches(data, batchSize, generator);
        double total = 0;
        foreach (var batch in epoch)
        {
            var v = batch.Data;
            optimizer.zero_grad();
            ContrastiveDivergenceLoss(v, k, generator).backward();
            optimizer.step();
            using var noGrad = no_grad();
            double mse = (Reconstruct(v) - v).square().mean().ToDouble();
            total += mse;
            progress?.Invoke(batch.Number, epoch.Count, mse);
        }
        return total / epoch.Count;
    }
}
