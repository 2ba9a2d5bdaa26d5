using GenAI.Course.Gmm;
using GenAI.Course.Graphs;
using GenAI.Course.LinearGaussian;
using GenAI.Course.Ppca;
using GenAI.Worker;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>A student object (a module) that lives where student code runs, known here by a handle.</summary>
public sealed class StudentModule
{
    internal StudentModule(int id, string kind, int generation) { Id = id; Kind = kind; Generation = generation; }
    internal int Id { get; }
    internal int Generation { get; }
    /// <summary>What it is, e.g. "Encoder".</summary>
    public string Kind { get; }
}

/// <summary>
/// A score model s(x, sigma) = -scale * (x - mean) / (a + b sigma^2) handed to student code, which
/// records how it was called when <see cref="Record"/> is set (filled in after the call).
/// </summary>
public sealed class ScoreModel(Tensor mean, Tensor scale, double a, double b, bool record = false)
{
    /// <summary>Whether calls are recorded.</summary>
    public bool Record { get; } = record;
    /// <summary>Each call's sigmas (flattened; one per row) and the shape of x, in order.</summary>
    public List<(double[] sigma, long[] xShape)> Calls { get; } = new();

    /// <summary>A score that is zero everywhere (the chain only diffuses), recording its calls.</summary>
    public static ScoreModel ZeroRecording() => new(zeros(1, dtype: float64), zeros(1, dtype: float64), 1, 0, record: true);

    internal Value[] Describe() => AffineScore.Describe(mean, scale, a, b, Record);

    internal void ReadRecording(Value[] results, int at)
    {
        Calls.Clear();
        int count = results[at].AsInt;
        for (int k = 0; k < count; k++)
            Calls.Add((results[at + 1 + 2 * k].AsNumbers, results[at + 2 + 2 * k].AsNumbers.Select(d => (long)d).ToArray()));
    }
}

/// <summary>
/// The one way checks reach student code: typed calls onto <see cref="Operations"/>, run in this
/// process for local `dotnet test` and in an isolated worker process when the grader sets
/// GENAI_WORKER. Student failures (stubs, exceptions, crashes, time-outs) become test failures
/// whose message says which function failed and why.
/// </summary>
public static class Student
{
    static readonly IStudentBackend Backend = WorkerBackend.Limits.FromEnvironment() is { } limits ? new WorkerBackend(limits) : new InProcessBackend();

    /// <summary>True when student code runs in a separate worker process.</summary>
    public static bool Isolated => Backend is WorkerBackend;

    /// <summary>Starts a group of checks; a worker spoiled by failures in the previous group is replaced.</summary>
    public static void BeginGroup() => Backend.BeginGroup();

    /// <summary>
    /// Fails the check if student code failed during the last backward pass through a remote call
    /// (such failures cannot be thrown inside libtorch); call after every autograd.grad or backward.
    /// </summary>
    public static void ThrowIfBackwardFailed()
    {
        if (WorkerBackend.PendingFailure is not { } failure) return;
        WorkerBackend.PendingFailure = null;
        Assert.Fail(failure);
    }

    /// <summary>Stops the worker (and everything it started), if any.</summary>
    public static void Shutdown() => (Backend as IDisposable)?.Dispose();

    static Value[] Call(string op, params Value[] args)
    {
        try { return Backend.Invoke(op, args); }
        catch (StudentFailure e)
        {
            Assert.Fail(e.Message);
            throw;
        }
    }

    static Value V(Tensor t) => new TensorValue(t);
    static Value V(double d) => new NumberValue(d);
    static Value V(Generator? g) => g is null ? NullValue.Instance : new NumberValue(g.initial_seed());
    static Value V(StudentModule m)
    {
        if (m.Generation != Backend.Generation) Assert.Fail($"the {m.Kind} was lost when the worker restarted after an earlier failure.");
        return new HandleValue(m.Id);
    }
    static Tensor T(Value[] r, int i = 0) => r[i].AsTensor;
    static StudentModule M(Value[] r, string kind) => new(r[0].AsHandle, kind, Backend.Generation);

