using GenAI.Course.Gmm;
using GenAI.Course.Graphs;
using GenAI.Course.LinearGaussian;
using GenAI.Course.Ppca;
using GenAI.Worker;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// A student object (a module) that lives where student code runs, known here by a handle.
/// Disposing it releases the object there (checks of large models do, with <c>using</c>).
/// </summary>
public sealed class StudentModule : IDisposable
{
    bool released;
    internal StudentModule(int id, string kind, int generation) { Id = id; Kind = kind; Generation = generation; }

    /// <summary>Releases the object in the worker (once).</summary>
    public void Dispose()
    {
        if (released) return;
        released = true;
        Student.Release(this);
    }
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

    /// <summary>
    /// Seeds the global generator here and where student code runs (the worker, before its next call):
    /// constructors and code that ignores its generator argument then draw the same numbers alone, in
    /// any order of checks and in either path.
    /// </summary>
    public static void Seed(long seed)
    {
        torch.manual_seed(seed);
        Backend.Seed(seed);
    }

    /// <summary>Stops the worker (and everything it started), if any.</summary>
    public static void Shutdown() => (Backend as IDisposable)?.Dispose();

    static Value[] Call(string op, params Value[] args)
    {
        try { return Backend.Invoke(op, args); }
        catch (StudentFailure e)
        {
            Assert.Fail(context is { } c ? c.Describe(e.Message) : e.Message);
            throw;
        }
    }

    [ThreadStatic] static Numerics.Case? context;

    /// <summary>
    /// Until disposed, failures of student code are reported as part of <paramref name="c"/> (for checks
    /// such as training tiers whose calls run much student code at once).
    /// </summary>
    public static IDisposable For(Numerics.Case c)
    {
        context = c;
        return new ContextScope();
    }

    sealed class ContextScope : IDisposable
    {
        public void Dispose() => context = null;
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

    /// <summary>
    /// Releases student modules in the worker (disposed, then a collection), for checks whose models are
    /// large enough to matter in a 768 MB container; a module lost to a worker restart is skipped.
    /// </summary>
    public static void Release(params StudentModule[] modules)
    {
        foreach (var module in modules.Where(m => m.Generation == Backend.Generation))
        {
            try { Backend.Invoke("Module.Release", [new HandleValue(module.Id)]); }
            catch (StudentFailure) { }
        }
    }

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

    /// <summary>Student's <c>ConvVae</c> constructor.</summary>
    public static StudentModule NewConvVae(int latent) => M(Call("NewConvVae", V(latent)), "ConvVae");

    /// <summary>Student's <c>Encode</c> of a <c>ConvVae</c> or <c>MlpVae</c>.</summary>
    public static (Tensor mu, Tensor logvar) VaeEncode(StudentModule vae, Tensor x) { var r = Call("GaussianVae.Encode", V(vae), V(x)); return (T(r, 0), T(r, 1)); }

    /// <summary>Student's <c>Decode</c> of a <c>ConvVae</c> or <c>MlpVae</c>.</summary>
    public static Tensor VaeDecode(StudentModule vae, Tensor z) => T(Call("GaussianVae.Decode", V(vae), V(z)));

    /// <summary>Student's <c>forward</c> of a <c>ConvVae</c> or <c>MlpVae</c>.</summary>
    public static (Tensor reconX, Tensor mu, Tensor logvar) VaeForward(StudentModule vae, Tensor x) { var r = Call("GaussianVae.Forward", V(vae), V(x)); return (T(r, 0), T(r, 1), T(r, 2)); }

    /// <summary>Sum of |gradient| of each parameter after a backward pass of a loss over Encode, Reparameterize and Decode.</summary>
    public static IReadOnlyList<(string name, double gradient)> VaeParameterGradients(StudentModule vae, Tensor x, Generator generator)
    {
        var r = Call("GaussianVae.ParameterGradients", V(vae), V(x), V(generator));
        return Enumerable.Range(0, r.Length / 2).Select(i => (r[2 * i].AsText, r[2 * i + 1].AsNumber)).ToList();
    }

    /// <summary>An Adam optimizer over the student module's parameters, living beside it.</summary>
    public static StudentModule NewAdam(StudentModule module, double learningRate) => M(Call("Adam", V(module), V(learningRate)), "Adam");

    /// <summary>Puts the student module in evaluation mode.</summary>
    public static void Eval(StudentModule module) => Call("Module.Eval", V(module));

    /// <summary>One epoch of the course's train.py loop (the student's Forward and ElboLoss) on the student's VAE with <paramref name="optimizer"/>; each iteration's loss.</summary>
    public static double[] VaeTrainEpoch(StudentModule vae, StudentModule optimizer, Tensor images, int batchSize, Generator generator) =>
        Call("GaussianVae.TrainEpoch", V(vae), V(optimizer), V(images), V(batchSize), V(generator))[0].AsNumbers;

