using static TorchSharp.torch;

namespace GenAI.Autograder.Numerics;

/// <summary>
/// A random float64 batch for checking a VAE loss: Bernoulli means in [margin, 1 - margin], grey
/// pixels in [0, 1), posterior means and log-variances; with the loss's two totals in plain doubles.
/// </summary>
public sealed record VaeLossCase(Tensor ReconX, Tensor X, Tensor Mu, Tensor Logvar)
{
    /// <summary>Draws a batch of <paramref name="batch"/> rows from <paramref name="generator"/>.</summary>
    public static VaeLossCase Draw(Generator generator, int batch, int pixels, int latent, double margin = 0.01) => new(
        rand([batch, pixels], dtype: float64, generator: generator) * (1 - 2 * margin) + margin,
        rand([batch, pixels], dtype: float64, generator: generator),
        randn([batch, latent], dtype: float64, generator: generator),
        randn([batch, latent], dtype: float64, generator: generator) * 0.5);

    /// <summary>sum over every pixel of -(x log r + (1 - x) log(1 - r)).</summary>
    public double BceSum()
    {
        double[] r = ReconX.data<double>().ToArray(), x = X.data<double>().ToArray();
        double total = 0;
        for (int i = 0; i < r.Length; i++) total -= x[i] * Math.Log(r[i]) + (1 - x[i]) * Math.Log(1 - r[i]);
        return total;
    }

    /// <summary>sum over every pixel of (x - r)^2: the squared error, MSELoss with reduction 'sum'.</summary>
    public double SquaredErrorSum()
    {
        double[] r = ReconX.data<double>().ToArray(), x = X.data<double>().ToArray();
        double total = 0;
        for (int i = 0; i < r.Length; i++) total += (x[i] - r[i]) * (x[i] - r[i]);
        return total;
    }

    /// <summary>sum over every latent of -1/2 (1 + logvar - mu^2 - exp(logvar)), KL(N(mu, exp(logvar)) || N(0, 1)).</summary>
    public double KlSum()
    {
        double[] m = Mu.data<double>().ToArray(), lv = Logvar.data<double>().ToArray();
        double total = 0;
        for (int i = 0; i < m.Length; i++) total -= 0.5 * (1 + lv[i] - m[i] * m[i] - Math.Exp(lv[i]));
        return total;
    }
}
