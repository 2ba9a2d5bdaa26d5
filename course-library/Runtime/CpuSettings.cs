using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GenAI.Course.Runtime;

/// <summary>
/// libtorch's CPU settings for every process that loads the course library, made before its first tensor operation.
/// <list type="bullet">
/// <item>oneDNN (MKL-DNN) and NNPACK off, so convolutions run on ATen's own kernels. On an AVX-512 machine, libtorch
/// 2.10 with oneDNN gave NaN for every gradient of the DCGAN generator in a backward pass with two threads (D(G(z))
/// between 0.14 and 0.28, no saturation), depending on what had run before; capping oneDNN at AVX2 kernels only moved
/// the failure, and ATen's kernels gave finite gradients every time. NNPACK fails to start on CPUs it does not support
/// and warned once per training batch.</item>
/// <item>Linux: transparent huge pages for CPU tensors of 2 MB or more (libtorch's THP_MEM_ALLOC_ENABLE, unless the
/// environment sets it). A convolution's unfolded input is freshly mapped memory on every call, and in a virtual
/// machine each 4 KB page of it costs a fault of 6-13 us: one DCGAN epoch of ece685d-hw5's run took 44 s with
/// 3.1 million faults and 21 s with 0.13 million, with the same losses.</item>
/// </list>
/// Linux and macOS only (the names below are the Itanium C++ ABI's).
/// </summary>
static class CpuSettings
{
    /// <summary>Sets THP_MEM_ALLOC_ENABLE for libtorch, then calls <c>at::globalContext().setUserEnabledMkldnn(false)</c> and <c>setUserEnabledNNPACK(false)</c>.</summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "The switches must be set before any host (test runner, worker, experiment) allocates its first tensor or runs its first convolution.")]
    internal static void Apply()
    {
        if (OperatingSystem.IsWindows()) return;
        // libtorch reads the variable with getenv at its first CPU allocation; Environment.SetEnvironmentVariable would not reach it.
        if (OperatingSystem.IsLinux()) SetEnv("THP_MEM_ALLOC_ENABLE", "1", overwrite: 0);
        TorchSharp.torch.get_num_threads();   // TorchSharp loads its libtorch first, so the calls below reach that one
        try
        {
            SetUserEnabledMkldnn(GlobalContext(), false);
            SetUserEnabledNnpack(GlobalContext(), false);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