    // CS 446 HW5, distributions.
    /// <summary>Student's <c>Distributions.LogPdfDiagonalGaussian</c>.</summary>
    public static Tensor LogPdfDiagonalGaussian(Tensor z, Tensor mu, Tensor sigmaSquare) => T(Call("LogPdfDiagonalGaussian", V(z), V(mu), V(sigmaSquare)));

    /// <summary>Student's <c>Distributions.LogPdfBernoulli</c>.</summary>
    public static Tensor LogPdfBernoulli(Tensor x, Tensor p) => T(Call("LogPdfBernoulli", V(x), V(p)));

    /// <summary>Student's <c>Distributions.SampleDiagonalGaussian</c>.</summary>
    public static Tensor SampleDiagonalGaussian(Tensor mu, Tensor sigmaSquare, Generator? generator = null) => T(Call("SampleDiagonalGaussian", V(mu), V(sigmaSquare), V(generator)));

    /// <summary>Student's <c>Distributions.SampleBernoulli</c>.</summary>
    public static Tensor SampleBernoulli(Tensor p, Generator? generator = null) => T(Call("SampleBernoulli", V(p), V(generator)));

    // CS 446 HW5, the MNIST VAE.
    /// <summary>Student's <c>Encoder</c> constructor.</summary>
    public static StudentModule NewEncoder(int pixels, int hidden, int latent) => M(Call("NewEncoder", V(pixels), V(hidden), V(latent)), "Encoder");

    /// <summary>Student's <c>Decoder</c> constructor.</summary>
    public static StudentModule NewDecoder(int latent, int hidden, int pixels) => M(Call("NewDecoder", V(latent), V(hidden), V(pixels)), "Decoder");

    /// <summary>Student's <c>MnistVae</c> constructor with the assignment's architecture.</summary>
    public static StudentModule NewMnistVae(int pixels, int hidden, int latent) => M(Call("NewMnistVae", V(pixels), V(hidden), V(latent)), "MnistVae");

    /// <summary>Student's <c>Encoder.forward</c>.</summary>
    public static (Tensor mu, Tensor sigmaSquare) Encode(StudentModule encoder, Tensor x) { var r = Call("Encoder.Forward", V(encoder), V(x)); return (T(r, 0), T(r, 1)); }

    /// <summary>Student's <c>Decoder.forward</c>.</summary>
    public static Tensor Decode(StudentModule decoder, Tensor z) => T(Call("Decoder.Forward", V(decoder), V(z)));

    /// <summary>Student's <c>MnistVae.Elbo</c> over a fixed encoder (mu, sigmaSquare for every row) and a decoder p = sigmoid(z W^T + c).</summary>
    public static Tensor ElboWithFixedEncoderAndLogisticDecoder(Tensor mu, Tensor sigmaSquare, Tensor w, Tensor c, Tensor x, Generator? generator = null) =>
        T(Call("Elbo.FixedEncoderLogisticDecoder", V(mu), V(sigmaSquare), V(w), V(c), V(x), V(generator)));

    // Any student module.
    /// <summary>The module's named parameters (copies).</summary>
    public static IReadOnlyList<(string name, Tensor value)> Parameters(StudentModule module)
    {
        var r = Call("Module.Parameters", V(module));
        return Enumerable.Range(0, r.Length / 2).Select(i => (r[2 * i].AsText, r[2 * i + 1].AsTensor)).ToList();
    }

    /// <summary>Overwrites the named parameters.</summary>
    public static void LoadParameters(StudentModule module, IReadOnlyDictionary<string, Tensor> values) =>
        Call("Module.Load", new[] { V(module) }.Concat(values.SelectMany(kv => new[] { new TextValue(kv.Key), V(kv.Value) })).ToArray());

    /// <summary>Converts the module to float64 (for gradient checks).</summary>
    public static void ToFloat64(StudentModule module) => Call("Module.ToFloat64", V(module));

