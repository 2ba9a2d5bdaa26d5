using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;
using GenAI.Course.Gan;
using GenAI.Course.Rbm;
using static TorchSharp.torch;

namespace GenAI.Benchmarks;

/// <summary>
/// One training epoch of the reference DCGAN (1,024 images, batch 64: 16 D steps and 16 G steps) and
/// of the Gaussian-Bernoulli RBM (8,192 images of 784 pixels, M = 64, batch 128, CD-5, Adam), each
/// against the same epoch in PyTorch (Debian's python3-torch, benchmarks/pytorch/epoch_server.py:
/// same layers, shapes, optimizers and thread count), which is the baseline of its category: the
/// Ratio column is TorchSharp time / PyTorch time. The Python process is started once; each
/// PyTorch iteration is one request over a pipe (well under a millisecond of the seconds an epoch takes).
/// Both sides use <see cref="Threads"/> intra-op threads (the machine's cores by default).
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
        public InProcessMonitoring() => AddJob(Job.Default.WithToolchain(new InProcessNoEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true))
            .WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5));
    }

    /// <summary>Intra-op threads on both sides.</summary>
    public static int Threads => int.TryParse(Environment.GetEnvironmentVariable("GENAI_BENCH_THREADS"), out int t) ? t : Environment.ProcessorCount;

    Dcgan gan = null!;
    GaussianBernoulliRbm rbm = null!;
    optim.Optimizer rbmOptimizer = null!;
    Tensor images = null!, data = null!;
    Generator generator = null!;
    Process python = null!;

    /// <summary>Builds both models and their data, and starts the PyTorch peer.</summary>
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
        rbmOptimizer = optim.Adam(rbm.parameters(), 1e-3);
        string script = Path.Combine(AppContext.BaseDirectory, "pytorch", "epoch_server.py");
        python = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, Threads.ToString()])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false,
        }) ?? throw new InvalidOperationException("python3 did not start");
        if (python.StandardOutput.ReadLine() != "ready")
            throw new InvalidOperationException("the PyTorch peer did not start: install Debian's python3-torch (apt-get install python3-torch); it must import in /usr/bin/python3.");
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
    [Benchmark(Baseline = true), BenchmarkCategory("DCGAN epoch")]
    public void DcganPyTorch() => Python("dcgan");

    /// <summary>RBM epoch, TorchSharp (the reference's GaussianBernoulliRbm.Fit, one epoch).</summary>
    [Benchmark, BenchmarkCategory("RBM epoch")]
    public void RbmTorchSharp() => rbm.Fit(data, 1, 5, 128, 1e-3, generator, optimizer: rbmOptimizer);

    /// <summary>RBM epoch, PyTorch.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("RBM epoch")]
    public void RbmPyTorch() => Python("rbm");
}
