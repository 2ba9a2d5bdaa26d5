// Generated from reference/ by `dotnet run --project autograder -- generate`: edit the reference, not this file.
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Course.LinearGaussian;

/// <summary>A fitted linear-Gaussian model p(y | x) = N(x^T w, sigma^2).</summary>
/// <param name="W">The weights, [p].</param>
/// <param name="Sigma2">The variance sigma^2.</param>
public sealed record LinearGaussianFit(Tensor W, double Sigma2);

/// <summary>CS/DS 552 HW1, problem 4: the maximum-likelihood linear-Gaussian model.</summary>
public static class LinearGaussian
{
    /// <summary>
    /// The MLE for rows x^(i) of <paramref name="x"/> [n, p] and targets <paramref name="y"/> [n]:
    /// w = (sum x x^T)^{-1} sum x y (least squares, computed stably in float64) and
    /// sigma^2 = (1/n) sum (x^T w - y)^2.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes that do not match.</exception>
    public static LinearGaussianFit Fit(Tensor x, Tensor y)
    {
        if (x.dim() != 2 || y.dim() != 1 || y.shape[0] != x.shape[0])
            throw new ArgumentException($"x must be [n, p] and y [n]; got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}].");
        throw new NotImplementedException("solve the normal equations (X^T X) w = X^T y (here by least squares, which is better conditioned), then sigma^2 = mean squared residual.");
    }
}