    // CS 4331 HW2, ELBO.py and VAE.py.
    /// <summary>Student's <c>GaussianElbo.NegativeLogLikelihood</c>.</summary>
    public static Tensor NegativeLogLikelihood(Tensor x, Tensor reconX) => T(Call("NegativeLogLikelihood", V(x), V(reconX)));

    /// <summary>Student's <c>GaussianElbo.KlDiagNormal</c>.</summary>
    public static Tensor KlDiagNormal(Tensor mu, Tensor logvar) => T(Call("KlDiagNormal", V(mu), V(logvar)));

    /// <summary>Student's <c>GaussianElbo.ElboLoss</c>.</summary>
    public static Tensor ElboLoss(Tensor x, Tensor reconX, Tensor mu, Tensor logvar) => T(Call("ElboLoss", V(x), V(reconX), V(mu), V(logvar)));

    /// <summary>Student's <c>MlpVae.Reparameterize</c>.</summary>
    public static Tensor Reparameterize(Tensor mu, Tensor logvar, Generator? generator = null) => T(Call("Reparameterize", V(mu), V(logvar), V(generator)));

    /// <summary>Student's <c>MlpVae</c> constructor.</summary>
    public static StudentModule NewMlpVae(int input, int hidden, int latent) => M(Call("NewMlpVae", V(input), V(hidden), V(latent)), "MlpVae");

    /// <summary>Student's <c>MlpVae.Encode</c>.</summary>
    public static (Tensor mu, Tensor logvar) MlpEncode(StudentModule vae, Tensor x) { var r = Call("MlpVae.Encode", V(vae), V(x)); return (T(r, 0), T(r, 1)); }

    /// <summary>Student's <c>MlpVae.Decode</c>.</summary>
    public static Tensor MlpDecode(StudentModule vae, Tensor z) => T(Call("MlpVae.Decode", V(vae), V(z)));

    /// <summary>Student's <c>MlpVae.forward</c>.</summary>
    public static (Tensor reconX, Tensor mu, Tensor logvar) MlpForward(StudentModule vae, Tensor x) { var r = Call("MlpVae.Forward", V(vae), V(x)); return (T(r, 0), T(r, 1), T(r, 2)); }

    /// <summary>Sum of |gradient| of each parameter after a backward pass of a loss over Encode, Reparameterize and Decode.</summary>
    public static IReadOnlyList<(string name, double gradient)> MlpParameterGradients(StudentModule vae, Tensor x, Generator generator)
    {
        var r = Call("MlpVae.ParameterGradients", V(vae), V(x), V(generator));
        return Enumerable.Range(0, r.Length / 2).Select(i => (r[2 * i].AsText, r[2 * i + 1].AsNumber)).ToList();
    }

    // CS 446 HW5, score matching.
    /// <summary>Student's <c>ScoreMatching.GeometricNoiseLevels</c>.</summary>
    public static double[] GeometricNoiseLevels(double sigmaFirst, double sigmaLast, int count) => Call("GeometricNoiseLevels", V(sigmaFirst), V(sigmaLast), V(count))[0].AsNumbers;

    /// <summary>Student's <c>ScoreMatching.DenoisingLoss</c> with <paramref name="score"/> as the model.</summary>
    public static Tensor DenoisingLoss(ScoreModel score, Tensor samples, double[] noiseLevels, Generator? generator = null)
    {
        var r = Call("DenoisingLoss", score.Describe().Concat(new[] { V(samples), new NumbersValue(noiseLevels), V(generator) }).ToArray());
        score.ReadRecording(r, 1);
        return T(r);
    }

    /// <summary>Student's <c>ScoreMatching.AnnealedLangevinDynamics</c>: the samples, and x0 as it was after the call (to catch in-place changes).</summary>
    public static (Tensor samples, Tensor x0After) AnnealedLangevinDynamics(ScoreModel score, Tensor x0, double[] noiseLevels, double eps, int steps, Generator? generator = null)
    {
        var r = Call("AnnealedLangevinDynamics", score.Describe().Concat(new[] { V(x0), new NumbersValue(noiseLevels), V(eps), V(steps), V(generator) }).ToArray());
        score.ReadRecording(r, 2);
        return (T(r, 0), T(r, 1));
    }

