using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using GenAI.Course.Formats;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Gan;

/// <summary>
/// ECE 685D HW5, problem 1.1: the DCGAN's shapes, its min-max losses (values and gradients against
/// the closed form), the direction of each training step, and the sampler.
/// </summary>
public sealed class DcganChecks : CheckBase
{
    const string LossHint = "l = E_x[log D(x)] + E_z[log(1 - D(G(z)))]: D's loss is -l (real images labelled 1, generated ones 0), G's loss is the second term, which G minimises.";

    /// <summary>16 fixture digits scaled to [-1, 1], [16, 1, 28, 28].</summary>
    internal static Tensor RealDigits(int count = 16)
    {
        var (images, _) = Idx.LoadSplit(Path.Combine(AppContext.BaseDirectory, "fixtures", "course-data", "digits-idx"), "train", count);
        return images * 2 - 1;
    }

    /// <summary>Features are [B, 512, 4, 4] and D(x) one probability per image, the sigmoid of the linear head's output.</summary>
    [Test]
    public void DiscriminatorHasTheAssignmentsShapes()
    {
        var c = new Case("Discriminator", "a batch of 5 images [5, 1, 28, 28]",
            "28x28x1 -> 14x14x64 -> 7x7x128 -> 4x4x256 -> 4x4x512 (Features), then one linear layer and a sigmoid (forward).");
        using var d = Student.NewDiscriminator();
        var x = RealDigits(5);
        Numeric.AssertShape(Student.DiscriminatorFeatures(d, x), [5, 512, 4, 4], c with { Function = "Discriminator.Features" });
        var p = Student.DiscriminatorForward(d, x);
        if (p.numel() != 5) Assert.Fail(c.Describe($"forward returned {Numeric.Format(p.shape)}; expected one probability per image, [5]."));
        Numeric.AssertFinite(p, c);
        if (!(p.gt(0).all().ToBoolean() && p.lt(1).all().ToBoolean())) Assert.Fail(c.Describe("D(x) must be a probability in (0, 1): end with a sigmoid."));
        AssertHeadEndsInOneSigmoid(d, x, c);
    }

    /// <summary>
    /// D(x) is sigmoid(head(features)) and nothing else: with the head's weight (the one parameter of 8,192 elements whose first
    /// dimension is 1, a Linear(8192, 1) or a 4x4 convolution to one channel) set to zero, D(x) = sigmoid(b) for every image,
    /// whatever the features are; the check sets the head's bias (the same layer's "bias") to 4 and -4, or, without one,
    /// requires sigmoid(0) = 1/2.
    /// A second sigmoid keeps D(x) in (0.5, 0.73), so D could never call an image fake: sigmoid(sigmoid(4)) = 0.73, not 0.98.
    /// A layout with no such parameter is not judged here (its shapes passed above).
    /// </summary>
    static void AssertHeadEndsInOneSigmoid(StudentModule d, Tensor x, Case c)
    {
        var parameters = Student.Parameters(d);
        var heads = parameters.Where(p => p.value.numel() == 4 * 4 * 512 && p.value.shape[0] == 1).ToList();
        if (heads.Count != 1 || !heads[0].name.EndsWith("weight", StringComparison.Ordinal)) return;
        string biasName = heads[0].name[..^"weight".Length] + "bias";
        var biases = parameters.Where(p => p.name == biasName && p.value.numel() == 1).ToList();
        double[] levels = biases.Count == 1 ? [4, -4] : [0];
        foreach (double level in levels)
        {
            var values = new Dictionary<string, Tensor> { [heads[0].name] = zeros_like(heads[0].value) };
            if (biases.Count == 1) values[biases[0].name] = full_like(biases[0].value, level);
            Student.LoadParameters(d, values);
            double expected = 1 / (1 + Math.Exp(-level));
            var got = Student.DiscriminatorForward(d, x).to(float64);
            double worst = (got - expected).abs().max().ToDouble();
            if (!(worst <= 1e-6))
                Assert.Fail(c.Describe($"with the head's weight set to 0 and its bias to {level:G}, D(x) should be sigmoid({level:G}) = {expected:G6} for every image; got {string.Join(", ", got.flatten().data<double>().ToArray().Select(v => v.ToString("G6")))}: " +
                    "forward must apply exactly one sigmoid to the linear head's output (no second sigmoid, no activation after the head)."));
        }
    }

