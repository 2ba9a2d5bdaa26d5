using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Course.ElboStudy;

/// <summary>
/// CS/DS 552 HW2, problem 2 ("Feel your ELBO"): a VAE small enough to integrate by brute force. The
/// latent z is a scalar with prior N(0, 1); the decoder is p(x | z) = N(theta z, sigma2) for scalar
/// data x; the encoder is q(z | x) = N(slope x, variance). Every function takes the data set
/// <c>x</c> as a 1-D float64 tensor and returns totals over it (sums over the data points).
/// </summary>
public static class FeelYourElbo
{
    /// <summary>
    /// log p(x) = sum_i log integral N(x_i | theta z, sigma2) N(z | 0, 1) dz, by quadrature: the
    /// trapezoidal rule on <paramref name="points"/> equally spaced z in [-<paramref name="range"/>, <paramref name="range"/>],
    /// with the integrand evaluated in log space (log-sum-exp), so no term underflows.
    /// </summary>
    public static double LogLikelihoodByQuadrature(Tensor x, double theta, double sigma2, int points = 4001, double range = 12)
    {
        // SOLUTION BEGIN: build the z grid, evaluate log N(x_i | theta z, sigma2) + log N(z | 0, 1) for every (i, z), then log-sum-exp over z plus the log of the trapezoid weights.
        using var scope = NewDisposeScope();
        var z = linspace(-range, range, points, dtype: float64);
        double h = 2 * range / (points - 1);
        var logWeights = full(points, Math.Log(h), dtype: float64);
        logWeights[0] = tensor(Math.Log(h / 2)); logWeights[points - 1] = tensor(Math.Log(h / 2));
        // The terms that depend on z alone, one row shared by every data point: log N(z | 0, 1), the trapezoid weights and the constant of log N(x | theta z, sigma2).
        var row = z.square().mul_(-0.5).add_(logWeights).sub_(0.5 * (Math.Log(2 * Math.PI) + Math.Log(2 * Math.PI * sigma2)));
        // One [N, points] grid, updated in place (one grid-sized allocation per call, not eight: Train calls this hundreds of times):
        // -(x_i - theta z)^2 / (2 sigma2) + row, then log-sum-exp over z by hand (shift by each row's maximum).
        var logJoint = (x.to(float64).unsqueeze(1) - theta * z).pow_(2).mul_(-0.5 / sigma2).add_(row);
        var peak = logJoint.amax([1], keepdim: true);
        return (logJoint.sub_(peak).exp_().sum(1).log_() + peak.squeeze(1)).sum().ToDouble();
        // SOLUTION END
    }

    /// <summary>
    /// The ELBO sum_i ( E_q[log p(x_i | z)] - KL(q(z | x_i) || N(0, 1)) ) with q(z | x_i) = N(slope x_i, variance),
    /// exactly: E_q[log N(x | theta z, sigma2)] = -1/2 log(2 pi sigma2) - ((x - theta m)^2 + theta^2 variance) / (2 sigma2)
    /// with m = slope x, and KL = 1/2 (variance + m^2 - 1 - log variance).
    /// </summary>
    public static double Elbo(Tensor x, double theta, double sigma2, double slope, double variance)
    {
        // SOLUTION BEGIN: with m = slope * x, sum the expected log-likelihood under q minus the Gaussian KL to the prior over the data points.
        using var scope = NewDisposeScope();
        var m = slope * x.to(float64);
        var expected = -0.5 * Math.Log(2 * Math.PI * sigma2) - ((x.to(float64) - theta * m).square() + theta * theta * variance) / (2 * sigma2);
        var kl = 0.5 * (variance + m.square() - 1 - Math.Log(variance));
        return (expected - kl).sum().ToDouble();
        // SOLUTION END
    }

    /// <summary>The exact posterior p(z | x) = N(slope x, variance) of the model: slope = theta / (theta^2 + sigma2), variance = sigma2 / (theta^2 + sigma2).</summary>
    public static (double slope, double variance) Posterior(double theta, double sigma2)
    {
        // SOLUTION BEGIN: complete the square in z of log N(x | theta z, sigma2) + log N(z | 0, 1).
        double precision = 1 + theta * theta / sigma2;
        return (theta / sigma2 / precision, 1 / precision);
        // SOLUTION END
    }

    /// <summary>
    /// Trains (theta, slope, log variance) by gradient ascent on the ELBO (finite-difference gradients
    /// of <see cref="Elbo"/>, step <paramref name="rate"/> per data point), recording theta, slope,
    /// variance, the ELBO and the quadrature log-likelihood at every step.
    /// </summary>
    public static List<(double theta, double slope, double variance, double elbo, double logLikelihood)> Train(
        Tensor x, double sigma2, double theta, double slope, double variance, int steps, double rate = 0.05)
    {
        var path = new List<(double, double, double, double, double)>();
        double n = x.shape[0], logVariance = Math.Log(variance);
        const double h = 1e-5;
        double F(double t, double s, double lv) => Elbo(x, t, sigma2, s, Math.Exp(lv)) / n;
        for (int step = 0; step <= steps; step++)
        {
            path.Add((theta, slope, Math.Exp(logVariance), Elbo(x, theta, sigma2, slope, Math.Exp(logVariance)), LogLikelihoodByQuadrature(x, theta, sigma2)));
            if (step == steps) break;
            double dTheta = (F(theta + h, slope, logVariance) - F(theta - h, slope, logVariance)) / (2 * h);
            double dSlope = (F(theta, slope + h, logVariance) - F(theta, slope - h, logVariance)) / (2 * h);
            double dLogVariance = (F(theta, slope, logVariance + h) - F(theta, slope, logVariance - h)) / (2 * h);
            theta += rate * dTheta; slope += rate * dSlope; logVariance += rate * dLogVariance;
        }
        return path;
    }
}