    // CS/DS 552 HW1, problem 1: autoregressive images.
    /// <summary>Student's <c>CptSampler.SampleImages</c>.</summary>
    public static Tensor SampleImages(IReadOnlyList<Tensor> cpts, Tensor uniforms) => T(Call("SampleImages", new[] { V(uniforms) }.Concat(cpts.Select(V)).ToArray()));

    /// <summary>Student's <c>PixelLstm</c> constructor.</summary>
    public static StudentModule NewPixelLstm(int hidden = 32, int layers = 2) => M(Call("NewPixelLstm", V(hidden), V(layers)), "PixelLstm");

    /// <summary>Student's <c>PixelLstm.forward</c> (teacher-forced logits).</summary>
    public static Tensor PixelLstmForward(StudentModule lstm, Tensor images) => T(Call("PixelLstm.Forward", V(lstm), V(images)));

    /// <summary>Student's <c>PixelLstm.Sample</c>.</summary>
    public static Tensor PixelLstmSample(StudentModule lstm, int count, int length, Generator? generator) => T(Call("PixelLstm.Sample", V(lstm), V(count), V(length), V(generator)));

    /// <summary>Student's <c>PixelLstm.Fit</c>: the loss after each epoch.</summary>
    public static double[] PixelLstmFit(StudentModule lstm, Tensor images, int epochs, double learningRate) => Call("PixelLstm.Fit", V(lstm), V(images), V(epochs), V(learningRate))[0].AsNumbers;

    /// <summary>Student's <c>PixelLstm.ConditionalLogLikelihood</c>.</summary>
    public static Tensor ConditionalLogLikelihood(Tensor logits, Tensor images) => T(Call("ConditionalLogLikelihood", V(logits), V(images)));

    // CS/DS 552 HW1, problem 2: p-PCA. A model travels as (W, Mu, Sigma2).
    static Value[] V(PpcaModel m) => [V(m.W), V(m.Mu), V(m.Sigma2)];

    /// <summary>Student's <c>Ppca.Fit</c>.</summary>
    public static PpcaModel PpcaFit(Tensor data, int d) { var r = Call("PpcaFit", V(data), V(d)); return new PpcaModel(T(r, 0), T(r, 1), r[2].AsNumber); }

    /// <summary>Student's <c>Ppca.PosteriorMean</c>.</summary>
    public static Tensor PosteriorMean(PpcaModel model, Tensor x) => T(Call("PosteriorMean", [.. V(model), V(x)]));

    /// <summary>Student's <c>Ppca.PosteriorCovariance</c>.</summary>
    public static Tensor PosteriorCovariance(PpcaModel model) => T(Call("PosteriorCovariance", V(model)));

    /// <summary>Student's <c>Ppca.ExpectedImage</c>.</summary>
    public static Tensor ExpectedImage(PpcaModel model, Tensor z) => T(Call("ExpectedImage", [.. V(model), V(z)]));

    /// <summary>Student's <c>Ppca.Generate</c>.</summary>
    public static Tensor PpcaGenerate(PpcaModel model, int count, Generator? generator) => T(Call("PpcaGenerate", [.. V(model), V(count), V(generator)]));

    /// <summary>Student's <c>Ppca.Sample</c>.</summary>
    public static Tensor PpcaSample(PpcaModel model, int count, Generator? generator) => T(Call("PpcaSample", [.. V(model), V(count), V(generator)]));

    /// <summary>Student's <c>Ppca.LatentPerturbations</c>.</summary>
    public static Tensor LatentPerturbations(PpcaModel model, Tensor x, int[] dimensions, double[] offsets) =>
        T(Call("LatentPerturbations", [.. V(model), V(x), new NumbersValue(dimensions.Select(d => (double)d).ToArray()), new NumbersValue(offsets)]));

