using GenAI.Course.Ppca;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Ppca;

/// <summary>Data and models for the p-PCA checks, with the MLE computed here by an SVD of the centred data (not an eigen-solver).</summary>
internal static class PpcaData
{
    /// <summary>
    /// n points in m = 10 dimensions with a clear spectrum (variances 9, 6.25, 4, 2.25, 1, then 0.25 .. 0.05),
    /// in a random orthonormal basis and shifted by a mean, float64.
    /// </summary>
    public static Tensor Points(int n, Generator g)
    {
        var scales = tensor(new double[] { 3, 2.5, 2, 1.5, 1, 0.5, 0.4, 0.32, 0.27, 0.22 }, dtype: float64);
        var (basis, _) = linalg.qr(randn([10, 10], dtype: float64, generator: g));
        var mean = randn([10], dtype: float64, generator: g) * 2;
        return (randn([n, 10], dtype: float64, generator: g) * scales).matmul(basis.T) + mean;
    }

    /// <summary>Eigenvalues of S = (1/n) sum (x - mu)(x - mu)^T in decreasing order and their eigenvectors (columns), from the SVD of the centred data.</summary>
    public static (Tensor values, Tensor vectors, Tensor mean) Spectrum(Tensor data)
    {
        var mean = data.mean([0]);
        var (_, s, vh) = linalg.svd(data - mean, fullMatrices: false);
        return (s.square() / data.shape[0], vh.T, mean);
    }

    /// <summary>
    /// The MLE's noise variance and W W^T (rotation- and sign-free) for latent dimension d. sigma^2 is the sum of the m - d
    /// discarded eigenvalues of S over m - d: with fewer points than dimensions the SVD gives only n of the m eigenvalues, the
    /// rest being 0, which still count (averaging the ones it gives, as scikit-learn's noise_variance_ does, is not the MLE).
    /// </summary>
    public static (double sigma2, Tensor wwt, Tensor mean, Tensor values) Mle(Tensor data, int d)
    {
        var (values, vectors, mean) = Spectrum(data);
        double sigma2 = values[TensorIndex.Slice(d)].sum().ToDouble() / (data.shape[1] - d);
        var u = vectors[TensorIndex.Colon, TensorIndex.Slice(0, d)];
        var wwt = u.matmul(diag(values[TensorIndex.Slice(0, d)] - sigma2)).matmul(u.T);
        return (sigma2, wwt, mean, values);
    }

    /// <summary>A p-PCA model with random W [m, d], mean and the given noise variance, float64.</summary>
    public static PpcaModel RandomModel(int m, int d, double sigma2, Generator g) =>
        new(randn([m, d], dtype: float64, generator: g), randn([m], dtype: float64, generator: g), sigma2);

    /// <summary>C = W W^T + sigma^2 I.</summary>
    public static Tensor Covariance(PpcaModel model) =>
        model.W.matmul(model.W.T) + model.Sigma2 * eye(model.W.shape[0], dtype: float64);

    /// <summary>Mean log N(x; mu, C) over the rows of <paramref name="data"/>, by LU (slogdet and solve).</summary>
    public static double GaussianLogLikelihood(Tensor mu, Tensor covariance, Tensor data)
    {
        long m = covariance.shape[0];
        var (_, logDet) = linalg.slogdet(covariance);
        var centred = (data - mu).T;
        double quadratic = (centred * linalg.solve(covariance, centred)).sum().ToDouble() / data.shape[0];
        return -0.5 * (m * Math.Log(2 * Math.PI) + logDet.ToDouble() + quadratic);
    }
}