    /// <summary>Student's <c>LatentViews.LatentTraversal</c> on a model whose Decode(z) is scale * z + shift.</summary>
    public static Tensor LatentTraversal(int latent, double scale, double shift, Tensor baseZ, double from, double to, int steps) =>
        T(Call("LatentTraversal", V(latent), V(scale), V(shift), V(baseZ), V(from), V(to), V(steps)));

    /// <summary>Student's <c>LatentViews.SampleFromPrior</c> on a model whose Decode(z) is scale * z + shift.</summary>
    public static Tensor SampleFromPrior(int latent, double scale, double shift, int count, Generator? generator) =>
        T(Call("SampleFromPrior", V(latent), V(scale), V(shift), V(count), V(generator)));

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

    // ECE 685D HW5, problem 2: the Gaussian-Bernoulli RBM.
    static IReadOnlyDictionary<string, Tensor> Named(Value[] r, int from) =>
        Enumerable.Range(0, (r.Length - from) / 2).ToDictionary(i => r[from + 2 * i].AsText, i => r[from + 2 * i + 1].AsTensor);

    /// <summary>Student's <c>GaussianBernoulliRbm</c> constructor.</summary>
    public static StudentModule NewRbm(int visible, int hidden, Tensor sigma) => M(Call("NewRbm", V(visible), V(hidden), V(sigma)), "GaussianBernoulliRbm");

    /// <summary>Student's <c>GaussianBernoulliRbm.HiddenProbability</c>.</summary>
    public static Tensor RbmHiddenProbability(StudentModule rbm, Tensor v) => T(Call("Rbm.HiddenProbability", V(rbm), V(v)));

    /// <summary>Student's <c>GaussianBernoulliRbm.VisibleMean</c>.</summary>
    public static Tensor RbmVisibleMean(StudentModule rbm, Tensor h) => T(Call("Rbm.VisibleMean", V(rbm), V(h)));

    /// <summary>Student's <c>GaussianBernoulliRbm.FreeEnergy</c>.</summary>
    public static Tensor RbmFreeEnergy(StudentModule rbm, Tensor v) => T(Call("Rbm.FreeEnergy", V(rbm), V(v)));

    /// <summary>The gradients of sum_b F(v_b) in the parameters (W, b, alpha), by the student's autograd.</summary>
    public static IReadOnlyDictionary<string, Tensor> RbmFreeEnergyGradients(StudentModule rbm, Tensor v) => Named(Call("Rbm.FreeEnergyGradients", V(rbm), V(v)), 0);

    /// <summary>Student's <c>GaussianBernoulliRbm.Gibbs</c>.</summary>
    public static Tensor RbmGibbs(StudentModule rbm, Tensor v, int k, Generator? generator) => T(Call("Rbm.Gibbs", V(rbm), V(v), V(k), V(generator)));

    /// <summary>Student's <c>GaussianBernoulliRbm.ContrastiveDivergenceLoss</c>: the loss and its gradients in the parameters.</summary>
    public static (Tensor loss, IReadOnlyDictionary<string, Tensor> gradients) RbmContrastiveDivergence(StudentModule rbm, Tensor v, int k, Generator? generator)
    {
        var r = Call("Rbm.ContrastiveDivergence", V(rbm), V(v), V(k), V(generator));
        return (T(r), Named(r, 1));
    }

    // ECE 685D HW5, problem 1: the DCGAN and the linear probe.
    /// <summary>Student's <c>Discriminator</c> constructor.</summary>
    public static StudentModule NewDiscriminator() => M(Call("NewDiscriminator"), "Discriminator");

    /// <summary>Student's <c>Discriminator.forward</c>.</summary>
    public static Tensor DiscriminatorForward(StudentModule d, Tensor images) => T(Call("Discriminator.Forward", V(d), V(images)));

    /// <summary>Student's <c>Discriminator.Features</c>.</summary>
    public static Tensor DiscriminatorFeatures(StudentModule d, Tensor images) => T(Call("Discriminator.Features", V(d), V(images)));

    /// <summary>Student's <c>ImageGenerator</c> constructor.</summary>
    public static StudentModule NewImageGenerator() => M(Call("NewImageGenerator"), "ImageGenerator");

    /// <summary>Student's <c>ImageGenerator.forward</c>.</summary>
    public static Tensor ImageGeneratorForward(StudentModule g, Tensor z) => T(Call("ImageGenerator.Forward", V(g), V(z)));

    /// <summary>Student's <c>GanLoss.Discriminator</c>.</summary>
    public static Tensor GanDiscriminatorLoss(Tensor real, Tensor fake) => T(Call("GanLoss.Discriminator", V(real), V(fake)));

    /// <summary>Student's <c>GanLoss.Generator</c>.</summary>
    public static Tensor GanGeneratorLoss(Tensor fake) => T(Call("GanLoss.Generator", V(fake)));

