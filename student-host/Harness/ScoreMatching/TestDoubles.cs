using GenAI.Course.ScoreMatching;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>Student functions called on test doubles built where student code runs, from plain data: the ScoreMatching topic's part (a student bundle carries only its assignment's topics).</summary>
public static partial class WithTestDoubles
{
    /// <summary>The student's <c>ScoreMatching.DenoisingLoss</c> with an <see cref="AffineScore"/> as the model, and how it called the score.</summary>
    [Harness("ScoreMatching.DenoisingLoss")]
    public static (Tensor loss, List<(double[] sigma, long[] xShape, double[] x)> calls) DenoisingLoss(Tensor mean, Tensor scale, double a, double b, bool record, bool recordInputs,
                                                                                           Tensor samples, double[] noiseLevels, Generator? generator)
    {
        var score = new AffineScore(mean, scale, a, b, record, recordInputs);
        var loss = ScoreMatching.DenoisingLoss(score.Evaluate, samples, noiseLevels, generator);
        return (loss, score.Calls.ToList());
    }

    /// <summary>The student's <c>ScoreMatching.AnnealedLangevinDynamics</c> with an <see cref="AffineScore"/>: the samples, x0 as it was after the call (to catch in-place changes), and how it called the score.</summary>
    [Harness("ScoreMatching.AnnealedLangevinDynamics")]
    public static (Tensor samples, Tensor x0After, List<(double[] sigma, long[] xShape, double[] x)> calls) AnnealedLangevinDynamics(Tensor mean, Tensor scale, double a, double b, bool record, bool recordInputs,
        Tensor x0, double[] noiseLevels, double eps, int steps, Generator? generator)
    {
        var score = new AffineScore(mean, scale, a, b, record, recordInputs);
        var x = ScoreMatching.AnnealedLangevinDynamics(score.Evaluate, x0, noiseLevels, eps, steps, generator);
        return (x, x0, score.Calls.ToList());
    }
}

/// <summary>
/// A score model for checks: s(x, sigma) = -scale * (x - mean) / (a + b sigma^2), which covers the
/// exact score of a Gaussian target, a perfect denoiser and a constant zero score. It can record
/// what student code passes to it (the sigma of each row, the shape of x and, where asked, its values), so a check can
/// see how the score was called.
/// </summary>
public sealed class AffineScore(Tensor mean, Tensor scale, double a, double b, bool record, bool recordInputs = false)
{
    readonly List<(double[] sigma, long[] xShape, double[] x)> calls = new();

    // a and b as Scalars the score holds: in `a + b * t` TorchSharp hands libtorch temporary Scalars that nothing keeps alive,
    // and a row loop's 40,000 calls met a collection that freed one mid-call ("Expected false to be true"; README, natives).
    readonly Scalar offset = a, slope = b;

    /// <summary>The recorded calls, in order: plain arrays, so no tensor scope of student code can dispose them.</summary>
    public IReadOnlyList<(double[] sigma, long[] xShape, double[] x)> Calls => calls;

    /// <summary>The score at x [N, D] for per-row levels sigma [N].</summary>
    public Tensor Evaluate(Tensor x, Tensor sigma)
    {
        if (record) calls.Add((Plain(sigma), x.shape, recordInputs ? Plain(x) : []));
        var column = sigma.dim() == 1 ? sigma.unsqueeze(1) : sigma;
        return -scale * (x - mean) / column.square().mul(slope).add(offset);
    }

    static double[] Plain(Tensor t)
    {
        // Disposed here, not left to the finaliser: student code may call the score tens of thousands of times (a row loop).
        using var detached = t.detach();
        using var flat = detached.cpu().to(ScalarType.Float64).flatten();
        return flat.data<double>().ToArray();
    }
}
