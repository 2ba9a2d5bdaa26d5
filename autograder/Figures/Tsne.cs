using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Figures;

/// <summary>
/// Exact t-SNE (van der Maaten and Hinton, 2008) on TorchSharp, for the manifold figures: Gaussian
/// affinities calibrated to a perplexity by bisection, Student-t similarities in 2-D, gradient
/// descent with momentum, gains, and early exaggeration, with sklearn's defaults (perplexity 30,
/// exaggeration 12 for 250 iterations, learning rate max(N / 48, 50), 1000 iterations). O(N^2)
/// memory: meant for a few thousand points. No .NET t-SNE package is published on NuGet.
/// </summary>
public static class Tsne
{
    /// <summary>Embeds the rows of <paramref name="x"/> [N, D] in 2-D; [N, 2] float64. <paramref name="progress"/> hears (iteration, total).</summary>
    /// <exception cref="ArgumentException">Fewer points than 3 * perplexity + 1.</exception>
    public static Tensor Embed(Tensor x, double perplexity = 30, int iterations = 1000, long seed = 0, Action<int, int>? progress = null)
    {
        long n = x.shape[0];
        if (n < 3 * perplexity + 1) throw new ArgumentException($"t-SNE with perplexity {perplexity} needs at least {3 * perplexity + 1} points; got {n}.", nameof(x));
        using var scope = NewDisposeScope();
        var data = x.detach().cpu().to(float64);
        var p = Affinities(data, perplexity);
        double rate = Math.Max(n / 12.0 / 4, 50);
        // Every constant is a Scalar made once and disposed here, and so is the generator: TorchSharp's implicit conversions
        // (a double, or the alpha of 1 that add(Tensor) supplies) make native Scalars that escape dispose scopes and only
        // finalizers free (dotnet/TorchSharp#1496). Left among the freed N x N buffers they kept glibc's heap from shrinking
        // (2,000 points grew the process by ~20 MB per iteration); and a temporary's finalizer can run while libtorch still
        // reads it (the run verb once died in add's alpha: "Expected false to be true" from Scalar::toDouble).
        using Scalar exaggeration = 12.0, one = 1.0, zero = 0.0, floorQ = 1e-12, four = 4.0, shrink = 0.8, grow = 0.2, floorGain = 0.01,
            rateScalar = rate, earlyMomentum = 0.5, lateMomentum = 0.8, initialScale = 1e-4;
        using var generator = new Generator((ulong)seed);
        var y = randn([n, 2], dtype: float64, generator: generator).mul_(initialScale);
        var velocity = zeros_like(y);
        var gains = ones_like(y);
        for (int it = 0; it < iterations; it++)
        {
            using var step = NewDisposeScope();
            bool early = it < 250;
            var pEff = early ? p.mul(exaggeration) : p;
            var d2 = SquaredDistances(y);
            var num = d2.add(one).reciprocal_();
            num.diagonal().fill_(zero);
            var q = num.div(num.sum()).clamp_min_(floorQ);
            var w = pEff.sub(q).mul_(num);
            var gradient = w.sum(1, keepdim: true).mul(y).sub_(w.matmul(y)).mul_(four);
            var sameSign = gradient.sign().eq(velocity.sign());
            gains.copy_(where(sameSign, gains.mul(shrink), gains.add(grow)).clamp_min_(floorGain));
            velocity.mul_(early ? earlyMomentum : lateMomentum).sub_(gains.mul(rateScalar).mul_(gradient));
            y.add_(velocity, one);
            if ((it + 1) % 10 == 0) progress?.Invoke(it + 1, iterations);
        }
        return (y - y.mean([0], keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Trustworthiness T(k) of an embedding (Venna and Kaski): 1 - 2 / (n k (2n - 3k - 1)) sum_i sum_{j in U_k(i)} (r(i, j) - k),
    /// with U_k(i) the embedding's k nearest neighbours of i that are not among its k nearest in the data and r
    /// their rank in the data. 1 when neighbourhoods are kept; about 0.5 for a random embedding.
    /// </summary>
    public static double Trustworthiness(Tensor data, Tensor embedding, int k = 5)
    {
        using var scope = NewDisposeScope();
        long n = data.shape[0];
        using Scalar infinity = double.PositiveInfinity, first = 1, end = n + 1, kScalar = k, zero = 0;
        var high = SquaredDistances(data.detach().cpu().to(float64));
        high.diagonal().fill_(infinity);
        var low = SquaredDistances(embedding.detach().cpu().to(float64));
        low.diagonal().fill_(infinity);
        // rank[i, j] = position (1-based) of j among i's neighbours in the data.
        var order = high.argsort(1);
        var rank = empty_like(order);
        rank.scatter_(1, order, arange(first, end, dtype: int64).expand(n, n).contiguous());
        var lowNeighbours = low.argsort(1)[.., ..k];
        var ranks = rank.gather(1, lowNeighbours).to(float64);
        double penalty = ranks.sub(kScalar).clamp_min(zero).sum().ToDouble();
        return 1 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1)) * penalty;
    }

    /// <summary>||a_i - a_j||^2 for every pair of rows, clamped at 0 against rounding; its constants are disposed Scalars (see <see cref="Embed"/>).</summary>
    static Tensor SquaredDistances(Tensor a)
    {
        using Scalar one = 1.0, two = 2.0, zero = 0.0;
        var sq = a.square().sum(1, keepdim: true);
        return sq.add(sq.T, one).sub_(a.matmul(a.T).mul_(two)).clamp_min_(zero);
    }

    /// <summary>Symmetrised affinities P: per-row Gaussian conditionals with entropy log(perplexity), by bisection on the precision.</summary>
    static Tensor Affinities(Tensor x, double perplexity)
    {
        long n = x.shape[0];
        double target = Math.Log(perplexity);
        // Constants as disposed Scalars, as in Embed.
        using Scalar zero = 0, one = 1.0, two = 2, far = 1e300, infinity = double.PositiveInfinity, targetScalar = target, twoN = 2 * n, floorP = 1e-12;
        var d2 = SquaredDistances(x);
        d2.diagonal().fill_(zero);
        var identity = eye(n, dtype: float64);
        var mask = ones(n, n, dtype: float64) - identity;
        var diagonalFar = identity.mul(far); // (1 - mask) * 1e300
        var beta = ones(n, 1, dtype: float64);
        var lo = zeros(n, 1, dtype: float64);
        var hi = full(n, 1, infinity, dtype: float64);
        Tensor conditional = zeros_like(d2);
        for (int it = 0; it < 100; it++)
        {
            using var step = NewDisposeScope();
            // Shift by each row's smallest off-diagonal distance so exp never underflows to 0 everywhere.
            var shifted = d2 - d2.add(diagonalFar, one).min(1, keepdim: true).values;
            var e = shifted.neg().mul_(beta).exp_().mul_(mask);
            var sum = e.sum(1, keepdim: true);
            var pRow = e / sum;
            var entropy = beta.mul(pRow.mul(shifted).sum(1, keepdim: true)).add_(sum.log(), one);
            conditional = pRow.MoveToOuterDisposeScope();
            var tooFlat = entropy.gt(targetScalar);
            lo.copy_(where(tooFlat, beta, lo));
            hi.copy_(where(tooFlat, hi, beta));
            beta.copy_(where(hi.isinf(), beta.mul(two), lo.add(hi, one).div(two)));
            if (entropy.sub(targetScalar).abs().max().ToDouble() < 1e-5) break;
        }
        return conditional.add(conditional.T, one).div(twoN).clamp_min_(floorP);
    }
}
