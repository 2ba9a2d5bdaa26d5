using GenAI.Autograder.Figures;
using GenAI.Course.Elbo;
using GenAI.Course.Formats;
using GenAI.Course.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Run;

/// <summary>
/// CS 4331/5331 Homework 2, part 2: trains the convolutional VAE of <c>VAE.py</c> and its fully
/// connected variant (2.5) for two or more latent sizes (2.6) on MNIST (pixels /255, not
/// binarised; Adam 1e-3, batch 128), with a progress bar and a checkpoint after every epoch (rerun
/// to resume). For every model and latent size it writes problem 2.4's four figures at the
/// beginning (after epoch 1), the middle and the end of training: latent traversal, prior samples,
/// t-SNE of the encoded test images and the ELBO learning curve so far; then <c>ELBO_Curve.png</c>
/// with every run's per-iteration ELBO.
/// </summary>
public static class Cs4331Hw2Vae
{
    /// <summary>What to train and draw.</summary>
    /// <param name="Mnist">An IDX folder with the train and t10k splits.</param>
    /// <param name="Output">Where the figures and checkpoints go.</param>
    /// <param name="Seed">Seed of initialisation, batch order, noise and t-SNE.</param>
    /// <param name="Epochs">Epochs per model.</param>
    /// <param name="Latents">Latent sizes, each trained for both architectures.</param>
    /// <param name="TsnePoints">How many test images t-SNE embeds (exact t-SNE is O(N^2)).</param>
    public sealed record Options(string Mnist, string Output, long Seed, int Epochs, IReadOnlyList<int> Latents, int TsnePoints);

    /// <summary>The architectures compared in problem 2.5.</summary>
    public static readonly string[] Models = ["conv", "mlp"];

    const int Batch = 128, TraversalSteps = 9;

    /// <summary>Trains every (architecture, latent size), draws its figures, and returns the numbers for summary.json.</summary>
    public static Dictionary<string, object> Run(Options o)
    {
        if (o.Latents.Count == 0 || o.Latents.Any(d => d < 1)) throw new ArgumentException("latent sizes must be 1 or more");
        if (o.Epochs < 1) throw new ArgumentException("cs4331-hw2 part 2 needs at least one epoch (--epochs)");
        Directory.CreateDirectory(o.Output);
        var device = Compute.Device;
        var (trainImages, _) = Idx.LoadSplit(o.Mnist, "train");
        var (testImages, testLabels) = Idx.LoadSplit(o.Mnist, "t10k");
        var train = trainImages.flatten(1).to(float32).to(device);
        var test = testImages.flatten(1).to(float32).to(device);
        int shown = (int)Math.Min(o.TsnePoints, test.shape[0]);
        var stages = new (string name, int epoch)[] { ("beginning", 1), ("middle", Math.Max(1, (o.Epochs + 1) / 2)), ("end", o.Epochs) };
        var results = new Dictionary<string, object>
        {
            ["device"] = device.ToString(), ["train_images"] = train.shape[0], ["test_images"] = test.shape[0], ["batch"] = Batch,
            ["learning_rate"] = 1e-3, ["seed"] = o.Seed, ["stages"] = stages.ToDictionary(s => s.name, s => s.epoch),
            ["loss"] = "negative ELBO per image: 0.5 * ||x - decoder mean||^2 + 392 log(2 pi) + KL(q || N(0, I)), one z per image",
        };
        var curves = new List<Plots.Series>();
        foreach (int latent in o.Latents)
            foreach (string model in Models)
            {
                string name = $"{model}_z{latent}";
                var (history, iterations, parameters) = Train(o, model, latent, train, test, stages.Select(s => s.epoch).ToHashSet());
                var stageResults = new Dictionary<string, object>();
                foreach (var (stage, epoch) in stages)
                    stageResults[stage] = DrawStage(o, model, latent, stage, epoch, test, testLabels, shown, iterations, history.Count);
                results[name] = new Dictionary<string, object>
                {
                    ["parameters"] = parameters,
                    ["epochs"] = history.Count,
                    ["train_loss_last_epoch"] = history.Count > 0 ? history[^1][0] : double.NaN,
                    ["test_loss_last_epoch"] = history.Count > 0 ? history[^1][1] : double.NaN,
                    ["test_loss_per_epoch"] = history.Select(h => h[1]).ToArray(),
                    ["stages"] = stageResults,
                };
                curves.Add(new Plots.Series($"{model.ToUpperInvariant()} VAE, latent {latent}", Enumerable.Range(1, iterations.Count).Select(i => (double)i).ToArray(), iterations.Select(l => -l).ToArray()));
                Console.Error.WriteLine($"{name}: test loss per image {(history.Count > 0 ? history[^1][1] : double.NaN):F2} after {history.Count} epochs");
            }
        Plots.Lines(Path.Combine(o.Output, "ELBO_Curve.png"), "ELBO per iteration (training batch mean)", "iteration", "ELBO (nats per image)", curves.ToArray());
        return results;
    }

    static nn.Module NewModel(string model, int latent) => model == "conv" ? new ConvVae(latent) : new MlpVae(784, 400, latent);

