// Generated from reference/ by `dotnet run --project autograder -- generate`: edit the reference, not this file.
using GenAI.Course.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GenAI.Course.Gan;

/// <summary>
/// ECE 685D HW5, problem 1.1: the DCGAN discriminator, 28x28x1 -> 14x14x64 -> 7x7x128 -> 4x4x256 ->
/// 4x4x512 -> one probability (sigmoid). Images are [B, 1, 28, 28] scaled to [-1, 1].
/// </summary>
public sealed class Discriminator : nn.Module<Tensor, Tensor>
{
    // Declare the fields you need here.

    /// <summary>An untrained discriminator; parameters from the global generator.</summary>
    public Discriminator() : base(nameof(Discriminator))
    {
        throw new NotImplementedException("four convolutions that give 14x14x64, 7x7x128, 4x4x256 and 4x4x512 (LeakyReLU between, batch norm allowed), then a linear layer from 4*4*512 to 1.");
    }

    /// <summary>The 4x4x512 features before the last (linear) layer: [B, 512, 4, 4].</summary>
    public Tensor Features(Tensor images)
    {
        throw new NotImplementedException("run the convolutional part only.");
    }

    /// <summary>D(x), the probability that each image is real: [B], in (0, 1).</summary>
    public override Tensor forward(Tensor images)
    {
        throw new NotImplementedException("flatten the features, apply the linear layer and a sigmoid.");
    }
}

/// <summary>
/// ECE 685D HW5, problem 1.1: the DCGAN generator, z [B, 100] -> 7x7x256 -> 14x14x128 -> 28x28x64 ->
/// 28x28x32 -> 28x28x1, ending in tanh (images in [-1, 1]).
/// </summary>
public sealed class ImageGenerator : nn.Module<Tensor, Tensor>
{
    /// <summary>The dimension of z.</summary>
    public const int LatentSize = 100;

    // Declare the fields you need here.

    /// <summary>An untrained generator; parameters from the global generator.</summary>
    public ImageGenerator() : base(nameof(ImageGenerator))
    {
        throw new NotImplementedException("a linear layer to 7*7*256, then transposed convolutions to 14x14x128 and 28x28x64 and convolutions to 28x28x32 and 28x28x1 (ReLU and batch norm between), tanh at the end.");
    }

    /// <summary>G(z): z [B, 100] to images [B, 1, 28, 28] in [-1, 1].</summary>
    public override Tensor forward(Tensor z)
    {
        throw new NotImplementedException("project z, reshape to [B, 256, 7, 7] and upsample.");
    }
}

/// <summary>
/// The min-max objective l = E_x[log D(x)] + E_z[log(1 - D(G(z)))], which D ascends and G descends.
/// Both losses take D's probabilities; logs are clamped below at -100 as PyTorch's BCELoss does. The
/// reference computes them with binary cross-entropy, whose gradient stays finite where D saturates in
/// float32 (D = 0 or 1); log(1 - D).clamp_min(-100) has the same values there but a NaN gradient.
/// </summary>
public static class GanLoss
{
    /// <summary>
    /// The discriminator's loss -(mean log D(x) + mean log(1 - D(G(z)))): the binary cross-entropy of
    /// <paramref name="real"/> (D on data, label 1) and <paramref name="fake"/> (D on samples, label 0). A scalar.
    /// </summary>
    public static Tensor Discriminator(Tensor real, Tensor fake)
    {
        throw new NotImplementedException("-mean(log real) - mean(log(1 - fake)), logs clamped at -100.");
    }

    /// <summary>The generator's loss under the min-max objective, mean log(1 - D(G(z))), which G minimises. A scalar.</summary>
    public static Tensor Generator(Tensor fake)
    {
        throw new NotImplementedException("mean(log(1 - fake)), clamped at -100 (descending it makes D(G(z)) larger).");
    }
}

/// <summary>A DCGAN in training: both networks and their Adam optimizers (lr 2e-4, betas 0.5, 0.999).</summary>
public sealed class Dcgan : nn.Module
{
    /// <summary>D.</summary>
    public Discriminator D { get; }
    /// <summary>G.</summary>
    public ImageGenerator G { get; }
    readonly OptimizerHelper dOptimizer, gOptimizer;

    /// <summary>Fresh networks (from the global generator) and optimizers.</summary>
    public Dcgan(double learningRate = 2e-4) : base(nameof(Dcgan))
    {
        D = new Discriminator();
        G = new ImageGenerator();
        register_module("D", D);
        register_module("G", G);
        dOptimizer = new ScopedAdam(D.parameters(), learningRate, beta1: 0.5, beta2: 0.999);
        gOptimizer = new ScopedAdam(G.parameters(), learningRate, beta1: 0.5, beta2: 0.999);
    }

