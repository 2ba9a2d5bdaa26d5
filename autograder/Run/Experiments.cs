namespace GenAI.Autograder.Run;

/// <summary>
/// What the run verb was asked for, for any assignment; each assignment's experiments read the options they use.
/// </summary>
/// <param name="Data">The course files folder (image CPTs, eigenfaces, classroom graphs; faces for cs552-hw2).</param>
/// <param name="Mnist">An IDX folder of digits (the VAEs, the GAN and its probe).</param>
/// <param name="Kmnist">An IDX folder for the RBM (KMNIST).</param>
/// <param name="Fashion">An IDX folder of Fashion-MNIST (the ECE 685D VAEs).</param>
/// <param name="Output">Where figures and summary.json go.</param>
/// <param name="Seed">The seed of every random choice.</param>
/// <param name="SeedGiven">Whether the seed was given (an assignment with its own default seed uses it otherwise).</param>
/// <param name="Epochs">Overrides every model's number of epochs (the assignment's default when null).</param>
/// <param name="Latents">Latent sizes to train (cs4331-hw2).</param>
/// <param name="Tsne">How many test images t-SNE embeds (cs4331-hw2, ece685d-hw5); null: the assignment's default.</param>
/// <param name="Parts">The parts to run; empty: all.</param>
public sealed record RunOptions(string Data, string Mnist, string Kmnist, string Fashion, string Output, long Seed, bool SeedGiven,
                                int? Epochs, IReadOnlyList<int> Latents, int? Tsne, IReadOnlySet<string> Parts);

/// <summary>
/// An assignment's experiments (the figures and numbers its text asks for), kept in the assignment's folder
/// (autograder/Assignments/NAME/) and found by the run verb by reflection, so a build holding one assignment's
/// folder runs just that one.
/// </summary>
public interface IExperiments
{
    /// <summary>The assignment's name, as in its manifest (e.g. cs446-hw5).</summary>
    string Assignment { get; }

    /// <summary>What the experiments run and write, for run --help (lines separated by \n).</summary>
    string Description { get; }

    /// <summary>The parts --part can pick, in the order they run (empty when the experiments have no parts).</summary>
    IReadOnlyList<string> Parts { get; }

    /// <summary>Runs the experiments; returns the process exit code (2 when a data folder is missing).</summary>
    int Run(RunOptions options);
}

/// <summary>The assignments' experiments compiled into this autograder.</summary>
public static class Experiments
{
    /// <summary>Every <see cref="IExperiments"/> of this assembly, by assignment name.</summary>
    public static IReadOnlyDictionary<string, IExperiments> All { get; } = typeof(IExperiments).Assembly.GetTypes()
        .Where(t => t.IsClass && !t.IsAbstract && typeof(IExperiments).IsAssignableFrom(t))
        .Select(t => (IExperiments)Activator.CreateInstance(t)!)
        .ToDictionary(e => e.Assignment, StringComparer.Ordinal);

    /// <summary>Writes "data folder not found: PATH" and returns false when <paramref name="folder"/> is missing.</summary>
    public static bool FolderExists(string folder)
    {
        if (Directory.Exists(folder)) return true;
        Console.Error.WriteLine($"data folder not found: {Path.GetFullPath(folder)}");
        return false;
    }
}
