using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GenAI.Course.Runtime;

/// <summary>
/// Turns off oneDNN (MKL-DNN), libtorch's optional convolution library, in every process that loads the course
/// library, so convolutions run on ATen's own kernels. On an AVX-512 machine, libtorch 2.10 with oneDNN gave NaN
/// for every gradient of the DCGAN generator in a backward pass with two threads (D(G(z)) between 0.14 and 0.28,
/// no saturation), depending on what had run before; capping oneDNN at AVX2 kernels only moved the failure, and
/// ATen's kernels gave finite gradients every time. Linux and macOS only (the names below are the Itanium C++ ABI's).
/// </summary>
static class CpuKernels
{
    /// <summary>Calls <c>at::globalContext().setUserEnabledMkldnn(false)</c> once libtorch is loaded.</summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "The switch must be set before any host (test runner, worker, experiment) runs its first convolution.")]
    internal static void UseAtenConvolutions()
    {
        if (OperatingSystem.IsWindows()) return;
        TorchSharp.torch.get_num_threads();   // TorchSharp loads its libtorch first, so the calls below reach that one
        try { SetUserEnabledMkldnn(GlobalContext(), false); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
