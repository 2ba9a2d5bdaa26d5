using GenAI.Course.Rbm;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>Backward passes and parameter summaries that checks read off student models: the Rbm topic's part (a student bundle carries only its assignment's topics).</summary>
public static partial class Gradients
{
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
}