    /// <summary>Student's <c>Dcgan</c> constructor.</summary>
    public static StudentModule NewDcgan(double learningRate) => M(Call("NewDcgan", V(learningRate)), "Dcgan");

    /// <summary>Student's <c>Dcgan.Latent</c>.</summary>
    public static Tensor DcganLatent(StudentModule gan, int count, Generator? generator) => T(Call("Dcgan.Latent", V(gan), V(count), V(generator)));

    /// <summary>Student's <c>Dcgan.Sample</c>.</summary>
    public static Tensor DcganSample(StudentModule gan, int count, Generator? generator) => T(Call("Dcgan.Sample", V(gan), V(count), V(generator)));

    /// <summary>Student's <c>Dcgan.DiscriminatorStep</c>.</summary>
    public static double DcganDiscriminatorStep(StudentModule gan, Tensor real, Tensor z) => Call("Dcgan.DiscriminatorStep", V(gan), V(real), V(z))[0].AsNumber;

    /// <summary>Student's <c>Dcgan.GeneratorStep</c>.</summary>
    public static double DcganGeneratorStep(StudentModule gan, Tensor z) => Call("Dcgan.GeneratorStep", V(gan), V(z))[0].AsNumber;

    /// <summary>The min-max objective mean log D(x) + mean log(1 - D(G(z))) of the student's networks (training mode, dropout seeded).</summary>
    public static double DcganObjective(StudentModule gan, Tensor real, Tensor z, Generator seed) => Call("Dcgan.Objective", V(gan), V(real), V(z), V(seed))[0].AsNumber;

    /// <summary>Fingerprints (sum, sum of squares, sum of |.|) of D's and G's parameters.</summary>
    public static (double[] d, double[] g) DcganFingerprints(StudentModule gan)
    {
        var r = Call("Dcgan.Fingerprints", V(gan));
        return (r[0].AsNumbers, r[1].AsNumbers);
    }

    /// <summary>Student's <c>LinearProbe.Fit</c>: the layer's weight and bias.</summary>
    public static (Tensor weight, Tensor bias) LinearProbeFit(Tensor features, Tensor labels, int classes, int epochs, double learningRate)
    {
        var r = Call("LinearProbe.Fit", V(features), V(labels), V(classes), V(epochs), V(learningRate));
        return (T(r, 0), T(r, 1));
    }

    /// <summary>Student's <c>LinearProbe.Accuracy</c> of the layer (weight, bias).</summary>
    public static double LinearProbeAccuracy(Tensor weight, Tensor bias, Tensor features, Tensor labels) =>
        Call("LinearProbe.Accuracy", V(weight), V(bias), V(features), V(labels))[0].AsNumber;

    // ECE 685D HW5, problem 3: VAE and conditional VAE on Fashion-MNIST.
    /// <summary>Student's <c>FashionVae</c> constructor.</summary>
    public static StudentModule NewFashionVae(int input, int hidden, int latent) => M(Call("NewFashionVae", V(input), V(hidden), V(latent)), "FashionVae");

    /// <summary>Student's <c>ConditionalFashionVae</c> constructor.</summary>
    public static StudentModule NewConditionalFashionVae(int input, int hidden, int latent, int classes) =>
        M(Call("NewConditionalFashionVae", V(input), V(hidden), V(latent), V(classes)), "ConditionalFashionVae");

    /// <summary>Student's <c>Encode(x, labels)</c> of either model.</summary>
    public static (Tensor mu, Tensor logvar) FashionEncode(StudentModule vae, Tensor x, Tensor labels)
    {
        var r = Call("FashionVae.Encode", V(vae), V(x), V(labels));
        return (T(r, 0), T(r, 1));
    }

    /// <summary>Student's <c>Decode(z, labels)</c> of either model.</summary>
    public static Tensor FashionDecode(StudentModule vae, Tensor z, Tensor labels) => T(Call("FashionVae.Decode", V(vae), V(z), V(labels)));

    /// <summary>Trains the student's model with the course's trainer (Adam, the student's Forward and Loss); the loss per sample of each epoch and on the held-out set.</summary>
    public static (double[] epochs, double heldOut) FashionTrain(StudentModule vae, Tensor trainX, Tensor trainY, Tensor testX, Tensor testY,
                                                                int epochs, int batchSize, double learningRate, Generator generator)
    {
        var r = Call("FashionVae.Train", V(vae), V(trainX), V(trainY), V(testX), V(testY), V(epochs), V(batchSize), V(learningRate), V(generator));
        return (r[0].AsNumbers, r[1].AsNumber);
    }

    /// <summary>Student's <c>FashionVaeLoss.Loss</c>.</summary>
    public static Tensor FashionLoss(Tensor reconX, Tensor x, Tensor mu, Tensor logvar) => T(Call("FashionVaeLoss", V(reconX), V(x), V(mu), V(logvar)));