    /// <summary>
    /// G maps z [B, 100] to [B, 1, 28, 28] with pixels in [-1, 1] on both sides of 0 (the data is scaled to [-1, 1], so G ends
    /// in tanh; a sigmoid never goes below 0), and different z to different images. The assignment leaves G's activations,
    /// dropout and batch norm free, so its images are not compared with the reference's (no snapshot): fixed weights give
    /// other images through LeakyReLU, another batch-norm eps or batch norm after the activation, all of them legal.
    /// </summary>
    [Test]
    public void GeneratorHasTheAssignmentsShapes()
    {
        var c = new Case("ImageGenerator.forward", "z [5, 100]", "100 -> 7x7x256 -> 14x14x128 -> 28x28x64 -> 28x28x32 -> 28x28x1, ending in tanh.");
        using var g = Student.NewImageGenerator();
        var images = Student.ImageGeneratorForward(g, randn([5, 100], generator: Rng(91)));
        Numeric.AssertShape(images, [5, 1, 28, 28], c);
        Numeric.AssertFinite(images, c);
        if (!(images.ge(-1).all().ToBoolean() && images.le(1).all().ToBoolean())) Assert.Fail(c.Describe("pixels must lie in [-1, 1] (tanh), like the scaled data."));
        if (!images.lt(0).any().ToBoolean()) Assert.Fail(c.Describe($"no pixel of 5 fresh images is below 0 (from {images.min().ToDouble():G4} to {images.max().ToDouble():G4}): the data lies in [-1, 1], so end with tanh, not a sigmoid."));
        if ((images[0] - images[1]).abs().max().ToDouble() == 0) Assert.Fail(c.Describe("two different z gave the same image."));
    }

    /// <summary>The largest epsilon a student may add inside (or clamp) a log: log(p + 1e-5), clamp(p, 1e-5, 1 - 1e-5).</summary>
    const double ClampEpsilon = 1e-5;

    /// <summary>What float32 arithmetic may change in a loss of four or six terms of size about 1 (a few ulp of 6e-8 each, with room).</summary>
    const double Float32Allowance = 1e-5;

    /// <summary>
    /// How far an epsilon clamp of up to <see cref="ClampEpsilon"/> can move the mean of log q over
    /// <paramref name="arguments"/> (the q inside the logs): log(q + eps) - log q = log1p(eps / q) at
    /// worst for each term; clamping q to [eps, 1 - eps] moves nothing here (every q lies inside).
    /// </summary>
    static double ClampAllowance(IEnumerable<double> arguments) => arguments.Average(q => double.LogP1(ClampEpsilon / q));

