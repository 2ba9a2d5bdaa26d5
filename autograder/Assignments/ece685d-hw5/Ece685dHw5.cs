using System.Text.Json;
using GenAI.Autograder.Figures;
using GenAI.Course.ConditionalVae;
using GenAI.Course.Formats;
using GenAI.Course.Gan;
using GenAI.Course.Rbm;
using GenAI.Course.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Run;

/// <summary>
/// ECE 685D Homework 5: trains the DCGAN and its linear probe, the Gaussian-Bernoulli RBMs
/// (M = 16, 64, 256) and the VAE and C-VAE, with progress bars and a checkpoint after every epoch
/// (a second run with the same settings resumes), and writes the figures and summary.json.
/// </summary>
public sealed class Ece685dHw5 : IExperiments
{
    /// <inheritdoc/>
    public string Assignment => "ece685d-hw5";
    /// <inheritdoc/>
    public string Description => "DCGAN + linear probe, Gaussian-Bernoulli RBMs (M = 16, 64, 256), VAE and C-VAE + t-SNE;\na checkpoint after every epoch in OUT/checkpoints: rerun the same command to resume";
    /// <inheritdoc/>
    public IReadOnlyList<string> Parts => AllParts;
    /// <inheritdoc/>
    public int Run(RunOptions o)
    {
        if (!new[] { o.Mnist, o.Kmnist, o.Fashion }.All(Experiments.FolderExists)) return 2;
        Run(new Options(o.Mnist, o.Kmnist, o.Fashion, o.Output, o.Seed, o.Epochs, o.Tsne ?? 2000, o.Parts.Count > 0 ? o.Parts : AllParts.ToHashSet()));
        return 0;
    }

    /// <summary>What to run and on which data.</summary>
    /// <param name="Mnist">An IDX folder for the GAN and the probe (MNIST).</param>
    /// <param name="Kmnist">An IDX folder for the RBM (KMNIST).</param>
    /// <param name="Fashion">An IDX folder for the VAEs (Fashion-MNIST).</param>
    /// <param name="Output">Where figures, checkpoints and summary.json go.</param>
    /// <param name="Seed">The seed of every random choice.</param>
    /// <param name="Epochs">Overrides every model's number of epochs (the assignment's when null).</param>
    /// <param name="Tsne">How many test images (at most) the t-SNE panels of 3.3 embed.</param>
    /// <param name="Parts">Any of gan, rbm, vae.</param>
    public sealed record Options(string Mnist, string Kmnist, string Fashion, string Output, long Seed, int? Epochs, int Tsne, IReadOnlySet<string> Parts);

    /// <summary>The parts, in the order they run.</summary>
    public static readonly string[] AllParts = ["gan", "rbm", "vae"];

