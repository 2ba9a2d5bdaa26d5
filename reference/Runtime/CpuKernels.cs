using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GenAI.Course.Runtime;

/// <summary>
/// Caps oneDNN, libtorch's convolution library, at AVX2 kernels in every process that loads the course
/// library, before its first convolution. On AVX-512 CPUs, libtorch 2.10's oneDNN computes NaN input
/// gradients in a multi-threaded backward pass through the DCGAN generator's last convolution (32 -> 1
/// channels, 3x3): with more than one thread every generator gradient is NaN, with one thread or AVX2
/// kernels none is. A value of <c>ONEDNN_MAX_CPU_ISA</c> already set (say <c>AVX512_CORE</c>) is kept.
/// </summary>
static class CpuKernels
{
    /// <summary>The environment variable oneDNN reads once, when it first picks its kernels.</summary>
    public const string Variable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>Sets <see cref="Variable"/> to AVX2 unless it is set, for this process (oneDNN reads the C library's environment) and its children.</summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "The cap must be in place before any host (test runner, worker, experiment) runs its first convolution.")]
    internal static void CapAtAvx2()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable))) return;
        Environment.SetEnvironmentVariable(Variable, "AVX2");
        if (!OperatingSystem.IsWindows()) setenv(Variable, "AVX2", 0);
    }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    static extern int setenv(string name, string value, int overwrite);
}
