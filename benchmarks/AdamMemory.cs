using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;
using GenAI.Course.Elbo;
using GenAI.Course.Runtime;
using static TorchSharp.torch;

namespace GenAI.Benchmarks;

/// <summary>
/// Native memory over many Adam steps of the CS 4331 conv VAE (2,048 images in [0, 1], latent 16, batch 128,
/// Adam 1e-3) trained by the reference's <see cref="VaeTraining.TrainEpoch{TModel}"/>: every 50 steps it prints
/// the resident set, the bytes glibc's allocator has handed out (mallinfo2: what libtorch holds) and those it
/// keeps free, the managed heap, the live TorchSharp tensors and the garbage collections so far. <c>--no-gc</c> runs every step inside a no-GC region,
/// so nothing is freed by a finaliser: memory that stays flat then is released deterministically.
/// </summary>
static class AdamMemory
{
    [StructLayout(LayoutKind.Sequential)]
    struct MallInfo2
    {
        public nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FordBlks, KeepCost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    static extern MallInfo2 MallInfo();

    /// <summary>Runs <paramref name="steps"/> steps (whole epochs, rounded up) and prints one line per 50 steps.</summary>
    public static void Run(int steps, bool noGc, bool optimAdam)
    {
        set_num_threads(TrainingEpochBenchmarks.Threads);
        manual_seed(0);
        var generator = new Generator(1);
        var pixels = rand([2048, 784], generator: generator);
        var vae = new ConvVae(16);
        var optimizer = optimAdam ? optim.Adam(vae.parameters(), 1e-3) : new ScopedAdam(vae.parameters(), 1e-3);
        VaeTraining.TrainEpoch(vae, optimizer, pixels, 128, generator);
        Console.WriteLine($"conv VAE, batch 128, {get_num_threads()} threads, {optimizer.GetType().Name}, {(noGc ? "inside a no-GC region" : "collections left to the runtime")}");
        Console.WriteLine("step  rss MiB  malloc in use MiB  malloc kept free MiB  managed MiB  live tensors  gen0/1/2 GCs  ms/step");
        if (noGc && !GC.TryStartNoGCRegion(200L << 20)) throw new InvalidOperationException("the runtime refused a 200 MiB no-GC region");
        int step = 0;
        var clock = Stopwatch.StartNew();
        while (step < steps)
            VaeTraining.TrainEpoch(vae, optimizer, pixels, 128, generator, (_, _, _) =>
            {
                if (++step % 50 != 0) return;
                var info = MallInfo();
                Console.WriteLine($"{step,4}  {Environment.WorkingSet / 1048576.0,7:F0}  {(info.UordBlks + info.HBlkHd) / 1048576.0,17:F1}  "
                    + $"{info.FordBlks / 1048576.0,20:F1}  {GC.GetTotalMemory(false) / 1048576.0,11:F1}  {Tensor.TotalCount,12}  "
                    + $"{$"{GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}",12}  {clock.Elapsed.TotalMilliseconds / 50,7:F1}");
                clock.Restart();
            });
        if (noGc) Console.WriteLine(GCSettings.LatencyMode == GCLatencyMode.NoGCRegion ? "the no-GC region held to the end" : "the no-GC region ended early (allocation budget spent)");
    }
}
