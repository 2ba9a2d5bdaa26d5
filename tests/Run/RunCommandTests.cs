using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using FluentAssertions;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Run;

/// <summary>The run verb: the reference's experiments write every figure the homework asks for, and bad input is a clear error.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class RunCommandTests
{
    static (int exit, string console) RunVerb(params string[] args) =>
        SubmissionBuild.Run("dotnet", new[] { Paths.AutograderDll, "run" }.Concat(args).ToList(), Paths.Repo, TimeSpan.FromMinutes(5));

    /// <summary>cs552-hw1 on the shipped files: every PNG exists and is a PNG, and summary.json holds the numbers the closing notes quote.</summary>
    [Test, Category("EndToEnd")]
    public void Cs552Hw1WritesEveryFigure()
    {
        string output = Directory.CreateTempSubdirectory("genai-run").FullName;
        try
        {
            var (exit, console) = RunVerb("cs552-hw1", "--out", output);
            exit.Should().Be(0, console);
            string[] figures =
            [
                "1a_cpt_samples", "1b_unique_images", "1b_lstm_samples", "1b_lstm_loss", "2b_latent_d2", "2c_originals",
                "2c_reconstruction_d16", "2c_reconstruction_d32", "2c_reconstruction_d64", "2d_generated_d32", "2e_perturbations_d16",
                "3b_log_likelihood", "3c_sampled_graphs", "4_linear_gaussian",
            ];
            foreach (var figure in figures)
                File.ReadAllBytes(Path.Combine(output, figure + ".png"))[..8].Should().Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a], figure);
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
            var root = summary.RootElement;
            root.GetProperty("1_autoregression").GetProperty("unique_images").GetInt32().Should().Be(26);
            root.GetProperty("1_autoregression").GetProperty("lstm_final_loss_nats_per_pixel").GetDouble().Should().BeInRange(Math.Log(26) / 25 - 0.005, 0.2);
            var graph = root.GetProperty("3_graph_model");
            graph.GetProperty("log_likelihood_non_decreasing").GetBoolean().Should().BeTrue();
            Math.Abs(graph.GetProperty("a").GetDouble() - 3).Should().BeLessThan(4 * graph.GetProperty("a_standard_error").GetDouble());
            Math.Abs(graph.GetProperty("b").GetDouble() + 1).Should().BeLessThan(4 * graph.GetProperty("b_standard_error").GetDouble());
            var ppca = root.GetProperty("2_ppca").GetProperty("mean_log_likelihood_per_face");
            ppca.GetProperty("d=64").GetDouble().Should().BeGreaterThan(ppca.GetProperty("d=2").GetDouble(), "a larger latent space fits at least as well");
            console.Should().Contain("1b: LSTM [").And.Contain("iteration  300: L =");
        }
        finally { Directory.Delete(output, recursive: true); }
    }

    /// <summary>
    /// ece685d-hw5 for one epoch on the shipped subsets (the DCGAN on the first 320 training digits, t-SNE of 100 means): every PNG and the numbers exist; a second run
    /// of the RBM with two epochs resumes from the checkpoint of the first instead of starting again.
    /// </summary>
    [Test, Category("EndToEnd")]
    public void Ece685dHw5WritesEveryFigureAndResumes()
    {
        string output = Directory.CreateTempSubdirectory("genai-run").FullName;
        try
        {
            string mnist = DigitsSubset(Path.Combine(output, "mnist-320"), 320);
            var (exit, console) = RunVerb("ece685d-hw5", "--epochs", "1", "--tsne", "100", "--mnist", mnist, "--out", output);
            exit.Should().Be(0, console);
            string[] figures =
            [
                "1_1_gan_samples", "1_1_samples_epoch01", "1_1_gan_losses", "2_2_rbm_M16_train", "2_2_rbm_M16_test", "2_2_rbm_M64_train",
                "2_2_rbm_M64_test", "2_2_rbm_M256_train", "2_2_rbm_M256_test", "3_learning_curves", "3_3_tsne_vae", "3_3_tsne_cvae", "3_3_tsne_vae_vs_cvae",
            ];
            foreach (var figure in figures)
                File.ReadAllBytes(Path.Combine(output, figure + ".png"))[..8].Should().Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a], figure);
            using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))))
            {
                var root = summary.RootElement;
                root.GetProperty("gan").GetProperty("probe_test_accuracy").GetDouble().Should().BeInRange(0.1, 1);
                root.GetProperty("rbm").GetProperty("M64").GetProperty("test_mse").GetDouble().Should().BeInRange(0, 0.2);
                root.GetProperty("vae").GetProperty("cvae").GetProperty("test_loss_per_sample").GetDouble().Should().BeInRange(100, 543);
                root.GetProperty("vae").GetProperty("vae_tsne_trustworthiness_k5").GetDouble().Should().BeInRange(0.5, 1);
            }
            console.Should().Contain("DCGAN epoch 1/1 [").And.Contain("t-SNE of the VAE means [");

            (exit, console) = RunVerb("ece685d-hw5", "--part", "rbm", "--epochs", "2", "--out", output);
            exit.Should().Be(0, console);
            console.Should().Contain("rbm_M16: resuming after epoch 1").And.Contain("RBM M=16 epoch 2/2").And.NotContain("RBM M=16 epoch 1/2");
            using var resumed = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
            resumed.RootElement.GetProperty("rbm").GetProperty("M16").GetProperty("epochs").GetInt32().Should().Be(2);
            resumed.RootElement.TryGetProperty("gan", out _).Should().BeTrue("parts not rerun keep their numbers");
        }
        finally { Directory.Delete(output, recursive: true); }
    }

    /// <summary>
    /// cs552-hw2 (3 epochs, then resumed to 4): every PNG exists; P-PCA's projected segment has equal steps; each ELBO curve touches log p(x) (closest approach 0 within 1e-6)
    /// and never crosses it; gradient ascent ends at |theta| near the maximum-likelihood value with the
    /// encoder near the exact posterior.
    /// </summary>
    [Test, Category("EndToEnd")]
    public void Cs552Hw2WritesTheElboFigures()
    {
        string output = Directory.CreateTempSubdirectory("genai-run").FullName;
        try
        {
            var (exit, console) = RunVerb("cs552-hw2", "--epochs", "3", "--out", output);
            exit.Should().Be(0, console);
            foreach (var figure in new[] { "2_feel_your_elbo", "2_elbo_training", "2_parameters_training", "1a_vae_generated_faces", "1b_ae_generated_faces",
                                           "1c_codes_vae_vs_ae", "1d_vae_interpolation", "1e_ppca_interpolation", "1e_vae_vs_ppca_paths" })
                File.ReadAllBytes(Path.Combine(output, figure + ".png"))[..4].Should().Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], figure);
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
            var root = summary.RootElement;
            foreach (var gap in root.GetProperty("closest_approach_of_each_elbo_curve_to_log_p").EnumerateArray())
                gap.GetDouble().Should().BeInRange(-1e-9, 1e-6);
            var final = root.GetProperty("final");
            Math.Abs(final.GetProperty("theta").GetDouble()).Should().BeApproximately(root.GetProperty("mle_theta_abs").GetDouble(), 0.05);
            final.GetProperty("slope").GetDouble().Should().BeApproximately(final.GetProperty("posterior_slope").GetDouble(), 0.01);
            (final.GetProperty("log_likelihood").GetDouble() - final.GetProperty("elbo").GetDouble()).Should().BeInRange(0, 0.1);
            var faces = root.GetProperty("1_faces");
            faces.GetProperty("vae_test_reconstruction_mse").GetDouble().Should().BeInRange(0, 0.1);
            var ppcaSteps = faces.GetProperty("ppca_path_step_lengths").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            ppcaSteps.Should().HaveCount(19);
            ppcaSteps.Max().Should().BeApproximately(ppcaSteps.Min(), 1e-6, "P-PCA maps equally spaced codes linearly, so its projected steps are equal");

            (exit, console) = RunVerb("cs552-hw2", "--epochs", "4", "--out", output);
            exit.Should().Be(0, console);
            console.Should().Contain("faces_vae: resuming after epoch 3").And.Contain("1a VAE epoch 4/4").And.NotContain("1a VAE epoch 1/4");
        }
        finally { Directory.Delete(output, recursive: true); }
    }

    /// <summary>cs446-hw5 for two epochs on the shipped digits: the four PNGs and the ELBOs exist; a third epoch resumes from the checkpoint.</summary>
    [Test, Category("EndToEnd")]
    public void Cs446Hw5TrainsAndResumes()
    {
        string output = Directory.CreateTempSubdirectory("genai-run").FullName;
        try
        {
            var (exit, console) = RunVerb("cs446-hw5", "--epochs", "2", "--out", output);
            exit.Should().Be(0, console);
            foreach (var figure in new[] { "2e_i_prior_samples", "2e_ii_latent_space", "2e_iii_interpolations", "2d_elbo_curve" })
                File.ReadAllBytes(Path.Combine(output, figure + ".png"))[..4].Should().Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], figure);
            (exit, console) = RunVerb("cs446-hw5", "--epochs", "3", "--out", output);
            exit.Should().Be(0, console);
            console.Should().Contain("mnist_vae: resuming after epoch 2").And.Contain("VAE epoch 3/3").And.NotContain("VAE epoch 1/3");
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
            var history = summary.RootElement.GetProperty("elbo_per_epoch").EnumerateArray().Select(e => e[0].GetDouble()).ToArray();
            history.Should().HaveCount(3);
            history[2].Should().BeGreaterThan(history[0], "the ELBO rises while training");
            history.Should().OnlyContain(v => v < 0 && v > -543.5, "a trained model beats the uniform model (-784 log 2 = -543.4) and no ELBO of binary data exceeds 0");
        }
        finally { Directory.Delete(output, recursive: true); }
    }

    /// <summary>
    /// cs4331-hw2 part 2 on the shipped digits, latent 2: problem 2.4's four figures at three stages for both
    /// architectures and ELBO_Curve.png exist; a third epoch resumes from the checkpoints; every loss is above
    /// its floor 392 log(2 pi) (the NLL's constant; the squared error and the KL are never negative).
    /// </summary>
    [Test, Category("EndToEnd")]
    public void Cs4331Hw2TrainsBothArchitecturesAndResumes()
    {
        string output = Directory.CreateTempSubdirectory("genai-run").FullName;
        try
        {
            var (exit, console) = RunVerb("cs4331-hw2", "--part", "vae", "--epochs", "2", "--latents", "2", "--tsne", "100", "--out", output);
            exit.Should().Be(0, console);
            (exit, console) = RunVerb("cs4331-hw2", "--part", "vae", "--epochs", "3", "--latents", "2", "--tsne", "100", "--out", output);
            exit.Should().Be(0, console);
            console.Should().Contain("conv_z2: resuming after epoch 2").And.Contain("mlp_z2: resuming after epoch 2").And.NotContain("epoch 1/3");
            var figures = new[] { "conv", "mlp" }.SelectMany(m => new[] { "beginning", "middle", "end" }.SelectMany(s =>
                new[] { "traversal", "prior_samples", "tsne", "elbo" }.Select(f => $"2_4_{m}_z2_{s}_{f}"))).Append("ELBO_Curve").ToList();
            figures.Should().HaveCount(25);
            foreach (var figure in figures)
                File.ReadAllBytes(Path.Combine(output, figure + ".png"))[..4].Should().Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], figure);
            File.Exists(Path.Combine(output, "1_1_gmm_samples.png")).Should().BeFalse("only part 2 was asked for");
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
            double floor = 392 * Math.Log(2 * Math.PI);
            foreach (var model in new[] { "conv_z2", "mlp_z2" })
            {
                var run = summary.RootElement.GetProperty("part2_vae").GetProperty(model);
                var losses = run.GetProperty("test_loss_per_epoch").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                losses.Should().HaveCount(3).And.OnlyContain(l => l > floor, model);
                run.GetProperty("stages").GetProperty("middle").GetProperty("epoch").GetInt32().Should().Be(2);
            }
        }
        finally { Directory.Delete(output, recursive: true); }
    }

    /// <summary>
    /// A copy of fixtures/course-data/digits-idx whose training split keeps only its first <paramref name="count"/> images
    /// and labels (IDX headers rewritten): the DCGAN's epoch on all 1,200 took most of a whole figures test.
    /// </summary>
    static string DigitsSubset(string folder, int count)
    {
        string source = Path.Combine(Paths.Repo, "fixtures", "course-data", "digits-idx");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(source))
        {
            string target = Path.Combine(folder, Path.GetFileName(file));
            if (!Path.GetFileName(file).StartsWith("train-", StringComparison.Ordinal)) { File.Copy(file, target); continue; }
            using var memory = new MemoryStream();
            using (var input = new GZipStream(File.OpenRead(file), CompressionMode.Decompress)) input.CopyTo(memory);
            byte[] idx = memory.ToArray();
            int dimensions = idx[3];
            long row = 1;
            for (int d = 1; d < dimensions; d++) row *= BinaryPrimitives.ReadInt32BigEndian(idx.AsSpan(4 + 4 * d));
            BinaryPrimitives.ReadInt32BigEndian(idx.AsSpan(4)).Should().BeGreaterThanOrEqualTo(count);
            BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(4), count);
            using var output = new GZipStream(File.Create(target), CompressionLevel.Fastest);
            output.Write(idx, 0, 4 + 4 * dimensions + (int)(count * row));
        }
        return folder;
    }

    /// <summary>Unknown experiments, missing folders and missing files are reported, not thrown (the eight commands run at once).</summary>
    [Test]
    public void BadInputIsExplained()
    {
        string empty = Directory.CreateTempSubdirectory("genai-run-empty").FullName;
        (string[] Args, int Exit, string[] Says)[] cases =
        [
            (["nope"], 2, ["unknown experiment 'nope'", "cs552-hw1"]),
            (["cs552-hw1", "--data", "/no/such/folder"], 2, ["data folder not found: /no/such/folder"]),
            (["cs552-hw1", "--data", empty, "--out", Path.Combine(empty, "out1")], 1, ["none of image_cpts.pkl, image_cpts.pkl.gz is in"]),
            (["ece685d-hw5", "--part", "gans"], 2, ["unknown part 'gans' (choose gan, rbm, vae)"]),
            (["cs4331-hw2", "--part", "gan"], 2, ["unknown part 'gan' (choose gmm, vae)"]),
            (["cs4331-hw2", "--latents", "2,0"], 2, ["--latents takes sizes of 1 or more"]),
            (["ece685d-hw5", "--kmnist", "/no/such/kmnist", "--part", "rbm"], 2, ["data folder not found: /no/such/kmnist"]),
            (["ece685d-hw5", "--kmnist", empty, "--part", "rbm", "--out", Path.Combine(empty, "out2")], 1, ["neither train-images-idx3-ubyte.gz nor train-images-idx3-ubyte is in"]),
        ];
        try
        {
            var runs = cases.Select(c => Task.Run(() => RunVerb(c.Args))).ToArray();
            for (int i = 0; i < cases.Length; i++)
            {
                var (exit, console) = runs[i].Result;
                string command = "run " + string.Join(' ', cases[i].Args);
                exit.Should().Be(cases[i].Exit, $"{command} printed:\n{console}");
                foreach (var phrase in cases[i].Says) console.Should().Contain(phrase, command);
            }
        }
        finally { Directory.Delete(empty, recursive: true); }
    }
}
