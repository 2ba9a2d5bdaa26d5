using GenAI.Course.ConditionalVae;
using GenAI.Course.Runtime;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>The course's training loops and evaluations run on student models, as the assignments' notebooks run them: the ConditionalVae topic's part (a student bundle carries only its assignment's topics).</summary>
public static partial class Training
{
    /// <summary>Trains a FashionVae or ConditionalFashionVae with Adam; the loss per sample of each epoch and on the held-out set.</summary>
    [Harness("training (Forward, FashionVaeLoss.Loss, backward)")]
    public static (double[] epochs, double heldOut) FashionVae(nn.Module vae, Tensor trainX, Tensor trainY, Tensor testX, Tensor testY,
                                                              int epochs, int batchSize, double learningRate, Generator? generator)
    {
        var model = (IFashionVae)vae;
        var optimizer = new ScopedAdam(vae.parameters(), learningRate);
        var losses = Enumerable.Range(0, epochs).Select(_ => FashionVaeTraining.TrainEpoch(model, optimizer, trainX, trainY, batchSize, generator)).ToArray();
        return (losses, FashionVaeTraining.Evaluate(model, testX, testY, generator));
    }
}