    /// <summary>
    /// Both losses equal the closed form on given probabilities (D's loss: either -l or -l/2, the mean
    /// over the two equal halves), within 1e-9 plus the worst-case effect of an epsilon clamp up to 1e-5.
    /// </summary>
    [Test]
    public void LossesMatchTheMinMaxObjective()
    {
        double[] real = [0.9, 0.6, 0.35, 0.8], fake = [0.2, 0.55, 0.7, 0.1];
        double l1 = real.Average(Math.Log), l2 = fake.Average(f => Math.Log(1 - f));
        double dTolerance = 1e-9 + ClampAllowance(real) + ClampAllowance(fake.Select(f => 1 - f));
        var dCase = new Case("GanLoss.Discriminator", "D(x) = (0.9, 0.6, 0.35, 0.8), D(G(z)) = (0.2, 0.55, 0.7, 0.1)", LossHint);
        // float32 labels (ones(B), the default dtype) cannot meet float64 probabilities: such a loss is judged in float32.
        var (d, dtype) = Student.Float64ElseFloat32(t => Numeric.Scalar(Student.GanDiscriminatorLoss(tensor(real, dtype: t), tensor(fake, dtype: t)), dCase));
        double rounding = dtype == float32 ? Float32Allowance : 0;
        dTolerance += rounding;
        double expected = -(l1 + l2);
        double diff = Math.Min(Math.Abs(d - expected), Math.Abs(d - expected / 2));
        if (!(diff <= dTolerance))
            Assert.Fail(dCase.Describe($"got {d:G12}; expected -(mean log D(x) + mean log(1 - D(G(z)))) = {expected:G12} (or half of it, {expected / 2:G12}): " +
                $"|diff| {diff:G3} > tolerance {dTolerance:G3} (1e-9 plus what an epsilon of up to {ClampEpsilon:G1} inside the logs can change)." +
                (Math.Abs(d + (fake.Average(Math.Log) + real.Average(r => Math.Log(1 - r)))) < 1e-4 ? " The labels look swapped: real images are labelled 1." : "")));
        double gTolerance = 1e-9 + ClampAllowance(fake.Select(f => 1 - f)) + rounding;
        var gCase = new Case("GanLoss.Generator", "D(G(z)) = (0.2, 0.55, 0.7, 0.1)", LossHint);
        double g = Numeric.Scalar(Student.GanGeneratorLoss(tensor(fake, dtype: dtype)), gCase);
        if (!(Math.Abs(g - l2) <= gTolerance))
            Assert.Fail(gCase.Describe($"got {g:G12}; expected mean log(1 - D(G(z))) = {l2:G12}: |diff| {Math.Abs(g - l2):G3} > tolerance {gTolerance:G3} " +
                $"(1e-9 plus what an epsilon of up to {ClampEpsilon:G1} inside the log can change)." +
                (Math.Abs(g + fake.Average(Math.Log)) < 1e-4 ? " This is -mean log D(G(z)), the non-saturating loss; the assignment's generator minimises the min-max term log(1 - D(G(z)))." : "")));
    }

    /// <summary>gradcheck of both losses in their inputs (probabilities in (0.05, 0.95)).</summary>
    [Test]
    public void LossGradientsMatchFiniteDifferences()
    {
        var real = rand([6], dtype: float64, generator: Rng(92)) * 0.9 + 0.05;
        var fake = rand([6], dtype: float64, generator: Rng(93)) * 0.9 + 0.05;
        // A loss with float32 labels gets its probabilities rounded to float32 (differentiably); gradcheck allows for the rounding.
        Student.Float64ElseFloat32(dtype =>
        {
            GradCheck.AssertGradientsMatch(new Case("GanLoss.Discriminator", "gradcheck on 6 + 6 probabilities", LossHint),
                t => Student.GanDiscriminatorLoss(t[0].to(dtype), t[1].to(dtype)), [real, fake], ["real", "fake"]);
            Student.ThrowIfBackwardFailed();
            GradCheck.AssertGradientsMatch(new Case("GanLoss.Generator", "gradcheck on 6 probabilities", LossHint),
                t => Student.GanGeneratorLoss(t[0].to(dtype)), [fake], ["fake"]);
            Student.ThrowIfBackwardFailed();
            return 0;
        });
    }

    /// <summary>
    /// A discriminator step raises the objective l on its batch and leaves G's parameters unchanged;
    /// a generator step lowers l on its z and leaves D's parameters unchanged (lr 1e-4). Decided on three
    /// seeded initialisations: a step that changes the wrong network, or a generator step that returns a positive loss (the
    /// min-max term mean log(1 - D(G(z))) is negative; the non-saturating -mean log D(G(z)) is positive), fails at once; the direction of l
    /// must be right in at least two of the three. A step in the wrong direction is wrong to first order
    /// for every initialisation, while a correct step that meets a rare numerical accident on one machine
    /// (a NaN from a saturated float32 kernel) does not cost the student the item.
    /// </summary>
    [Test, Category(Training)]
    public void StepsAscendForDAndDescendForG()
    {
        var real = RealDigits();
        var z = randn([16, 100], generator: Rng(94));
        var failures = new List<string>();
        foreach (long seed in new long[] { 20261123, 1101, 1102 })
            if (StepDirectionFailure(real, z, seed) is { } failure) failures.Add(failure);
        if (failures.Count >= 2) Assert.Fail(string.Join("\n", failures));
    }

