using System.Linq.Expressions;
using GenAI.Course.Autoregressive;
using GenAI.Course.ConditionalVae;
using GenAI.Course.Elbo;
using GenAI.Course.ElboStudy;
using GenAI.Course.Faces;
using GenAI.Course.Gan;
using GenAI.Course.Gmm;
using GenAI.Course.Graphs;
using GenAI.Course.LinearGaussian;
using GenAI.Course.Ppca;
using GenAI.Course.Rbm;
using GenAI.Course.ScoreMatching;
using GenAI.Course.Vae;
using GenAI.Worker;
using GenAI.Worker.Dispatch;
using GenAI.Worker.Harness;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// A student object (a module, an optimizer) that lives where student code runs, known here by a handle.
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

    /// <summary>
    /// The object as a <typeparamref name="T"/>, inside a <see cref="Student.Call{T}"/> lambda only
    /// (<c>Student.Call(() => vae.As&lt;IGaussianVae&gt;().Decode(z))</c>): it stands for the object where student code runs.
    /// </summary>
    /// <exception cref="InvalidOperationException">Always, when run: the object is not here.</exception>
    public T As<T>() => throw new InvalidOperationException($"the {Kind} lives where student code runs: use As<{typeof(T).Name}>() inside Student.Call only");

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
    internal Tensor Mean => mean;
    internal Tensor Scale => scale;
    internal double A => a;
    internal double B => b;

    /// <summary>Whether calls are recorded.</summary>
    public bool Record { get; } = record;
    /// <summary>Each call's sigmas (flattened; one per row) and the shape of x, in order.</summary>
    public List<(double[] sigma, long[] xShape)> Calls { get; } = new();

    /// <summary>A score that is zero everywhere (the chain only diffuses), recording its calls.</summary>
    public static ScoreModel ZeroRecording() => new(zeros(1, dtype: float64), zeros(1, dtype: float64), 1, 0, record: true);

    internal void Recorded(List<(double[] sigma, long[] xShape)> calls)
    {
        Calls.Clear();
        Calls.AddRange(calls);
    }
}

/// <summary>
/// The one way checks reach student code: a call written as a lambda over the course API
/// (<c>Student.Call(() => GaussianElbo.KlDiagNormal(mu, logvar))</c>), checked by the compiler, read by
/// <see cref="CallExpression"/> and run by <see cref="Dispatcher"/>: in this process for local `dotnet test`, in an
/// isolated worker process when the grader sets GENAI_WORKER. Student failures (stubs, exceptions, crashes,
/// time-outs) become test failures whose message says which function failed and why. The named methods below are
/// such calls, shared by several checks.
/// </summary>
public static class Student
{
    static readonly IStudentBackend Backend = WorkerLimits.FromEnvironment() is { } limits ? new WorkerBackend(limits) : new InProcessBackend();

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
        if (RemoteAutograd.PendingFailure is not { } failure) return;
        RemoteAutograd.PendingFailure = null;
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

    /// <summary>Runs <paramref name="call"/> (one call of student or harness code) where student code runs; its result comes back as data.</summary>
    public static T Call<T>(Expression<Func<T>> call)
    {
        var (operation, args, returns) = CallExpression.Split(call, Handle);
        return (T)Values.FromValue(Invoke(operation, args)[0], returns)!;
    }

    /// <summary>Runs <paramref name="call"/>, which returns nothing, where student code runs.</summary>
    public static void Call(Expression<Action> call)
    {
        var (operation, args, _) = CallExpression.Split(call, Handle);
        Invoke(operation, args);
    }

    /// <summary>Runs <paramref name="make"/> (a constructor, or a call that returns an object) where student code runs, and keeps the object there.</summary>
    public static StudentModule New<T>(Expression<Func<T>> make)
    {
        var (operation, args, _) = CallExpression.Split(make, Handle);
        return new StudentModule(Invoke(operation, args)[0].AsHandle, typeof(T).Name, Backend.Generation);
    }

