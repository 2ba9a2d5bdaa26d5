using GenAI.Course.Elbo;
using GenAI.Course.ScoreMatching;
using GenAI.Course.Vae;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>Student functions called on test doubles built where student code runs, from plain data.</summary>
public static class WithTestDoubles
{
    /// <summary>The student's <c>MnistVae.Elbo</c> over a fixed encoder (mu, sigmaSquare for every row) and a decoder p = sigmoid(z W^T + c).</summary>
    [Harness("MnistVae.Elbo")]
    public static Tensor MnistVaeElbo(Tensor mu, Tensor sigmaSquare, Tensor w, Tensor c, Tensor x, Generator? generator) =>
        new MnistVae(new FixedEncoder(mu, sigmaSquare), new LogisticDecoder(w, c)).Elbo(x, generator);

    /// <summary>The student's <c>LatentViews.LatentTraversal</c> on a model whose Decode(z) is scale * z + shift.</summary>
    [Harness("LatentViews.LatentTraversal")]
    public static Tensor LatentTraversal(int latent, double scale, double shift, Tensor baseZ, double from, double to, int steps) =>
        LatentViews.LatentTraversal(new AffineDecoderVae(latent, scale, shift), baseZ, from, to, steps);

    /// <summary>The student's <c>LatentViews.SampleFromPrior</c> on a model whose Decode(z) is scale * z + shift.</summary>
    [Harness("LatentViews.SampleFromPrior")]
    public static Tensor SampleFromPrior(int latent, double scale, double shift, int count, Generator? generator) =>
        LatentViews.SampleFromPrior(new AffineDecoderVae(latent, scale, shift), count, CPU, generator);

    /// <summary>The student's <c>ScoreMatching.DenoisingLoss</c> with an <see cref="AffineScore"/> as the model, and how it called the score.</summary>
    [Harness("ScoreMatching.DenoisingLoss")]
    public static (Tensor loss, List<(double[] sigma, long[] xShape)> calls) DenoisingLoss(Tensor mean, Tensor scale, double a, double b, bool record,
                                                                                           Tensor samples, double[] noiseLevels, Generator? generator)
    {
        var score = new AffineScore(mean, scale, a, b, record);
        var loss = ScoreMatching.DenoisingLoss(score.Evaluate, samples, noiseLevels, generator);
        return (loss, score.Calls.ToList());
    }

    /// <summary>The student's <c>ScoreMatching.AnnealedLangevinDynamics</c> with an <see cref="AffineScore"/>: the samples, x0 as it was after the call (to catch in-place changes), and how it called the score.</summary>
    [Harness("ScoreMatching.AnnealedLangevinDynamics")]
    public static (Tensor samples, Tensor x0After, List<(double[] sigma, long[] xShape)> calls) AnnealedLangevinDynamics(Tensor mean, Tensor scale, double a, double b, bool record,
        Tensor x0, double[] noiseLevels, double eps, int steps, Generator? generator)
    {
        var score = new AffineScore(mean, scale, a, b, record);
        var x = ScoreMatching.AnnealedLangevinDynamics(score.Evaluate, x0, noiseLevels, eps, steps, generator);
        return (x, x0, score.Calls.ToList());
    }
}

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
}