    /// <summary>
    /// Each step starts from its own batch's gradient: D, G, D, G steps (4 real digits, 4 z, lr 1e-4) on a model, as training
    /// runs them, leave the same parameters as on an identical model whose gradients are zeroed before every step, the state a
    /// fresh model starts from. A step that never zeroes its network's gradients, or zeroes the other network's, adds what
    /// earlier steps left: the generator step's backward reaches D's parameters, and G's gradients pile up from one G step to
    /// the next (the single steps of <see cref="StepsAscendForDAndDescendForG"/> start from none and cannot show it).
    /// </summary>
    [Test, Category(Training)]
    public void StepsStartFromZeroGradients()
    {
        var real = RealDigits(4);
        var z = randn([4, 100], generator: Rng(98));
        var c = new Case("Dcgan.DiscriminatorStep / GeneratorStep", "D, G, D, G steps on 4 real digits and 4 z (lr 1e-4), against the same steps with the gradients zeroed before each",
            "zero the step's own optimizer's gradients before backward (optimizer.zero_grad()): a D step must not add what the generator step's backward left in D, nor a G step its previous gradients.");
        Student.Seed(1103);
        using var trained = Student.NewDcgan(1e-4);
        Student.Seed(1103);
        using var zeroed = Student.NewDcgan(1e-4);
        if (Difference(Student.DcganFingerprints(trained), Student.DcganFingerprints(zeroed)) is not null)
        {
            TestContext.Out.WriteLine("Not judged: two Dcgans made after the same global seed start from different parameters.");
            return;
        }
        for (int step = 1; step <= 4; step++)
        {
            foreach (var (gan, zero) in new[] { (trained, false), (zeroed, true) })
            {
                if (zero) Student.DcganZeroGradients(gan);
                Student.Seed(1200 + step);
                if (step % 2 == 1) Student.DcganDiscriminatorStep(gan, real, z);
                else Student.DcganGeneratorStep(gan, z);
            }
            if (Difference(Student.DcganFingerprints(trained), Student.DcganFingerprints(zeroed)) is { } difference)
                Assert.Fail(c.Describe($"after step {step} ({(step % 2 == 1 ? "DiscriminatorStep" : "GeneratorStep")}) {difference} differ from those of the same steps with the gradients zeroed before each: the step used gradients left by an earlier one."));
        }
    }

    /// <summary>Which network's parameters differ between two fingerprints (beyond 1e-9 relative), or null.</summary>
    static string? Difference((double[] d, double[] g) a, (double[] d, double[] g) b)
    {
        static bool Same(double[] x, double[] y) => x.Zip(y).All(p => Math.Abs(p.First - p.Second) <= 1e-9 * Math.Max(Math.Abs(p.First), Math.Abs(p.Second)));
        bool d = Same(a.d, b.d), g = Same(a.g, b.g);
        return d && g ? null : d ? "G's parameters" : g ? "D's parameters" : "D's and G's parameters";
    }

