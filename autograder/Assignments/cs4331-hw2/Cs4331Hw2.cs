using System.Text.Json;
using GenAI.Autograder.Figures;
using GenAI.Course.Gmm;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Run;

/// <summary>
/// CS 4331/5331 Homework 2: part 1 (<c>gmm</c>), the GMM's samples and its Monte Carlo entropy with
/// both weight vectors; part 2 (<c>vae</c>), the conv and MLP VAEs of <see cref="Cs4331Hw2Vae"/>.
/// </summary>
public sealed class Cs4331Hw2 : IExperiments
{
    /// <inheritdoc/>
    public string Assignment => "cs4331-hw2";
    /// <inheritdoc/>
    public string Description => "part 1 (gmm): GMM samples by component, Monte Carlo entropy against the sample size;\npart 2 (vae): conv VAE and its MLP variant per latent size, traversal, prior samples,\nt-SNE and ELBO curve at the beginning, middle and end of training, ELBO_Curve.png; resumable";
    /// <inheritdoc/>
    public IReadOnlyList<string> Parts => ["gmm", "vae"];
    /// <inheritdoc/>
    public int Run(RunOptions o)
    {
        if (!Experiments.FolderExists(o.Mnist)) return 2;
        Run(o.Output, o.Seed, o.Parts.Count > 0 ? o.Parts.ToHashSet() : Parts.ToHashSet(), new Cs4331Hw2Vae.Options(o.Mnist, o.Output, o.Seed, o.Epochs ?? 20, o.Latents, o.Tsne ?? 1000));
        return 0;
    }

    static readonly int[] SampleSizes = [100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

    /// <summary>Runs the chosen parts and writes summary.json (parts not run keep their numbers from an earlier run).</summary>
    public static void Run(string output, long seed, ISet<string> parts, Cs4331Hw2Vae.Options vae)
    {
        Directory.CreateDirectory(output);
        string file = Path.Combine(output, "summary.json");
        var summary = File.Exists(file) ? JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(file))!.ToDictionary(p => p.Key, p => (object)p.Value) : new Dictionary<string, object>();
        if (parts.Contains("gmm")) summary["part1_gmm"] = Gmm(output, seed);
        if (parts.Contains("vae")) summary["part2_vae"] = Cs4331Hw2Vae.Run(vae);
        var json = JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(file, json);
        Console.WriteLine(json);
    }

    /// <summary>Part 1: the three figures; the numbers.</summary>
    static Dictionary<string, object> Gmm(string output, long seed)
    {
        using var scope = NewDisposeScope();
        var mixture = GaussianMixture.Assignment();
        Console.Error.WriteLine($"1.1: sampling 100,000 points (seed {seed}) ...");
        var (x, labels) = MixtureEntropy.Sample(mixture, 100000, new Generator((ulong)seed));
        string[] colours = ["#FF0000", "#00A000", "#0000FF"];
        string[] names = ["component 1: N(mu1, Sigma1)", "component 2: N(mu2, Sigma2)", "component 3: N(mu3, Sigma3)"];
        var series = Enumerable.Range(0, 3).Select(k =>
        {
            var points = x[labels.eq(k)];
            return new Plots.Series(names[k], points[TensorIndex.Colon, 0].data<double>().ToArray(), points[TensorIndex.Colon, 1].data<double>().ToArray(), colours[k]);
        }).ToArray();
        Plots.Points(Path.Combine(output, "1_1_gmm_samples.png"), "100,000 samples of the GMM, coloured by component", "x1", "x2", series);

        var summary = new Dictionary<string, object>
        {
            ["seed"] = seed,
            ["weights"] = mixture.Weights.data<double>().ToArray(),
            ["means"] = mixture.Means.data<double>().ToArray(),
            ["covariances"] = mixture.Covariances.data<double>().ToArray(),
        };
        double single = MixtureEntropy.GaussianEntropy(mixture.Covariances[1]);
        summary["1_2_entropy"] = Curve(mixture, output, "1_2_entropy_vs_samples.png", "Monte Carlo entropy, pi = (0.2, 0.5, 0.3)", seed + 1, null);
        var degenerate = GaussianMixture.Assignment([1e-5, 1 - 2e-5, 1e-5]);
        summary["1_3_entropy_near_degenerate"] = Curve(degenerate, output, "1_3_entropy_vs_samples.png", "Monte Carlo entropy, pi = (1e-5, 1 - 2e-5, 1e-5)", seed + 2, single);
        summary["single_gaussian_entropy_component_2"] = single;
        return summary;
    }

    /// <summary>Estimates for every sample size (fresh samples each), plotted with a ±2 SE band; returns the numbers.</summary>
    static List<Dictionary<string, double>> Curve(GaussianMixture mixture, string output, string file, string title, long seed, double? reference)
    {
        var rows = new List<Dictionary<string, double>>();
        var progress = new ConsoleProgress(file.Replace(".png", ""), SampleSizes.Length);
        for (int i = 0; i < SampleSizes.Length; i++)
        {
            var (estimate, se) = MixtureEntropy.EstimateEntropy(mixture, SampleSizes[i], new Generator((ulong)(seed * 100 + i)));
            rows.Add(new Dictionary<string, double> { ["samples"] = SampleSizes[i], ["estimate"] = estimate, ["standard_error"] = se });
            progress.Report(i + 1, $"N = {SampleSizes[i]}: {estimate:F4} ± {se:F4}");
        }
        var logN = rows.Select(r => Math.Log10(r["samples"])).ToArray();
        var lines = new List<Plots.Series>
        {
            new("estimate", logN, rows.Select(r => r["estimate"]).ToArray(), "#1F77B4"),
            new("estimate + 2 SE", logN, rows.Select(r => r["estimate"] + 2 * r["standard_error"]).ToArray(), "#9ECAE9"),
            new("estimate - 2 SE", logN, rows.Select(r => r["estimate"] - 2 * r["standard_error"]).ToArray(), "#9ECAE9"),
        };
        if (reference is { } h) lines.Add(new("entropy of N(mu2, Sigma2), closed form", [logN[0], logN[^1]], [h, h], "#D62728"));
        Plots.Lines(Path.Combine(output, file), title, "log10 of the number of samples", "entropy (nats)", lines.ToArray());
        return rows;
    }
}
