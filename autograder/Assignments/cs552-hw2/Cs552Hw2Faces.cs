using GenAI.Autograder.Figures;
using GenAI.Course.Faces;
using GenAI.Course.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Run;

/// <summary>
/// CS/DS 552 Homework 2, problem 1: trains the faces beta-VAE (beta = 0.5) and the AE of the same
/// layers (latent 16, hidden 256, Adam 1e-3, batch 64) with progress bars and a checkpoint per epoch,
/// then draws 100 generated faces of each, their latent codes projected by PCA, 20 faces along a
/// segment in the VAE's latent space, and that segment for the VAE and for P-PCA projected with the
/// data's PCA, numbered.
/// </summary>
public static class Cs552Hw2Faces
{
    const double Beta = 0.5;
    const int Latent = 16, Batch = 64;

    /// <summary>Runs problem 1 on <paramref name="faces"/> [N, 576] (a seeded 90/10 train/test split); returns the numbers for summary.json.</summary>
    public static Dictionary<string, object> Run(Tensor faces, string output, long seed, int epochs)
    {
        var device = Compute.Device;
        long n = faces.shape[0], cut = n * 9 / 10;
        var order = randperm(n, generator: new Generator((ulong)seed));
        var shuffled = faces.index_select(0, order);
        var train = shuffled[..(int)cut].to(device);
        var test = shuffled[(int)cut..].to(device);
        var result = new Dictionary<string, object> { ["faces"] = n, ["train"] = cut, ["test"] = n - cut, ["beta"] = Beta, ["latent"] = Latent, ["epochs"] = epochs };
        var models = new Dictionary<string, FaceAutoencoder>();
        foreach (bool variational in new[] { true, false })
        {
            string name = variational ? "vae" : "ae";
            manual_seed(seed + (variational ? 1 : 2));
            var model = new FaceAutoencoder(variational, Latent);
            model.to(device);
            var optimizer = new ScopedAdam(model.parameters(), 1e-3);
            var checkpoint = new Checkpoint(output, $"faces_{name}", $"faces {name} n={cut} beta={(variational ? Beta : 0)} batch={Batch} lr=1e-3 seed={seed}");
            var (done, history) = checkpoint.Resume(model, optimizer);
            for (int epoch = done; epoch < epochs; epoch++)
            {
                var bar = new ConsoleProgress($"1{(variational ? "a VAE" : "b AE")} epoch {epoch + 1}/{epochs}", (int)((cut + Batch - 1) / Batch));
                double loss = FaceLoss.TrainEpoch(model, optimizer, train, Batch, variational ? Beta : 0, new Generator((ulong)(seed * 1000 + epoch + (variational ? 0 : 500))),
                    (i, total, l) => bar.Report(i, $"loss/face {l:F1}"));
                history.Add([loss, FaceLoss.ReconstructionError(model, test)]);
                checkpoint.Save(model, epoch + 1, history, optimizer);
            }
            models[name] = model;
            result[$"{name}_test_reconstruction_mse"] = FaceLoss.ReconstructionError(model, test);
            result[$"{name}_train_reconstruction_mse"] = FaceLoss.ReconstructionError(model, train);
            result[$"{name}_loss_per_face_last_epoch"] = history.Count > 0 ? history[^1][0] : double.NaN;
        }

        using var noGrad = no_grad();
        var rng = new Generator((ulong)seed + 9);
        // (a), (b): 100 faces from z ~ N(0, I) for each model.
        var z = Compute.StandardNormal([100, Latent], float32, device, rng);
        foreach (var (name, model) in models)
        {
            model.eval();
            Collage.Write(Path.Combine(output, $"1{(name == "vae" ? "a" : "b")}_{name}_generated_faces.png"), model.Decode(z), 10, 10, scale: 2, title: $"1{(name == "vae" ? "a" : "b")}: {name.ToUpperInvariant()}, 100 faces from z ~ N(0, I)");
        }

        // (c): the training codes (mu) of each model, projected to 2-D by that model's own PCA.
        var panels = new List<string>();
        foreach (var (name, model) in models)
        {
            var codes = model.Encode(train).mu.cpu().to(float64);
            var projected = Project(codes, codes);
            string panel = Path.Combine(output, $"1c_codes_{name}.png");
            Plots.Points(panel, $"{name.ToUpperInvariant()}: training codes, first two principal components", "PC 1", "PC 2",
                new Plots.Series($"{cut} training faces", projected[.., 0].data<double>().ToArray(), projected[.., 1].data<double>().ToArray(), name == "vae" ? "#1f77b4" : "#d62728"));
            panels.Add(panel);
        }
        Plots.SideBySide(Path.Combine(output, "1c_codes_vae_vs_ae.png"), panels.ToArray());

        // (d): 20 faces on the segment between two codes drawn from N(0, I).
        var ends = Compute.StandardNormal([2, Latent], float32, device, rng);
        var segment = FaceLoss.Interpolate(ends[0], ends[1], 20);
        var vaeFaces = models["vae"].Decode(segment);
        Collage.Write(Path.Combine(output, "1d_vae_interpolation.png"), vaeFaces, 2, 10, scale: 3, title: "1d: VAE, 20 faces from z to z'", rowLabels: ["1-10", "11-20"]);

        // (e): the same kind of segment for P-PCA (fitted on the training faces with the same latent size), both projected with the data's PCA.
        var data = train.cpu().to(float64);
        var (w, mu) = PpcaBaseline(data, Latent);
        var ppcaEnds = randn([2, Latent], dtype: float64, generator: rng);
        var ppcaFaces = FaceLoss.Interpolate(ppcaEnds[0], ppcaEnds[1], 20).to(float64).matmul(w.T) + mu;
        Collage.Write(Path.Combine(output, "1e_ppca_interpolation.png"), ppcaFaces.clamp(0, 1), 2, 10, scale: 3, title: "1e: p-PCA, 20 faces from z to z'", rowLabels: ["1-10", "11-20"]);
        var vaePath = Project(vaeFaces.cpu().to(float64), data);
        var ppcaPath = Project(ppcaFaces, data);
        Plots.NumberedPaths(Path.Combine(output, "1e_vae_vs_ppca_paths.png"), "A latent segment (20 faces) in the data's PCA plane", "PC 1", "PC 2",
            new Plots.Series("VAE: Decode(z_i)", vaePath[.., 0].data<double>().ToArray(), vaePath[.., 1].data<double>().ToArray(), "#1f77b4"),
            new Plots.Series("P-PCA: E[x | z_i] = W z_i + mu", ppcaPath[.., 0].data<double>().ToArray(), ppcaPath[.., 1].data<double>().ToArray(), "#d62728"));
        result["vae_path_step_lengths"] = StepLengths(vaePath);
        result["ppca_path_step_lengths"] = StepLengths(ppcaPath);
        return result;
    }

