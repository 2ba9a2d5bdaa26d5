using System.Diagnostics;
using GenAI.Worker;
using static TorchSharp.torch;

namespace GenAI.Benchmarks;

/// <summary>
/// The temporary-Scalar race under load, with and without the worker's finalizer pause: the main thread runs
/// "requests" of 100 iterations of <c>a * 2.0</c>, <c>c + b</c> (TorchSharp's implicit alpha of 1), <c>d - a * 3.0</c>
/// and a draw from <c>new Generator(5)</c>, each checked against its exact value; one thread allocates (so collections
/// start while libtorch calls are in flight) and <c>busy</c> threads spin (so the main thread is preempted inside them, as
/// on a CI machine running several gradings). <c>--hold</c> serves each request the way the worker does
/// (<see cref="FinalizerPause.Hold"/> for the run, <see cref="FinalizerPause.StudentCall"/> per request). Prints the
/// iterations, the calls that threw, the wrong values and the collections.
/// </summary>
static class ScalarRace
{
    /// <summary>Runs for <paramref name="seconds"/> and prints one line.</summary>
    public static void Run(double seconds, int busy, bool hold)
    {
        set_num_threads(1);
        var a = randn(4, 4);
        var b = randn(4, 4);
        var draw = randn(4, 4, generator: new Generator(5));
        bool stop = false;
        var threads = new List<Thread> { new(() =>
        {
            var keep = new List<byte[]>();
            while (!Volatile.Read(ref stop)) { keep.Add(new byte[1000]); if (keep.Count > 1000) keep.Clear(); }
        }) };
        for (int i = 0; i < busy; i++) threads.Add(new(() => { while (!Volatile.Read(ref stop)) Thread.SpinWait(1000); }));
        foreach (var t in threads) { t.IsBackground = true; t.Start(); }
        long iterations = 0, threw = 0, wrong = 0;
        int collections = GC.CollectionCount(0), stalls = FinalizerPause.Stalls;
        using (hold ? FinalizerPause.Hold() : null)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                using var request = hold ? FinalizerPause.StudentCall() : null;
                for (int i = 0; i < 100; i++, iterations++)
                {
                    using var scope = NewDisposeScope();
                    try
                    {
                        var c = a * 2.0;
                        var d = c + b;
                        var e = d - a * 3.0;
                        if ((e - (b - a)).abs().max().item<float>() > 1e-5f) wrong++;
                        if (!randn(4, 4, generator: new Generator(5)).allclose(draw, 0, 0)) wrong++;
                    }
                    catch (Exception) { threw++; }
                }
            }
        }
        stop = true;
        Console.WriteLine($"{(hold ? "held (worker)" : "no pause")}, {busy} busy threads, {seconds:0} s: {iterations:N0} iterations, " +
                          $"{threw} threw, {wrong} wrong, {GC.CollectionCount(0) - collections:N0} collections, {FinalizerPause.Stalls - stalls} stalls");
    }
}
