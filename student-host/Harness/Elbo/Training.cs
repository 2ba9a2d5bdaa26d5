using GenAI.Course.Elbo;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>The course's training loops and evaluations run on student models, as the assignments' notebooks run them: the Elbo topic's part (a student bundle carries only its assignment's topics).</summary>
public static partial class Training
{
    /// <summary>One epoch of CS 4331's train.py loop (the student's Forward and ElboLoss) on a ConvVae or MlpVae; each iteration's loss.</summary>
    [Harness("training (train.py: Encode, Reparameterize, Decode, ElboLoss, backward)")]
    public static double[] GaussianVaeEpoch(nn.Module vae, optim.Optimizer optimizer, Tensor images, int batchSize, Generator? generator) => vae switch
    {
        ConvVae conv => VaeTraining.TrainEpoch(conv, optimizer, images, batchSize, generator),
        MlpVae mlp => VaeTraining.TrainEpoch(mlp, optimizer, images, batchSize, generator),
        var other => throw new InvalidDataException($"{other.GetType().Name} is not a VAE of CS 4331 HW2"),
    };
}
