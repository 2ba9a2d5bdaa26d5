using System.Diagnostics;
using System.Globalization;
using static TorchSharp.torch;

namespace GenAI.Benchmarks;

/// <summary>
/// Where a small MLP's epoch goes, beside PyTorch in the same run: the cost of one call into each runtime (an
/// in-place add on a one-element tensor, and an out-of-place one whose result is freed), and the three fp32
/// GEMMs of one 576 -> 256 linear layer at batch 64 as autograd runs them (forward x W^T + b, input gradient g W,
/// weight gradient g^T x: the faces beta-VAE's largest layers), and its binary cross-entropy over a [64, 576] batch (summed
/// per row without gradient; summed and differentiated). Times are medians of 7 rounds; <c>GENAI_BENCH_THREADS</c> sets both runtimes' threads.
/// Run with <c>dotnet run -c Release --project benchmarks -- op-costs</c>.
/// </summary>
static class OpCosts
{
    /// <summary>The measurements, in microseconds per call, in the order the peer prints them.</summary>
    static readonly string[] Names = ["in-place add, 1 element", "add and free, 1 element", "linear 576->256, batch 64", "its input gradient", "its weight gradient",
        "BCE 64x576, no gradient", "BCE 64x576 and its backward"];

    /// <summary>Measures in this process and in the PyTorch peer, and prints one table; exits with 2 and one line when the peer does not start.</summary>
    public static void Run()
    {
        int threads = TrainingEpochBenchmarks.Threads;
        set_num_threads(threads);
        var ours = Measure();
        Process python;
        string blas;
        try { (python, blas) = Peers.StartPyTorch(threads); }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine(e.Message);
            Environment.Exit(2);
            return;
        }
        using var peer = python;
        python.StandardInput.WriteLine("op_costs");
        var theirs = (python.StandardOutput.ReadLine() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        python.StandardInput.WriteLine("quit");
        python.WaitForExit(10000);
        Console.WriteLine($"{threads} threads; TorchSharp: {Peers.TorchSharpBlas}; PyTorch: {blas}");
        Console.WriteLine($"{"microseconds per call",-28} {"TorchSharp",11} {"PyTorch",9} {"ratio",6}");
        for (int i = 0; i < Names.Length; i++)
            Console.WriteLine($"{Names[i],-28} {ours[i],11:F2} {(i < theirs.Length ? theirs[i] : double.NaN),9:F2} {ours[i] / (i < theirs.Length ? theirs[i] : double.NaN),6:F2}");
    }

    static double[] Measure()
    {
        using var scope = NewDisposeScope();
        var one = ones(1);
        var acc = zeros(1);
        var x = rand(64, 576);
        var w = rand(256, 576);
        var b = rand(256);
        var g = rand(64, 256);
        var target = rand(64, 576);
        var probabilities = (rand(64, 576) * 0.98 + 0.01).requires_grad_(true);
        return
        [
            Median(20000, () => acc.add_(one)),
            Median(20000, () => acc.add(one).Dispose()),
            Median(500, () => nn.functional.linear(x, w, b).Dispose()),
            Median(500, () => g.matmul(w).Dispose()),
            Median(500, () => g.t().matmul(x).Dispose()),
            Median(500, () => { using var inner = NewDisposeScope(); using var off = no_grad(); nn.functional.binary_cross_entropy(probabilities, target, reduction: nn.Reduction.None).sum(-1); }),
            Median(500, () => { using var inner = NewDisposeScope(); nn.functional.binary_cross_entropy(probabilities, target, reduction: nn.Reduction.None).sum().backward(); }),
        ];
    }

    /// <summary>Median over 7 rounds of the mean microseconds per call of <paramref name="calls"/> calls (after one warm-up round).</summary>
    static double Median(int calls, Action call)
    {
        var rounds = new double[8];
        for (int r = 0; r < rounds.Length; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < calls; i++) call();
            rounds[r] = clock.Elapsed.TotalMicroseconds / calls;
        }
        return rounds.Skip(1).Order().ElementAt(3);
    }
}
