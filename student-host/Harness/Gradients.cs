using GenAI.Course.Elbo;
using GenAI.Course.Gan;
using GenAI.Course.Rbm;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>Backward passes and parameter summaries that checks read off student models.</summary>
public static class Gradients
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

    /// <summary>The gradients of sum_b F(v_b) in the RBM's parameters, by the student's autograd.</summary>
    [Harness("GaussianBernoulliRbm.FreeEnergy (backward)")]
    public static Dictionary<string, Tensor> RbmFreeEnergy(GaussianBernoulliRbm rbm, Tensor v)
    {
        rbm.zero_grad();
        rbm.FreeEnergy(v).sum().backward();
        return ModuleAccess.Gradients(rbm);
    }

    /// <summary>The student's ContrastiveDivergenceLoss and its gradients in the parameters.</summary>
    [Harness("GaussianBernoulliRbm.ContrastiveDivergenceLoss")]
    public static (Tensor loss, Dictionary<string, Tensor> gradients) RbmContrastiveDivergence(GaussianBernoulliRbm rbm, Tensor v, int k, Generator? generator)
    {
        rbm.zero_grad();
        var loss = rbm.ContrastiveDivergenceLoss(v, k, generator);
        loss.backward();
        return (loss.detach(), ModuleAccess.Gradients(rbm));
    }

    /// <summary>Fingerprints (sum, sum of squares, sum of |.|) of D's and G's parameters.</summary>
    [Harness("Dcgan parameters")]
    public static (double[] d, double[] g) DcganFingerprints(Dcgan gan) => (ModuleAccess.Fingerprint(gan.D), ModuleAccess.Fingerprint(gan.G));

    /// <summary>
    /// l = mean log D(x) + mean log(1 - D(G(z))) with the student's networks in training mode (batch
    /// statistics), without gradient; <paramref name="seeded"/> reseeded the global generator, so dropout masks repeat.
    /// Computed in float64 with probabilities kept in [1e-300, 1 - 1e-16], so a saturated D gives a finite l whose moves still show.
    /// </summary>
    [Harness("Dcgan (D and G forward)")]
    public static double DcganObjective(Dcgan gan, Tensor real, Tensor z, Generator? seeded)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        gan.train();
        var fake = gan.D.forward(gan.G.forward(z)).to(float64);
        var onReal = gan.D.forward(real).to(float64);
        return (onReal.clamp_min(1e-300).log().mean() + (1 - fake).clamp_min(1e-16).log().mean()).ToDouble();
    }
}
