using static TorchSharp.torch;

namespace GenAI.Worker;

/// <summary>libtorch settings every process that runs course code applies before the first call.</summary>
public static class NativeSettings
{
    /// <summary>
    /// Applies the course library's libtorch settings (its module initializer, GenAI.Course.Runtime.CpuSettings: huge pages
    /// for large CPU tensors, convolutions on ATen's kernels), then libtorch's intra-op thread count from GENAI_THREADS
    /// when that is a positive number (the audit grades with 1 and 2 threads; tests and batches give each of their
    /// parallel processes its share of the cores; otherwise libtorch keeps one thread per core). The worker, the judge,
    /// the run verb and checks in a test host call it before their first tensor. The library is the host's own, never
    /// the submission's.
    /// </summary>
    public static void Apply()
    {
        System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(typeof(GenAI.Course.Runtime.Compute).Module.ModuleHandle);
        if (int.TryParse(Environment.GetEnvironmentVariable("GENAI_THREADS"), out int threads) && threads > 0) set_num_threads(threads);
    }
}