    /// <summary>Student's <c>FashionVaeLoss.OneHot</c> (dtype taken from <paramref name="like"/>).</summary>
    public static Tensor OneHot(Tensor labels, int classes, Tensor like) => T(Call("OneHot", V(labels), V(classes), V(like)));

    /// <summary>Student's <c>FashionVaeLoss.Reparameterize</c>.</summary>
    public static Tensor FashionReparameterize(Tensor mu, Tensor logvar, Generator? generator) => T(Call("FashionReparameterize", V(mu), V(logvar), V(generator)));

    // CS/DS 552 HW2, problem 2: feel your ELBO.
    /// <summary>Student's <c>FeelYourElbo.LogLikelihoodByQuadrature</c> (default grid).</summary>
    public static double LogLikelihoodByQuadrature(Tensor x, double theta, double sigma2) => Call("LogLikelihoodByQuadrature", V(x), V(theta), V(sigma2))[0].AsNumber;

    /// <summary>Student's <c>FeelYourElbo.Elbo</c>.</summary>
    public static double FeelYourElbo(Tensor x, double theta, double sigma2, double slope, double variance) =>
        Call("FeelYourElbo", V(x), V(theta), V(sigma2), V(slope), V(variance))[0].AsNumber;

    /// <summary>Student's <c>FeelYourElbo.Posterior</c>.</summary>
    public static (double slope, double variance) ElboPosterior(double theta, double sigma2)
    {
        var r = Call("ElboPosterior", V(theta), V(sigma2))[0].AsNumbers;
        return (r[0], r[1]);
    }

    /// <summary>Student's <c>MnistVae.InterpolateMu</c>.</summary>
    public static Tensor InterpolateMu(Tensor muA, Tensor muB, double alpha) => T(Call("InterpolateMu", V(muA), V(muB), V(alpha)));

    // CS/DS 552 HW2, problem 1: the faces (V)AE.
    /// <summary>Student's <c>FaceAutoencoder</c> constructor.</summary>
    public static StudentModule NewFaceAutoencoder(bool variational, int latent, int hidden) =>
        M(Call("NewFaceAutoencoder", V(variational ? 1 : 0), V(latent), V(hidden)), "FaceAutoencoder");

    /// <summary>Student's <c>FaceAutoencoder.Encode</c>.</summary>
    public static (Tensor mu, Tensor logvar) FaceEncode(StudentModule model, Tensor x)
    {
        var r = Call("FaceAe.Encode", V(model), V(x));
        return (T(r, 0), T(r, 1));
    }

    /// <summary>Student's <c>FaceAutoencoder.Decode</c>.</summary>
    public static Tensor FaceDecode(StudentModule model, Tensor z) => T(Call("FaceAe.Decode", V(model), V(z)));

    /// <summary>Student's <c>FaceAutoencoder.Latent</c>.</summary>
    public static Tensor FaceLatent(StudentModule model, Tensor mu, Tensor logvar, Generator? generator) => T(Call("FaceAe.Latent", V(model), V(mu), V(logvar), V(generator)));

    /// <summary>Trains the student's model with the course's loop; the loss per face of each epoch and the held-out reconstruction MSE.</summary>
    public static (double[] epochs, double heldOutMse) FaceTrain(StudentModule model, Tensor train, Tensor test, int epochs, int batchSize, double learningRate, double beta, Generator generator)
    {
        var r = Call("FaceAe.Train", V(model), V(train), V(test), V(epochs), V(batchSize), V(learningRate), V(beta), V(generator));
        return (r[0].AsNumbers, r[1].AsNumber);
    }

    /// <summary>Student's <c>FaceLoss.Loss</c>.</summary>
    public static Tensor FaceLossValue(Tensor reconX, Tensor x, Tensor mu, Tensor logvar, double beta) => T(Call("FaceLoss", V(reconX), V(x), V(mu), V(logvar), V(beta)));

    /// <summary>Student's <c>FaceLoss.Interpolate</c>.</summary>
    public static Tensor FaceInterpolate(Tensor from, Tensor to, int count) => T(Call("FaceInterpolate", V(from), V(to), V(count)));

    /// <summary>Trains the student's MnistVae with Adam on -Elbo (the course's loop); the mean ELBO of each epoch and the held-out ELBO (mean of 10 one-sample estimates).</summary>
    public static (double[] epochs, double heldOut) MnistVaeTrain(StudentModule vae, Tensor train, Tensor test, int epochs, int batchSize, double learningRate, Generator generator)
    {
        var r = Call("MnistVae.Train", V(vae), V(train), V(test), V(epochs), V(batchSize), V(learningRate), V(generator));
        return (r[0].AsNumbers, r[1].AsNumber);
    }
}
