using static TorchSharp.torch;

namespace GenAI.Worker;

/// <summary>libtorch settings every process that runs course code applies before the first call.</summary>
public static class NativeSettings
{
    /// <summary>
    /// Sets libtorch's intra-op thread count from GENAI_THREADS when it is a positive number (the audit grades
    /// with 1 and 2 threads); otherwise libtorch keeps its default, one thread per core.
    /// </summary>
    public static void ApplyThreadSetting()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("GENAI_THREADS"), out int threads) && threads > 0) set_num_threads(threads);
    }

    /// <summary>
    /// Convolutions on ATen's kernels, not oneDNN's, whatever the submission's own Runtime/ does: the worker's copy of
    /// GenAI.Course.Runtime.CpuKernels (oneDNN gave NaN generator gradients with two threads on an AVX-512 machine).
    /// </summary>
    public static void UseAtenConvolutions()
    {
        if (OperatingSystem.IsWindows()) return;
        get_num_threads();
        try { SetUserEnabledMkldnn(GlobalContext(), false); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [System.Runtime.InteropServices.DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [System.Runtime.InteropServices.DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    static extern void SetUserEnabledMkldnn(IntPtr context, [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.U1)] bool enabled);
}
