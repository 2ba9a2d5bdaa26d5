using GenAI.Course.ConditionalVae;
using GenAI.Course.Elbo;
using GenAI.Course.Faces;
using GenAI.Course.Gan;
using GenAI.Course.Runtime;
using GenAI.Course.Vae;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>The course's training loops and evaluations run on student models, as the assignments' notebooks run them.</summary>
public static class Training
{
    /// <summary>One epoch of CS 4331's train.py loop (the student's Forward and ElboLoss) on a ConvVae or MlpVae; each iteration's loss.</summary>
    [Harness("training (train.py: Encode, Reparameterize, Decode, ElboLoss, backward)")]
    public static double[] GaussianVaeEpoch(nn.Module vae, optim.Optimizer optimizer, Tensor images, int batchSize, Generator? generator) => vae switch
    {
        ConvVae conv => VaeTraining.TrainEpoch(conv, optimizer, images, batchSize, generator),
        MlpVae mlp => VaeTraining.TrainEpoch(mlp, optimizer, images, batchSize, generator),
        var other => throw new InvalidDataException($"{other.GetType().Name} is not a VAE of CS 4331 HW2"),
    };

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

    /// <summary>Trains a FaceAutoencoder with Adam; the loss per face of each epoch and the held-out reconstruction MSE.</summary>
    [Harness("training (Encode, Latent, Decode, FaceLoss.Loss, backward)")]
    public static (double[] epochs, double heldOutMse) Faces(FaceAutoencoder model, Tensor train, Tensor test, int epochs, int batchSize, double learningRate, double beta, Generator? generator)
    {
        var optimizer = new ScopedAdam(model.parameters(), learningRate);
        var losses = Enumerable.Range(0, epochs).Select(_ => FaceLoss.TrainEpoch(model, optimizer, train, batchSize, beta, generator)).ToArray();
        return (losses, FaceLoss.ReconstructionError(model, test));
    }

    /// <summary>Trains an MnistVae with Adam on -Elbo; the mean ELBO of each epoch and the held-out ELBO (mean of 10 one-sample estimates).</summary>
    [Harness("training (MnistVae.Elbo, backward)")]
    public static (double[] epochs, double heldOut) MnistVae(MnistVae vae, Tensor train, Tensor test, int epochs, int batchSize, double learningRate, Generator? generator)
    {
        var optimizer = new ScopedAdam(vae.parameters(), learningRate);
        var elbos = Enumerable.Range(0, epochs).Select(_ => vae.TrainEpoch(train, optimizer, batchSize, generator)).ToArray();
        using var noGrad = no_grad();
        return (elbos, Enumerable.Range(0, 10).Average(_ => vae.Elbo(test, generator).ToDouble()));
    }

    /// <summary>The student's LinearProbe.Fit: the fitted layer's weight and bias.</summary>
    [Harness("LinearProbe.Fit")]
    public static (Tensor weight, Tensor bias) LinearProbe(Tensor features, Tensor labels, int classes, int epochs, double learningRate)
    {
        var layer = Course.Gan.LinearProbe.Fit(features, labels, classes, epochs, learningRate) ?? throw new StudentFailure("LinearProbe.Fit returned null.");
        return (layer.weight!.detach(), layer.bias!.detach());
    }

    /// <summary>The student's LinearProbe.Accuracy of the layer (weight, bias).</summary>
    [Harness("LinearProbe.Accuracy")]
    public static double LinearProbeAccuracy(Tensor weight, Tensor bias, Tensor features, Tensor labels)
    {
        using var layer = nn.Linear(weight.shape[1], weight.shape[0], dtype: weight.dtype);
        using (no_grad()) { layer.weight!.copy_(weight); layer.bias!.copy_(bias); }
        return Course.Gan.LinearProbe.Accuracy(layer, features, labels);
    }
}
