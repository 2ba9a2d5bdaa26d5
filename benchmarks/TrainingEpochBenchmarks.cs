using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;
using GenAI.Course.Elbo;
using GenAI.Course.Faces;
using GenAI.Course.Gan;
using GenAI.Course.Rbm;
using GenAI.Course.Runtime;
using GenAI.Course.Vae;
using static TorchSharp.torch;

namespace GenAI.Benchmarks;

/// <summary>
/// One training epoch of the reference DCGAN (1,024 images, batch 64: 16 D steps and 16 G steps),
/// the Gaussian-Bernoulli RBM (8,192 images of 784 pixels, M = 64, batch 128, CD-5, Adam), the MNIST
/// VAE (8,000 binary images, batch 100), the faces beta-VAE (2,048 faces, batch 64) and CS 4331's
/// convolutional VAE and its MLP variant (2,048 images in [0, 1], latent 16, batch 128), each
/// against the same epoch in PyTorch (Debian's python3-torch, benchmarks/pytorch/epoch_server.py:
/// same layers, shapes, optimizers and thread count). The Python process is started once per setup; each
/// PyTorch iteration is one request over a pipe (well under a millisecond of an epoch). Both sides use
/// <see cref="Threads"/> intra-op threads (the machine's cores by default), the peer's OpenBLAS as many.
/// Each setup also times a 1024^3 fp32 GEMM in both runtimes; <see cref="Peers"/> adds the columns
/// (BLAS, GEMM rate, epoch GFLOP/s and its fraction of the GEMM rate, ratio to PyTorch).
/// </summary>
[Config(typeof(InProcessMonitoring))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory), CategoriesColumn]
public class TrainingEpochBenchmarks
{
    /// <summary>
    /// In this process (a BenchmarkDotNet-generated project would miss the build's libLibTorchSharp
    /// patch), 1 warm-up and 5 measured epochs each.
    /// </summary>
    sealed class InProcessMonitoring : ManualConfig
    {
        public InProcessMonitoring()
        {
            AddJob(Job.Default.WithToolchain(new InProcessNoEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true))
                .WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5));
            AddColumn(Peers.Columns);
        }
    }

    /// <summary>Intra-op threads on both sides.</summary>
    public static int Threads => int.TryParse(Environment.GetEnvironmentVariable("GENAI_BENCH_THREADS"), out int t) ? t : Environment.ProcessorCount;

    Dcgan gan = null!;
    MnistVae mnistVae = null!;
    FaceAutoencoder faceVae = null!;
    optim.Optimizer mnistOptimizer = null!, faceOptimizer = null!;
    Tensor digits = null!, faces = null!;
    ConvVae convVae = null!;
    MlpVae mlpVae = null!;
    optim.Optimizer convOptimizer = null!, mlpOptimizer = null!;
    Tensor pixels = null!;
    GaussianBernoulliRbm rbm = null!;
    optim.Optimizer rbmOptimizer = null!;
    Tensor images = null!, data = null!;
    Generator generator = null!;
    Process python = null!;

    /// <summary>Builds the models and their data, starts the PyTorch peer (which names its BLAS) and times a GEMM in both runtimes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        set_num_threads(Threads);
        manual_seed(0);
        generator = new Generator(1);
        images = rand([1024, 1, 28, 28], generator: generator) * 2 - 1;
        data = rand([8192, 784], generator: generator);
        gan = new Dcgan();
        rbm = new GaussianBernoulliRbm(784, 64);
        rbmOptimizer = new ScopedAdam(rbm.parameters(), 1e-3);
        digits = rand([8000, 784], generator: generator).lt(0.2).to(float32);
        mnistVae = new MnistVae();
        mnistOptimizer = new ScopedAdam(mnistVae.parameters(), 1e-3);
        faces = rand([2048, 576], generator: generator);
        faceVae = new FaceAutoencoder(variational: true);
        faceOptimizer = new ScopedAdam(faceVae.parameters(), 1e-3);
        pixels = rand([2048, 784], generator: generator);
        convVae = new ConvVae(16);
        convOptimizer = new ScopedAdam(convVae.parameters(), 1e-3);
        mlpVae = new MlpVae(784, 400, 16);
        mlpOptimizer = new ScopedAdam(mlpVae.parameters(), 1e-3);
        (python, Peers.PyTorchBlas) = Peers.StartPyTorch(Threads);
        Console.WriteLine($"// {Threads} threads; TorchSharp BLAS: {Peers.TorchSharpBlas}; PyTorch BLAS: {Peers.PyTorchBlas}");
        if (Peers.PyTorchOnReferenceBlas)
            Console.WriteLine("// PyTorch runs on the netlib reference BLAS: no ratio is reported (apt-get install libopenblas0-pthread).");
        Peers.TorchSharpGemm.Add(Peers.TorchSharpGemmGflops());
        python.StandardInput.WriteLine("gemm");
        Peers.PyTorchGemm.Add(double.Parse(python.StandardOutput.ReadLine() ?? "NaN", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Stops the PyTorch peer.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        python.StandardInput.WriteLine("quit");
        python.WaitForExit(10000);
        python.Dispose();
    }

    void Python(string command)
    {
        python.StandardInput.WriteLine(command);
        if (python.StandardOutput.ReadLine() != "done") throw new InvalidOperationException($"the PyTorch peer failed on '{command}'.");
    }

    /// <summary>DCGAN epoch, TorchSharp (the reference's Dcgan.TrainEpoch).</summary>
    [Benchmark, BenchmarkCategory("DCGAN epoch")]
    public void DcganTorchSharp() => gan.TrainEpoch(images, 64, generator);

    /// <summary>DCGAN epoch, PyTorch.</summary>
    [Benchmark, BenchmarkCategory("DCGAN epoch")]
    public void DcganPyTorch() => Python("dcgan");

    /// <summary>RBM epoch, TorchSharp (the reference's GaussianBernoulliRbm.TrainEpoch).</summary>
    [Benchmark, BenchmarkCategory("RBM epoch")]
    public void RbmTorchSharp() => rbm.TrainEpoch(data, rbmOptimizer, 5, 128, generator);

    /// <summary>MNIST VAE epoch (CS 446 HW5: 8,000 binary images, batch 100, Adam 1e-3), TorchSharp (MnistVae.TrainEpoch).</summary>
    [Benchmark, BenchmarkCategory("MNIST VAE epoch")]
    public void MnistVaeTorchSharp() => mnistVae.TrainEpoch(digits, mnistOptimizer, 100, generator);

    /// <summary>MNIST VAE epoch, PyTorch.</summary>
    [Benchmark, BenchmarkCategory("MNIST VAE epoch")]
    public void MnistVaePyTorch() => Python("mnist_vae");

    /// <summary>Faces beta-VAE epoch (CS/DS 552 HW2: 2,048 faces, batch 64, beta 0.5), TorchSharp (FaceLoss.TrainEpoch).</summary>
    [Benchmark, BenchmarkCategory("Faces VAE epoch")]
    public void FacesVaeTorchSharp() => FaceLoss.TrainEpoch(faceVae, faceOptimizer, faces, 64, 0.5, generator);

    /// <summary>Faces beta-VAE epoch, PyTorch.</summary>
    [Benchmark, BenchmarkCategory("Faces VAE epoch")]
    public void FacesVaePyTorch() => Python("faces_vae");

    /// <summary>CS 4331 conv VAE epoch (VAE.py; 2,048 images, batch 128, Adam 1e-3), TorchSharp (VaeTraining.TrainEpoch).</summary>
    [Benchmark, BenchmarkCategory("Conv VAE epoch")]
    public void ConvVaeTorchSharp() => VaeTraining.TrainEpoch(convVae, convOptimizer, pixels, 128, generator);

    /// <summary>CS 4331 conv VAE epoch, PyTorch.</summary>
    [Benchmark, BenchmarkCategory("Conv VAE epoch")]
    public void ConvVaePyTorch() => Python("conv_vae");

    /// <summary>CS 4331 MLP VAE epoch (2.5; same data, batch and optimizer), TorchSharp (VaeTraining.TrainEpoch).</summary>
    [Benchmark, BenchmarkCategory("MLP VAE epoch (CS 4331)")]
    public void MlpVaeTorchSharp() => VaeTraining.TrainEpoch(mlpVae, mlpOptimizer, pixels, 128, generator);

    /// <summary>CS 4331 MLP VAE epoch, PyTorch.</summary>
    [Benchmark, BenchmarkCategory("MLP VAE epoch (CS 4331)")]
    public void MlpVaePyTorch() => Python("mlp_vae");

    /// <summary>RBM epoch, PyTorch.</summary>
    [Benchmark, BenchmarkCategory("RBM epoch")]
    public void RbmPyTorch() => Python("rbm");
}
