using System.Text.Json;
using GenAI.Autograder.Figures;
using GenAI.Course.Autoregressive;
using GenAI.Course.Graphs;
using GenAI.Course.LinearGaussian;
using GenAI.Course.Ppca;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Run;

/// <summary>CS/DS 552 Homework 1: every figure and number the assignment asks for, from its data files.</summary>
public sealed class Cs552Hw1 : IExperiments
{
    /// <inheritdoc/>
    public string Assignment => "cs552-hw1";
    /// <inheritdoc/>
    public string Description => "CPT sampling, pixel LSTM, p-PCA faces, classroom graph model, linear-Gaussian MLE";
    /// <inheritdoc/>
    public IReadOnlyList<string> Parts => [];
    /// <inheritdoc/>
    public int Run(RunOptions o)
    {
        Run(o.Data, o.Output, o.Seed);
        return 0;
    }

    /// <summary>Runs all four problems on the files in <paramref name="data"/>; writes PNGs and summary.json to <paramref name="output"/>.</summary>
    public static void Run(string data, string output, long seed)
    {
        Directory.CreateDirectory(output);
        var summary = new Dictionary<string, object>();
        Autoregression(data, output, seed, summary);
        ProbabilisticPca(data, output, seed, summary);
        GraphModel(data, output, seed, summary);
        LinearGaussianModel(output, seed, summary);
        var json = JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(Path.Combine(output, "summary.json"), json);
        Console.WriteLine(json);
    }

    static string Find(string data, params string[] names) =>
        names.Select(n => Path.Combine(data, n)).FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException($"none of {string.Join(", ", names)} is in {Path.GetFullPath(data)}");

    static void Autoregression(string data, string output, long seed, Dictionary<string, object> summary)
    {
        using var scope = NewDisposeScope();
        Console.Error.WriteLine("1a: reading the CPTs ...");
        var cpts = CptSampler.Load(Find(data, "image_cpts.pkl", "image_cpts.pkl.gz"));
        int n = cpts.Count;
        var samples = CptSampler.Sample(cpts, 100, new Generator((ulong)seed));
        Collage.Write(Path.Combine(output, "1a_cpt_samples.png"), samples, 10, 10, scale: 8, title: $"1a: 100 samples from the {n} CPTs (seed {seed})");
        var unique = CptSampler.UniqueImages(CptSampler.Sample(cpts, 5000, new Generator((ulong)seed + 1)));
        double entropy = CptSampler.Entropy(cpts);
        Collage.Write(Path.Combine(output, "1b_unique_images.png"), unique, (int)Math.Ceiling(unique.shape[0] / 10.0), 10, scale: 8, title: $"1b: the {unique.shape[0]} distinct images among 5,000 samples");

        manual_seed(seed);
        using var lstm = new PixelLstm();
        const int epochs = 600;
        var progress = new ConsoleProgress("1b: LSTM", epochs);
        var losses = lstm.Fit(unique, epochs, 0.01, (e, loss) => progress.Report(e, $"loss {loss:F4}"));
        var lstmSamples = lstm.Sample(100, n, new Generator((ulong)seed + 2));
        Collage.Write(Path.Combine(output, "1b_lstm_samples.png"), lstmSamples, 10, 10, scale: 8, title: $"1b: 100 samples of the LSTM after {epochs} epochs",
            rowLabels: [.. Enumerable.Range(0, 10).Select(r => $"{10 * r + 1}-{10 * r + 10}")]);
        double bound = Math.Log(unique.shape[0]) / n;
        Plots.Lines(Path.Combine(output, "1b_lstm_loss.png"), "LSTM training loss (BCE per pixel)", "epoch", "nats per pixel",
            new Plots.Series("training loss", Enumerable.Range(1, epochs).Select(e => (double)e).ToArray(), losses),
            new Plots.Series("lower bound log(U)/N", [1, epochs], [bound, bound]));
        var known = new HashSet<string>(Rows(unique));
        summary["1_autoregression"] = new Dictionary<string, object>
        {
            ["pixels"] = n,
            ["cpt_entries"] = (1L << (n + 1)) - 2,
            ["cpt_entropy_nats_per_image"] = entropy,
            ["unique_images"] = unique.shape[0],
            ["lstm_parameters"] = lstm.ParameterCount(),
            ["lstm_final_loss_nats_per_pixel"] = losses[^1],
            ["loss_lower_bound_log_unique_over_pixels"] = bound,
            ["cpt_entropy_over_pixels"] = entropy / n,
            ["lstm_samples_that_are_training_images"] = Rows(lstmSamples).Count(known.Contains) / 100.0,
        };
    }

