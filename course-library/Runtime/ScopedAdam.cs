using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenAI.Course.Runtime;

/// <summary>
/// Adam (Kingma and Ba; PyTorch's update without weight decay, AMSGrad or maximize) whose step releases every
/// native object it makes before it returns. TorchSharp 0.107's <c>optim.Adam</c> computes the same numbers with
/// the same kernels, but converts each coefficient to a native <see cref="Scalar"/> implicitly, six per parameter
/// per step, which only their finalisers free; until then those small blocks sit among the freed tensor buffers
/// in glibc's heap, which can then neither coalesce nor shrink (a 1.7M-parameter conv VAE grew by about 6 MB of
/// free-but-kept heap per step without collections). Here the coefficients are made once per step and disposed,
/// and each parameter's denominator sqrt(v) / sqrt(1 - b2^t) + eps is computed in a buffer kept across steps.
/// </summary>
public sealed class ScopedAdam : Adam
{
    /// <summary>Adam over <paramref name="parameters"/> with learning rate <paramref name="lr"/>, betas and eps as in PyTorch.</summary>
    public ScopedAdam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
        : base(parameters, lr, beta1, beta2, eps) { }

    readonly Dictionary<IntPtr, Tensor> denominators = [];

    /// <summary>One update of every parameter that has a gradient: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
    /// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps). A closure, when given, is evaluated first and its loss returned.</summary>
    public override Tensor step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null)
            using (enable_grad()) loss = closure();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var group in _parameter_groups)
        {
            var options = (Options)group.Options;
            double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, lr = options.LearningRate!.Value;
            using Scalar keep1 = beta1, take1 = 1 - beta1, keep2 = beta2, take2 = 1 - beta2, eps = options.eps!.Value;
            foreach (var parameter in group.Parameters)
            {
                var grad = parameter.grad;
                if (grad is null) continue;
                var state = (State)_state[parameter.Handle];
                state.step += 1;
                using Scalar rootCorrection2 = Math.Sqrt(1 - Math.Pow(beta2, state.step)), stepSize = -lr / (1 - Math.Pow(beta1, state.step));
                state.exp_avg.mul_(keep1).add_(grad, take1);
                state.exp_avg_sq.mul_(keep2).addcmul_(grad, grad, take2);
                if (!denominators.TryGetValue(parameter.Handle, out var denominator))
                    denominators[parameter.Handle] = denominator = empty_like(parameter).DetachFromDisposeScope();
                denominator.copy_(state.exp_avg_sq).sqrt_().div_(rootCorrection2).add_(eps);
                parameter.addcdiv_(state.exp_avg, denominator, stepSize);
            }
        }
        return loss!;
    }

    /// <summary>Frees the denominator buffers with the optimizer's state.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var denominator in denominators.Values) denominator.Dispose();
        denominators.Clear();
        base.Dispose(disposing);
    }
}