    /// <summary>Student's <c>Ppca.LogLikelihood</c>.</summary>
    public static double PpcaLogLikelihood(PpcaModel model, Tensor data) => Call("PpcaLogLikelihood", [.. V(model), V(data)])[0].AsNumber;

    // CS/DS 552 HW1, problem 3: the classroom edge model.
    /// <summary>Student's <c>EdgeModel.LogLikelihood</c>.</summary>
    public static double EdgeLogLikelihood(Tensor features, Tensor edges, double a, double b) => Call("EdgeLogLikelihood", V(features), V(edges), V(a), V(b))[0].AsNumber;

    /// <summary>Student's <c>EdgeModel.Gradient</c>.</summary>
    public static (double dA, double dB) EdgeGradient(Tensor features, Tensor edges, double a, double b)
    {
        var g = Call("EdgeGradient", V(features), V(edges), V(a), V(b))[0].AsNumbers;
        return (g[0], g[1]);
    }

    /// <summary>Student's <c>EdgeModel.GradientAscent</c>.</summary>
    public static EdgeFit EdgeGradientAscent(Tensor features, Tensor edges, double a0, double b0, double learningRate, int iterations)
    {
        var r = Call("EdgeGradientAscent", V(features), V(edges), V(a0), V(b0), V(learningRate), V(iterations));
        return new EdgeFit(r[0].AsNumbers[0], r[0].AsNumbers[1], r[1].AsNumbers);
    }

    /// <summary>Student's <c>EdgeModel.SampleEdges</c>.</summary>
    public static Tensor SampleEdges(Tensor features, double a, double b, Generator? generator) => T(Call("SampleEdges", V(features), V(a), V(b), V(generator)));

    // CS/DS 552 HW1, problem 4: the linear-Gaussian MLE.
    /// <summary>Student's <c>LinearGaussian.Fit</c>.</summary>
    public static LinearGaussianFit LinearGaussianFit(Tensor x, Tensor y) { var r = Call("LinearGaussianFit", V(x), V(y)); return new LinearGaussianFit(T(r, 0), r[1].AsNumber); }

    // CS 4331/5331 HW2, problem 1: the Gaussian mixture. A mixture travels as (weights, means, covariances).
    static Value[] V(GaussianMixture m) => [V(m.Weights), V(m.Means), V(m.Covariances)];

    /// <summary>Student's <c>MixtureEntropy.LogDensity</c>.</summary>
    public static Tensor MixtureLogDensity(GaussianMixture mixture, Tensor x) => T(Call("MixtureLogDensity", [.. V(mixture), V(x)]));

    /// <summary>Student's <c>MixtureEntropy.Sample</c>: samples and labels.</summary>
    public static (Tensor samples, Tensor labels) MixtureSample(GaussianMixture mixture, int count, Generator? generator)
    {
        var r = Call("MixtureSample", [.. V(mixture), V(count), V(generator)]);
        return (T(r, 0), T(r, 1));
    }

    /// <summary>Student's <c>MixtureEntropy.EntropyEstimate</c>.</summary>
    public static (double estimate, double standardError) MixtureEntropyEstimate(GaussianMixture mixture, Tensor samples)
    {
        var r = Call("MixtureEntropyEstimate", [.. V(mixture), V(samples)])[0].AsNumbers;
        return (r[0], r[1]);
    }

    /// <summary>Student's <c>MixtureEntropy.EstimateEntropy</c>.</summary>
    public static (double estimate, double standardError) MixtureEstimateEntropy(GaussianMixture mixture, int count, Generator? generator)
    {
        var r = Call("MixtureEstimateEntropy", [.. V(mixture), V(count), V(generator)])[0].AsNumbers;
        return (r[0], r[1]);
    }

    /// <summary>Student's <c>MixtureEntropy.GaussianEntropy</c>.</summary>
    public static double GaussianEntropy(Tensor covariance) => Call("GaussianEntropy", V(covariance))[0].AsNumber;
}