    static IEnumerable<string> Rows(Tensor images)
    {
        for (long k = 0; k < images.shape[0]; k++) yield return CptSampler.ImageKey(images[k]);
    }

    static void ProbabilisticPca(string data, string output, long seed, Dictionary<string, object> summary)
    {
        using var scope = NewDisposeScope();
        Console.Error.WriteLine("2: p-PCA on the faces ...");
        var faces = Ppca.LoadFaces(Find(data, "eigenfaces.npy"));
        var generator = new Generator((ulong)seed + 3);
        var logLikelihoods = new Dictionary<string, double>();
        foreach (int d in new[] { 2, 16, 32, 64 })
        {
            var model = Ppca.Fit(faces, d);
            logLikelihoods[$"d={d}"] = Ppca.LogLikelihood(model, faces);
            if (d == 2)
            {
                var z = Ppca.PosteriorMean(model, faces).cpu();
                Plots.Points(Path.Combine(output, "2b_latent_d2.png"), "p-PCA, d = 2: E[z | x] of every face", "z1", "z2",
                    new Plots.Series("faces", z[TensorIndex.Colon, 0].data<double>().ToArray(), z[TensorIndex.Colon, 1].data<double>().ToArray()));
            }
            else
            {
                var pick = randperm(faces.shape[0], generator: new Generator((ulong)seed + 4))[TensorIndex.Slice(0, 25)];
                var originals = faces.index_select(0, pick);
                if (d == 16) Collage.Write(Path.Combine(output, "2c_originals.png"), originals, 5, 5, title: "2c: 25 original faces");
                Collage.Write(Path.Combine(output, $"2c_reconstruction_d{d}.png"), Ppca.Reconstruct(model, originals), 5, 5, title: $"2c: reconstructions, d = {d}");
            }
            if (d == 32) Collage.Write(Path.Combine(output, "2d_generated_d32.png"), Ppca.Generate(model, 100, generator), 10, 10, title: "2d: 100 faces generated by p-PCA, d = 32");
            if (d == 16)
            {
                var offsets = Enumerable.Range(0, 10).Select(k => -2 + 4 * k / 9.0).ToArray();
                int face = (int)randint(0, faces.shape[0], [1], generator: generator).ToInt64();
                Collage.Write(Path.Combine(output, "2e_perturbations_d16.png"), Ppca.LatentPerturbations(model, faces[face], [0, 1, 2, 3, 4], offsets), 5, 10, scale: 3,
                    title: $"2e: face {face}, one latent coordinate moved (d = 16)", rowLabels: [.. Enumerable.Range(1, 5).Select(k => $"z{k}")],
                    columnLabels: [.. offsets.Select(t => t.ToString("+0.0;-0.0;0", System.Globalization.CultureInfo.InvariantCulture))]);
            }
        }
        summary["2_ppca"] = new Dictionary<string, object>
        {
            ["faces"] = faces.shape[0],
            ["mean_log_likelihood_per_face"] = logLikelihoods,
            ["perturbation_offsets"] = "latent dimensions 1-5, offsets -2 .. 2 in 10 steps (latent standard deviations)",
        };
    }

