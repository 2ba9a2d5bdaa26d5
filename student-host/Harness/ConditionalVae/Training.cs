using GenAI.Course.ConditionalVae;
using GenAI.Course.Runtime;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>The course's training loops and evaluations run on student models, as the assignments' notebooks run them: the ConditionalVae topic's part (a student bundle carries only its assignment's topics).</summary>
public static partial class Training
{
    /// <summary>
    /// Trains a FashionVae or ConditionalFashionVae with Adam; the loss per sample of each epoch and on the held-out set, and
    /// the held-out loss per sample once more with the true labels and with each label moved to the next class, both after
    /// global and generator seed <paramref name="evaluationSeed"/> (the same draws, where they do not depend on the label).
    /// </summary>
    [Harness("training (Forward, FashionVaeLoss.Loss, backward)")]
    public static (double[] epochs, double heldOut, double trueLabels, double otherLabels) FashionVae(nn.Module vae, Tensor trainX, Tensor trainY, Tensor testX, Tensor testY,
                                                              int epochs, int batchSize, double learningRate, Generator? generator, long evaluationSeed)
    {
        var model = (IFashionVae)vae;
        var optimizer = new ScopedAdam(vae.parameters(), learningRate);
        var losses = Enumerable.Range(0, epochs).Select(_ => FashionVaeTraining.TrainEpoch(model, optimizer, trainX, trainY, batchSize, generator)).ToArray();
        double heldOut = FashionVaeTraining.Evaluate(model, testX, testY, generator);
        double Seeded(Tensor labels)
        {
            manual_seed(evaluationSeed);
            // Disposed, not left to the finaliser, which could free it while libtorch reads it (README, "Temporary Scalars and Generators").
            using var seeded = new Generator((ulong)evaluationSeed);
            return FashionVaeTraining.Evaluate(model, testX, labels, seeded);
        }
        return (losses, heldOut, Seeded(testY), Seeded((testY + 1).remainder(10)));
    }
}
