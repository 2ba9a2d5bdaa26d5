namespace GenAI.Autograder.Run;

/// <summary>
/// The `run` verb: runs an assignment's reference experiments (or a student's, when built with
/// -p:Course=template) on its data and writes the figures and numbers it asks for.
/// </summary>
public static class RunCommand
{
    const string Usage = """
        usage: run EXPERIMENT [--data DIR] [--out DIR] [--seed N]
               run cs446-hw5 [--mnist DIR] [--epochs N] [--out DIR] [--seed N]
               run ece685d-hw5 [--part gan|rbm|vae]... [--mnist DIR] [--kmnist DIR] [--fashion DIR] [--epochs N] [--out DIR] [--seed N]
               run cs4331-hw2 [--part gmm|vae]... [--mnist DIR] [--epochs N] [--latents N,N,...] [--tsne N] [--out DIR] [--seed N]

          EXPERIMENT    cs446-hw5    the MNIST VAE (latent 2) trained with the assignment's defaults (200 epochs, seed 1234),
                                     its 10x2 prior samples, latent scatter, interpolations and ELBO curve; resumable
                        cs552-hw1    CPT sampling, pixel LSTM, p-PCA faces, classroom graph model, linear-Gaussian MLE
                        cs552-hw2    faces beta-VAE and AE (generated faces, codes, interpolation, VAE vs P-PCA; resumable);
                                     log p(x) by quadrature and ELBO curves of a scalar VAE, ELBO ascent
                        cs4331-hw2   part 1 (gmm): GMM samples by component, Monte Carlo entropy against the sample size;
                                     part 2 (vae): conv VAE and its MLP variant per latent size, traversal, prior samples,
                                     t-SNE and ELBO curve at the beginning, middle and end of training, ELBO_Curve.png; resumable
                        ece685d-hw5  DCGAN + linear probe, Gaussian-Bernoulli RBMs (M = 16, 64, 256), VAE and C-VAE + t-SNE;
                                     a checkpoint after every epoch in OUT/checkpoints: rerun the same command to resume
          --data DIR    the course files (image_cpts.pkl[.gz], eigenfaces.npy, classroom_graphs.pkl; faces_vae.npy for cs552-hw2);
                        default: the small project-made files shipped in fixtures/course-data
          --mnist DIR   IDX folder ({train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]) for the VAE, the GAN and the probe
          --kmnist DIR  the same for the RBM (KMNIST); --fashion DIR: the same for the VAEs (Fashion-MNIST);
                        defaults: 1,200 + 300 image subsets shipped in fixtures/course-data (digits-idx, fashion-mnist-small)
          --part P      run only part P (repeatable; default all)
          --epochs N    train every model for N epochs (default: cs446-hw5 200; cs552-hw2 100; ece685d-hw5 GAN 5, RBM 25, VAE 20;
                        cs4331-hw2 20)
          --latents L   cs4331-hw2: comma-separated latent sizes, each trained for both architectures (default 2,16)
          --tsne N      cs4331-hw2: how many test images t-SNE embeds (default 1000; exact t-SNE is O(N^2))
          --out DIR     where PNG figures and summary.json go (default: figures/EXPERIMENT)
          --seed N      random seed (default 552; cs446-hw5: 1234, the assignment's)
        """;

    /// <summary>Runs the verb; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help") { Console.WriteLine(Usage); return args.Length == 0 ? 2 : 0; }
        string experiment = args[0];
        string data = Path.Combine(AppContext.BaseDirectory, "fixtures", "course-data");
        string? output = null;
        long seed = 552;
        bool seedGiven = false;
        string fixtures = data;
        string mnist = Path.Combine(fixtures, "digits-idx"), kmnist = mnist, fashion = Path.Combine(fixtures, "fashion-mnist-small");
        int? epochs = null;
        int tsne = 1000;
        int[] latents = [2, 16];
        var parts = new HashSet<string>();
        if (!Experiments.All.TryGetValue(experiment, out var experiments)) { Console.Error.WriteLine($"unknown experiment '{experiment}' (this autograder has {string.Join(", ", Experiments.All.Keys.Order(StringComparer.Ordinal))})\n\n{Usage}"); return 2; }
        var known = experiments.Parts;
        for (int i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--data": data = Value(); break;
                    case "--out": output = Value(); break;
                    case "--seed": seed = long.Parse(Value()); seedGiven = true; break;
                    case "--mnist": mnist = Value(); break;
                    case "--kmnist": kmnist = Value(); break;
                    case "--fashion": fashion = Value(); break;
                    case "--epochs": epochs = int.Parse(Value()); if (epochs < 0) throw new ArgumentException("--epochs must be 0 or more"); break;
                    case "--latents":
                        latents = Value().Split(',').Select(int.Parse).ToArray();
                        if (latents.Length == 0 || latents.Any(d => d < 1)) throw new ArgumentException("--latents takes sizes of 1 or more, e.g. 2,16");
                        break;
                    case "--tsne": tsne = int.Parse(Value()); if (tsne < 91) throw new ArgumentException("--tsne needs at least 91 points (perplexity 30)"); break;
                    case "--part":
                        string part = Value();
                        if (!known.Contains(part)) throw new ArgumentException($"unknown part '{part}' (choose {string.Join(", ", known)})");
                        parts.Add(part);
                        break;
                    default: Console.Error.WriteLine($"unknown option {args[i]}\n\n{Usage}"); return 2;
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException) { Console.Error.WriteLine($"{e.Message}\n\n{Usage}"); return 2; }
        }
        output ??= Path.Combine("figures", experiment);
        if (!Directory.Exists(data)) { Console.Error.WriteLine($"data folder not found: {Path.GetFullPath(data)}"); return 2; }
        try
        {
            int exit = experiments.Run(new RunOptions(data, mnist, kmnist, fashion, output, seed, seedGiven, epochs, latents, tsne, parts));
            if (exit != 0) return exit;
        }
        catch (IOException e) { Console.Error.WriteLine(e.Message); return 1; }
        catch (NotImplementedException e) { Console.Error.WriteLine($"not implemented yet: {e.Message}"); return 1; }
        Console.WriteLine($"Figures and summary.json written to {Path.GetFullPath(output)}");
        return 0;
    }
}
