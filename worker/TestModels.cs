using GenAI.Course.Elbo;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker;

/// <summary>An encoder for checks: ignores x and returns fixed (mu, sigmaSquare) for every row.</summary>
public sealed class FixedEncoder(Tensor mu, Tensor sigmaSquare) : nn.Module<Tensor, (Tensor mu, Tensor sigmaSquare)>("FixedEncoder")
{
    /// <inheritdoc />
    public override (Tensor mu, Tensor sigmaSquare) forward(Tensor x) =>
        (mu.expand(x.shape[0], -1), sigmaSquare.expand(x.shape[0], -1));
}

/// <summary>A decoder for checks: p = sigmoid(z W^T + c).</summary>
public sealed class LogisticDecoder(Tensor w, Tensor c) : nn.Module<Tensor, Tensor>("LogisticDecoder")
{
    /// <inheritdoc />
    public override Tensor forward(Tensor z) => (z.matmul(w.t()) + c).sigmoid();
}

/// <summary>
/// A VAE for checks of code that only decodes: Decode(z) = scale * z + shift (so the output has the
/// latent's width and shows exactly which codes were decoded); Encode gives zero means and log-variances.
/// </summary>
public sealed class AffineDecoderVae(int latent, double scale, double shift) : IGaussianVae
{
    /// <inheritdoc />
    public int Latent => latent;

    /// <inheritdoc />
    public (Tensor mu, Tensor logvar) Encode(Tensor x) => (zeros(x.shape[0], latent, dtype: x.dtype), zeros(x.shape[0], latent, dtype: x.dtype));

    /// <inheritdoc />
    public Tensor Decode(Tensor z) => scale * z + shift;
}

/// <summary>
/// A score model for checks: s(x, sigma) = -scale * (x - mean) / (a + b sigma^2), which covers the
/// exact score of a Gaussian target, a perfect denoiser and a constant zero score. It can record
/// what student code passes to it (the sigma of each row, the shape of x), so a check can see how
/// the score was called.
/// </summary>
public sealed class AffineScore(Tensor mean, Tensor scale, double a, double b, bool record)
{
    readonly List<(double[] sigma, long[] xShape)> calls = new();

    /// <summary>The recorded calls, in order: plain arrays, so no tensor scope of student code can dispose them.</summary>
    public IReadOnlyList<(double[] sigma, long[] xShape)> Calls => calls;

    /// <summary>The score at x [N, D] for per-row levels sigma [N].</summary>
    public Tensor Evaluate(Tensor x, Tensor sigma)
    {
        if (record) calls.Add((sigma.detach().cpu().to(ScalarType.Float64).flatten().data<double>().ToArray(), x.shape));
        var column = sigma.dim() == 1 ? sigma.unsqueeze(1) : sigma;
        return -scale * (x - mean) / (a + b * column.square());
    }

    /// <summary>The arguments that describe this score on the wire: mean, scale, a, b, record.</summary>
    public static Value[] Describe(Tensor mean, Tensor scale, double a, double b, bool record) =>
        new Value[] { new TensorValue(mean), new TensorValue(scale), new NumberValue(a), new NumberValue(b), new NumberValue(record ? 1 : 0) };

    /// <summary>Rebuilds a score from the five values <see cref="Describe"/> makes, starting at <paramref name="at"/>.</summary>
    public static AffineScore FromValues(Value[] values, int at) =>
        new(values[at].AsTensor, values[at + 1].AsTensor, values[at + 2].AsNumber, values[at + 3].AsNumber, values[at + 4].AsNumber != 0);

    /// <summary>The recorded calls as values: their count, then the sigmas (flattened) and the shape of x for each.</summary>
    public IEnumerable<Value> Recording()
    {
        yield return new NumberValue(calls.Count);
        foreach (var (sigma, shape) in calls)
        {
            yield return new NumbersValue(sigma);
            yield return new NumbersValue(shape.Select(d => (double)d).ToArray());
        }
    }
}