    /// <summary>
    /// Trains one model, resuming from its checkpoint; saves a copy of the weights after each stage epoch.
    /// Returns the per-epoch (train mean, test) losses, every iteration's loss and the parameter count.
    /// </summary>
    static (List<double[]> history, List<double> iterations, long parameters) Train(Options o, string model, int latent, Tensor train, Tensor test, HashSet<int> stageEpochs)
    {
        string name = $"{model}_z{latent}";
        manual_seed(o.Seed + latent);
        var module = NewModel(model, latent);
        module.to(Compute.Device);
        var optimizer = new ScopedAdam(module.parameters(), 1e-3);
        var checkpoint = new Checkpoint(o.Output, name, $"cs4331 {name} n={train.shape[0]} batch={Batch} lr=1e-3 seed={o.Seed} data={Path.GetFullPath(o.Mnist)}");
        // Each history row is [mean training loss, test loss, the epoch's iteration losses...].
        var (done, history) = checkpoint.Resume(module, optimizer);
        for (int epoch = done; epoch < o.Epochs; epoch++)
        {
            var generator = new Generator((ulong)(o.Seed * 1000 + latent * 100 + epoch));
            int batches = (int)((train.shape[0] + Batch - 1) / Batch);
            var bar = new ConsoleProgress($"{model.ToUpperInvariant()} VAE z={latent} epoch {epoch + 1}/{o.Epochs}", batches);
            void Report(int i, int n, double loss) { if (i % 10 == 0 || i == n) bar.Report(i, $"loss {loss:F1}"); }
            double[] losses = module is ConvVae conv ? VaeTraining.TrainEpoch(conv, optimizer, train, Batch, generator, Report)
                                                     : VaeTraining.TrainEpoch((MlpVae)module, optimizer, train, Batch, generator, Report);
            double testLoss = module is ConvVae c ? VaeTraining.Evaluate(c, test, generator) : VaeTraining.Evaluate((MlpVae)module, test, generator);
            history.Add([losses.Average(), testLoss, .. losses]);
            checkpoint.Save(module, epoch + 1, history, optimizer);
            if (stageEpochs.Contains(epoch + 1)) module.save(StageWeights(o, name, epoch + 1));
        }
        return (history, history.SelectMany(h => h.Skip(2)).ToList(), module.parameters().Sum(p => p.numel()));
    }

    static string StageWeights(Options o, string name, int epoch) => Path.Combine(o.Output, "checkpoints", $"{name}.epoch{epoch}.weights");

    /// <summary>Problem 2.4's four figures for one model at one stage; the stage's numbers.</summary>
    static Dictionary<string, object> DrawStage(Options o, string model, int latent, string stage, int epoch, Tensor test, Tensor testLabels, int shown, List<double> iterations, int epochsTrained)
    {
        string name = $"{model}_z{latent}", weights = StageWeights(o, name, epoch);
        if (!File.Exists(weights))
        {
            Console.Error.WriteLine($"{name}: no weights of epoch {epoch} in {Path.GetDirectoryName(weights)} (trained by an earlier run with other --epochs); the {stage} figures are not redrawn.");
            return new() { ["epoch"] = epoch, ["skipped"] = "no weights saved at this epoch" };
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var module = NewModel(model, latent);
        module.to(Compute.Device);
        module.load(weights);
        module.eval();
        var vae = (IGaussianVae)module;
        string prefix = Path.Combine(o.Output, $"2_4_{name}_{stage}");
        string title = $"{model.ToUpperInvariant()} VAE, latent {latent}, epoch {epoch} ({stage})";

        // Traversal: one row per latent dimension, -3 .. 3, the others at the first test image's code.
        var baseZ = vae.Encode(test[..1]).mu[0];
        var traversal = LatentViews.LatentTraversal(vae, baseZ, -3, 3, TraversalSteps);
        Collage.Write(prefix + "_traversal.png", traversal, latent, TraversalSteps, scale: 2, title: title + ": traversal",
            rowLabels: [.. Enumerable.Range(1, latent).Select(k => $"z{k}")], columnLabels: [.. Enumerable.Range(0, TraversalSteps).Select(j => $"{-3 + 6.0 * j / (TraversalSteps - 1):0.#}")]);
        var prior = LatentViews.SampleFromPrior(vae, 64, Compute.Device, new Generator((ulong)o.Seed + 7));
        Collage.Write(prefix + "_prior_samples.png", prior, 8, 8, scale: 2, title: title + ": 64 samples, z ~ N(0, I)");

        var mu = vae.Encode(test[..shown]).mu.cpu();
        var bar = new ConsoleProgress($"t-SNE of {shown} test codes, {name} {stage}", 1000);
        var embedded = latent == 1 ? cat([mu, zeros_like(mu)], 1).to(float64) : Tsne.Embed(mu, seed: o.Seed, progress: (i, n) => { if (i % 50 == 0 || i == n) bar.Report(i); });
        double trust = Tsne.Trustworthiness(mu, embedded, 5);
        Plots.Points(prefix + "_tsne.png", $"t-SNE of {shown} test codes, {title}", "t-SNE 1", "t-SNE 2",
            Plots.ByClass(embedded, testLabels[..shown], Enumerable.Range(0, 10).Select(k => $"digit {k}").ToArray()));

        int upTo = Math.Min(iterations.Count, epoch * iterations.Count / Math.Max(1, epochsTrained));
        var x = Enumerable.Range(1, upTo).Select(i => (double)i).ToArray();
        Plots.Lines(prefix + "_elbo.png", $"ELBO per iteration, {title}", "iteration", "ELBO (nats per image)",
            new Plots.Series("training batch mean", x, iterations.Take(upTo).Select(l => -l).ToArray()));
        var (testMu, testLogvar) = vae.Encode(test);
        var recon = vae.Decode(testMu);
        var klPerDimension = (-0.5 * (1 + testLogvar - testMu.square() - testLogvar.exp())).mean([0]);
        return new()
        {
            ["epoch"] = epoch, ["tsne_trustworthiness_k5"] = trust,
            ["test_reconstruction_mse_at_mu"] = (recon - test).square().mean().ToDouble(),
            ["test_kl_per_latent_dimension"] = klPerDimension.cpu().to(float64).data<double>().ToArray(),
            ["active_latent_dimensions_kl_above_0.01"] = klPerDimension.gt(0.01).sum().ToInt64(),
        };
    }
}
