using GenAI.Course.Gan;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>Backward passes and parameter summaries that checks read off student models: the Gan topic's part (a student bundle carries only its assignment's topics).</summary>
public static partial class Gradients
{
    /// <summary>Fingerprints (sum, sum of squares, sum of |.|) of D's and G's parameters.</summary>
    [Harness("Dcgan parameters")]
    public static (double[] d, double[] g) DcganFingerprints(Dcgan gan) => (ModuleAccess.Fingerprint(gan.D), ModuleAccess.Fingerprint(gan.G));

    /// <summary>Zeroes every gradient D's and G's parameters hold (those without one keep none): the state a fresh model starts its first step from.</summary>
    [Harness("Dcgan gradients zeroed", KeepsAlive = true)]
    public static void DcganZeroGradients(Dcgan gan)
    {
        using var noGrad = no_grad();
        foreach (var p in gan.D.parameters().Concat(gan.G.parameters()))
            if (p.grad is { } g) g.zero_();
    }

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
