using System.Runtime.InteropServices;

namespace GenAI.Autograder.Seam;

/// <summary>
/// The settings that make libtorch compute as it would on an older or different CPU: its own vectorised kernels
/// (ATEN_CPU_CAPABILITY: reductions, elementwise functions and matrix products) and oneDNN's convolutions (ONEDNN_MAX_CPU_ISA).
/// Each picks other instructions and so other summation orders and roundings (on a 2-core AVX-512 EPYC, a sum of 132,000
/// floats, exp, sigmoid, tanh and a 1024^3 product all changed in their last digits under the scalar kernels, a convolution
/// under SSE4.1; MKL_ENABLE_INSTRUCTIONS changed nothing, so it is not used). A check that decides on a trained or stepped model
/// must give the reference full marks under them too. A worker keeps them from the grader's environment, so a grade run with
/// them set computes as that CPU would; <c>audit</c> grades the reference once with <see cref="Baseline"/>.
/// </summary>
public static class CpuKernels
{
    /// <summary>The variables a worker keeps from the grader's environment.</summary>
    public static readonly string[] Variables = ["ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA"];

    /// <summary>
    /// The most portable kernels of this machine's architecture: libtorch's scalar kernels, and on x86-64 oneDNN limited to
    /// SSE4.1 (a CPU of about 2008).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Baseline =>
        RuntimeInformation.ProcessArchitecture == Architecture.X64
            ? new Dictionary<string, string> { ["ATEN_CPU_CAPABILITY"] = "default", ["ONEDNN_MAX_CPU_ISA"] = "SSE41" }
            : new Dictionary<string, string> { ["ATEN_CPU_CAPABILITY"] = "default" };
}
