using GenAI.Course.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GenAI.Course.ConditionalVae;

/// <summary>
/// ECE 685D HW5, problem 3: what the VAE and the conditional VAE share. Images are flattened to
/// [B, 784] in [0, 1]; labels are int64 class indices [B] (ignored by the unconditional model).
/// </summary>
public interface IFashionVae
{
    /// <summary>(mu, logvar) of q(z | x[, c]), each [B, latent].</summary>
    (Tensor mu, Tensor logvar) Encode(Tensor x, Tensor labels);
    /// <summary>Bernoulli means p(x | z[, c]), [B, 784], in (0, 1).</summary>
    Tensor Decode(Tensor z, Tensor labels);
    /// <summary>(reconstruction, mu, logvar): Encode, z = mu + exp(logvar / 2) * eps with eps from <paramref name="generator"/>, Decode.</summary>
    (Tensor reconX, Tensor mu, Tensor logvar) Forward(Tensor x, Tensor labels, Generator? generator = null)
    {
        var (mu, logvar) = Encode(x, labels);
        return (Decode(FashionVaeLoss.Reparameterize(mu, logvar, generator), labels), mu, logvar);
    }
}

/// <summary>The loss and helpers of problem 3.</summary>
public static class FashionVaeLoss
{
    /// <summary>
    /// The negative ELBO of a batch, summed over pixels, latent dimensions and the batch:
    /// BCE(reconX, x, sum) + KL(q || N(0, I)) with KL = -1/2 sum(1 + logvar - mu^2 - exp(logvar)). A scalar.
    /// </summary>
    public static Tensor Loss(Tensor reconX, Tensor x, Tensor mu, Tensor logvar)
    {
        // SOLUTION BEGIN: binary cross-entropy summed over every pixel of the batch plus the closed-form Gaussian KL summed over every latent of the batch.
        var bce = F.binary_cross_entropy(reconX, x, reduction: nn.Reduction.Sum);
        var kl = -0.5 * (1 + logvar - mu.square() - logvar.exp()).sum();
        return bce + kl;
        // SOLUTION END
    }

    /// <summary>One-hot rows for int64 <paramref name="labels"/> [B]: [B, <paramref name="classes"/>] in the given dtype.</summary>
    public static Tensor OneHot(Tensor labels, int classes, ScalarType dtype)
    {
        // SOLUTION BEGIN: a [B, classes] tensor with a single 1 per row, at the label's column.
        return F.one_hot(labels, classes).to(dtype);
        // SOLUTION END
    }

    /// <summary>z = mu + exp(logvar / 2) * eps with eps ~ N(0, I) drawn on the CPU from <paramref name="generator"/>.</summary>
    public static Tensor Reparameterize(Tensor mu, Tensor logvar, Generator? generator = null)
    {
        // SOLUTION BEGIN: standard normal eps of mu's shape, scaled by the standard deviation and shifted by mu.
        return mu + (0.5 * logvar).exp() * Compute.StandardNormal(mu.shape, mu.dtype, mu.device, generator);
        // SOLUTION END
    }
}

/// <summary>The VAE of problem 3.1: 784 -> 400 (ReLU) -> (mu, logvar) in 20; 20 -> 400 (ReLU) -> 784 (sigmoid).</summary>
public sealed class FashionVae : nn.Module, IFashionVae
{
    // SOLUTION BEGIN (declarations)
    readonly Linear fc1, fc21, fc22, fc3, fc4;
    // SOLUTION END

    /// <summary>An untrained VAE with the given sizes (the assignment's: 784, 400, 20).</summary>
    public FashionVae(int input = 784, int hidden = 400, int latent = 20) : base(nameof(FashionVae))
    {
        // SOLUTION BEGIN: fc1 input->hidden, fc21 and fc22 hidden->latent (mu, logvar), fc3 latent->hidden, fc4 hidden->input.
        fc1 = nn.Linear(input, hidden);
        fc21 = nn.Linear(hidden, latent);
        fc22 = nn.Linear(hidden, latent);
        fc3 = nn.Linear(latent, hidden);
        fc4 = nn.Linear(hidden, input);
        RegisterComponents();
        // SOLUTION END
    }

    /// <inheritdoc/>
    public (Tensor mu, Tensor logvar) Encode(Tensor x, Tensor labels)
    {
        // SOLUTION BEGIN: h = relu(fc1(x)); return (fc21(h), fc22(h)).
        var h = F.relu(fc1.forward(x));
        return (fc21.forward(h), fc22.forward(h));
        // SOLUTION END
    }

