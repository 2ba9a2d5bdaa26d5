using GenAI.Course.Autoregressive;
using GenAI.Course.ConditionalVae;
using GenAI.Course.Gan;
using GenAI.Course.Rbm;
using GenAI.Course.Runtime;
using GenAI.Course.Elbo;
using GenAI.Course.ElboStudy;
using GenAI.Course.Faces;
using GenAI.Course.Gmm;
using GenAI.Course.Graphs;
using GenAI.Course.LinearGaussian;
using GenAI.Course.Ppca;
using GenAI.Course.ScoreMatching;
using GenAI.Course.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker;

/// <summary>Student code failed: the message says which function and how, for the student to read.</summary>
public sealed class StudentFailure(string message) : Exception(message);

/// <summary>
/// Every operation the checks can ask of a submission, by name, on plain values: the one place
/// that calls student code. The judge runs them in its own process when students test locally,
/// and in the worker process when grading. Student objects (modules) stay here, behind handles.
/// </summary>
public static class Operations
{
    static readonly Dictionary<int, object> Handles = new();

    /// <summary>
    /// Whether releasing a student object also runs a full collection (set by the worker process, whose
    /// memory is capped; in the checks' own process collections are left to the runtime).
    /// </summary>
    public static bool CollectOnRelease { get; set; }
    static int nextHandle;

