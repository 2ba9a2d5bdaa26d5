using System.CommandLine;
using System.Globalization;
using GenAI.Autograder.Run;

namespace GenAI.Autograder.Verbs;

/// <summary>
/// The `run` verb: runs an assignment's reference experiments (or a student's, when built with
/// -p:Course=template) on its data and writes the figures and numbers it asks for.
/// </summary>
public static class RunCommand
{
    /// <summary>The verb's usage lines, one per experiment family.</summary>
    const string Synopsis = """
        run EXPERIMENT [--data DIR] [--out DIR] [--seed N]
        run cs446-hw5 [--mnist DIR] [--epochs N] [--out DIR] [--seed N]
        run ece685d-hw5 [--part gan|rbm|vae]... [--mnist DIR] [--kmnist DIR] [--fashion DIR] [--epochs N] [--out DIR] [--seed N]
        run cs4331-hw2 [--part gmm|vae]... [--mnist DIR] [--epochs N] [--latents N,N,...] [--tsne N] [--out DIR] [--seed N]
        """;

    /// <summary>What each experiment runs and writes.</summary>
    const string Experiments = """
        Experiments:
          cs446-hw5    the MNIST VAE (latent 2) trained with the assignment's defaults (200 epochs, seed 1234),
                       its 10x2 prior samples, latent scatter, interpolations and ELBO curve; resumable
          cs552-hw1    CPT sampling, pixel LSTM, p-PCA faces, classroom graph model, linear-Gaussian MLE
          cs552-hw2    faces beta-VAE and AE (generated faces, codes, interpolation, VAE vs P-PCA; resumable);
                       log p(x) by quadrature and ELBO curves of a scalar VAE, ELBO ascent
          cs4331-hw2   part 1 (gmm): GMM samples by component, Monte Carlo entropy against the sample size;
                       part 2 (vae): conv VAE and its MLP variant per latent size, traversal, prior samples,
                       t-SNE and ELBO curve at the beginning, middle and end of training, ELBO_Curve.png; resumable
          ece685d-hw5  DCGAN + linear probe, Gaussian-Bernoulli RBMs (M = 16, 64, 256), VAE and C-VAE + t-SNE;
                       a checkpoint after every epoch in OUT/checkpoints: rerun the same command to resume
        """;

