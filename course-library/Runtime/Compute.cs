using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Course.Runtime;

/// <summary>
/// Where tensors live and where randomness comes from. CUDA is used when present unless the
/// environment variable <c>GENAI_DEVICE</c> says otherwise (<c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>).
/// Random numbers that graded results depend on are drawn on the CPU from an explicit generator
/// and then moved, so a run gives the same numbers on every device.
/// </summary>
public static class Compute
{
    /// <summary>Name of the environment variable that overrides the device choice.</summary>
    public const string DeviceVariable = "GENAI_DEVICE";

    static Device? device;

    /// <summary>The device for models and data: <c>GENAI_DEVICE</c> if set, else CUDA when available, else CPU.</summary>
    /// <exception cref="ArgumentException"><c>GENAI_DEVICE</c> names no device this machine has.</exception>
    public static Device Device => device ??= new Device(Choose(Environment.GetEnvironmentVariable(DeviceVariable), torch.cuda.is_available()));

    /// <summary>
    /// Parses a device request into a device name ("cpu", "cuda" or "cuda:N");
    /// <paramref name="requested"/> null or empty picks CUDA when available.
    /// </summary>
    /// <exception cref="ArgumentException">The request is malformed or asks for CUDA where there is none.</exception>
    public static string Choose(string? requested, bool cudaAvailable)
    {
        if (string.IsNullOrWhiteSpace(requested)) return cudaAvailable ? "cuda" : "cpu";
        string r = requested.Trim().ToLowerInvariant();
        if (r == "cpu") return r;
        if (r == "cuda" || (r.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(r[5..], out int n) && n >= 0))
        {
            if (!cudaAvailable)
                throw new ArgumentException($"{DeviceVariable}={requested} asks for CUDA, but no CUDA device is available (is the build using -p:TorchBackend=cuda?).");
            return r;
        }
        throw new ArgumentException($"{DeviceVariable}={requested} is not a device: use cpu, cuda or cuda:N.");
    }

    /// <summary>
    /// Standard normal draws of <paramref name="shape"/>, taken on the CPU from <paramref name="generator"/>
    /// (the global CPU generator when null) and moved to <paramref name="device"/>.
    /// </summary>
    public static Tensor StandardNormal(long[] shape, ScalarType dtype, Device device, Generator? generator = null)
    {
        var cpu = torch.randn(shape, dtype: dtype, device: CPU, generator: generator);
        return device.type == DeviceType.CPU ? cpu : cpu.to(device);
    }

    /// <summary>Uniform draws on [0, 1), taken on the CPU like <see cref="StandardNormal"/> and moved.</summary>
    public static Tensor Uniform(long[] shape, ScalarType dtype, Device device, Generator? generator = null)
    {
        var cpu = torch.rand(shape, dtype: dtype, device: CPU, generator: generator);
        return device.type == DeviceType.CPU ? cpu : cpu.to(device);
    }

    /// <summary>
    /// The row indices of one shuffled epoch over <paramref name="n"/> rows, cut into batches of
    /// <paramref name="batchSize"/> (the last may be smaller), in the order of <c>randperm(n)</c>
    /// drawn from <paramref name="generator"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> or <paramref name="batchSize"/> is below 1.</exception>
    public static IReadOnlyList<long[]> ShuffledBatches(long n, int batchSize, Generator? generator = null)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "an epoch needs at least one row");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "a batch needs at least one row");
        using var order = torch.randperm(n, generator: generator);
        return order.data<long>().ToArray().Chunk(batchSize).ToArray();
    }

    /// <summary>
    /// One shuffled epoch of mini-batches of <paramref name="data"/>'s rows, for <c>foreach (var batch in ...)</c>:
    /// the order of <see cref="ShuffledBatches"/> (one <c>randperm(N)</c> from <paramref name="generator"/>,
    /// drawn here, before the first batch), each batch cut with <c>index_select</c> in a dispose scope of its own
    /// (see <see cref="ShuffledEpoch"/>). <paramref name="dropLast"/> leaves out a last batch smaller than
    /// <paramref name="batchSize"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="data"/> has no rows or <paramref name="batchSize"/> is below 1.</exception>
    public static ShuffledEpoch Batches(Tensor data, int batchSize, Generator? generator = null, bool dropLast = false) =>
        new(data, null, Epoch(data.shape[0], batchSize, generator, dropLast));

    /// <summary>
    /// As <see cref="Batches(Tensor, int, Generator?, bool)"/>, with the same rows of <paramref name="labels"/> in
    /// each batch's <see cref="Batch.Labels"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="labels"/> has another number of rows than <paramref name="data"/>.</exception>
    public static ShuffledEpoch Batches(Tensor data, Tensor labels, int batchSize, Generator? generator = null, bool dropLast = false)
    {
        if (labels.shape[0] != data.shape[0])
            throw new ArgumentException($"labels has {labels.shape[0]} rows, data has {data.shape[0]}", nameof(labels));
        return new(data, labels, Epoch(data.shape[0], batchSize, generator, dropLast));
    }

    static IReadOnlyList<long[]> Epoch(long n, int batchSize, Generator? generator, bool dropLast)
    {
        var batches = ShuffledBatches(n, batchSize, generator);
        return dropLast ? batches.Where(b => b.Length == batchSize).ToArray() : batches;
    }
}
