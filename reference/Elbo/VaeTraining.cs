using GenAI.Course.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Course.Elbo;

/// <summary>
/// CS 4331/5331 HW2, <c>train.py</c>: trains a VAE of problem 2 by minimising
/// <see cref="GaussianElbo.ElboLoss"/> with a given optimizer. Given to students whole.
/// </summary>
public static class VaeTraining
{
    /// <summary>
    /// One epoch over <paramref name="images"/> [N, 784] in shuffled batches (order from
    /// <paramref name="generator"/>): the loss of each iteration (batch), i.e. the batch's mean
    /// negative ELBO as <see cref="GaussianElbo.ElboLoss"/> computes it.
    /// <paramref name="progress"/> gets (iteration, iterations, loss) after each step.
    /// </summary>
    public static double[] TrainEpoch<TModel>(TModel model, optim.Optimizer optimizer, Tensor images, int batchSize,
        Generator? generator = null, Action<int, int, double>? progress = null) where TModel : nn.Module, IGaussianVae
    {
        if (images.dim() != 2) throw new ArgumentException($"images must be [N, 784], got [{string.Join(", ", images.shape)}]", nameof(images));
        model.train();
        var epoch = Compute.Batches(images, batchSize, generator);
        var losses = new double[epoch.Count];
        foreach (var batch in epoch)
        {
            var x = batch.Data;
            optimizer.zero_grad();
            var (reconX, mu, logvar) = model.Forward(x, generator);
            var loss = GaussianElbo.ElboLoss(x, reconX, mu, logvar);
            loss.backward();
            optimizer.step();
            losses[batch.Number - 1] = loss.ToDouble();
            progress?.Invoke(batch.Number, epoch.Count, losses[batch.Number - 1]);
        }
        return losses;
    }

    /// <summary>The mean <see cref="GaussianElbo.ElboLoss"/> per image over <paramref name="images"/> (one z per image), without gradients, in eval mode.</summary>
    public static double Evaluate<TModel>(TModel model, Tensor images, Generator? generator = null) where TModel : nn.Module, IGaussianVae
    {
        using var noGrad = no_grad();
        model.eval();
        double total = 0;
        for (long start = 0; start < images.shape[0]; start += 1000)
        {
            using var scope = NewDisposeScope();
            var x = images[TensorIndex.Slice(start, Math.Min(images.shape[0], start + 1000))];
            var (reconX, mu, logvar) = model.Forward(x, generator);
            total += GaussianElbo.ElboLoss(x, reconX, mu, logvar).ToDouble() * x.shape[0];
        }
        return total / images.shape[0];
    }
}
