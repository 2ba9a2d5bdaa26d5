// Generated from reference/ by `dotnet run --project autograder -- generate`: edit the reference, not this file.
using GenAI.Course.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Course.ScoreMatching;

/// <summary>
/// A score model s(x, sigma): x [N, D] and one noise level per row, sigma [N], to the estimated
/// score of the sigma-perturbed data at x, [N, D].
/// </summary>
public delegate Tensor ScoreFunction(Tensor x, Tensor sigma);

/// <summary>CS 446 HW5, question 4: denoising score matching and annealed Langevin dynamics.</summary>
public static class ScoreMatching
{
    /// <summary>
    /// Geometric noise levels from <paramref name="sigmaFirst"/> to <paramref name="sigmaLast"/>
    /// inclusive (e.g. 0.1 to 0.01, L = 10), in annealing order: level i is
    /// sigmaFirst * (sigmaLast / sigmaFirst)^(i / (L - 1)).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A level is not positive or <paramref name="count"/> is below 2.</exception>
    public static double[] GeometricNoiseLevels(double sigmaFirst, double sigmaLast, int count)
    {
        if (!(sigmaFirst > 0) || !(sigmaLast > 0)) throw new ArgumentOutOfRangeException(nameof(sigmaFirst), "noise levels must be positive");
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), "need at least two noise levels");
        throw new NotImplementedException("return count levels sigmaFirst * (sigmaLast/sigmaFirst)^(i/(count-1)), i = 0..count-1.");
    }

    /// <summary>
    /// <c>ScoreMatching.denoising_loss</c>: for each row x of <paramref name="samples"/> [N, D] draw
    /// one sigma uniformly from <paramref name="noiseLevels"/> and x~ = x + sigma * z, z ~ N(0, I);
    /// return the sum over rows of || s(x~, sigma) + (x~ - x) / sigma^2 ||^2 (the seed's equation
    /// with one sampled level per row), a scalar. Randomness from <paramref name="generator"/>.
    /// The score may be called once on the whole batch or once per level on that level's rows: each
    /// row is evaluated once, at its own level ("only evaluate the loss on that sigma"), with one
    /// sigma per row of the call as <see cref="ScoreFunction"/> takes it.
    /// </summary>
    public static Tensor DenoisingLoss(ScoreFunction score, Tensor samples, double[] noiseLevels, Generator? generator = null)
    {
        throw new NotImplementedException("pick one sigma per row uniformly from noiseLevels, perturb x~ = x + sigma*z, and return the sum over rows of ||score(x~, sigma) + (x~ - x)/sigma^2||^2.");
    }

    /// <summary>
    /// Annealed Langevin dynamics, Algorithm 1 of the assignment. Starting from
    /// <paramref name="x0"/> [N, D], for each level sigma_i in the order given (largest first:
    /// Algorithm 1 anneals from coarse to fine, although the seed's sentence in 4(a) numbers the
    /// levels increasingly) run <paramref name="steps"/> updates
    /// x &lt;- x + alpha_i / 2 * s(x, sigma_i) + sqrt(alpha_i) * z, z ~ N(0, I), with the score
    /// evaluated at the current x (before the step's noise is added), alpha_i = eps * sigma_i^2 / sigma_L^2
    /// and sigma_L the <b>last</b> (smallest) level (the largest, as 4(a)'s numbering
    /// reads, is accepted too: it rescales eps). The noise may be drawn in any order. Returns the
    /// final samples [N, D], without a gradient graph; x0 is not modified.
    /// </summary>
    public static Tensor AnnealedLangevinDynamics(ScoreFunction score, Tensor x0, double[] noiseLevels, double eps, int steps, Generator? generator = null)
    {
        throw new NotImplementedException("for each sigma_i (in order) set alpha_i = eps * sigma_i^2 / sigma_L^2 (sigma_L = last level) and do T steps of x = x + alpha_i/2 * score(x, sigma_i) + sqrt(alpha_i) * z.");
    }
}