    static readonly string[] FashionClasses = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
    /// <summary>Runs the chosen parts; returns the summary written to summary.json.</summary>
    public static Dictionary<string, object> Run(Options o)
    {
        Directory.CreateDirectory(o.Output);
        var device = Compute.Device;
        Console.Error.WriteLine($"device: {device}");
        var summary = new Dictionary<string, object> { ["seed"] = o.Seed, ["device"] = device.ToString() };
        if (o.Parts.Contains("gan")) summary["gan"] = Gan(o, device);
        if (o.Parts.Contains("rbm")) summary["rbm"] = Rbm(o, device);
        if (o.Parts.Contains("vae")) summary["vae"] = Vaes(o, device);
        // Parts not run this time keep their numbers from an earlier run into the same folder.
        string path = Path.Combine(o.Output, "summary.json");
        if (File.Exists(path) && JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(path)) is { } earlier)
            foreach (var part in AllParts.Where(p => !o.Parts.Contains(p) && earlier.ContainsKey(p)))
                summary[part] = earlier[part];
        var json = JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(path, json);
        Console.WriteLine(json);
        return summary;
    }

    /// <summary>
    /// Problem 1: DCGAN (batch 64, Adam 2e-4, 5 epochs by default; G descends the non-saturating form of its
    /// loss, since with the min-max term D won within two epochs and G's gradients vanished), 12 samples,
    /// then the probe on 10% of the training set.
    /// </summary>
    static Dictionary<string, object> Gan(Options o, Device device)
    {
        var (train, trainLabels) = Idx.LoadSplit(o.Mnist, "train");
        var (test, testLabels) = Idx.LoadSplit(o.Mnist, "t10k");
        train = train * 2 - 1;
        test = test * 2 - 1;
        int epochs = o.Epochs ?? 5;
        const int batch = 64;
        manual_seed(o.Seed);
        var gan = new Dcgan { NonSaturating = true };
        gan.to(device);
        var (dOpt, gOpt) = gan.Optimizers;
        var checkpoint = new Checkpoint(o.Output, "dcgan", $"dcgan n={train.shape[0]} batch={batch} lr=2e-4 seed={o.Seed} data={Path.GetFullPath(o.Mnist)}");
        var (done, history) = checkpoint.Resume(gan, dOpt, gOpt);
        var fixedZ = gan.Latent(12, new Generator((ulong)o.Seed));
        for (int epoch = done; epoch < epochs; epoch++)
        {
            var bar = new ConsoleProgress($"DCGAN epoch {epoch + 1}/{epochs}", (int)(train.shape[0] / batch));
            var (d, g) = gan.TrainEpoch(train, batch, new Generator((ulong)(o.Seed * 1000 + epoch)), (i, n, dl, gl) => bar.Report(i, $"D {dl:F3} G {gl:F3}"));
            history.Add([d, g]);
            checkpoint.Save(gan, epoch + 1, history, dOpt, gOpt);
            WriteSamples(gan, fixedZ, Path.Combine(o.Output, $"1_1_samples_epoch{epoch + 1:D2}.png"));
        }
        WriteSamples(gan, fixedZ, Path.Combine(o.Output, "1_1_gan_samples.png"));
        if (history.Count > 0)
        {
            var x = Enumerable.Range(1, history.Count).Select(e => (double)e).ToArray();
            Plots.Lines(Path.Combine(o.Output, "1_1_gan_losses.png"), "DCGAN losses per epoch (means over batches)", "epoch", "loss",
                new Plots.Series("discriminator: -(mean log D(x) + mean log(1 - D(G(z))))", x, history.Select(h => h[0]).ToArray()),
                new Plots.Series("generator: -mean log D(G(z)) (non-saturating)", x, history.Select(h => h[1]).ToArray()));
        }

        // 1.2: the probe on 10% of the training set (a seeded random tenth), tested on the whole test split.
        int tenth = (int)(train.shape[0] / 10);
        var pick = randperm(train.shape[0], generator: new Generator((ulong)o.Seed + 7))[..tenth];
        var probeImages = train.index_select(0, pick);
        var probeLabels = trainLabels.index_select(0, pick).to(device);
        var trainedFeatures = LinearProbe.Extract(gan.D, probeImages);
        var testFeatures = LinearProbe.Extract(gan.D, test);
        Console.Error.WriteLine($"1.2: linear probe on {tenth} training images ({trainedFeatures.shape[1]} features) ...");
        var probe = LinearProbe.Fit(trainedFeatures, probeLabels, 10, 300, 1e-3);
        var testLabelsOnDevice = testLabels.to(device);
        var result = new Dictionary<string, object>
        {
            ["train_images"] = train.shape[0], ["epochs"] = history.Count, ["losses_per_epoch"] = history,
            ["probe_train_images"] = tenth,
            ["probe_train_accuracy"] = LinearProbe.Accuracy(probe, trainedFeatures, probeLabels),
            ["probe_test_accuracy"] = LinearProbe.Accuracy(probe, testFeatures, testLabelsOnDevice),
        };
        // Baselines for the discussion: the same probe on raw pixels and on an untrained discriminator.
        var pixels = probeImages.flatten(1).to(device);
        var pixelProbe = LinearProbe.Fit(pixels, probeLabels, 10, 300, 1e-3);
        result["baseline_pixels_test_accuracy"] = LinearProbe.Accuracy(pixelProbe, test.flatten(1).to(device), testLabelsOnDevice);
        manual_seed(o.Seed + 11);
        var untrained = new Discriminator();
        untrained.to(device);
        var untrainedProbe = LinearProbe.Fit(LinearProbe.Extract(untrained, probeImages), probeLabels, 10, 300, 1e-3);
        result["baseline_untrained_discriminator_test_accuracy"] = LinearProbe.Accuracy(untrainedProbe, LinearProbe.Extract(untrained, test), testLabelsOnDevice);
        return result;
    }

    static void WriteSamples(Dcgan gan, Tensor z, string path)
    {
        using var noGrad = no_grad();
        gan.G.eval();
        var images = (gan.G.forward(z) + 1) / 2;
        gan.G.train();
        Collage.Write(path, images.reshape(12, 28 * 28), 3, 4, title: "DCGAN: G(z) for 12 fixed z");
    }

    /// <summary>Problem 2: GB-RBMs with M = 16, 64, 256, CD-5, Adam 1e-3, batch 128, 25 epochs; reconstructions and MSE.</summary>
    static Dictionary<string, object> Rbm(Options o, Device device)
    {
        var (train, _) = Idx.LoadSplit(o.Kmnist, "train");
        var (test, _) = Idx.LoadSplit(o.Kmnist, "t10k");
        var v = train.flatten(1).to(device);
        var vTest = test.flatten(1).to(device);
        int epochs = o.Epochs ?? 25;
        var results = new Dictionary<string, object>();
        foreach (int m in new[] { 16, 64, 256 })
        {
            manual_seed(o.Seed + m);
            var rbm = new GaussianBernoulliRbm(784, m);
            rbm.to(device);
            var optimizer = new ScopedAdam(rbm.parameters(), 1e-3);
            var checkpoint = new Checkpoint(o.Output, $"rbm_M{m}", $"rbm M={m} n={v.shape[0]} batch=128 lr=1e-3 k=5 seed={o.Seed} data={Path.GetFullPath(o.Kmnist)}");
            var (done, history) = checkpoint.Resume(rbm, optimizer);
            for (int epoch = done; epoch < epochs; epoch++)
            {
                var bar = new ConsoleProgress($"RBM M={m} epoch {epoch + 1}/{epochs}", (int)((v.shape[0] + 127) / 128));
                double mse = rbm.TrainEpoch(v, optimizer, 5, 128, new Generator((ulong)(o.Seed * 1000 + m * 100 + epoch)), (i, n, batchMse) => bar.Report(i, $"MSE {batchMse:F4}"));
                history.Add([mse]);
                checkpoint.Save(rbm, epoch + 1, history, optimizer);
            }
            using var noGrad = no_grad();
            double trainMse = (rbm.Reconstruct(v) - v).square().mean().ToDouble();
            double testMse = (rbm.Reconstruct(vTest) - vTest).square().mean().ToDouble();
            foreach (var (name, data) in new[] { ("train", v), ("test", vTest) })
            {
                var originals = Path.Combine(o.Output, $"2_2_rbm_M{m}_{name}_originals.tmp.png");
                var recon = Path.Combine(o.Output, $"2_2_rbm_M{m}_{name}_reconstructions.tmp.png");
                Collage.Write(originals, data[..32], 4, 8, scale: 3, title: $"{name}: originals");
                Collage.Write(recon, rbm.Reconstruct(data[..32]), 4, 8, scale: 3, title: $"{name}: reconstructions, M = {m}");
                Plots.SideBySide(Path.Combine(o.Output, $"2_2_rbm_M{m}_{name}.png"), originals, recon);
                File.Delete(originals);
                File.Delete(recon);
            }
            Console.Error.WriteLine($"RBM M={m}: MSE train {trainMse:F5}, test {testMse:F5}");
            results[$"M{m}"] = new Dictionary<string, object> { ["epochs"] = history.Count, ["train_mse"] = trainMse, ["test_mse"] = testMse };
        }
        return results;
    }

    /// <summary>Problem 3: VAE and C-VAE (784-400-20), 80/20 train/validation split, batch 128, Adam 1e-3, 20 epochs; t-SNE of the test means.</summary>
    static Dictionary<string, object> Vaes(Options o, Device device)
    {
        var (all, allLabels) = Idx.LoadSplit(o.Fashion, "train");
        var (test, testLabels) = Idx.LoadSplit(o.Fashion, "t10k");
        var order = randperm(all.shape[0], generator: new Generator((ulong)o.Seed + 3));
        long cut = all.shape[0] * 4 / 5;
        var x = all.flatten(1).index_select(0, order).to(device);
        var y = allLabels.index_select(0, order).to(device);
        var (trainX, trainY, valX, valY) = (x[..(int)cut], y[..(int)cut], x[(int)cut..], y[(int)cut..]);
        var testX = test.flatten(1).to(device);
        var testY = testLabels.to(device);
        int epochs = o.Epochs ?? 20;
        var results = new Dictionary<string, object>();
        var panels = new List<string>();
        var curves = new List<Plots.Series>();
        foreach (bool conditional in new[] { false, true })
        {
            string name = conditional ? "cvae" : "vae";
            manual_seed(o.Seed + (conditional ? 1 : 0));
            IFashionVae model = conditional ? new ConditionalFashionVae() : new FashionVae();
            var module = (nn.Module)model;
            module.to(device);
            var optimizer = new ScopedAdam(module.parameters(), 1e-3);
            var checkpoint = new Checkpoint(o.Output, name, $"{name} n={cut} batch=128 lr=1e-3 seed={o.Seed} data={Path.GetFullPath(o.Fashion)}");
            var (done, history) = checkpoint.Resume(module, optimizer);
            for (int epoch = done; epoch < epochs; epoch++)
            {
                var bar = new ConsoleProgress($"{name.ToUpperInvariant()} epoch {epoch + 1}/{epochs}", (int)((cut + 127) / 128));
                var generator = new Generator((ulong)(o.Seed * 1000 + epoch + (conditional ? 500 : 0)));
                double trainLoss = FashionVaeTraining.TrainEpoch(model, optimizer, trainX, trainY, 128, generator, (i, n, l) => bar.Report(i, $"loss/sample {l:F1}"));
                double validation = FashionVaeTraining.Evaluate(model, valX, valY, generator);
                history.Add([trainLoss, validation]);
                checkpoint.Save(module, epoch + 1, history, optimizer);
            }
            double testLoss = FashionVaeTraining.Evaluate(model, testX, testY, new Generator((ulong)o.Seed + 5));
            Console.Error.WriteLine($"{name}: loss per sample train {Last(history, 0):F2}, validation {Last(history, 1):F2}, test {testLoss:F2}");
            results[name] = new Dictionary<string, object>
            {
                ["epochs"] = history.Count, ["train_loss_per_sample"] = Last(history, 0), ["validation_loss_per_sample"] = Last(history, 1),
                ["test_loss_per_sample"] = testLoss, ["history"] = history,
            };
            var epochsAxis = Enumerable.Range(1, history.Count).Select(e => (double)e).ToArray();
            curves.Add(new Plots.Series($"{name.ToUpperInvariant()} training", epochsAxis, history.Select(h => h[0]).ToArray()));
            curves.Add(new Plots.Series($"{name.ToUpperInvariant()} validation", epochsAxis, history.Select(h => h[1]).ToArray()));

            // 3.3: t-SNE of the test-set means (at most o.Tsne points, 2,000 by default: exact t-SNE is O(N^2)).
            int shown = (int)Math.Min(o.Tsne, testX.shape[0]);
            var mu = FashionVaeTraining.Means(model, testX[..shown], testY[..shown]).cpu();
            var bar2 = new ConsoleProgress($"t-SNE of the {name.ToUpperInvariant()} means", 1000);
            var embedded = Tsne.Embed(mu, seed: o.Seed, progress: (i, n) => bar2.Report(i));
            results[name + "_tsne_trustworthiness_k5"] = Tsne.Trustworthiness(mu, embedded, 5);
            var series = Plots.ByClass(embedded, testY[..shown], FashionClasses);
            string panel = Path.Combine(o.Output, $"3_3_tsne_{name}.png");
            Plots.Points(panel, $"t-SNE of the {name.ToUpperInvariant()} posterior means ({shown} test images)", "t-SNE 1", "t-SNE 2", series);
            panels.Add(panel);
        }
        Plots.Lines(Path.Combine(o.Output, "3_learning_curves.png"), "Loss per sample (BCE sum + KL)", "epoch", "loss per sample", curves.ToArray());
        Plots.SideBySide(Path.Combine(o.Output, "3_3_tsne_vae_vs_cvae.png"), panels.ToArray());
        return results;
    }

    static double Last(List<double[]> history, int column) => history.Count == 0 ? double.NaN : history[^1][column];
}