    /// <summary>
    /// Sets libtorch's intra-op thread count from GENAI_THREADS when it is a positive number (the audit grades
    /// with 1 and 2 threads); otherwise libtorch keeps its default, one thread per core.
    /// </summary>
    public static void ApplyThreadSetting()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("GENAI_THREADS"), out int threads) && threads > 0) set_num_threads(threads);
    }

    /// <summary>
    /// Convolutions on ATen's kernels, not oneDNN's, whatever the submission's own Runtime/ does: the worker's copy of
    /// GenAI.Course.Runtime.CpuKernels (oneDNN gave NaN generator gradients with two threads on an AVX-512 machine).
    /// </summary>
    public static void UseAtenConvolutions()
    {
        if (OperatingSystem.IsWindows()) return;
        get_num_threads();
        try { SetUserEnabledMkldnn(GlobalContext(), false); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [System.Runtime.InteropServices.DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [System.Runtime.InteropServices.DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    static extern void SetUserEnabledMkldnn(IntPtr context, [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.U1)] bool enabled);

    /// <summary>Runs <paramref name="op"/>; student exceptions become <see cref="StudentFailure"/>.</summary>
    /// <exception cref="InvalidDataException">Unknown operation or malformed arguments (a harness bug, not the student's).</exception>
    public static Value[] Invoke(string op, Value[] a) => op switch
    {
        "LogPdfDiagonalGaussian" => Run(op, () => T(Distributions.LogPdfDiagonalGaussian(a[0].AsTensor, a[1].AsTensor, a[2].AsTensor))),
        "LogPdfBernoulli" => Run(op, () => T(Distributions.LogPdfBernoulli(a[0].AsTensor, a[1].AsTensor))),
        "SampleDiagonalGaussian" => Run(op, () => T(Distributions.SampleDiagonalGaussian(a[0].AsTensor, a[1].AsTensor, Generator(a[2])))),
        "SampleBernoulli" => Run(op, () => T(Distributions.SampleBernoulli(a[0].AsTensor, Generator(a[1])))),
        "NewEncoder" => Run("Encoder constructor", () => H(new Encoder(a[0].AsInt, a[1].AsInt, a[2].AsInt))),
        "NewDecoder" => Run("Decoder constructor", () => H(new Decoder(a[0].AsInt, a[1].AsInt, a[2].AsInt))),
        "NewMnistVae" => Run("MnistVae constructor", () => H(new MnistVae(a[0].AsInt, a[1].AsInt, a[2].AsInt))),
        "NewMlpVae" => Run("MlpVae constructor", () => H(new MlpVae(a[0].AsInt, a[1].AsInt, a[2].AsInt))),
        "Module.Parameters" => Run("parameters()", () => Module(a[0]).named_parameters().SelectMany(p => new Value[] { new TextValue(p.name), new TensorValue(p.parameter.detach()) }).ToArray()),
        "Module.Load" => Run("copying parameters", () => Load(Module(a[0]), a)),
        "Module.ToFloat64" => Run("module.to(float64)", () => { Module(a[0]).to(float64); return Array.Empty<Value>(); }),
        "Module.Release" => Release(a[0]),
        "Encoder.Forward" => Run("Encoder.forward", () => { var (mu, v) = Get<nn.Module<Tensor, (Tensor, Tensor)>>(a[0]).forward(a[1].AsTensor); return T(mu, v); }),
        "Decoder.Forward" => Run("Decoder.forward", () => T(Get<nn.Module<Tensor, Tensor>>(a[0]).forward(a[1].AsTensor))),
        "Elbo.FixedEncoderLogisticDecoder" => Run("MnistVae.Elbo", () =>
            T(new MnistVae(new FixedEncoder(a[0].AsTensor, a[1].AsTensor), new LogisticDecoder(a[2].AsTensor, a[3].AsTensor)).Elbo(a[4].AsTensor, Generator(a[5])))),
        "NegativeLogLikelihood" => Run(op, () => T(GaussianElbo.NegativeLogLikelihood(a[0].AsTensor, a[1].AsTensor))),
        "KlDiagNormal" => Run(op, () => T(GaussianElbo.KlDiagNormal(a[0].AsTensor, a[1].AsTensor))),
        "ElboLoss" => Run(op, () => T(GaussianElbo.ElboLoss(a[0].AsTensor, a[1].AsTensor, a[2].AsTensor, a[3].AsTensor))),
        "Reparameterize" => Run("MlpVae.Reparameterize", () => T(MlpVae.Reparameterize(a[0].AsTensor, a[1].AsTensor, Generator(a[2])))),
        "NewConvVae" => Run("ConvVae constructor", () => H(new ConvVae(a[0].AsInt))),
        "GaussianVae.Encode" => Run(Kind(a[0]) + ".Encode", () => { var (mu, lv) = Get<IGaussianVae>(a[0]).Encode(a[1].AsTensor); return T(mu, lv); }),
        "GaussianVae.Decode" => Run(Kind(a[0]) + ".Decode", () => T(Get<IGaussianVae>(a[0]).Decode(a[1].AsTensor))),
        "GaussianVae.Forward" => Run(Kind(a[0]) + ".forward", () => { var (r, mu, lv) = Get<nn.Module<Tensor, (Tensor, Tensor, Tensor)>>(a[0]).forward(a[1].AsTensor); return T(r, mu, lv); }),
        "GaussianVae.ParameterGradients" => Run(Kind(a[0]) + " (backward through Encode, Reparameterize, Decode)", () => ParameterGradients(Get<IGaussianVae>(a[0]), Module(a[0]), a[1].AsTensor, Generator(a[2]))),
        "Adam" => Run("optim.Adam over the module's parameters", () => H(new ScopedAdam(Module(a[0]).parameters(), a[1].AsNumber))),
        "Module.Eval" => Run("module.eval()", () => { Module(a[0]).eval(); return Array.Empty<Value>(); }),
        "GaussianVae.TrainEpoch" => Run("training (train.py: Encode, Reparameterize, Decode, ElboLoss, backward)", () =>
        {
            var optimizer = Get<optim.Optimizer>(a[1]);
            var generator = Generator(a[4]);
            var losses = Get<object>(a[0]) switch
            {
                ConvVae conv => VaeTraining.TrainEpoch(conv, optimizer, a[2].AsTensor, a[3].AsInt, generator),
                MlpVae mlp => VaeTraining.TrainEpoch(mlp, optimizer, a[2].AsTensor, a[3].AsInt, generator),
                var other => throw new InvalidDataException($"{other.GetType().Name} is not a VAE of CS 4331 HW2"),
            };
            return new Value[] { new NumbersValue(losses) };
        }),
        "LatentTraversal" => Run("LatentViews.LatentTraversal", () =>
            T(LatentViews.LatentTraversal(new AffineDecoderVae(a[0].AsInt, a[1].AsNumber, a[2].AsNumber), a[3].AsTensor, a[4].AsNumber, a[5].AsNumber, a[6].AsInt))),
        "SampleFromPrior" => Run("LatentViews.SampleFromPrior", () =>
            T(LatentViews.SampleFromPrior(new AffineDecoderVae(a[0].AsInt, a[1].AsNumber, a[2].AsNumber), a[3].AsInt, CPU, Generator(a[4])))),
        "GeometricNoiseLevels" => Run(op, () => new Value[] { new NumbersValue(ScoreMatching.GeometricNoiseLevels(a[0].AsNumber, a[1].AsNumber, a[2].AsInt)) }),
        "DenoisingLoss" => Run(op, () =>
        {
            var score = AffineScore.FromValues(a, 0);
            var loss = ScoreMatching.DenoisingLoss(score.Evaluate, a[5].AsTensor, a[6].AsNumbers, Generator(a[7]));
            return T(loss).Concat(score.Recording()).ToArray();
        }),
        "AnnealedLangevinDynamics" => Run(op, () =>
        {
            var score = AffineScore.FromValues(a, 0);
            var x0 = a[5].AsTensor;
            var x = ScoreMatching.AnnealedLangevinDynamics(score.Evaluate, x0, a[6].AsNumbers, a[7].AsNumber, a[8].AsInt, Generator(a[9]));
            return T(x, x0).Concat(score.Recording()).ToArray();
        }),
        "SampleImages" => Run("CptSampler.SampleImages", () => T(CptSampler.SampleImages(a.Skip(1).Select(v => v.AsTensor).ToList(), a[0].AsTensor))),
        "NewPixelLstm" => Run("PixelLstm constructor", () => H(new PixelLstm(a[0].AsInt, a[1].AsInt))),
        "PixelLstm.Forward" => Run("PixelLstm.forward", () => T(Get<PixelLstm>(a[0]).forward(a[1].AsTensor))),
        "PixelLstm.Sample" => Run(op, () => T(Get<PixelLstm>(a[0]).Sample(a[1].AsInt, a[2].AsInt, Generator(a[3])))),
        "PixelLstm.Fit" => Run(op, () => new Value[] { new NumbersValue(Get<PixelLstm>(a[0]).Fit(a[1].AsTensor, a[2].AsInt, a[3].AsNumber) ?? throw new StudentFailure("PixelLstm.Fit returned null.")) }),
        "ConditionalLogLikelihood" => Run("PixelLstm.ConditionalLogLikelihood", () => T(PixelLstm.ConditionalLogLikelihood(a[0].AsTensor, a[1].AsTensor))),
        "PpcaFit" => Run("Ppca.Fit", () => Model(Ppca.Fit(a[0].AsTensor, a[1].AsInt), "Ppca.Fit")),
        "PosteriorMean" => Run("Ppca.PosteriorMean", () => T(Ppca.PosteriorMean(Model(a), a[3].AsTensor))),
        "PosteriorCovariance" => Run("Ppca.PosteriorCovariance", () => T(Ppca.PosteriorCovariance(Model(a)))),
        "ExpectedImage" => Run("Ppca.ExpectedImage", () => T(Ppca.ExpectedImage(Model(a), a[3].AsTensor))),
        "PpcaGenerate" => Run("Ppca.Generate", () => T(Ppca.Generate(Model(a), a[3].AsInt, Generator(a[4])))),
        "PpcaSample" => Run("Ppca.Sample", () => T(Ppca.Sample(Model(a), a[3].AsInt, Generator(a[4])))),
        "LatentPerturbations" => Run("Ppca.LatentPerturbations", () =>
            T(Ppca.LatentPerturbations(Model(a), a[3].AsTensor, a[4].AsNumbers.Select(d => (int)d).ToArray(), a[5].AsNumbers))),
        "PpcaLogLikelihood" => Run("Ppca.LogLikelihood", () => new Value[] { new NumberValue(Ppca.LogLikelihood(Model(a), a[3].AsTensor)) }),
        "EdgeLogLikelihood" => Run("EdgeModel.LogLikelihood", () => new Value[] { new NumberValue(EdgeModel.LogLikelihood(a[0].AsTensor, a[1].AsTensor, a[2].AsNumber, a[3].AsNumber)) }),
        "EdgeGradient" => Run("EdgeModel.Gradient", () =>
        {
            var (dA, dB) = EdgeModel.Gradient(a[0].AsTensor, a[1].AsTensor, a[2].AsNumber, a[3].AsNumber);
            return new Value[] { new NumbersValue([dA, dB]) };
        }),
        "EdgeGradientAscent" => Run("EdgeModel.GradientAscent", () =>
        {
            var fit = EdgeModel.GradientAscent(a[0].AsTensor, a[1].AsTensor, a[2].AsNumber, a[3].AsNumber, a[4].AsNumber, a[5].AsInt)
                ?? throw new StudentFailure("EdgeModel.GradientAscent returned null.");
            return new Value[] { new NumbersValue([fit.A, fit.B]), new NumbersValue(fit.LogLikelihoods ?? throw new StudentFailure("EdgeModel.GradientAscent returned no LogLikelihoods.")) };
        }),
        "SampleEdges" => Run("EdgeModel.SampleEdges", () => T(EdgeModel.SampleEdges(a[0].AsTensor, a[1].AsNumber, a[2].AsNumber, Generator(a[3])))),
        "LinearGaussianFit" => Run("LinearGaussian.Fit", () =>
        {
            var fit = LinearGaussian.Fit(a[0].AsTensor, a[1].AsTensor) ?? throw new StudentFailure("LinearGaussian.Fit returned null.");
            return new Value[] { new TensorValue(fit.W), new NumberValue(fit.Sigma2) };
        }),
        "MixtureLogDensity" => Run("MixtureEntropy.LogDensity", () => T(MixtureEntropy.LogDensity(Mixture(a), a[3].AsTensor))),
        "MixtureSample" => Run("MixtureEntropy.Sample", () => { var (x, labels) = MixtureEntropy.Sample(Mixture(a), a[3].AsInt, Generator(a[4])); return T(x, labels); }),
        "MixtureEntropyEstimate" => Run("MixtureEntropy.EntropyEstimate", () => { var (h, se) = MixtureEntropy.EntropyEstimate(Mixture(a), a[3].AsTensor); return new Value[] { new NumbersValue([h, se]) }; }),
        "MixtureEstimateEntropy" => Run("MixtureEntropy.EstimateEntropy", () => { var (h, se) = MixtureEntropy.EstimateEntropy(Mixture(a), a[3].AsInt, Generator(a[4])); return new Value[] { new NumbersValue([h, se]) }; }),
        "GaussianEntropy" => Run("MixtureEntropy.GaussianEntropy", () => new Value[] { new NumberValue(MixtureEntropy.GaussianEntropy(a[0].AsTensor)) }),
        "NewRbm" => Run("GaussianBernoulliRbm constructor", () => H(new GaussianBernoulliRbm(a[0].AsInt, a[1].AsInt, a[2].AsTensor))),
        "Rbm.HiddenProbability" => Run("GaussianBernoulliRbm.HiddenProbability", () => T(Get<GaussianBernoulliRbm>(a[0]).HiddenProbability(a[1].AsTensor))),
        "Rbm.VisibleMean" => Run("GaussianBernoulliRbm.VisibleMean", () => T(Get<GaussianBernoulliRbm>(a[0]).VisibleMean(a[1].AsTensor))),
        "Rbm.FreeEnergy" => Run("GaussianBernoulliRbm.FreeEnergy", () => T(Get<GaussianBernoulliRbm>(a[0]).FreeEnergy(a[1].AsTensor))),
        "Rbm.FreeEnergyGradients" => Run("GaussianBernoulliRbm.FreeEnergy (backward)", () =>
        {
            var rbm = Get<GaussianBernoulliRbm>(a[0]);
            rbm.zero_grad();
            rbm.FreeEnergy(a[1].AsTensor).sum().backward();
            return Gradients(rbm);
        }),
        "Rbm.Gibbs" => Run("GaussianBernoulliRbm.Gibbs", () => T(Get<GaussianBernoulliRbm>(a[0]).Gibbs(a[1].AsTensor, a[2].AsInt, Generator(a[3])))),
        "Rbm.ContrastiveDivergence" => Run("GaussianBernoulliRbm.ContrastiveDivergenceLoss", () =>
        {
            var rbm = Get<GaussianBernoulliRbm>(a[0]);
            rbm.zero_grad();
            var loss = rbm.ContrastiveDivergenceLoss(a[1].AsTensor, a[2].AsInt, Generator(a[3]));
            loss.backward();
            return T(loss.detach()).Concat(Gradients(rbm)).ToArray();
        }),
        "NewDiscriminator" => Run("Discriminator constructor", () => H(new Discriminator())),
        "Discriminator.Forward" => Run("Discriminator.forward", () => T(Get<Discriminator>(a[0]).forward(a[1].AsTensor))),
        "Discriminator.Features" => Run("Discriminator.Features", () => T(Get<Discriminator>(a[0]).Features(a[1].AsTensor))),
        "NewImageGenerator" => Run("ImageGenerator constructor", () => H(new ImageGenerator())),
        "ImageGenerator.Forward" => Run("ImageGenerator.forward", () => T(Get<ImageGenerator>(a[0]).forward(a[1].AsTensor))),
        "GanLoss.Discriminator" => Run(op, () => T(GanLoss.Discriminator(a[0].AsTensor, a[1].AsTensor))),
        "GanLoss.Generator" => Run(op, () => T(GanLoss.Generator(a[0].AsTensor))),
        "NewDcgan" => Run("Dcgan constructor", () => H(new Dcgan(a[0].AsNumber))),
        "Dcgan.Latent" => Run(op, () => T(Get<Dcgan>(a[0]).Latent(a[1].AsInt, Generator(a[2])))),
        "Dcgan.Sample" => Run(op, () => T(Get<Dcgan>(a[0]).Sample(a[1].AsInt, Generator(a[2])))),
        "Dcgan.DiscriminatorStep" => Run(op, () => new Value[] { new NumberValue(Get<Dcgan>(a[0]).DiscriminatorStep(a[1].AsTensor, a[2].AsTensor)) }),
        "Dcgan.GeneratorStep" => Run(op, () => new Value[] { new NumberValue(Get<Dcgan>(a[0]).GeneratorStep(a[1].AsTensor)) }),
        "Dcgan.Objective" => Run("Dcgan (D and G forward)", () => new Value[] { new NumberValue(MinMaxObjective(Get<Dcgan>(a[0]), a[1].AsTensor, a[2].AsTensor, Generator(a[3]))) }),
        "Dcgan.Fingerprints" => Run("Dcgan parameters", () =>
        {
            var gan = Get<Dcgan>(a[0]);
            return new Value[] { new NumbersValue(Fingerprint(gan.D)), new NumbersValue(Fingerprint(gan.G)) };
        }),
        "LinearProbe.Fit" => Run(op, () =>
        {
            var layer = LinearProbe.Fit(a[0].AsTensor, a[1].AsTensor, a[2].AsInt, a[3].AsInt, a[4].AsNumber) ?? throw new StudentFailure("LinearProbe.Fit returned null.");
            return T(layer.weight!.detach(), layer.bias!.detach());
        }),
        "LinearProbe.Accuracy" => Run(op, () =>
        {
            using var layer = nn.Linear(a[0].AsTensor.shape[1], a[0].AsTensor.shape[0], dtype: a[0].AsTensor.dtype);
            using (no_grad()) { layer.weight!.copy_(a[0].AsTensor); layer.bias!.copy_(a[1].AsTensor); }
            return new Value[] { new NumberValue(LinearProbe.Accuracy(layer, a[2].AsTensor, a[3].AsTensor)) };
        }),
        "NewFashionVae" => Run("FashionVae constructor", () => H(new FashionVae(a[0].AsInt, a[1].AsInt, a[2].AsInt))),
        "NewConditionalFashionVae" => Run("ConditionalFashionVae constructor", () => H(new ConditionalFashionVae(a[0].AsInt, a[1].AsInt, a[2].AsInt, a[3].AsInt))),
        "FashionVae.Encode" => Run("Encode", () => { var (mu, lv) = Get<IFashionVae>(a[0]).Encode(a[1].AsTensor, a[2].AsTensor); return T(mu, lv); }),
        "FashionVae.Decode" => Run("Decode", () => T(Get<IFashionVae>(a[0]).Decode(a[1].AsTensor, a[2].AsTensor))),
        "FashionVae.Train" => Run("training (Forward, FashionVaeLoss.Loss, backward)", () =>
        {
            var model = Get<IFashionVae>(a[0]);
            var optimizer = new ScopedAdam(((nn.Module)model).parameters(), a[7].AsNumber);
            var generator = Generator(a[8]);
            var losses = Enumerable.Range(0, a[5].AsInt).Select(_ => FashionVaeTraining.TrainEpoch(model, optimizer, a[1].AsTensor, a[2].AsTensor, a[6].AsInt, generator)).ToArray();
            return new Value[] { new NumbersValue(losses), new NumberValue(FashionVaeTraining.Evaluate(model, a[3].AsTensor, a[4].AsTensor, generator)) };
        }),
        "FashionVaeLoss" => Run("FashionVaeLoss.Loss", () => T(FashionVaeLoss.Loss(a[0].AsTensor, a[1].AsTensor, a[2].AsTensor, a[3].AsTensor))),
        "OneHot" => Run("FashionVaeLoss.OneHot", () => T(FashionVaeLoss.OneHot(a[0].AsTensor, a[1].AsInt, a[2].AsTensor.dtype))),
        "FashionReparameterize" => Run("FashionVaeLoss.Reparameterize", () => T(FashionVaeLoss.Reparameterize(a[0].AsTensor, a[1].AsTensor, Generator(a[2])))),
        "LogLikelihoodByQuadrature" => Run("FeelYourElbo.LogLikelihoodByQuadrature", () => new Value[] { new NumberValue(FeelYourElbo.LogLikelihoodByQuadrature(a[0].AsTensor, a[1].AsNumber, a[2].AsNumber)) }),
        "FeelYourElbo" => Run("FeelYourElbo.Elbo", () => new Value[] { new NumberValue(FeelYourElbo.Elbo(a[0].AsTensor, a[1].AsNumber, a[2].AsNumber, a[3].AsNumber, a[4].AsNumber)) }),
        "ElboPosterior" => Run("FeelYourElbo.Posterior", () => { var (s, v) = FeelYourElbo.Posterior(a[0].AsNumber, a[1].AsNumber); return new Value[] { new NumbersValue([s, v]) }; }),
        "InterpolateMu" => Run("MnistVae.InterpolateMu", () => T(MnistVae.InterpolateMu(a[0].AsTensor, a[1].AsTensor, a[2].AsNumber))),
        "NewFaceAutoencoder" => Run("FaceAutoencoder constructor", () => H(new FaceAutoencoder(a[0].AsNumber != 0, a[1].AsInt, a[2].AsInt))),
        "FaceAe.Encode" => Run("FaceAutoencoder.Encode", () => { var (mu, lv) = Get<FaceAutoencoder>(a[0]).Encode(a[1].AsTensor); return T(mu, lv); }),
        "FaceAe.Decode" => Run("FaceAutoencoder.Decode", () => T(Get<FaceAutoencoder>(a[0]).Decode(a[1].AsTensor))),
        "FaceAe.Latent" => Run("FaceAutoencoder.Latent", () => T(Get<FaceAutoencoder>(a[0]).Latent(a[1].AsTensor, a[2].AsTensor, Generator(a[3])))),
        "FaceAe.Train" => Run("training (Encode, Latent, Decode, FaceLoss.Loss, backward)", () =>
        {
            var model = Get<FaceAutoencoder>(a[0]);
            var optimizer = new ScopedAdam(model.parameters(), a[5].AsNumber);
            var generator = Generator(a[7]);
            var losses = Enumerable.Range(0, a[3].AsInt).Select(_ => FaceLoss.TrainEpoch(model, optimizer, a[1].AsTensor, a[4].AsInt, a[6].AsNumber, generator)).ToArray();
            return new Value[] { new NumbersValue(losses), new NumberValue(FaceLoss.ReconstructionError(model, a[2].AsTensor)) };
        }),
        "FaceLoss" => Run("FaceLoss.Loss", () => T(FaceLoss.Loss(a[0].AsTensor, a[1].AsTensor, a[2].AsTensor, a[3].AsTensor, a[4].AsNumber))),
        "FaceInterpolate" => Run("FaceLoss.Interpolate", () => T(FaceLoss.Interpolate(a[0].AsTensor, a[1].AsTensor, a[2].AsInt))),
        "MnistVae.Train" => Run("training (MnistVae.Elbo, backward)", () =>
        {
            var vae = Get<MnistVae>(a[0]);
            var optimizer = new ScopedAdam(vae.parameters(), a[5].AsNumber);
            var generator = Generator(a[6]);
            var epochs = Enumerable.Range(0, a[3].AsInt).Select(_ => vae.TrainEpoch(a[1].AsTensor, optimizer, a[4].AsInt, generator)).ToArray();
            using var noGrad = no_grad();
            var heldOut = Enumerable.Range(0, 10).Average(_ => vae.Elbo(a[2].AsTensor, generator).ToDouble());
            return new Value[] { new NumbersValue(epochs), new NumberValue(heldOut) };
        }),
        "Runtime.Seed" => Run("seeding the global generator", () => { manual_seed((long)a[0].AsNumber); return Array.Empty<Value>(); }),
        _ => throw new InvalidDataException($"unknown operation '{op}'"),
    };

    static Value[] Run(string function, Func<Value[]> body)
    {
        try
        {
            var results = body();
            foreach (var r in results)
                if (r is TensorValue { Tensor: null }) throw new StudentFailure($"{function} returned null.");
            return results;
        }
        catch (StudentFailure) { throw; }
        catch (InvalidDataException) { throw; }
        catch (NotImplementedException e) { throw new StudentFailure($"{function} is not implemented yet: {e.Message}"); }
        catch (Exception e) { throw new StudentFailure($"{function} threw {e.GetType().Name}: {FirstLines(e.Message)}"); }
    }

    /// <summary>libtorch errors carry a C++ stack trace after the message: keep what a student can use.</summary>
    static string FirstLines(string message)
    {
        int cut = message.IndexOf("\nException raised from", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        var lines = message.Split('\n');
        return lines.Length <= 4 ? message.Trim() : string.Join("\n", lines.Take(4)).Trim() + " ...";
    }

    /// <summary>A Gaussian mixture from its three leading arguments (weights, means, covariances).</summary>
    static GaussianMixture Mixture(Value[] a) => new(a[0].AsTensor, a[1].AsTensor, a[2].AsTensor);

    /// <summary>A p-PCA model from its three leading arguments (W, Mu, Sigma2).</summary>
    static PpcaModel Model(Value[] a) => new(a[0].AsTensor, a[1].AsTensor, a[2].AsNumber);

    static Value[] Model(PpcaModel? model, string function) => model is null
        ? throw new StudentFailure($"{function} returned null.")
        : new Value[] { new TensorValue(model.W), new TensorValue(model.Mu), new NumberValue(model.Sigma2) };

    static Value[] T(params Tensor[] tensors) => tensors.Select(t => (Value)new TensorValue(t)).ToArray();

    static Value[] H(object module)
    {
        int id = Interlocked.Increment(ref nextHandle);
        lock (Handles) Handles[id] = module;
        return new Value[] { new HandleValue(id) };
    }

    static T Get<T>(Value handle) where T : class
    {
        object? o;
        lock (Handles) Handles.TryGetValue(handle.AsHandle, out o);
        if (o is null) throw new InvalidDataException($"no student object with handle {handle.AsHandle} (was the worker restarted?)");
        return o as T ?? throw new InvalidDataException($"handle {handle.AsHandle} is a {o.GetType().Name}, not a {typeof(T).Name}");
    }

    static nn.Module Module(Value handle) => Get<nn.Module>(handle);

    /// <summary>
    /// Forgets a student object and disposes it (errors in student Dispose code are ignored: the check
    /// is over); in the worker it then collects, so optimizer states and tensors that escaped dispose scopes go too.
    /// </summary>
    static Value[] Release(Value handle)
    {
        object? o;
        lock (Handles) { Handles.Remove(handle.AsHandle, out o); }
        try { (o as IDisposable)?.Dispose(); }
        catch (Exception) { }
        if (CollectOnRelease)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return Array.Empty<Value>();
    }

    static Value[] Load(nn.Module module, Value[] a)
    {
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGrad = no_grad();
        for (int i = 1; i + 1 < a.Length; i += 2)
        {
            string name = a[i].AsText;
            if (!parameters.TryGetValue(name, out var p)) throw new StudentFailure($"the module has no parameter named {name}.");
            p.copy_(a[i + 1].AsTensor.to(p.dtype));
        }
        return Array.Empty<Value>();
    }

    /// <summary>The class name of a student object, for messages.</summary>
    static string Kind(Value handle) => Get<object>(handle).GetType().Name;

    static Value[] ParameterGradients(IGaussianVae vae, nn.Module module, Tensor x, Generator? generator)
    {
        var (mu, logvar) = vae.Encode(x);
        var recon = vae.Decode(MlpVae.Reparameterize(mu, logvar, generator));
        ((recon - x).square().sum() + mu.square().sum() + logvar.exp().sum()).backward();
        return module.named_parameters().SelectMany(p => new Value[]
        {
            new TextValue(p.name),
            new NumberValue(p.parameter.grad is null ? 0 : p.parameter.grad.abs().sum().item<float>()),
        }).ToArray();
    }

    /// <summary>Each parameter's name and gradient (zeros where none reached it).</summary>
    static Value[] Gradients(nn.Module module) => module.named_parameters().SelectMany(p => new Value[]
    {
        new TextValue(p.name),
        new TensorValue(p.parameter.grad is { } g ? g.detach().clone() : zeros_like(p.parameter)),
    }).ToArray();

    /// <summary>(sum, sum of squares, sum of |.|) of every parameter, in float64: changes when any parameter does.</summary>
    static double[] Fingerprint(nn.Module module)
    {
        using var noGrad = no_grad();
        double s = 0, s2 = 0, s1 = 0;
        foreach (var p in module.parameters())
        {
            var d = p.detach().to(float64);
            s += d.sum().ToDouble(); s2 += d.square().sum().ToDouble(); s1 += d.abs().sum().ToDouble();
        }
        return [s, s2, s1];
    }

    /// <summary>
    /// l = mean log D(x) + mean log(1 - D(G(z))) with the student's networks in training mode (batch
    /// statistics), without gradient; <paramref name="seeded"/> reseeded the global generator, so dropout masks repeat.
    /// Computed in float64 with probabilities kept in [1e-300, 1 - 1e-16], so a saturated D gives a finite l whose moves still show.
    /// </summary>
    static double MinMaxObjective(Dcgan gan, Tensor real, Tensor z, Generator? seeded)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        gan.train();
        var fake = gan.D.forward(gan.G.forward(z)).to(float64);
        var onReal = gan.D.forward(real).to(float64);
        return (onReal.clamp_min(1e-300).log().mean() + (1 - fake).clamp_min(1e-16).log().mean()).ToDouble();
    }

    /// <summary>A generator from a seed value (and the global generator reseeded with it, for code that ignores the argument); null stays null.</summary>
    static Generator? Generator(Value seed)
    {
        if (seed is NullValue) return null;
        long s = (long)seed.AsNumber;
        manual_seed(s);
        return new Generator((ulong)s);
    }

    /// <summary>
    /// Vector-Jacobian product of an operation: re-runs it with the flagged tensor arguments
    /// requiring gradients and returns d(sum_k cotangent_k . output_k) / d(argument) for each of
    /// them (zeros where an argument does not reach the outputs).
    /// </summary>
    public static Value[] VectorJacobianProduct(string op, Value[] args, bool[] differentiate, Value[] cotangents)
    {
        var inputs = new List<Tensor>();
        var prepared = args.Select((v, i) =>
        {
            if (!differentiate[i]) return v;
            var t = v.AsTensor.detach().clone().requires_grad_(true);
            inputs.Add(t);
            return new TensorValue(t);
        }).ToArray();
        using var enableGrad = enable_grad();
        var outputs = Invoke(op, prepared).OfType<TensorValue>().Select(t => t.Tensor).ToList();
        var pairs = outputs.Zip(cotangents.Select(c => c.AsTensor)).Where(p => p.First.requires_grad).ToList();
        if (pairs.Count == 0) return inputs.Select(t => (Value)new TensorValue(zeros_like(t))).ToArray();
        var grads = autograd.grad(pairs.Select(p => p.First).ToList(), inputs, pairs.Select(p => p.Second.to(p.First.dtype)).ToList(), allow_unused: true);
        return grads.Select((g, i) => (Value)new TensorValue(g is null || g.IsInvalid ? zeros_like(inputs[i]) : g)).ToArray();
    }
}