    /// <summary>
    /// When true, <see cref="GeneratorStep"/> descends -mean log D(G(z)) instead of the min-max term: the
    /// same fixed point, but gradients that do not vanish once D rejects G's samples confidently, which
    /// the min-max term's do early in training (Goodfellow et al., 2014, section 3). False by default; the checks use false.
    /// </summary>
    public bool NonSaturating { get; init; }

    /// <summary>The optimizers, for checkpoints.</summary>
    public (OptimizerHelper d, OptimizerHelper g) Optimizers => (dOptimizer, gOptimizer);

    /// <summary>z ~ N(0, I), [count, 100], drawn on the CPU from <paramref name="generator"/>.</summary>
    public Tensor Latent(int count, Generator? generator = null)
    {
        throw new NotImplementedException("standard normal draws of shape [count, 100] on the generator's device.");
    }

    /// <summary><paramref name="count"/> images G(z), [count, 1, 28, 28] in [-1, 1], in eval mode and without gradient.</summary>
    public Tensor Sample(int count, Generator? generator = null)
    {
        using var noGrad = no_grad();
        bool training = G.training;
        G.eval();
        var images = G.forward(Latent(count, generator));
        if (training) G.train();
        return images;
    }

    /// <summary>
    /// One discriminator step: Adam on <see cref="GanLoss.Discriminator"/> for <paramref name="real"/>
    /// images and G(z) (detached: G does not change). Returns the loss before the step.
    /// </summary>
    public double DiscriminatorStep(Tensor real, Tensor z)
    {
        throw new NotImplementedException("zero D's gradients, score real images and detached G(z), back-propagate the discriminator loss and step D's optimizer only.");
    }

    /// <summary>
    /// One generator step: Adam descending <see cref="GanLoss.Generator"/> on D(G(z)) (see
    /// <see cref="NonSaturating"/>); D's parameters do not change. Returns the loss before the step.
    /// </summary>
    public double GeneratorStep(Tensor z)
    {
        throw new NotImplementedException("zero G's gradients, back-propagate the generator loss of D(G(z)) (or -mean log D(G(z)) when NonSaturating) and step G's optimizer only.");
    }

    /// <summary>
    /// One epoch over <paramref name="images"/> [N, 1, 28, 28] in [-1, 1]: shuffled batches, a D step
    /// then a G step on fresh z each. Returns the mean D and G losses; <paramref name="progress"/>
    /// hears (batch, batches, d loss, g loss).
    /// </summary>
    public (double d, double g) TrainEpoch(Tensor images, int batchSize, Generator? generator = null, Action<int, int, double, double>? progress = null)
    {
        train();
        var epoch = Compute.Batches(images, batchSize, generator, dropLast: true);
        double dTotal = 0, gTotal = 0;
        var device = G.parameters().First().device;
        foreach (var batch in epoch)
        {
            var real = batch.Data.to(device);
            double d = DiscriminatorStep(real, Latent(batchSize, generator));
            double g = GeneratorStep(Latent(batchSize, generator));
            dTotal += d; gTotal += g;
            progress?.Invoke(batch.Number, epoch.Count, d, g);
        }
        return (dTotal / epoch.Count, gTotal / epoch.Count);
    }
}

/// <summary>
/// ECE 685D HW5, problem 1.2: a linear probe, one linear layer trained with cross-entropy on frozen
/// discriminator features (flattened), and its accuracy.
/// </summary>
public static class LinearProbe
{
    /// <summary>
    /// Trains Linear(F, <paramref name="classes"/>) on <paramref name="features"/> [N, F] and
    /// <paramref name="labels"/> [N] (int64) with full-batch Adam for <paramref name="epochs"/> steps;
    /// returns the layer.
    /// </summary>
    public static Linear Fit(Tensor features, Tensor labels, int classes = 10, int epochs = 200, double learningRate = 1e-3)
    {
        throw new NotImplementedException("one nn.Linear from features to classes, Adam on the cross-entropy of its logits for the given number of steps.");
    }

    /// <summary>The fraction of rows of <paramref name="features"/> whose arg-max logit is the label.</summary>
    public static double Accuracy(Linear probe, Tensor features, Tensor labels)
    {
        throw new NotImplementedException("argmax of the logits over classes, compared with the labels, averaged.");
    }

    /// <summary>Discriminator features of <paramref name="images"/> flattened to [N, 8192], in eval mode, in batches of 500.</summary>
    public static Tensor Extract(Discriminator d, Tensor images)
    {
        using var noGrad = no_grad();
        d.eval();
        var device = d.parameters().First().device;
        var parts = new List<Tensor>();
        for (long i = 0; i < images.shape[0]; i += 500)
            parts.Add(d.Features(images[(int)i..(int)Math.Min(images.shape[0], i + 500)].to(device)).flatten(1));
        return cat(parts, 0);
    }
}
