using static TorchSharp.torch;

namespace GenAI.Worker;

/// <summary>libtorch settings every process that runs course code applies before the first call.</summary>
public static class NativeSettings
{
    /// <summary>
    /// Sets libtorch's intra-op thread count from GENAI_THREADS when it is a positive number (the audit grades
    /// with 1 and 2 threads; tests and batches give each of their parallel processes its share of the cores);
    /// otherwise libtorch keeps its default, one thread per core. The worker, the judge, the run verb and
    /// checks in a test host all apply it.
    /// </summary>
    public static void ApplyThreadSetting()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("GENAI_THREADS"), out int threads) && threads > 0) set_num_threads(threads);
    }

    /// <summary>
    /// Runs the course library's module initializer (GenAI.Course.Runtime.CpuKernels: convolutions on ATen's kernels,
    /// not oneDNN's) before the first tensor operation. The library is the worker's own, never the submission's.
    /// </summary>
    public static void UseCourseKernels() =>
        System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(typeof(GenAI.Course.Runtime.Compute).Module.ModuleHandle);
}