    /// <inheritdoc/>
    public Tensor Decode(Tensor z, Tensor labels)
    {
        // SOLUTION BEGIN: sigmoid(fc4(relu(fc3(z)))).
        return sigmoid(fc4.forward(F.relu(fc3.forward(z))));
        // SOLUTION END
    }
}

/// <summary>
/// The conditional VAE of problem 3.2: the same layers, with the one-hot label (10 classes)
/// concatenated to the encoder's input (784 + 10) and to the decoder's input (20 + 10).
/// </summary>
public sealed class ConditionalFashionVae : nn.Module, IFashionVae
{
    readonly int classes;
    // SOLUTION BEGIN (declarations)
    readonly Linear fc1, fc21, fc22, fc3, fc4;
    // SOLUTION END

    /// <summary>An untrained C-VAE with the given sizes (the assignment's: 784, 400, 20, 10 classes).</summary>
    public ConditionalFashionVae(int input = 784, int hidden = 400, int latent = 20, int classes = 10) : base(nameof(ConditionalFashionVae))
    {
        this.classes = classes;
        // SOLUTION BEGIN: as FashionVae, with fc1 taking input + classes and fc3 taking latent + classes.
        fc1 = nn.Linear(input + classes, hidden);
        fc21 = nn.Linear(hidden, latent);
        fc22 = nn.Linear(hidden, latent);
        fc3 = nn.Linear(latent + classes, hidden);
        fc4 = nn.Linear(hidden, input);
        RegisterComponents();
        // SOLUTION END
    }

    /// <inheritdoc/>
    public (Tensor mu, Tensor logvar) Encode(Tensor x, Tensor labels)
    {
        // SOLUTION BEGIN: concatenate x with OneHot(labels) along features, then as FashionVae.Encode.
        var h = F.relu(fc1.forward(cat([x, FashionVaeLoss.OneHot(labels, classes, x.dtype)], 1)));
        return (fc21.forward(h), fc22.forward(h));
        // SOLUTION END
    }

    /// <inheritdoc/>
    public Tensor Decode(Tensor z, Tensor labels)
    {
        // SOLUTION BEGIN: concatenate z with OneHot(labels), then as FashionVae.Decode.
        return sigmoid(fc4.forward(F.relu(fc3.forward(cat([z, FashionVaeLoss.OneHot(labels, classes, z.dtype)], 1)))));
        // SOLUTION END
    }
}

/// <summary>Training and evaluation of either model (Adam, mini-batches), with dispose scopes per batch.</summary>
public static class FashionVaeTraining
{
    /// <summary>
    /// One epoch of Adam over shuffled batches of <paramref name="images"/> [N, 784]; returns the mean
    /// loss per sample. <paramref name="progress"/> hears (batch, batches, loss per sample).
    /// </summary>
    public static double TrainEpoch(IFashionVae model, optim.Optimizer optimizer, Tensor images, Tensor labels, int batchSize,
                                    Generator? generator = null, Action<int, int, double>? progress = null)
    {
        var module = (nn.Module)model;
        module.train();
        var epoch = Compute.Batches(images, labels, batchSize, generator);
        double total = 0;
        foreach (var batch in epoch)
        {
            var (x, c) = (batch.Data, batch.Labels);
            optimizer.zero_grad();
            var (recon, mu, logvar) = model.Forward(x, c, generator);
            var loss = FashionVaeLoss.Loss(recon, x, mu, logvar);
            loss.backward();
            optimizer.step();
            double value = loss.ToDouble();
            total += value;
            progress?.Invoke(batch.Number, epoch.Count, value / x.shape[0]);
        }
        return total / images.shape[0];
    }

    /// <summary>The mean loss per sample on <paramref name="images"/> (one reparameterised draw each, no gradient).</summary>
    public static double Evaluate(IFashionVae model, Tensor images, Tensor labels, Generator? generator = null)
    {
        using var noGrad = no_grad();
        ((nn.Module)model).eval();
        double total = 0;
        for (long i = 0; i < images.shape[0]; i += 1000)
        {
            using var scope = NewDisposeScope();
            var x = images[(int)i..(int)Math.Min(images.shape[0], i + 1000)];
            var c = labels[(int)i..(int)Math.Min(images.shape[0], i + 1000)];
            var (recon, mu, logvar) = model.Forward(x, c, generator);
            total += FashionVaeLoss.Loss(recon, x, mu, logvar).ToDouble();
        }
        return total / images.shape[0];
    }

    /// <summary>The posterior means mu of <paramref name="images"/>, [N, latent], without gradient.</summary>
    public static Tensor Means(IFashionVae model, Tensor images, Tensor labels)
    {
        using var noGrad = no_grad();
        ((nn.Module)model).eval();
        return model.Encode(images, labels).mu;
    }
}
