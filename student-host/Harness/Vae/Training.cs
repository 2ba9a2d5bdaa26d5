using GenAI.Course.Vae;
using GenAI.Course.Runtime;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>The course's training loops and evaluations run on student models, as the assignments' notebooks run them: the Vae topic's part (a student bundle carries only its assignment's topics).</summary>
public static partial class Training
{
    /// <summary>Trains an MnistVae with Adam on -Elbo; the mean ELBO of each epoch and the held-out ELBO (mean of 10 one-sample estimates).</summary>
    [Harness("training (MnistVae.Elbo, backward)")]
    public static (double[] epochs, double heldOut) MnistVae(MnistVae vae, Tensor train, Tensor test, int epochs, int batchSize, double learningRate, Generator? generator)
    {
        var optimizer = new ScopedAdam(vae.parameters(), learningRate);
        var elbos = Enumerable.Range(0, epochs).Select(_ => vae.TrainEpoch(train, optimizer, batchSize, generator)).ToArray();
        using var noGrad = no_grad();
        return (elbos, Enumerable.Range(0, 10).Average(_ => vae.Elbo(test, generator).ToDouble()));
    }
}