    /// <summary>One initialisation (global seed <paramref name="seed"/>) of <see cref="StepsAscendForDAndDescendForG"/>: null when both steps go the right way, else why not.</summary>
    static string? StepDirectionFailure(Tensor real, Tensor z, long seed)
    {
        var c = new Case("Dcgan.DiscriminatorStep / GeneratorStep", $"16 real digits, 16 z, lr 1e-4, initialisation seed {seed}",
            "D ascends l = mean log D(x) + mean log(1 - D(G(z))) (descends its loss) with G fixed; G descends l with D fixed: each step uses only its own optimizer.");
        Student.Seed(seed);
        using var gan = Student.NewDcgan(1e-4);
        double before = Student.DcganObjective(gan, real, z, Rng(95));
        var (d0, g0) = Student.DcganFingerprints(gan);
        double dLoss = Student.DcganDiscriminatorStep(gan, real, z);
        if (!double.IsFinite(dLoss)) return c.Describe($"DiscriminatorStep returned {dLoss}.");
        double afterD = Student.DcganObjective(gan, real, z, Rng(95));
        var (d1, g1) = Student.DcganFingerprints(gan);
        if (!g0.SequenceEqual(g1)) Assert.Fail(c.Describe("the discriminator step changed G's parameters (detach G(z), step only D's optimizer)."));
        if (d0.SequenceEqual(d1)) Assert.Fail(c.Describe("the discriminator step did not change D's parameters."));
        if (!(afterD > before)) return c.Describe($"the discriminator step moved l from {before:G9} to {afterD:G9}; D must make l larger.");
        double gLoss = Student.DcganGeneratorStep(gan, z);
        if (!double.IsFinite(gLoss)) return c.Describe($"GeneratorStep returned {gLoss}.");
        if (gLoss > 0)
            Assert.Fail(c.Describe($"GeneratorStep returned {gLoss:G6}, but the loss it descends, mean log(1 - D(G(z))) (NonSaturating is false), is negative: " +
                "-mean log D(G(z)), which is positive, is the non-saturating loss, for NonSaturating = true only (or is the loss returned with its sign flipped?)."));
        double afterG = Student.DcganObjective(gan, real, z, Rng(95));
        var (d2, g2) = Student.DcganFingerprints(gan);
        if (!d1.SequenceEqual(d2)) Assert.Fail(c.Describe("the generator step changed D's parameters (step only G's optimizer)."));
        if (g1.SequenceEqual(g2)) Assert.Fail(c.Describe("the generator step did not change G's parameters."));
        if (!(afterG < afterD)) return c.Describe($"the generator step moved l from {afterD:G9} to {afterG:G9}; G must make l smaller (descend, not ascend, the min-max objective).");
        return null;
    }

    /// <summary>
    /// z is standard normal (KS on 400,000 draws) as vectors too: the squared norms of its 4000 rows, chi-square with 100
    /// degrees of freedom, have variance 200 (within 6 standard errors, sqrt((8 k^2 + 48 k) / n) = 4.6 for k = 100; a
    /// public sampler that rescales z onto the sphere of radius 10 keeps every coordinate nearly normal and gives 0);
    /// 12 samples are [12, 1, 28, 28] in [-1, 1], all different, reproducible from a seed and different for another seed.
    /// </summary>
    [Test]
    public void SamplesComeFromStandardNormalNoise()
    {
        var c = new Case("Dcgan.Latent / Sample", "4000 latents; 12 samples", "z ~ N(0, I) of shape [count, 100], drawn from the generator you are given; Sample returns G(z).");
        using var gan = Student.NewDcgan(2e-4);
        var z = Student.DcganLatent(gan, 4000, Rng(96));
        Numeric.AssertShape(z, [4000, 100], c);
        Stats.AssertStandardNormal(z, c);
        double normVariance = z.to(float64).square().sum(1).var().item<double>(), allowed = 6 * Math.Sqrt((8.0 * 100 * 100 + 48 * 100) / 4000);
        if (!(Math.Abs(normVariance - 200) <= allowed))
            Assert.Fail(c.Describe($"the squared norms of the latent rows have variance {normVariance:F1}; for z ~ N(0, I) in 100 dimensions they are chi-square(100), variance 200 ± {allowed:F1}: draw every row from N(0, I), with no rescaling."));
        var a = Student.DcganSample(gan, 12, Rng(97));
        Numeric.AssertShape(a, [12, 1, 28, 28], c with { Function = "Dcgan.Sample" });
        Numeric.AssertFinite(a, c);
        if (!(a.ge(-1).all().ToBoolean() && a.le(1).all().ToBoolean())) Assert.Fail(c.Describe("samples must lie in [-1, 1]."));
        var flat = a.flatten(1);
        var distances = cdist(flat, flat) + eye(12) * 1e9;
        if (distances.min().ToDouble() == 0) Assert.Fail(c.Describe("two of the 12 samples are identical."));
        var again = Student.DcganSample(gan, 12, Rng(97));
        if (!a.eq(again).all().ToBoolean()) Assert.Fail(c.Describe("the same seed gave different samples: draw z from the generator argument."));
        if (a.eq(Student.DcganSample(gan, 12, Rng(98))).all().ToBoolean()) Assert.Fail(c.Describe("another seed gave the same samples."));
    }
}
