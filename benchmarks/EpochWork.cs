namespace GenAI.Benchmarks;

/// <summary>
/// Multiply-accumulates of the GEMMs and convolutions in one training epoch of each model of
/// <see cref="TrainingEpochBenchmarks"/>, counted from the layer shapes (element-wise work is left out). A layer's
/// forward product costs F; its backward costs F for the weight gradient plus F for the input gradient, which
/// autograd skips for the first layer (its input needs no gradient). An epoch's GFLOP is 2 x MACs / 1e9.
/// </summary>
static class EpochWork
{
    /// <summary>Linear layer: in x out per sample.</summary>
    static long Linear(long inputs, long outputs) => inputs * outputs;

    /// <summary>Convolution: every output pixel of every output channel sums in-channels x k x k products.</summary>
    static long Conv(long outChannels, long outSide, long inChannels, long kernel) => outChannels * outSide * outSide * inChannels * kernel * kernel;

    /// <summary>Transposed convolution: every input pixel of every input channel feeds out-channels x k x k products.</summary>
    static long ConvTranspose(long inChannels, long inSide, long outChannels, long kernel) => inChannels * inSide * inSide * outChannels * kernel * kernel;

    /// <summary>Forward, weight gradients and input gradients of a stack of layers whose first input needs no gradient.</summary>
    static long Trained(params long[] layers) => 3 * layers.Sum() - layers[0];

    /// <summary>GFLOP of one epoch of the benchmark category <paramref name="category"/>.</summary>
    public static double Gflop(string category) => 2e-9 * category switch
    {
        // 784-500-(2, 2), 2-500-784; 8,000 images.
        "MNIST VAE epoch" => 8000 * Trained(Linear(784, 500), 2 * Linear(500, 2), Linear(2, 500), Linear(500, 784)),
        // 576-256-(16, 16), 16-256-576; 2,048 faces.
        "Faces VAE epoch" => 2048 * Trained(Linear(576, 256), 2 * Linear(256, 16), Linear(16, 256), Linear(256, 576)),
        // 784-400-(16, 16), 16-400-784; 2,048 images.
        "MLP VAE epoch (CS 4331)" => 2048 * Trained(Linear(784, 400), 2 * Linear(400, 16), Linear(16, 400), Linear(400, 784)),
        // 1x28x28 -> 32x14x14 -> 64x7x7 -> 256 -> (16, 16); 16 -> 256 -> 64x7x7 -> 32x14x14 -> 1x28x28; 2,048 images.
        "Conv VAE epoch" => 2048 * Trained(Conv(32, 14, 1, 4), Conv(64, 7, 32, 4), Linear(3136, 256), 2 * Linear(256, 16),
            Linear(16, 256), Linear(256, 3136), ConvTranspose(64, 7, 32, 4), ConvTranspose(32, 14, 1, 4)),
        // Per image: CD-5 chain (5 x (v W, h W^T), no gradient), the free energies of data and chain end (forward and
        // weight gradient each) and the reconstruction that is monitored (v W, h W^T); 8,192 images.
        "RBM epoch" => 8192 * (10 + 4 + 2) * Linear(784, 64),
        // Per image of a batch: D step = G forward (detached) + D on real and on fake, trained; G step = G trained
        // (its input z needs no gradient) through D with input gradients everywhere; 1,024 images.
        "DCGAN epoch" => 1024 * (GeneratorLayers.Sum() + 2 * Trained(DiscriminatorLayers) + Trained(GeneratorLayers) + 3 * DiscriminatorLayers.Sum()),
        _ => throw new ArgumentException($"no work count for '{category}'", nameof(category)),
    };

    static long[] DiscriminatorLayers => [Conv(64, 14, 1, 4), Conv(128, 7, 64, 4), Conv(256, 4, 128, 3), Conv(512, 4, 256, 3), Linear(4 * 4 * 512, 1)];

    static long[] GeneratorLayers => [Linear(100, 7 * 7 * 256), ConvTranspose(256, 7, 128, 4), ConvTranspose(128, 14, 64, 4), Conv(32, 28, 64, 3), Conv(1, 28, 32, 3)];
}