    static Value[] Invoke(string operation, Value[] args)
    {
        try { return Backend.Invoke(operation, args); }
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

    static Value Handle(StudentModule m)
    {
        if (m.Generation != Backend.Generation) Assert.Fail($"the {m.Kind} was lost when the worker restarted after an earlier failure.");
        return new HandleValue(m.Id);
    }

    /// <summary>
    /// Releases student modules in the worker (disposed, then a collection), for checks whose models are
    /// large enough to matter in a 768 MB container; a module lost to a worker restart is skipped.
    /// </summary>
    public static void Release(params StudentModule[] modules)
    {
        foreach (var module in modules.Where(m => m.Generation == Backend.Generation))
        {
            try { Backend.Invoke(ReleaseOperation, [new HandleValue(module.Id)]); }
            catch (StudentFailure) { }
        }
    }

    static readonly string ReleaseOperation = OperationKey.Of(typeof(Dispatcher), nameof(Dispatcher.Release));

    // CS 446 HW5, distributions.
    /// <summary>Student's <c>Distributions.LogPdfDiagonalGaussian</c>.</summary>
    public static Tensor LogPdfDiagonalGaussian(Tensor z, Tensor mu, Tensor sigmaSquare) => Call(() => Distributions.LogPdfDiagonalGaussian(z, mu, sigmaSquare));

    /// <summary>Student's <c>Distributions.LogPdfBernoulli</c>.</summary>
    public static Tensor LogPdfBernoulli(Tensor x, Tensor p) => Call(() => Distributions.LogPdfBernoulli(x, p));

    /// <summary>Student's <c>Distributions.SampleDiagonalGaussian</c>.</summary>
    public static Tensor SampleDiagonalGaussian(Tensor mu, Tensor sigmaSquare, Generator? generator = null) => Call(() => Distributions.SampleDiagonalGaussian(mu, sigmaSquare, generator));

    /// <summary>Student's <c>Distributions.SampleBernoulli</c>.</summary>
    public static Tensor SampleBernoulli(Tensor p, Generator? generator = null) => Call(() => Distributions.SampleBernoulli(p, generator));

    // CS 446 HW5, the MNIST VAE.
    /// <summary>Student's <c>Encoder</c> constructor.</summary>
    public static StudentModule NewEncoder(int pixels, int hidden, int latent) => New(() => new Encoder(pixels, hidden, latent));

    /// <summary>Student's <c>Decoder</c> constructor.</summary>
    public static StudentModule NewDecoder(int latent, int hidden, int pixels) => New(() => new Decoder(latent, hidden, pixels));

    /// <summary>Student's <c>MnistVae</c> constructor with the assignment's architecture.</summary>
    public static StudentModule NewMnistVae(int pixels, int hidden, int latent) => New(() => new MnistVae(pixels, hidden, latent));

    /// <summary>Student's <c>Encoder.forward</c>.</summary>
    public static (Tensor mu, Tensor sigmaSquare) Encode(StudentModule encoder, Tensor x) => Call(() => encoder.As<nn.Module<Tensor, (Tensor, Tensor)>>().forward(x));

    /// <summary>Student's <c>Decoder.forward</c>.</summary>
    public static Tensor Decode(StudentModule decoder, Tensor z) => Call(() => decoder.As<nn.Module<Tensor, Tensor>>().forward(z));

    /// <summary>Student's <c>MnistVae.Elbo</c> over a fixed encoder (mu, sigmaSquare for every row) and a decoder p = sigmoid(z W^T + c).</summary>
    public static Tensor ElboWithFixedEncoderAndLogisticDecoder(Tensor mu, Tensor sigmaSquare, Tensor w, Tensor c, Tensor x, Generator? generator = null) =>
        Call(() => WithTestDoubles.MnistVaeElbo(mu, sigmaSquare, w, c, x, generator));

    // Any student module.
    /// <summary>The module's named parameters (copies).</summary>
    public static IReadOnlyList<(string name, Tensor value)> Parameters(StudentModule module) => Call(() => ModuleAccess.Parameters(module.As<nn.Module>()));

    /// <summary>Overwrites the named parameters.</summary>
    public static void LoadParameters(StudentModule module, IReadOnlyDictionary<string, Tensor> values) => Call(() => ModuleAccess.Load(module.As<nn.Module>(), values));

    /// <summary>Converts the module to float64 (for gradient checks).</summary>
    public static void ToFloat64(StudentModule module) => Call(() => ModuleAccess.ToFloat64(module.As<nn.Module>()));

    // CS 4331 HW2, ELBO.py and VAE.py.
    /// <summary>Student's <c>GaussianElbo.NegativeLogLikelihood</c>.</summary>
    public static Tensor NegativeLogLikelihood(Tensor x, Tensor reconX) => Call(() => GaussianElbo.NegativeLogLikelihood(x, reconX));

    /// <summary>Student's <c>GaussianElbo.KlDiagNormal</c>.</summary>
    public static Tensor KlDiagNormal(Tensor mu, Tensor logvar) => Call(() => GaussianElbo.KlDiagNormal(mu, logvar));

    /// <summary>Student's <c>GaussianElbo.ElboLoss</c>.</summary>
    public static Tensor ElboLoss(Tensor x, Tensor reconX, Tensor mu, Tensor logvar) => Call(() => GaussianElbo.ElboLoss(x, reconX, mu, logvar));

    /// <summary>Student's <c>MlpVae.Reparameterize</c>.</summary>
    public static Tensor Reparameterize(Tensor mu, Tensor logvar, Generator? generator = null) => Call(() => MlpVae.Reparameterize(mu, logvar, generator));

    /// <summary>Student's <c>MlpVae</c> constructor.</summary>
    public static StudentModule NewMlpVae(int input, int hidden, int latent) => New(() => new MlpVae(input, hidden, latent));

    /// <summary>Student's <c>ConvVae</c> constructor.</summary>
    public static StudentModule NewConvVae(int latent) => New(() => new ConvVae(latent));

    /// <summary>Student's <c>Encode</c> of a <c>ConvVae</c> or <c>MlpVae</c>.</summary>
    public static (Tensor mu, Tensor logvar) VaeEncode(StudentModule vae, Tensor x) => Call(() => vae.As<IGaussianVae>().Encode(x));

    /// <summary>Student's <c>Decode</c> of a <c>ConvVae</c> or <c>MlpVae</c>.</summary>
    public static Tensor VaeDecode(StudentModule vae, Tensor z) => Call(() => vae.As<IGaussianVae>().Decode(z));

    /// <summary>Student's <c>forward</c> of a <c>ConvVae</c> or <c>MlpVae</c>.</summary>
    public static (Tensor reconX, Tensor mu, Tensor logvar) VaeForward(StudentModule vae, Tensor x) => Call(() => vae.As<nn.Module<Tensor, (Tensor, Tensor, Tensor)>>().forward(x));

    /// <summary>Sum of |gradient| of each parameter after a backward pass of a loss over Encode, Reparameterize and Decode.</summary>
    public static IReadOnlyList<(string name, double gradient)> VaeParameterGradients(StudentModule vae, Tensor x, Generator generator) =>
        Call(() => Gradients.GaussianVae(vae.As<nn.Module>(), x, generator));

    /// <summary>An Adam optimizer over the student module's parameters, living beside it.</summary>
    public static StudentModule NewAdam(StudentModule module, double learningRate) => New(() => ModuleAccess.Adam(module.As<nn.Module>(), learningRate));

    /// <summary>Puts the student module in evaluation mode.</summary>
    public static void Eval(StudentModule module) => Call(() => ModuleAccess.Eval(module.As<nn.Module>()));

    /// <summary>One epoch of the course's train.py loop (the student's Forward and ElboLoss) on the student's VAE with <paramref name="optimizer"/>; each iteration's loss.</summary>
    public static double[] VaeTrainEpoch(StudentModule vae, StudentModule optimizer, Tensor images, int batchSize, Generator generator) =>
        Call(() => Training.GaussianVaeEpoch(vae.As<nn.Module>(), optimizer.As<optim.Optimizer>(), images, batchSize, generator));

    /// <summary>Student's <c>LatentViews.LatentTraversal</c> on a model whose Decode(z) is scale * z + shift.</summary>
    public static Tensor LatentTraversal(int latent, double scale, double shift, Tensor baseZ, double from, double to, int steps) =>
        Call(() => WithTestDoubles.LatentTraversal(latent, scale, shift, baseZ, from, to, steps));

    /// <summary>Student's <c>LatentViews.SampleFromPrior</c> on a model whose Decode(z) is scale * z + shift.</summary>
    public static Tensor SampleFromPrior(int latent, double scale, double shift, int count, Generator? generator) =>
        Call(() => WithTestDoubles.SampleFromPrior(latent, scale, shift, count, generator));

    // CS 446 HW5, score matching.
    /// <summary>Student's <c>ScoreMatching.GeometricNoiseLevels</c>.</summary>
    public static double[] GeometricNoiseLevels(double sigmaFirst, double sigmaLast, int count) => Call(() => ScoreMatching.GeometricNoiseLevels(sigmaFirst, sigmaLast, count));

    /// <summary>Student's <c>ScoreMatching.DenoisingLoss</c> with <paramref name="score"/> as the model.</summary>
    public static Tensor DenoisingLoss(ScoreModel score, Tensor samples, double[] noiseLevels, Generator? generator = null)
    {
        var (loss, calls) = Call(() => WithTestDoubles.DenoisingLoss(score.Mean, score.Scale, score.A, score.B, score.Record, samples, noiseLevels, generator));
        score.Recorded(calls);
        return loss;
    }

    /// <summary>Student's <c>ScoreMatching.AnnealedLangevinDynamics</c>: the samples, and x0 as it was after the call (to catch in-place changes).</summary>
    public static (Tensor samples, Tensor x0After) AnnealedLangevinDynamics(ScoreModel score, Tensor x0, double[] noiseLevels, double eps, int steps, Generator? generator = null)
    {
        var (samples, x0After, calls) = Call(() => WithTestDoubles.AnnealedLangevinDynamics(score.Mean, score.Scale, score.A, score.B, score.Record, x0, noiseLevels, eps, steps, generator));
        score.Recorded(calls);
        return (samples, x0After);
    }

    // CS/DS 552 HW1, problem 1: autoregressive images.
    /// <summary>Student's <c>CptSampler.SampleImages</c>.</summary>
    public static Tensor SampleImages(IReadOnlyList<Tensor> cpts, Tensor uniforms) => Call(() => CptSampler.SampleImages(cpts, uniforms));

    /// <summary>Student's <c>PixelLstm</c> constructor.</summary>
    public static StudentModule NewPixelLstm(int hidden = 32, int layers = 2) => New(() => new PixelLstm(hidden, layers));

    /// <summary>Student's <c>PixelLstm.forward</c> (teacher-forced logits).</summary>
    public static Tensor PixelLstmForward(StudentModule lstm, Tensor images) => Call(() => lstm.As<PixelLstm>().forward(images));

    /// <summary>Student's <c>PixelLstm.Sample</c>.</summary>
    public static Tensor PixelLstmSample(StudentModule lstm, int count, int length, Generator? generator) => Call(() => lstm.As<PixelLstm>().Sample(count, length, generator));

    /// <summary>Student's <c>PixelLstm.Fit</c>: the loss after each epoch.</summary>
    public static double[] PixelLstmFit(StudentModule lstm, Tensor images, int epochs, double learningRate) => Call(() => lstm.As<PixelLstm>().Fit(images, epochs, learningRate));

    /// <summary>Student's <c>PixelLstm.ConditionalLogLikelihood</c>.</summary>
    public static Tensor ConditionalLogLikelihood(Tensor logits, Tensor images) => Call(() => PixelLstm.ConditionalLogLikelihood(logits, images));

    // CS/DS 552 HW1, problem 2: p-PCA.
    /// <summary>Student's <c>Ppca.Fit</c>.</summary>
    public static PpcaModel PpcaFit(Tensor data, int d) => Call(() => Ppca.Fit(data, d));

    /// <summary>Student's <c>Ppca.PosteriorMean</c>.</summary>
    public static Tensor PosteriorMean(PpcaModel model, Tensor x) => Call(() => Ppca.PosteriorMean(model, x));

    /// <summary>Student's <c>Ppca.PosteriorCovariance</c>.</summary>
    public static Tensor PosteriorCovariance(PpcaModel model) => Call(() => Ppca.PosteriorCovariance(model));

    /// <summary>Student's <c>Ppca.ExpectedImage</c>.</summary>
    public static Tensor ExpectedImage(PpcaModel model, Tensor z) => Call(() => Ppca.ExpectedImage(model, z));

    /// <summary>Student's <c>Ppca.Generate</c>.</summary>
    public static Tensor PpcaGenerate(PpcaModel model, int count, Generator? generator) => Call(() => Ppca.Generate(model, count, generator));

    /// <summary>Student's <c>Ppca.Sample</c>.</summary>
    public static Tensor PpcaSample(PpcaModel model, int count, Generator? generator) => Call(() => Ppca.Sample(model, count, generator));

    /// <summary>Student's <c>Ppca.LatentPerturbations</c>.</summary>
    public static Tensor LatentPerturbations(PpcaModel model, Tensor x, int[] dimensions, double[] offsets) => Call(() => Ppca.LatentPerturbations(model, x, dimensions, offsets));

    /// <summary>Student's <c>Ppca.LogLikelihood</c>.</summary>
    public static double PpcaLogLikelihood(PpcaModel model, Tensor data) => Call(() => Ppca.LogLikelihood(model, data));

    // CS/DS 552 HW1, problem 3: the classroom edge model.
    /// <summary>Student's <c>EdgeModel.LogLikelihood</c>.</summary>
    public static double EdgeLogLikelihood(Tensor features, Tensor edges, double a, double b) => Call(() => EdgeModel.LogLikelihood(features, edges, a, b));

    /// <summary>Student's <c>EdgeModel.Gradient</c>.</summary>
    public static (double dA, double dB) EdgeGradient(Tensor features, Tensor edges, double a, double b) => Call(() => EdgeModel.Gradient(features, edges, a, b));

    /// <summary>Student's <c>EdgeModel.GradientAscent</c>.</summary>
    public static EdgeFit EdgeGradientAscent(Tensor features, Tensor edges, double a0, double b0, double learningRate, int iterations) =>
        Call(() => EdgeModel.GradientAscent(features, edges, a0, b0, learningRate, iterations));

    /// <summary>Student's <c>EdgeModel.SampleEdges</c>.</summary>
    public static Tensor SampleEdges(Tensor features, double a, double b, Generator? generator) => Call(() => EdgeModel.SampleEdges(features, a, b, generator));

    // CS/DS 552 HW1, problem 4: the linear-Gaussian MLE.
    /// <summary>Student's <c>LinearGaussian.Fit</c>.</summary>
    public static LinearGaussianFit LinearGaussianFit(Tensor x, Tensor y) => Call(() => Course.LinearGaussian.LinearGaussian.Fit(x, y));

    // CS 4331/5331 HW2, problem 1: the Gaussian mixture.
    /// <summary>Student's <c>MixtureEntropy.LogDensity</c>.</summary>
    public static Tensor MixtureLogDensity(GaussianMixture mixture, Tensor x) => Call(() => MixtureEntropy.LogDensity(mixture, x));

    /// <summary>Student's <c>MixtureEntropy.Sample</c>: samples and labels.</summary>
    public static (Tensor samples, Tensor labels) MixtureSample(GaussianMixture mixture, int count, Generator? generator) => Call(() => MixtureEntropy.Sample(mixture, count, generator));

    /// <summary>Student's <c>MixtureEntropy.EntropyEstimate</c>.</summary>
    public static (double estimate, double standardError) MixtureEntropyEstimate(GaussianMixture mixture, Tensor samples) => Call(() => MixtureEntropy.EntropyEstimate(mixture, samples));

    /// <summary>Student's <c>MixtureEntropy.EstimateEntropy</c>.</summary>
    public static (double estimate, double standardError) MixtureEstimateEntropy(GaussianMixture mixture, int count, Generator? generator) =>
        Call(() => MixtureEntropy.EstimateEntropy(mixture, count, generator));

    /// <summary>Student's <c>MixtureEntropy.GaussianEntropy</c>.</summary>
    public static double GaussianEntropy(Tensor covariance) => Call(() => MixtureEntropy.GaussianEntropy(covariance));

    // ECE 685D HW5, problem 2: the Gaussian-Bernoulli RBM.
    /// <summary>Student's <c>GaussianBernoulliRbm</c> constructor.</summary>
    public static StudentModule NewRbm(int visible, int hidden, Tensor sigma) => New(() => new GaussianBernoulliRbm(visible, hidden, sigma));

    /// <summary>Student's <c>GaussianBernoulliRbm.HiddenProbability</c>.</summary>
    public static Tensor RbmHiddenProbability(StudentModule rbm, Tensor v) => Call(() => rbm.As<GaussianBernoulliRbm>().HiddenProbability(v));

    /// <summary>Student's <c>GaussianBernoulliRbm.VisibleMean</c>.</summary>
    public static Tensor RbmVisibleMean(StudentModule rbm, Tensor h) => Call(() => rbm.As<GaussianBernoulliRbm>().VisibleMean(h));

    /// <summary>Student's <c>GaussianBernoulliRbm.FreeEnergy</c>.</summary>
    public static Tensor RbmFreeEnergy(StudentModule rbm, Tensor v) => Call(() => rbm.As<GaussianBernoulliRbm>().FreeEnergy(v));

    /// <summary>The gradients of sum_b F(v_b) in the parameters (W, b, alpha), by the student's autograd.</summary>
    public static IReadOnlyDictionary<string, Tensor> RbmFreeEnergyGradients(StudentModule rbm, Tensor v) => Call(() => Gradients.RbmFreeEnergy(rbm.As<GaussianBernoulliRbm>(), v));

    /// <summary>Student's <c>GaussianBernoulliRbm.Gibbs</c>.</summary>
    public static Tensor RbmGibbs(StudentModule rbm, Tensor v, int k, Generator? generator) => Call(() => rbm.As<GaussianBernoulliRbm>().Gibbs(v, k, generator));

    /// <summary>Student's <c>GaussianBernoulliRbm.ContrastiveDivergenceLoss</c>: the loss and its gradients in the parameters.</summary>
    public static (Tensor loss, IReadOnlyDictionary<string, Tensor> gradients) RbmContrastiveDivergence(StudentModule rbm, Tensor v, int k, Generator? generator) =>
        Call(() => Gradients.RbmContrastiveDivergence(rbm.As<GaussianBernoulliRbm>(), v, k, generator));

    // ECE 685D HW5, problem 1: the DCGAN and the linear probe.
    /// <summary>Student's <c>Discriminator</c> constructor.</summary>
    public static StudentModule NewDiscriminator() => New(() => new Discriminator());

    /// <summary>Student's <c>Discriminator.forward</c>.</summary>
    public static Tensor DiscriminatorForward(StudentModule d, Tensor images) => Call(() => d.As<Discriminator>().forward(images));

    /// <summary>Student's <c>Discriminator.Features</c>.</summary>
    public static Tensor DiscriminatorFeatures(StudentModule d, Tensor images) => Call(() => d.As<Discriminator>().Features(images));

    /// <summary>Student's <c>ImageGenerator</c> constructor.</summary>
    public static StudentModule NewImageGenerator() => New(() => new ImageGenerator());

    /// <summary>Student's <c>ImageGenerator.forward</c>.</summary>
    public static Tensor ImageGeneratorForward(StudentModule g, Tensor z) => Call(() => g.As<ImageGenerator>().forward(z));

    /// <summary>Student's <c>GanLoss.Discriminator</c>.</summary>
    public static Tensor GanDiscriminatorLoss(Tensor real, Tensor fake) => Call(() => GanLoss.Discriminator(real, fake));

    /// <summary>Student's <c>GanLoss.Generator</c>.</summary>
    public static Tensor GanGeneratorLoss(Tensor fake) => Call(() => GanLoss.Generator(fake));

    /// <summary>Student's <c>Dcgan</c> constructor.</summary>
    public static StudentModule NewDcgan(double learningRate) => New(() => new Dcgan(learningRate));

    /// <summary>Student's <c>Dcgan.Latent</c>.</summary>
    public static Tensor DcganLatent(StudentModule gan, int count, Generator? generator) => Call(() => gan.As<Dcgan>().Latent(count, generator));

    /// <summary>Student's <c>Dcgan.Sample</c>.</summary>
    public static Tensor DcganSample(StudentModule gan, int count, Generator? generator) => Call(() => gan.As<Dcgan>().Sample(count, generator));

    /// <summary>Student's <c>Dcgan.DiscriminatorStep</c>.</summary>
    public static double DcganDiscriminatorStep(StudentModule gan, Tensor real, Tensor z) => Call(() => gan.As<Dcgan>().DiscriminatorStep(real, z));

    /// <summary>Student's <c>Dcgan.GeneratorStep</c>.</summary>
    public static double DcganGeneratorStep(StudentModule gan, Tensor z) => Call(() => gan.As<Dcgan>().GeneratorStep(z));

    /// <summary>The min-max objective mean log D(x) + mean log(1 - D(G(z))) of the student's networks (training mode, dropout seeded).</summary>
    public static double DcganObjective(StudentModule gan, Tensor real, Tensor z, Generator seed) => Call(() => Gradients.DcganObjective(gan.As<Dcgan>(), real, z, seed));

    /// <summary>Fingerprints (sum, sum of squares, sum of |.|) of D's and G's parameters.</summary>
    public static (double[] d, double[] g) DcganFingerprints(StudentModule gan) => Call(() => Gradients.DcganFingerprints(gan.As<Dcgan>()));

    /// <summary>Student's <c>LinearProbe.Fit</c>: the layer's weight and bias.</summary>
    public static (Tensor weight, Tensor bias) LinearProbeFit(Tensor features, Tensor labels, int classes, int epochs, double learningRate) =>
        Call(() => Training.LinearProbe(features, labels, classes, epochs, learningRate));

    /// <summary>Student's <c>LinearProbe.Accuracy</c> of the layer (weight, bias).</summary>
    public static double LinearProbeAccuracy(Tensor weight, Tensor bias, Tensor features, Tensor labels) => Call(() => Training.LinearProbeAccuracy(weight, bias, features, labels));

    // ECE 685D HW5, problem 3: VAE and conditional VAE on Fashion-MNIST.
    /// <summary>Student's <c>FashionVae</c> constructor.</summary>
    public static StudentModule NewFashionVae(int input, int hidden, int latent) => New(() => new FashionVae(input, hidden, latent));

    /// <summary>Student's <c>ConditionalFashionVae</c> constructor.</summary>
    public static StudentModule NewConditionalFashionVae(int input, int hidden, int latent, int classes) => New(() => new ConditionalFashionVae(input, hidden, latent, classes));

    /// <summary>Student's <c>Encode(x, labels)</c> of either model.</summary>
    public static (Tensor mu, Tensor logvar) FashionEncode(StudentModule vae, Tensor x, Tensor labels) => Call(() => vae.As<IFashionVae>().Encode(x, labels));

    /// <summary>Student's <c>Decode(z, labels)</c> of either model.</summary>
    public static Tensor FashionDecode(StudentModule vae, Tensor z, Tensor labels) => Call(() => vae.As<IFashionVae>().Decode(z, labels));

    /// <summary>Trains the student's model with the course's trainer (Adam, the student's Forward and Loss); the loss per sample of each epoch and on the held-out set.</summary>
    public static (double[] epochs, double heldOut) FashionTrain(StudentModule vae, Tensor trainX, Tensor trainY, Tensor testX, Tensor testY,
                                                                int epochs, int batchSize, double learningRate, Generator generator) =>
        Call(() => Training.FashionVae(vae.As<nn.Module>(), trainX, trainY, testX, testY, epochs, batchSize, learningRate, generator));

    /// <summary>Student's <c>FashionVaeLoss.Loss</c>.</summary>
    public static Tensor FashionLoss(Tensor reconX, Tensor x, Tensor mu, Tensor logvar) => Call(() => FashionVaeLoss.Loss(reconX, x, mu, logvar));

    /// <summary>Student's <c>FashionVaeLoss.OneHot</c> (dtype taken from <paramref name="like"/>).</summary>
    public static Tensor OneHot(Tensor labels, int classes, Tensor like)
    {
        var dtype = like.dtype;
        return Call(() => FashionVaeLoss.OneHot(labels, classes, dtype));
    }

    /// <summary>Student's <c>FashionVaeLoss.Reparameterize</c>.</summary>
    public static Tensor FashionReparameterize(Tensor mu, Tensor logvar, Generator? generator) => Call(() => FashionVaeLoss.Reparameterize(mu, logvar, generator));

    // CS/DS 552 HW2, problem 2: feel your ELBO.
    /// <summary>Student's <c>FeelYourElbo.LogLikelihoodByQuadrature</c> (default grid).</summary>
    public static double LogLikelihoodByQuadrature(Tensor x, double theta, double sigma2) => Call(() => Course.ElboStudy.FeelYourElbo.LogLikelihoodByQuadrature(x, theta, sigma2));

    /// <summary>Student's <c>FeelYourElbo.Elbo</c>.</summary>
    public static double FeelYourElbo(Tensor x, double theta, double sigma2, double slope, double variance) =>
        Call(() => Course.ElboStudy.FeelYourElbo.Elbo(x, theta, sigma2, slope, variance));

    /// <summary>Student's <c>FeelYourElbo.Posterior</c>.</summary>
    public static (double slope, double variance) ElboPosterior(double theta, double sigma2) => Call(() => Course.ElboStudy.FeelYourElbo.Posterior(theta, sigma2));

    /// <summary>Student's <c>MnistVae.InterpolateMu</c>.</summary>
    public static Tensor InterpolateMu(Tensor muA, Tensor muB, double alpha) => Call(() => MnistVae.InterpolateMu(muA, muB, alpha));

    // CS/DS 552 HW2, problem 1: the faces (V)AE.
    /// <summary>Student's <c>FaceAutoencoder</c> constructor (576 pixels, the assignment's 24x24 faces).</summary>
    public static StudentModule NewFaceAutoencoder(bool variational, int latent, int hidden) => New(() => new FaceAutoencoder(variational, latent, hidden, 576));

    /// <summary>Student's <c>FaceAutoencoder.Encode</c>.</summary>
    public static (Tensor mu, Tensor logvar) FaceEncode(StudentModule model, Tensor x) => Call(() => model.As<FaceAutoencoder>().Encode(x));

    /// <summary>Student's <c>FaceAutoencoder.Decode</c>.</summary>
    public static Tensor FaceDecode(StudentModule model, Tensor z) => Call(() => model.As<FaceAutoencoder>().Decode(z));

    /// <summary>Student's <c>FaceAutoencoder.Latent</c>.</summary>
    public static Tensor FaceLatent(StudentModule model, Tensor mu, Tensor logvar, Generator? generator) => Call(() => model.As<FaceAutoencoder>().Latent(mu, logvar, generator));

    /// <summary>Trains the student's model with the course's loop; the loss per face of each epoch and the held-out reconstruction MSE.</summary>
    public static (double[] epochs, double heldOutMse) FaceTrain(StudentModule model, Tensor train, Tensor test, int epochs, int batchSize, double learningRate, double beta, Generator generator) =>
        Call(() => Training.Faces(model.As<FaceAutoencoder>(), train, test, epochs, batchSize, learningRate, beta, generator));

    /// <summary>Student's <c>FaceLoss.Loss</c>.</summary>
    public static Tensor FaceLossValue(Tensor reconX, Tensor x, Tensor mu, Tensor logvar, double beta) => Call(() => FaceLoss.Loss(reconX, x, mu, logvar, beta));

    /// <summary>Student's <c>FaceLoss.Interpolate</c>.</summary>
    public static Tensor FaceInterpolate(Tensor from, Tensor to, int count) => Call(() => FaceLoss.Interpolate(from, to, count));

    /// <summary>Trains the student's MnistVae with Adam on -Elbo (the course's loop); the mean ELBO of each epoch and the held-out ELBO (mean of 10 one-sample estimates).</summary>
    public static (double[] epochs, double heldOut) MnistVaeTrain(StudentModule vae, Tensor train, Tensor test, int epochs, int batchSize, double learningRate, Generator generator) =>
        Call(() => Training.MnistVae(vae.As<MnistVae>(), train, test, epochs, batchSize, learningRate, generator));
}
