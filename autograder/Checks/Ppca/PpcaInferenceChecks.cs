using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Ppca;

/// <summary>
/// CS/DS 552 HW1 2b-2e: the posterior p(z | x), E[x | z] and the latent perturbations, on given
/// models. Expected values use the equivalent forms W^T C^{-1} (x - mu) and I - W^T C^{-1} W with
/// C = W W^T + sigma^2 I, so they do not repeat the assignment's formula.
/// </summary>
public sealed class PpcaInferenceChecks : CheckBase
{
    /// <summary>E[z | x] = M^{-1} W^T (x - mu) for every row, on two models (one with a tiny sigma^2).</summary>
    [TestCase(0.5)]
    [TestCase(1e-6)]
    public void PosteriorMeanMatchesClosedForm(double sigma2)
    {
        var c = new Case("Ppca.PosteriorMean", $"random model m = 9, d = 4, sigma^2 = {sigma2}, 6 rows",
            "E[z | x] = M^{-1} W^T (x - mu) with M = W^T W + sigma^2 I: subtract mu, and use a linear solve with M (not W W^T, not an inverse).");
        var model = PpcaData.RandomModel(9, 4, sigma2, Rng(31));
        var x = randn([6, 9], dtype: float64, generator: Rng(32));
        var expected = linalg.solve(PpcaData.Covariance(model), (x - model.Mu).T).T.matmul(model.W);
        Numeric.AssertClose(Student.PosteriorMean(model, x), expected, c, rtol: 1e-7, atol: 1e-9);
    }

    /// <summary>Cov[z | x] = sigma^2 M^{-1} equals I - W^T C^{-1} W.</summary>
    [Test]
    public void PosteriorCovarianceMatchesClosedForm()
    {
        var c = new Case("Ppca.PosteriorCovariance", "random model m = 9, d = 4, sigma^2 = 0.5",
            "Cov[z | x] = sigma^2 M^{-1} with M = W^T W + sigma^2 I, a [d, d] matrix.");
        var model = PpcaData.RandomModel(9, 4, 0.5, Rng(33));
        var expected = eye(4, dtype: float64) - model.W.T.matmul(linalg.solve(PpcaData.Covariance(model), model.W));
        Numeric.AssertClose(Student.PosteriorCovariance(model), expected, c, rtol: 1e-7, atol: 1e-9);
    }

    /// <summary>E[x | z] = W z + mu for every row of z.</summary>
    [Test]
    public void ExpectedImageIsAffineInTheLatent()
    {
        var c = new Case("Ppca.ExpectedImage", "random model m = 9, d = 4, 5 latent rows", "E[x | z] = W z + mu for each row z: [B, d] -> [B, m].");
        var model = PpcaData.RandomModel(9, 4, 0.5, Rng(34));
        var z = randn([5, 4], dtype: float64, generator: Rng(35));
        var expected = stack(Enumerable.Range(0, 5).Select(k => model.W.mv(z[k]) + model.Mu).ToArray());
        Numeric.AssertClose(Student.ExpectedImage(model, z), expected, c, rtol: 1e-9, atol: 1e-10);
    }

    /// <summary>Pixel tolerance of <see cref="GeneratedFacesMatchSnapshot"/>.</summary>
    public const double SnapshotTolerance = 1e-4;

    /// <summary>
    /// Snapshot of generated faces: E[x | z] = W z + mu for ten given codes z (the generation of 2d with its noise fixed)
    /// under a p-PCA model of the fixture faces made here (d = 16: mu, and W from the top principal directions by an SVD),
    /// as 24x24 pictures. Tolerance 1e-4 on pixels of size 1: W z + mu is one dot product of length 16 per pixel, which
    /// errs in float32 by at most gamma_17 (|W| |z| + |mu|), about 1e-6 here, in any order; the harness tests measure
    /// the reference in float32 against float64 and require 10 times less than the tolerance.
    /// </summary>
    [Test]
    public void GeneratedFacesMatchSnapshot() =>
        ImageSnapshot.Match(GeneratedFaces, SnapshotTolerance, new Case("Ppca.ExpectedImage", "a p-PCA model of the fixture faces (d = 16), 10 given codes", "E[x | z] = W z + mu for each row z: [B, d] -> [B, m]."),
            (0, 1), ["codes 1-5", "codes 6-10"], ["z1", "z2", "z3", "z4", "z5"]);

    /// <summary>The snapshot's faces in <paramref name="dtype"/>, [2, 5, 24, 24].</summary>
    public static Tensor GeneratedFaces(ScalarType dtype)
    {
        var faces = GenAI.Course.Formats.Npy.Read(Path.Combine(AppContext.BaseDirectory, "fixtures", "course-data", "eigenfaces.npy")).to(float64).reshape(-1, 576);
        var (values, vectors, mean) = PpcaData.Spectrum(faces);
        const int d = 16;
        double sigma2 = values[TensorIndex.Slice(d)].mean().ToDouble();
        var w = vectors[TensorIndex.Colon, TensorIndex.Slice(0, d)] * (values[TensorIndex.Slice(0, d)] - sigma2).sqrt();
        var model = new GenAI.Course.Ppca.PpcaModel(w.to(float32).to(dtype), mean.to(float32).to(dtype), sigma2);
        var z = randn([10, d], dtype: float64, generator: Rng(38)).to(float32).to(dtype);
        var x = Student.ExpectedImage(model, z);
        Numeric.AssertShape(x, [10, 576], new Case("Ppca.ExpectedImage", "10 codes of a model with m = 576, d = 16"));
        return x.reshape(2, 5, 24, 24);
    }

    /// <summary>Row (k, j) of the perturbation collage is E[x | zhat + offset_j e_k], dimension-major.</summary>
    [Test]
    public void LatentPerturbationsMoveOneCoordinate()
    {
        var c = new Case("Ppca.LatentPerturbations", "random model m = 9, d = 6, dimensions {0, 2, 5}, offsets {-1, 0, 0.5, 2}",
            "zhat = E[z | x]; for each dimension k (outer loop) and offset t (inner loop) decode zhat + t e_k with E[x | z].");
        var model = PpcaData.RandomModel(9, 6, 0.4, Rng(36));
        var x = randn([9], dtype: float64, generator: Rng(37));
        int[] dims = [0, 2, 5];
        double[] offsets = [-1, 0, 0.5, 2];
        var zHat = linalg.solve(PpcaData.Covariance(model), x - model.Mu).matmul(model.W);
        var rows = new List<Tensor>();
        foreach (int k in dims)
            foreach (double t in offsets)
            {
                var z = zHat.clone();
                z[k] = z[k] + t;
                rows.Add(model.W.mv(z) + model.Mu);
            }
        Numeric.AssertClose(Student.LatentPerturbations(model, x, dims, offsets), stack(rows), c, rtol: 1e-7, atol: 1e-9);
    }
}
