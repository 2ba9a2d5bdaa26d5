using GenAI.Course.Formats;
using GenAI.Course.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Course.Ppca;

/// <summary>
/// A probabilistic PCA model: z ~ N(0, I_d), x | z ~ N(W z + mu, sigma^2 I_m).
/// </summary>
/// <param name="W">The loading matrix, [m, d].</param>
/// <param name="Mu">The mean, [m].</param>
/// <param name="Sigma2">The noise variance sigma^2.</param>
public sealed record PpcaModel(Tensor W, Tensor Mu, double Sigma2)
{
    /// <summary>The latent dimension d.</summary>
    public long LatentDim => W.shape[1];
}

/// <summary>CS/DS 552 HW1, problem 2: p-PCA on face images (eigenfaces.npy, rows of 24x24 = 576 pixels).</summary>
public static class Ppca
{
    /// <summary>Reads <c>eigenfaces.npy</c> as float64 [n, 576] (a 3-D [n, 24, 24] file is flattened).</summary>
    /// <exception cref="CourseDataException">Not a .npy file of 576-pixel images.</exception>
    public static Tensor LoadFaces(string path)
    {
        using var raw = Npy.Read(path);
        if (raw.dim() < 2 || raw.shape.Skip(1).Aggregate(1L, (a, b) => a * b) != 576)
            throw new CourseDataException(path, $"expected face images of 24x24 = 576 pixels, found shape ({string.Join(", ", raw.shape)}).");
        return raw.to(float64).reshape(raw.shape[0], 576);
    }

    /// <summary>
    /// The maximum-likelihood p-PCA of <paramref name="data"/> [n, m] with latent dimension
    /// <paramref name="d"/>: mu the mean, S = (1/n) sum (x - mu)(x - mu)^T, sigma^2 the mean of the
    /// m - d smallest eigenvalues of S, W = U_d (Lambda_d - sigma^2 I)^(1/2) with the d largest.
    /// Computed in float64.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="d"/> is not in 1 .. m - 1.</exception>
    public static PpcaModel Fit(Tensor data, int d)
    {
        if (data.dim() != 2) throw new ArgumentException($"data must be [n, m], not [{string.Join(", ", data.shape)}].", nameof(data));
        if (d < 1 || d >= data.shape[1]) throw new ArgumentOutOfRangeException(nameof(d), $"latent dimension must be between 1 and m - 1 = {data.shape[1] - 1}, not {d}.");
        // SOLUTION BEGIN: compute mu and S (divide by n), take the eigen-decomposition of S sorted by decreasing eigenvalue, sigma^2 = mean of the discarded ones, W = U_d sqrt(Lambda_d - sigma^2).
        using var scope = NewDisposeScope();
        var x = data.to(float64);
        long n = x.shape[0], m = x.shape[1];
        var mu = x.mean([0]);
        var centred = x - mu;
        var s = centred.T.matmul(centred) / n;
        var (values, vectors) = linalg.eigh(s);
        var order = values.argsort(descending: true);
        values = values.index_select(0, order);
        vectors = vectors.index_select(1, order);
        double sigma2 = values[TensorIndex.Slice(d)].sum().ToDouble() / (m - d);
        var w = vectors[TensorIndex.Colon, TensorIndex.Slice(0, d)] * (values[TensorIndex.Slice(0, d)] - sigma2).clamp_min(0).sqrt();
        return new PpcaModel(w.MoveToOuterDisposeScope(), mu.MoveToOuterDisposeScope(), sigma2);
        // SOLUTION END
    }

    /// <summary>
    /// E[z | x] = M^{-1} W^T (x - mu) with M = W^T W + sigma^2 I, for each row of <paramref name="x"/>
    /// [B, m]; [B, d]. Computed with a linear solve, never an explicit inverse.
    /// </summary>
    public static Tensor PosteriorMean(PpcaModel model, Tensor x)
    {
        // SOLUTION BEGIN: solve M z = W^T (x - mu) for every row (one solve with the rows as right-hand sides).
        using var scope = NewDisposeScope();
        var m = model.W.T.matmul(model.W) + model.Sigma2 * eye(model.LatentDim, dtype: model.W.dtype, device: model.W.device);
        var rhs = model.W.T.matmul((x.to(model.W.dtype) - model.Mu).T);
        return linalg.solve(m, rhs).T.contiguous().MoveToOuterDisposeScope();
        // SOLUTION END
    }

    /// <summary>Cov[z | x] = sigma^2 M^{-1} (the same for every x), [d, d], via a solve.</summary>
    public static Tensor PosteriorCovariance(PpcaModel model)
    {
        // SOLUTION BEGIN: solve M C = sigma^2 I.
        using var scope = NewDisposeScope();
        var identity = eye(model.LatentDim, dtype: model.W.dtype, device: model.W.device);
        var m = model.W.T.matmul(model.W) + model.Sigma2 * identity;
        return linalg.solve(m, model.Sigma2 * identity).MoveToOuterDisposeScope();
        // SOLUTION END
    }