    static void GraphModel(string data, string output, long seed, Dictionary<string, object> summary)
    {
        using var scope = NewDisposeScope();
        Console.Error.WriteLine("3: classroom graph model ...");
        string path = Find(data, "classroom_graphs.pkl");
        var graphs = ClassroomGraphs.Load(path);
        var generator = new Generator((ulong)seed + 5);
        var start = rand(2, dtype: float64, generator: generator) * 2 - 1;
        double a0 = start[0].ToDouble(), b0 = start[1].ToDouble();
        const int iterations = 300;
        const double rate = 2.0;
        var fit = EdgeModel.GradientAscent(graphs.Features, graphs.Edges, a0, b0, rate, iterations);
        Console.Error.WriteLine($"3b: last 10 of {iterations} ascent iterations (a0 = {a0:F4}, b0 = {b0:F4}, learning rate {rate} per pair):");
        for (int k = iterations - 10; k < iterations; k++) Console.Error.WriteLine($"  iteration {k + 1,4}: L = {fit.LogLikelihoods[k]:F6}");
        Plots.Lines(Path.Combine(output, "3b_log_likelihood.png"), "Gradient ascent on the edge model", "iteration", "log-likelihood L(a, b)",
            new Plots.Series("L(a, b)", Enumerable.Range(1, iterations).Select(k => (double)k).ToArray(), fit.LogLikelihoods));
        var (seA, seB) = StandardErrors(graphs, fit.A, fit.B);
        var sampled = new List<(double[,], double[,])>();
        for (int g = 0; g < 5; g++)
        {
            var x = EdgeModel.SampleFeatures(15, 3, generator);
            var e = EdgeModel.SampleEdges(x, fit.A, fit.B, generator);
            sampled.Add((ToArray(x), ToArray(e)));
        }
        Plots.Graphs(Path.Combine(output, "3c_sampled_graphs.png"), $"5 sampled classrooms (a = {fit.A:F2}, b = {fit.B:F2}; colour = features)", sampled);
        var result = new Dictionary<string, object>
        {
            ["graphs"] = graphs.Features.shape[0],
            ["a"] = fit.A, ["b"] = fit.B, ["a_standard_error"] = seA, ["b_standard_error"] = seB,
            ["final_log_likelihood"] = fit.LogLikelihoods[^1],
            ["log_likelihood_non_decreasing"] = fit.LogLikelihoods.Zip(fit.LogLikelihoods.Skip(1)).All(p => p.Second >= p.First - 1e-9),
        };
        var truthFile = Path.ChangeExtension(path, ".truth.json");
        if (File.Exists(truthFile))
        {
            using var truth = JsonDocument.Parse(File.ReadAllText(truthFile));
            result["true_a"] = truth.RootElement.GetProperty("a").GetDouble();
            result["true_b"] = truth.RootElement.GetProperty("b").GetDouble();
        }
        summary["3_graph_model"] = result;
    }

    /// <summary>Standard errors of (a, b) from the observed information matrix sum sigma(1 - sigma) [s^2 s; s 1].</summary>
    static (double a, double b) StandardErrors(ClassroomGraphs graphs, double a, double b)
    {
        using var scope = NewDisposeScope();
        long n = graphs.Features.shape[1];
        var index = tril_indices(n, n, offset: -1);
        var inner = graphs.Features.matmul(graphs.Features.transpose(1, 2))[TensorIndex.Colon, TensorIndex.Tensor(index[0]), TensorIndex.Tensor(index[1])];
        var p = sigmoid(a * inner + b);
        var weight = p * (1 - p);
        double iaa = (weight * inner.square()).sum().ToDouble(), iab = (weight * inner).sum().ToDouble(), ibb = weight.sum().ToDouble();
        double det = iaa * ibb - iab * iab;
        return (Math.Sqrt(ibb / det), Math.Sqrt(iaa / det));
    }

    static double[,] ToArray(Tensor t)
    {
        var values = t.to(float64).cpu().data<double>().ToArray();
        var result = new double[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(double));
        return result;
    }

    static void LinearGaussianModel(string output, long seed, Dictionary<string, object> summary)
    {
        using var scope = NewDisposeScope();
        Console.Error.WriteLine("4: linear-Gaussian MLE on synthetic data ...");
        var generator = new Generator((ulong)seed + 6);
        const int n = 200;
        var x1 = rand(n, dtype: float64, generator: generator) * 4 - 2;
        var x = stack([ones(n, dtype: float64), x1], 1);
        double trueSigma = 0.5;
        var y = 1.0 + 0.8 * x1 + trueSigma * randn(n, dtype: float64, generator: generator);
        var fit = LinearGaussian.Fit(x, y);
        double w0 = fit.W[0].ToDouble(), w1 = fit.W[1].ToDouble(), sd = Math.Sqrt(fit.Sigma2);
        double[] grid = [-2, 2];
        Plots.PointsAndLines(Path.Combine(output, "4_linear_gaussian.png"), "Linear-Gaussian MLE: data, mean and mean ± 2σ", "x", "y",
            [new Plots.Series("data", x1.data<double>().ToArray(), y.data<double>().ToArray())],
            [
                new Plots.Series("mean x^T w", grid, grid.Select(g => w0 + w1 * g).ToArray()),
                new Plots.Series("mean + 2σ", grid, grid.Select(g => w0 + w1 * g + 2 * sd).ToArray()),
                new Plots.Series("mean - 2σ", grid, grid.Select(g => w0 + w1 * g - 2 * sd).ToArray()),
            ]);
        summary["4_linear_gaussian"] = new Dictionary<string, object>
        {
            ["true_w"] = new[] { 1.0, 0.8 }, ["true_sigma2"] = trueSigma * trueSigma,
            ["w"] = new[] { w0, w1 }, ["sigma2"] = fit.Sigma2,
        };
    }
}
