using System.Diagnostics;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// How fast this machine is right now, for time limits that are fair on slow or busy machines: the best
/// of three rounds of 1024^3 fp32 matrix products (about 0.3 s on the 2-core development machine),
/// against <see cref="NominalGflops"/>. Call limits are set for a machine at least that fast; a slower one
/// (an old CPU, a half-CPU container, a second grading beside this one) gets proportionally longer.
/// </summary>
public static class MachineSpeed
{
    /// <summary>
    /// The rate the limits assume: below the slowest the 2-core development machine reaches on this product
    /// (50 to 180 GFLOP/s there, depending on load), so an ordinary machine gets the limits as configured.
    /// </summary>
    public const double NominalGflops = 40;

    /// <summary>The measured rate in GFLOP/s (best of three rounds of four products).</summary>
    public static double MeasureGflops()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        var a = randn([1024, 1024], generator: generator);
        var b = randn([1024, 1024], generator: generator);
        a.matmul(b);
        double best = double.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            var clock = Stopwatch.StartNew();
            for (int k = 0; k < 4; k++) a.matmul(b).Dispose();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 4 * 2.0 * 1024 * 1024 * 1024 / best / 1e9;
    }

    /// <summary>The factor limits are multiplied by: nominal over measured rate, at least 1 and at most 8.</summary>
    public static double Slowdown(double gflops) => Math.Clamp(NominalGflops / gflops, 1, 8);
}