    static string Fixtures => Path.Combine(AppContext.BaseDirectory, "fixtures", "course-data");
    static readonly Argument<string> Experiment = new("EXPERIMENT")
    {
        Description = "cs446-hw5, cs552-hw1, cs552-hw2, cs4331-hw2 or ece685d-hw5 (see the list below)",
    };
    static readonly Option<string?> Data = Cli.Text("--data", "DIR",
        "the course files (image_cpts.pkl[.gz], eigenfaces.npy, classroom_graphs.pkl; faces_vae.npy for cs552-hw2); default: the small project-made files shipped in fixtures/course-data");
    static readonly Option<string?> Mnist = Cli.Text("--mnist", "DIR",
        "IDX folder ({train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]) for the VAE, the GAN and the probe (default: fixtures/course-data/digits-idx)");
    static readonly Option<string?> Kmnist = Cli.Text("--kmnist", "DIR", "the same for the RBM (KMNIST) (default: fixtures/course-data/digits-idx)");
    static readonly Option<string?> Fashion = Cli.Text("--fashion", "DIR", "the same for the VAEs (Fashion-MNIST) (default: fixtures/course-data/fashion-mnist-small)");
    static readonly Option<string[]> Part = new("--part") { HelpName = "P", Description = "run only part P (repeatable; default all)" };
    static readonly Option<int?> Epochs = Cli.Count("--epochs", "N",
        "train every model for N epochs (default: cs446-hw5 200; cs552-hw2 100; ece685d-hw5 GAN 5, RBM 25, VAE 20; cs4331-hw2 20)", 0, "--epochs must be 0 or more");
    static readonly Option<int[]> Latents = new("--latents")
    {
        HelpName = "L",
        Description = "cs4331-hw2: comma-separated latent sizes, each trained for both architectures (default 2,16)",
        DefaultValueFactory = _ => [2, 16],
        CustomParser = r =>
        {
            var sizes = r.Tokens.Single().Value.Split(',').Select(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int d) ? d : 0).ToArray();
            if (sizes.Any(d => d < 1)) r.AddError("--latents takes sizes of 1 or more, e.g. 2,16");
            return sizes;
        },
    };
    static readonly Option<int?> Tsne = Cli.Count("--tsne", "N", "cs4331-hw2: how many test images t-SNE embeds (default 1000; exact t-SNE is O(N^2))", 91, "--tsne needs at least 91 points (perplexity 30)");
    static readonly Option<string?> Out = Cli.Text("--out", "DIR", "where PNG figures and summary.json go (default: figures/EXPERIMENT)");
    static readonly Option<long?> Seed = new("--seed")
    {
        HelpName = "N",
        Description = "random seed (default 552; cs446-hw5: 1234, the assignment's)",
        CustomParser = r =>
        {
            if (long.TryParse(r.Tokens.Single().Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long seed)) return seed;
            r.AddError("--seed needs a whole number");
            return null;
        },
    };

    /// <summary>The <c>run</c> verb; it returns 0 when the figures were written, 1 when an experiment failed on its data, 2 on bad usage.</summary>
    public static Verb Create()
    {
        var verb = new Verb("run", "run an assignment's experiments and write its figures (see run --help)")
        {
            Synopsis = Synopsis,
            Notes = Experiments,
        };
        verb.Arguments.Add(Experiment);
        foreach (var option in new Option[] { Data, Mnist, Kmnist, Fashion, Part, Epochs, Latents, Tsne, Out, Seed }) verb.Options.Add(option);
        verb.SetAction(r =>
        {
            string experiment = r.GetValue(Experiment)!;
            long? seed = r.GetValue(Seed);
            var options = new RunOptions(
                Data: r.GetValue(Data) ?? Fixtures,
                Mnist: r.GetValue(Mnist) ?? Path.Combine(Fixtures, "digits-idx"),
                Kmnist: r.GetValue(Kmnist) ?? Path.Combine(Fixtures, "digits-idx"),
                Fashion: r.GetValue(Fashion) ?? Path.Combine(Fixtures, "fashion-mnist-small"),
                Parts: (r.GetValue(Part) ?? []).ToHashSet(),
                Epochs: r.GetValue(Epochs),
                Latents: r.GetValue(Latents)!,
                Tsne: r.GetValue(Tsne) ?? 1000,
                Out: r.GetValue(Out) ?? Path.Combine("figures", experiment),
                Seed: seed ?? 552,
                SeedGiven: seed is not null);
            Program.UseCourseKernelSettings();
            if (!Directory.Exists(options.Data)) { Console.Error.WriteLine($"data folder not found: {Path.GetFullPath(options.Data)}"); return 2; }
            try
            {
                int exit = RunExperiments(experiment, options);
                if (exit == 0) Console.WriteLine($"Figures and summary.json written to {Path.GetFullPath(options.Out)}");
                return exit;
            }
            catch (ArgumentException e) { Console.Error.WriteLine(e.Message); return 2; }
            catch (IOException e) { Console.Error.WriteLine(e.Message); return 1; }
            catch (NotImplementedException e) { Console.Error.WriteLine($"not implemented yet: {e.Message}"); return 1; }
        });
        return verb;
    }

    /// <summary>
    /// Runs the experiments of <paramref name="assignment"/> as <paramref name="options"/> say; returns 0 when they ran, 2 for an
    /// unknown assignment or a missing data folder. Throws <see cref="ArgumentException"/> for a part the assignment lacks.
    /// </summary>
    static int RunExperiments(string assignment, RunOptions options)
    {
        bool Missing(params string[] folders)
        {
            foreach (var folder in folders)
                if (!Directory.Exists(folder)) { Console.Error.WriteLine($"data folder not found: {Path.GetFullPath(folder)}"); return true; }
            return false;
        }
        HashSet<string> Parts(string[] known) =>
            options.Parts.FirstOrDefault(p => !known.Contains(p)) is { } unknown ? throw new ArgumentException($"unknown part '{unknown}' (choose {string.Join(", ", known)})")
            : (options.Parts.Count > 0 ? options.Parts : known.AsEnumerable()).ToHashSet();
        var (output, seed, epochs) = (options.Out, options.Seed, options.Epochs);
        switch (assignment)
        {
            case "cs552-hw1": Cs552Hw1.Run(options.Data, output, seed); return 0;
            case "cs4331-hw2":
                var cs4331Parts = Parts(Cs4331Hw2.AllParts);
                if (Missing(options.Mnist)) return 2;
                Cs4331Hw2.Run(output, seed, cs4331Parts, new Cs4331Hw2Vae.Options(options.Mnist, output, seed, epochs ?? 20, options.Latents, options.Tsne));
                return 0;
            case "cs552-hw2":
                string faces = new[] { "faces_vae.npy", "eigenfaces.npy" }.Select(f => Path.Combine(options.Data, f)).FirstOrDefault(File.Exists)
                    ?? throw new GenAI.Course.Formats.CourseDataException(Path.Combine(options.Data, "faces_vae.npy"), $"none of faces_vae.npy, eigenfaces.npy is in {Path.GetFullPath(options.Data)}.");
                Cs552Hw2.Run(faces, output, seed, epochs ?? 100);
                return 0;
            case "cs446-hw5":
                if (Missing(options.Mnist)) return 2;
                Cs446Hw5.Run(options.Mnist, output, options.SeedGiven ? seed : 1234, epochs);
                return 0;
            case "ece685d-hw5":
                var eceParts = Parts(Ece685dHw5.AllParts);
                if (Missing(options.Mnist, options.Kmnist, options.Fashion)) return 2;
                Ece685dHw5.Run(new Ece685dHw5.Options(options.Mnist, options.Kmnist, options.Fashion, output, seed, epochs, eceParts));
                return 0;
            default: Console.Error.WriteLine($"unknown experiment '{assignment}'; the experiments are cs446-hw5, cs552-hw1, cs552-hw2, cs4331-hw2, ece685d-hw5 (run --help)"); return 2;
        }
    }
}

/// <summary>Everything the <c>run</c> verb's command line says, defaults filled in, for <c>RunCommand.RunExperiments</c>.</summary>
/// <param name="Data">The course files folder (--data).</param>
/// <param name="Mnist">MNIST IDX folder (--mnist).</param>
/// <param name="Kmnist">KMNIST IDX folder (--kmnist).</param>
/// <param name="Fashion">Fashion-MNIST IDX folder (--fashion).</param>
/// <param name="Parts">The parts to run (--part; empty: all).</param>
/// <param name="Epochs">Epochs for every model (--epochs; null: each experiment's default).</param>
/// <param name="Latents">cs4331-hw2's latent sizes (--latents).</param>
/// <param name="Tsne">How many test images t-SNE embeds (--tsne).</param>
/// <param name="Out">Where figures and summary.json go (--out, or figures/EXPERIMENT).</param>
/// <param name="Seed">The random seed (--seed, or 552).</param>
/// <param name="SeedGiven">Whether --seed was given (cs446-hw5 then uses it instead of its own 1234).</param>
public sealed record RunOptions(string Data, string Mnist, string Kmnist, string Fashion, IReadOnlySet<string> Parts, int? Epochs, int[] Latents, int Tsne, string Out, long Seed, bool SeedGiven);
