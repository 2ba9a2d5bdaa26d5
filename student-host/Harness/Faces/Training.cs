using GenAI.Course.Faces;
using GenAI.Course.Runtime;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>The course's training loops and evaluations run on student models, as the assignments' notebooks run them: the Faces topic's part (a student bundle carries only its assignment's topics).</summary>
public static partial class Training
{
    /// <summary>Trains a FaceAutoencoder with Adam; the loss per face of each epoch and the held-out reconstruction MSE.</summary>
    [Harness("training (Encode, Latent, Decode, FaceLoss.Loss, backward)")]
    public static (double[] epochs, double heldOutMse) Faces(FaceAutoencoder model, Tensor train, Tensor test, int epochs, int batchSize, double learningRate, double beta, Generator? generator)
    {
        var optimizer = new ScopedAdam(model.parameters(), learningRate);
        var losses = Enumerable.Range(0, epochs).Select(_ => FaceLoss.TrainEpoch(model, optimizer, train, batchSize, beta, generator)).ToArray();
        return (losses, FaceLoss.ReconstructionError(model, test));
    }

    /// <summary>One epoch of the student's FaceLoss.TrainEpoch with plain SGD (no momentum), the model left as it trained; the epoch's loss per face.</summary>
    [Harness("FaceLoss.TrainEpoch (Encode, Latent, Decode, FaceLoss.Loss, backward)")]
    public static double FacesSgdEpoch(FaceAutoencoder model, Tensor faces, int batchSize, double learningRate, double beta, Generator? generator)
    {
        using var optimizer = optim.SGD(model.parameters(), learningRate);
        return FaceLoss.TrainEpoch(model, optimizer, faces, batchSize, beta, generator);
    }
}