    /// <summary>E[x | z] = W z + mu for each row of <paramref name="z"/> [B, d]; [B, m].</summary>
    public static Tensor ExpectedImage(PpcaModel model, Tensor z)
    {
        // SOLUTION BEGIN: return z W^T + mu.
        return z.to(model.W.dtype).matmul(model.W.T) + model.Mu;
        // SOLUTION END
    }

    /// <summary>The reconstruction E[x | E[z | x]] of each row of <paramref name="x"/> [B, m].</summary>
    public static Tensor Reconstruct(PpcaModel model, Tensor x)
    {
        using var z = PosteriorMean(model, x);
        return ExpectedImage(model, z);
    }

    /// <summary>
    /// New faces: <paramref name="count"/> latents z ~ N(0, I) (from <paramref name="generator"/>, drawn
    /// as one [count, d] standard normal tensor) mapped to E[x | z]; [count, m].
    /// </summary>
    public static Tensor Generate(PpcaModel model, int count, Generator? generator = null)
    {
        // SOLUTION BEGIN: draw z ~ N(0, I) of shape [count, d] and return E[x | z].
        using var z = Compute.StandardNormal([count, model.LatentDim], model.W.dtype, model.W.device, generator);
        return ExpectedImage(model, z);
        // SOLUTION END
    }

    /// <summary>
    /// Samples of the full model, x = W z + mu + sigma * eps with z ~ N(0, I_d) and eps ~ N(0, I_m):
    /// [count, m], distributed as N(mu, W W^T + sigma^2 I).
    /// </summary>
    public static Tensor Sample(PpcaModel model, int count, Generator? generator = null)
    {
        // SOLUTION BEGIN: draw z and eps, return W z + mu + sqrt(sigma^2) eps.
        using var scope = NewDisposeScope();
        var z = Compute.StandardNormal([count, model.LatentDim], model.W.dtype, model.W.device, generator);
        var eps = Compute.StandardNormal([count, model.W.shape[0]], model.W.dtype, model.W.device, generator);
        return (ExpectedImage(model, z) + Math.Sqrt(model.Sigma2) * eps).MoveToOuterDisposeScope();
        // SOLUTION END
    }

    /// <summary>
    /// The latent perturbation collage (problem 2e): for image <paramref name="x"/> [m], zhat = E[z | x];
    /// for each latent index in <paramref name="dimensions"/> (0-based) and each offset in
    /// <paramref name="offsets"/>, E[x | zhat + offset * e_dim]. Rows dimension-major:
    /// [dimensions.Length * offsets.Length, m].
    /// </summary>
    public static Tensor LatentPerturbations(PpcaModel model, Tensor x, int[] dimensions, double[] offsets)
    {
        // SOLUTION BEGIN: encode x once, then for every (dimension, offset) add the offset to that latent coordinate and decode.
        using var scope = NewDisposeScope();
        var zHat = PosteriorMean(model, x.reshape(1, -1));
        var rows = new List<Tensor>();
        foreach (int dim in dimensions)
            foreach (double offset in offsets)
            {
                var z = zHat.clone();
                z[0, dim] += offset;
                rows.Add(z);
            }
        return ExpectedImage(model, cat(rows, 0)).MoveToOuterDisposeScope();
        // SOLUTION END
    }

    /// <summary>
    /// The mean log-likelihood per image, (1/n) sum log N(x; mu, W W^T + sigma^2 I), of the rows of
    /// <paramref name="data"/> [n, m], in float64.
    /// </summary>
    public static double LogLikelihood(PpcaModel model, Tensor data)
    {
        // SOLUTION BEGIN: with C = W W^T + sigma^2 I (Cholesky L), return the mean of -1/2 (m log 2 pi + log det C + (x - mu)^T C^{-1} (x - mu)).
        using var scope = NewDisposeScope();
        var w = model.W.to(float64);
        long m = w.shape[0];
        var c = w.matmul(w.T) + model.Sigma2 * eye(m, dtype: float64, device: w.device);
        var l = linalg.cholesky(c);
        var centred = (data.to(float64) - model.Mu.to(float64)).T;
        var solved = linalg.solve_triangular(l, centred, upper: false);
        double logDet = 2 * l.diagonal().log().sum().ToDouble();
        double quadratic = solved.square().sum().ToDouble() / data.shape[0];
        return -0.5 * (m * Math.Log(2 * Math.PI) + logDet + quadratic);
        // SOLUTION END
    }
}
