using GenAI.Course.Formats;
using GenAI.Course.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GenAI.Course.Faces;

/// <summary>
/// CS/DS 552 HW2, problem 1: a fully connected (V)AE on 24x24 faces flattened to [B, 576] in [0, 1].
/// Encoder 576 -> hidden (ReLU) -> (mu, logvar) in the latent size; decoder latent -> hidden (ReLU)
/// -> 576 with a sigmoid (Bernoulli means, trained with BCE). The AE (<c>variational: false</c>) has
/// exactly the same layers; it uses mu as its code and never samples.
/// </summary>
public sealed class FaceAutoencoder : nn.Module
{
    /// <summary>True for the VAE, false for the plain AE.</summary>
    public bool Variational { get; }

    // SOLUTION BEGIN (declarations)
    readonly Linear fc1, fcMu, fcLogvar, fc3, fc4;
    // SOLUTION END

    /// <summary>An untrained (V)AE; parameters from the global generator.</summary>
    public FaceAutoencoder(bool variational, int latent = 16, int hidden = 256, int pixels = 576) : base(nameof(FaceAutoencoder))
    {
        Variational = variational;
        // SOLUTION BEGIN: fc1 pixels->hidden, fcMu and fcLogvar hidden->latent, fc3 latent->hidden, fc4 hidden->pixels (the same for the AE).
        fc1 = nn.Linear(pixels, hidden);
        fcMu = nn.Linear(hidden, latent);
        fcLogvar = nn.Linear(hidden, latent);
        fc3 = nn.Linear(latent, hidden);
        fc4 = nn.Linear(hidden, pixels);
        RegisterComponents();
        // SOLUTION END
    }

    /// <summary>(mu, logvar) of q(z|x), each [B, latent]; the AE returns its code as mu (logvar unused).</summary>
    public (Tensor mu, Tensor logvar) Encode(Tensor x)
    {
        // SOLUTION BEGIN: h = relu(fc1(x)); return (fcMu(h), fcLogvar(h)).
        var h = F.relu(fc1.forward(x));
        return (fcMu.forward(h), fcLogvar.forward(h));
        // SOLUTION END
    }

    /// <summary>E[x|z], the decoder's Bernoulli means: [B, 576] in (0, 1).</summary>
    public Tensor Decode(Tensor z)
    {
        // SOLUTION BEGIN: sigmoid(fc4(relu(fc3(z)))).
        return sigmoid(fc4.forward(F.relu(fc3.forward(z))));
        // SOLUTION END
    }

    /// <summary>
    /// The code used in training: the VAE draws z = mu + exp(logvar / 2) * eps (eps from
    /// <paramref name="generator"/>); the AE returns mu itself, with no randomness.
    /// </summary>
    public Tensor Latent(Tensor mu, Tensor logvar, Generator? generator = null)
    {
        // SOLUTION BEGIN: the VAE reparameterises; the AE returns mu unchanged.
        if (!Variational) return mu;
        return mu + (0.5 * logvar).exp() * Compute.StandardNormal(mu.shape, mu.dtype, mu.device, generator);
        // SOLUTION END
    }

    /// <summary>Decode(mu): the deterministic reconstruction of <paramref name="x"/>.</summary>
    public Tensor Reconstruct(Tensor x) => Decode(Encode(x).mu);
}

/// <summary>The loss, interpolation and data of problem 1.</summary>
public static class FaceLoss
{
    /// <summary>
    /// The beta-VAE loss averaged over the batch: BCE(reconX, x) summed over pixels plus
    /// beta * KL(N(mu, exp(logvar)) || N(0, I)) summed over latents. beta weighs only the KL; the AE is
    /// trained with beta = 0 (reconstruction only). A scalar.
    /// </summary>
    public static Tensor Loss(Tensor reconX, Tensor x, Tensor mu, Tensor logvar, double beta)
    {
        // SOLUTION BEGIN: per sample, BCE summed over pixels + beta * (-1/2) sum(1 + logvar - mu^2 - exp(logvar)); then the mean over the batch.
        var bce = F.binary_cross_entropy(reconX, x, reduction: nn.Reduction.None).sum(-1);
        var kl = -0.5 * (1 + logvar - mu.square() - logvar.exp()).sum(-1);
        return (bce + beta * kl).mean();
        // SOLUTION END
    }

    /// <summary>
    /// <paramref name="count"/> points equally spaced on the segment from <paramref name="from"/> to
    /// <paramref name="to"/> ([d] each), both ends included: row i = from + i / (count - 1) * (to - from); [count, d].
    /// </summary>
    public static Tensor Interpolate(Tensor from, Tensor to, int count = 20)
    {
        // SOLUTION BEGIN: weights t_i = i / (count - 1) as a column, then from + t (to - from).
        var t = linspace(0, 1, count, dtype: from.dtype, device: from.device).unsqueeze(1);
        return from.unsqueeze(0) + t * (to - from).unsqueeze(0);
        // SOLUTION END
    }

    /// <summary>
    /// Faces from a .npy file of shape (N, 24, 24) or (N, 576), as float32 [N, 576] in [0, 1] (values
    /// above 1.5 are taken as bytes and divided by 255).
    /// </summary>
    /// <exception cref="CourseDataException">Not 576 pixels per face, or values outside [0, 255].</exception>
    public static Tensor LoadFaces(string path)
    {
        using var raw = Npy.Read(path);
        if (raw.dim() < 2 || raw.shape.Skip(1).Aggregate(1L, (a, b) => a * b) != 576)
            throw new CourseDataException(path, $"expected face images of 24x24 = 576 pixels, found shape ({string.Join(", ", raw.shape)}).");
        var faces = raw.to(float32).reshape(raw.shape[0], 576);
        double max = faces.max().ToDouble(), min = faces.min().ToDouble();
        if (min < 0 || max > 255) throw new CourseDataException(path, $"pixel values must lie in [0, 1] or [0, 255]; found {min} .. {max}.");
        return max > 1.5 ? faces / 255 : faces;
    }

    /// <summary>
    /// One epoch of Adam over shuffled batches: Latent, Decode and <see cref="Loss"/> with
    /// <paramref name="beta"/> (0 for the AE); returns the mean loss per face. <paramref name="progress"/> hears (batch, batches, loss).
    /// </summary>
    public static double TrainEpoch(FaceAutoencoder model, optim.Optimizer optimizer, Tensor faces, int batchSize, double beta,
                                    Generator? generator = null, Action<int, int, double>? progress = null)
    {
        model.train();
        var epoch = Compute.Batches(faces, batchSize, generator);
        double total = 0;
        foreach (var batch in epoch)
        {
            var x = batch.Data;
            optimizer.zero_grad();
            var (mu, logvar) = model.Encode(x);
            var loss = Loss(model.Decode(model.Latent(mu, logvar, generator)), x, mu, logvar, beta);
            loss.backward();
            optimizer.step();
            double value = loss.ToDouble();
            total += value * x.shape[0];
            progress?.Invoke(batch.Number, epoch.Count, value);
        }
        return total / faces.shape[0];
    }

    /// <summary>The mean squared error per pixel of Reconstruct on <paramref name="faces"/>, without gradient.</summary>
    public static double ReconstructionError(FaceAutoencoder model, Tensor faces)
    {
        using var noGrad = no_grad();
        model.eval();
        return (model.Reconstruct(faces) - faces).square().mean().ToDouble();
    }
}
