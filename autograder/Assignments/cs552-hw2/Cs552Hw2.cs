using System.Text.Json;
using GenAI.Autograder.Figures;
using GenAI.Course.ElboStudy;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Run;

/// <summary>
/// CS/DS 552 Homework 2: problem 1 (<see cref="Cs552Hw2Faces"/>), and problem 2: log p(x) by quadrature and the ELBO of the scalar VAE, as curves
/// over theta for several encoders (each the exact posterior at one theta, where its curve touches
/// log p(x)), and over the steps of gradient ascent on the ELBO.
/// </summary>
public sealed class Cs552Hw2 : IExperiments
{
    /// <inheritdoc/>
    public string Assignment => "cs552-hw2";
    /// <inheritdoc/>
    public string Description => "faces beta-VAE and AE (generated faces, codes, interpolation, VAE vs P-PCA; resumable);\nlog p(x) by quadrature and ELBO curves of a scalar VAE, ELBO ascent";
    /// <inheritdoc/>
    public IReadOnlyList<string> Parts => [];
    /// <inheritdoc/>
    public int Run(RunOptions o)
    {
        string faces = new[] { "faces_vae.npy", "eigenfaces.npy" }.Select(f => Path.Combine(o.Data, f)).FirstOrDefault(File.Exists)
            ?? throw new GenAI.Course.Formats.CourseDataException(Path.Combine(o.Data, "faces_vae.npy"), $"none of faces_vae.npy, eigenfaces.npy is in {Path.GetFullPath(o.Data)}.");
        Run(faces, o.Output, o.Seed, o.Epochs ?? 100);
        return 0;
    }

    /// <summary>
    /// Problem 1 on the faces in <paramref name="faces"/> (a .npy file; see <see cref="GenAI.Course.Faces.FaceLoss.LoadFaces"/>)
    /// for <paramref name="epochs"/> epochs, then problem 2; writes every figure and summary.json to <paramref name="output"/>.
    /// </summary>
    public static void Run(string faces, string output, long seed, int epochs)
    {
        Directory.CreateDirectory(output);
        var problem1 = Cs552Hw2Faces.Run(GenAI.Course.Faces.FaceLoss.LoadFaces(faces), output, seed, epochs);
        using var scope = NewDisposeScope();
        const double sigma2 = 1, trueTheta = 2;
        var x = randn([200], dtype: float64, generator: new Generator((ulong)seed)) * Math.Sqrt(trueTheta * trueTheta + sigma2);
        var thetas = Enumerable.Range(0, 101).Select(i => i * 0.05).ToArray();
        var progress = new ConsoleProgress("2: log p(x) and ELBO curves", thetas.Length);
        var logP = new double[thetas.Length];
        double[] touch = [0.5, 1, 2, 4];
        var elbos = touch.Select(_ => new double[thetas.Length]).ToArray();
        var encoders = touch.Select(t => FeelYourElbo.Posterior(t, sigma2)).ToArray();
        for (int i = 0; i < thetas.Length; i++)
        {
            logP[i] = FeelYourElbo.LogLikelihoodByQuadrature(x, thetas[i], sigma2);
            for (int k = 0; k < touch.Length; k++) elbos[k][i] = FeelYourElbo.Elbo(x, thetas[i], sigma2, encoders[k].slope, encoders[k].variance);
            progress.Report(i + 1);
        }
        string[] colours = ["#1f77b4", "#2ca02c", "#d62728", "#9467bd"];
        var curves = new List<Plots.Series> { new("log p(x) (quadrature)", thetas, logP, "#000000") };
        for (int k = 0; k < touch.Length; k++)
            curves.Add(new($"ELBO, q = posterior at theta = {touch[k]} (slope {encoders[k].slope:F3}, variance {encoders[k].variance:F3})", thetas, elbos[k], colours[k]));
        double top = logP.Max();
        Plots.LinesWithin(Path.Combine(output, "2_feel_your_elbo.png"), "log p(x) and ELBO against theta (200 points from N(0, 5), sigma2 = 1)", "theta",
            "nats, summed over the data", (top - 250, top + 20), curves.ToArray());

        var path = FeelYourElbo.Train(x, sigma2, theta: 0.3, slope: 0.4, variance: 2.0, steps: 400);
        var steps = Enumerable.Range(0, path.Count).Select(i => (double)i).ToArray();
        Plots.Lines(Path.Combine(output, "2_elbo_training.png"), "Gradient ascent on the ELBO: the bound and log p(x)", "step", "nats (summed over 200 points)",
            new Plots.Series("log p(x) at the current theta (quadrature)", steps, path.Select(p => p.logLikelihood).ToArray(), "#000000"),
            new Plots.Series("ELBO", steps, path.Select(p => p.elbo).ToArray(), "#d62728"));
        Plots.Lines(Path.Combine(output, "2_parameters_training.png"), "Gradient ascent on the ELBO: the parameters", "step", "value",
            new Plots.Series("theta", steps, path.Select(p => p.theta).ToArray()),
            new Plots.Series("encoder slope", steps, path.Select(p => p.slope).ToArray()),
            new Plots.Series("encoder variance", steps, path.Select(p => p.variance).ToArray()));

        var last = path[^1];
        var (postSlope, postVariance) = FeelYourElbo.Posterior(last.theta, sigma2);
        var summary = new Dictionary<string, object>
        {
            ["seed"] = seed,
            ["1_faces"] = problem1,
            ["sample_variance"] = x.var().ToDouble(),
            ["mle_theta_abs"] = Math.Sqrt(Math.Max(0, x.square().mean().ToDouble() - sigma2)),
            ["final"] = new Dictionary<string, double>
            {
                ["theta"] = last.theta, ["slope"] = last.slope, ["variance"] = last.variance, ["elbo"] = last.elbo, ["log_likelihood"] = last.logLikelihood,
                ["posterior_slope"] = postSlope, ["posterior_variance"] = postVariance,
            },
            ["closest_approach_of_each_elbo_curve_to_log_p"] = touch.Select((_, k) => elbos[k].Zip(logP, (e, l) => l - e).Min()).ToArray(),
        };
        var json = JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(Path.Combine(output, "summary.json"), json);
        Console.WriteLine(json);
    }
}
