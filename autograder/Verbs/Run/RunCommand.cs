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

    /// <summary>What each experiment of this build runs and writes (each assignment's own description).</summary>
    static string ExperimentList => "Experiments:\n" + string.Join("\n", Run.Experiments.All.OrderBy(e => e.Key, StringComparer.Ordinal)
        .Select(e => $"  {e.Key,-12} " + e.Value.Description.Replace("\n", "\n" + new string(' ', 15))));


    static string Fixtures => Path.Combine(AppContext.BaseDirectory, "fixtures", "course-data");
    static readonly Argument<string> Experiment = new("EXPERIMENT")
    {
        Description = "the assignment whose experiments to run (see the list below)",
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
    static readonly Option<int?> Tsne = Cli.Count("--tsne", "N", "how many test images t-SNE embeds (default: cs4331-hw2 1000, ece685d-hw5 2000; exact t-SNE is O(N^2))", 91, "--tsne needs at least 91 points (perplexity 30)");
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
            Notes = ExperimentList,
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
                Tsne: r.GetValue(Tsne),
                Output: r.GetValue(Out) ?? Path.Combine("figures", experiment),
                Seed: seed ?? 552,
                SeedGiven: seed is not null);
            GenAI.Worker.NativeSettings.Apply();
            if (!Directory.Exists(options.Data)) { Console.Error.WriteLine($"data folder not found: {Path.GetFullPath(options.Data)}"); return 2; }
            try
            {
                int exit = RunExperiments(experiment, options);
                if (exit == 0) Console.WriteLine($"Figures and summary.json written to {Path.GetFullPath(options.Output)}");
                return exit;
            }
            catch (ArgumentException e) { Console.Error.WriteLine(e.Message); return 2; }
            catch (IOException e) { Console.Error.WriteLine(e.Message); return 1; }
            catch (NotImplementedException e) { Console.Error.WriteLine($"not implemented yet: {e.Message}"); return 1; }
        });
        return verb;
    }

    /// <summary>
    /// Runs the experiments of <paramref name="assignment"/> (found in its folder, autograder/Assignments/NAME) as
    /// <paramref name="options"/> say; returns 0 when they ran, 2 for an unknown assignment or a missing data folder.
    /// Throws <see cref="ArgumentException"/> for a part the assignment lacks.
    /// </summary>
    static int RunExperiments(string assignment, RunOptions options)
    {
        if (!Run.Experiments.All.TryGetValue(assignment, out var experiments))
        {
            Console.Error.WriteLine($"unknown experiment '{assignment}'; the experiments are {string.Join(", ", Run.Experiments.All.Keys.Order(StringComparer.Ordinal))} (run --help)");
            return 2;
        }
        if (options.Parts.FirstOrDefault(p => !experiments.Parts.Contains(p)) is { } unknown)
            throw new ArgumentException(experiments.Parts.Count == 0 ? $"{assignment} has no parts (--part {unknown})" : $"unknown part '{unknown}' (choose {string.Join(", ", experiments.Parts)})");
        return experiments.Run(options);
    }
}
