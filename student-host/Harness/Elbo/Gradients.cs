using GenAI.Course.Elbo;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>Backward passes and parameter summaries that checks read off student models: the Elbo topic's part (a student bundle carries only its assignment's topics).</summary>
public static partial class Gradients
{
    /// <summary>Sum of |gradient| of each parameter after a backward pass of a loss over Encode, Reparameterize and Decode.</summary>
    [Harness("backward through Encode, Reparameterize, Decode")]
    public static List<(string name, double gradient)> GaussianVae(nn.Module vae, Tensor x, Generator? generator)
    {
        var model = (IGaussianVae)vae;
        var (mu, logvar) = model.Encode(x);
        var recon = model.Decode(MlpVae.Reparameterize(mu, logvar, generator));
        ((recon - x).square().sum() + mu.square().sum() + logvar.exp().sum()).backward();
        return vae.named_parameters().Select(p => (p.name, p.parameter.grad is null ? 0.0 : p.parameter.grad.abs().sum().item<float>())).ToList();
    }
}
