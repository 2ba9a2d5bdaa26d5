// Generated from reference/ by `dotnet run --project autograder -- generate`: edit the reference, not this file.
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
        throw new NotImplementedException("compute mu and S (divide by n), take the eigen-decomposition of S sorted by decreasing eigenvalue, sigma^2 = mean of the discarded ones, W = U_d sqrt(Lambda_d - sigma^2).");
    }

    /// <summary>
    /// E[z | x] = M^{-1} W^T (x - mu) with M = W^T W + sigma^2 I, for each row of <paramref name="x"/>
    /// [B, m]; [B, d]. Computed with a linear solve, never an explicit inverse.
    /// </summary>
    public static Tensor PosteriorMean(PpcaModel model, Tensor x)
    {
        throw new NotImplementedException("solve M z = W^T (x - mu) for every row (one solve with the rows as right-hand sides).");
    }

    /// <summary>Cov[z | x] = sigma^2 M^{-1} (the same for every x), [d, d], via a solve.</summary>
    public static Tensor PosteriorCovariance(PpcaModel model)
    {
        throw new NotImplementedException("solve M C = sigma^2 I.");
    }

    /// <summary>E[x | z] = W z + mu for each row of <paramref name="z"/> [B, d]; [B, m].</summary>
    public static Tensor ExpectedImage(PpcaModel model, Tensor z)
    {
        throw new NotImplementedException("return z W^T + mu.");
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
        throw new NotImplementedException("draw z ~ N(0, I) of shape [count, d] and return E[x | z].");
    }

    /// <summary>
    /// Samples of the full model, x = W z + mu + sigma * eps with z ~ N(0, I_d) and eps ~ N(0, I_m):
    /// [count, m], distributed as N(mu, W W^T + sigma^2 I).
    /// </summary>
    public static Tensor Sample(PpcaModel model, int count, Generator? generator = null)
    {
        throw new NotImplementedException("draw z and eps, return W z + mu + sqrt(sigma^2) eps.");
    }

    /// <summary>
    /// The latent perturbation collage (problem 2e): for image <paramref name="x"/> [m], zhat = E[z | x];
    /// for each latent index in <paramref name="dimensions"/> (0-based) and each offset in
    /// <paramref name="offsets"/>, E[x | zhat + offset * e_dim]. Rows dimension-major:
    /// [dimensions.Length * offsets.Length, m].
    /// </summary>
    public static Tensor LatentPerturbations(PpcaModel model, Tensor x, int[] dimensions, double[] offsets)
    {
        throw new NotImplementedException("encode x once, then for every (dimension, offset) add the offset to that latent coordinate and decode.");
    }

    /// <summary>
    /// The mean log-likelihood per image, (1/n) sum log N(x; mu, W W^T + sigma^2 I), of the rows of
    /// <paramref name="data"/> [n, m], in float64.
    /// </summary>
    public static double LogLikelihood(PpcaModel model, Tensor data)
    {
        throw new NotImplementedException("with C = W W^T + sigma^2 I (Cholesky L), return the mean of -1/2 (m log 2 pi + log det C + (x - mu)^T C^{-1} (x - mu)).");
    }
}