    /// <summary>
    /// The maximum-likelihood p-PCA (Tipping and Bishop) of <paramref name="data"/> [n, m] with latent size <paramref name="d"/>,
    /// the baseline of (e), whose E[x | z] = W z + mu: from the SVD of the centred data, S's eigenvalues are s_i^2 / n, sigma^2 is
    /// the mean of the m - d discarded ones and W = V_d (Lambda_d - sigma^2 I)^(1/2). Computed here rather than by CS/DS 552 HW1's
    /// Ppca, so this assignment's bundle carries none of that assignment's code.
    /// </summary>
    static (Tensor w, Tensor mu) PpcaBaseline(Tensor data, int d)
    {
        long n = data.shape[0], m = data.shape[1];
        var mu = data.mean([0]);
        var (_, s, vh) = linalg.svd(data - mu, fullMatrices: false);
        var lambda = s.square() / n;
        double sigma2 = (lambda.sum().ToDouble() - lambda[..d].sum().ToDouble()) / (m - d);
        return (vh[..d].T * (lambda[..d] - sigma2).clamp_min(0).sqrt(), mu);
    }

    /// <summary>Rows of <paramref name="x"/> centred on the mean of <paramref name="basis"/> and projected on its first two principal directions; [N, 2].</summary>
    static Tensor Project(Tensor x, Tensor basis)
    {
        var mean = basis.mean([0], keepdim: true);
        var (_, _, vh) = linalg.svd(basis - mean, fullMatrices: false);
        return (x - mean).matmul(vh[..2].T);
    }

    /// <summary>Distances between consecutive projected points: equal for P-PCA (a linear map of equally spaced codes), uneven for the VAE.</summary>
    static double[] StepLengths(Tensor path) => (path[1..] - path[..^1]).norm(1).data<double>().ToArray();
}
