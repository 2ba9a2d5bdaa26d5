using System.Text.Json;
using GenAI.Autograder.Figures;
using GenAI.Course.Formats;
using GenAI.Course.Runtime;
using GenAI.Course.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Run;

/// <summary>
/// CS 446 HW5, question 2(d, e): trains the MNIST VAE with the assignment's defaults (hidden 500,
/// latent 2, batch 100, Adam 1e-3, 200 epochs, seed 1234, images /255 binarised at 0.5) with a
/// progress bar and a checkpoint after every epoch (rerun to resume), then draws its three figures
/// and the ELBO learning curve.
/// </summary>
public sealed class Cs446Hw5 : IExperiments
{
    /// <inheritdoc/>
    public string Assignment => "cs446-hw5";
    /// <inheritdoc/>
    public string Description => "the MNIST VAE (latent 2) trained with the assignment's defaults (200 epochs, seed 1234),\nits 10x2 prior samples, latent scatter, interpolations and ELBO curve; resumable";
    /// <inheritdoc/>
    public IReadOnlyList<string> Parts => [];
    /// <inheritdoc/>
    public int Run(RunOptions o)
    {
        if (!Experiments.FolderExists(o.Mnist)) return 2;
        Run(o.Mnist, o.Output, o.SeedGiven ? o.Seed : 1234, o.Epochs);
        return 0;
    }

    /// <summary>Trains on the training split of <paramref name="mnist"/> (an IDX folder), reports the test split's ELBO, and writes the figures.</summary>
    public static Dictionary<string, object> Run(string mnist, string output, long seed, int? epochsOverride)
    {
        Directory.CreateDirectory(output);
        var device = Compute.Device;
        var (trainImages, trainLabels) = Idx.LoadSplit(mnist, "train");
        var (testImages, _) = Idx.LoadSplit(mnist, "t10k");
        var train = trainImages.flatten(1).gt(0.5).to(float32).to(device);
        var test = testImages.flatten(1).gt(0.5).to(float32).to(device);
        int epochs = epochsOverride ?? 200;
        const int batch = 100;
        manual_seed(seed);
        var vae = new MnistVae();
        vae.to(device);
        var optimizer = new ScopedAdam(vae.parameters(), 1e-3);
        var checkpoint = new Checkpoint(output, "mnist_vae", $"mnist vae n={train.shape[0]} batch={batch} lr=1e-3 seed={seed} data={Path.GetFullPath(mnist)}");
        var (done, history) = checkpoint.Resume(vae, optimizer);
        long n = train.shape[0];
        int batches = (int)((n + batch - 1) / batch);
        for (int epoch = done; epoch < epochs; epoch++)
        {
            var generator = new Generator((ulong)(seed * 1000 + epoch));
            var bar = new ConsoleProgress($"VAE epoch {epoch + 1}/{epochs}", batches);
            double trainElbo = vae.TrainEpoch(train, optimizer, batch, generator, (i, total, elbo) => { if (i % 10 == 0 || i == total) bar.Report(i, $"ELBO {elbo:F1}"); });
            history.Add([trainElbo, MeanElbo(vae, test, generator)]);
            checkpoint.Save(vae, epoch + 1, history, optimizer);
        }

        using var noGrad = no_grad();
        vae.eval();
        var figures = new Generator((ulong)seed + 1);
        // (e) i: ten z from the prior; p(x|z) and a draw from it, side by side.
        var z = Distributions.SampleDiagonalGaussian(zeros(10, 2, device: device), ones(10, 2, device: device), figures);
        var p = vae.DecoderNetwork.forward(z);
        var draws = Distributions.SampleBernoulli(p, figures);
        Collage.Write(Path.Combine(output, "2e_i_prior_samples.png"), stack([p, draws], 1).reshape(20, 784), 10, 2, scale: 3, title: "2e i: z ~ N(0, I)",
            rowLabels: [.. Enumerable.Range(1, 10).Select(k => $"z{k}")], columnLabels: ["p(x|z)", "x ~ p(x|z)"]);

        // (e) ii: the training set's posterior means, coloured by label.
        var mu = vae.EncoderNetwork.forward(train).mu.cpu().to(float64);
        var labels = trainLabels.cpu();
        var series = Plots.ByClass(mu, labels, Enumerable.Range(0, 10).Select(k => $"digit {k}").ToArray());
        Plots.Points(Path.Combine(output, "2e_ii_latent_space.png"), $"Posterior means of the {n} training images", "z1", "z2", series);

        // (e) iii: three pairs of training images of different classes; p(x | alpha mu_a + (1 - alpha) mu_b), alpha = 1, 0.9, ..., 0 (a on the left).
        var pick = new Random((int)seed);
        var rows = new List<Tensor>();
        var pairs = new List<string>();
        var labelArray = labels.data<long>().ToArray();
        while (rows.Count < 3)
        {
            int a = pick.Next((int)n), b = pick.Next((int)n);
            if (labelArray[a] == labelArray[b]) continue;
            pairs.Add($"{labelArray[a]} -> {labelArray[b]}");
            var images = Enumerable.Range(0, 11).Select(k => vae.DecoderNetwork.forward(MnistVae.InterpolateMu(mu[a].to(float32).to(device), mu[b].to(float32).to(device), 1 - k / 10.0).unsqueeze(0))).ToList();
            rows.Add(cat(images, 0));
        }
        Collage.Write(Path.Combine(output, "2e_iii_interpolations.png"), cat(rows, 0), 3, 11, scale: 3, title: "2e iii: p(x | alpha mu_a + (1 - alpha) mu_b), digits a -> b",
            rowLabels: pairs, columnLabels: [.. Enumerable.Range(0, 11).Select(k => $"{1 - k / 10.0:0.0}")]);

        if (history.Count > 0)
        {
            var x = Enumerable.Range(1, history.Count).Select(e => (double)e).ToArray();
            Plots.Lines(Path.Combine(output, "2d_elbo_curve.png"), "ELBO per image (one-sample estimate)", "epoch", "ELBO (nats)",
                new Plots.Series("training batches (mean over the epoch)", x, history.Select(h => h[0]).ToArray()),
                new Plots.Series("test images (after the epoch)", x, history.Select(h => h[1]).ToArray()));
        }
        var summary = new Dictionary<string, object>
        {
            ["seed"] = seed, ["device"] = device.ToString(), ["train_images"] = n, ["test_images"] = test.shape[0], ["epochs"] = history.Count,
            ["train_batch_elbo_last_epoch"] = history.Count > 0 ? history[^1][0] : double.NaN,
            ["test_elbo_last_epoch"] = history.Count > 0 ? history[^1][1] : double.NaN,
            ["interpolated_pairs_left_to_right"] = pairs,
            ["elbo_per_epoch"] = history,
        };
        var json = JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(Path.Combine(output, "summary.json"), json);
        Console.WriteLine(json);
        return summary;
    }

    /// <summary>The mean one-sample ELBO per image over <paramref name="images"/>, without gradient.</summary>
    static double MeanElbo(MnistVae vae, Tensor images, Generator generator)
    {
        using var noGrad = no_grad();
        double total = 0;
        for (long i = 0; i < images.shape[0]; i += 1000)
        {
            using var scope = NewDisposeScope();
            var x = images[(int)i..(int)Math.Min(images.shape[0], i + 1000)];
            total += vae.Elbo(x, generator).ToDouble() * x.shape[0];
        }
        return total / images.shape[0];
    }
}
