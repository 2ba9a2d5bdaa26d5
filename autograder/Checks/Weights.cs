using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks;

/// <summary>Fixed, seeded weights copied into a student module (by parameter name, else by shape), for deterministic forward checks; and the shape tests and probes of models whose layout the assignment leaves free.</summary>
public static class Weights
{
    /// <summary>Seeded weights for Linear layers named by <paramref name="layers"/> (name, in, out), scaled like PyTorch's default init.</summary>
    public static Dictionary<string, Tensor> Make(long seed, params (string name, int input, int output)[] layers)
    {
        var rng = new Generator((ulong)seed);
        var weights = new Dictionary<string, Tensor>();
        foreach (var (name, input, output) in layers)
        {
            double bound = 2.0 / Math.Sqrt(input);
            weights[name + ".weight"] = (rand(output, input, dtype: float64, generator: rng) * 2 - 1) * bound;
            weights[name + ".bias"] = (rand(output, dtype: float64, generator: rng) * 2 - 1) * bound;
        }
        return weights;
    }

    /// <summary>
    /// Copies <paramref name="weights"/> into <paramref name="module"/>: by name where the module's parameters carry the
    /// names the handout suggests; otherwise (names are the student's to choose: a decoder's fc1/fc2 in place of fc3/fc4)
    /// by shape, the i-th weight of a shape into the module's i-th parameter of that shape in registration order (or of
    /// the transposed shape, which then gets the transposed weight: a layer kept as x W + b with W [in, out]). Returns
    /// false where it went by shape, so that a check whose layers share a shape (two heads) can try them the other way round.
    /// Fails with the expected and found parameters where neither fits.
    /// </summary>
    public static bool Assign(StudentModule module, Dictionary<string, Tensor> weights, Case c)
    {
        var parameters = Student.Parameters(module);
        var named = parameters.ToDictionary(p => p.name, p => p.value);
        if (weights.All(kv => named.TryGetValue(kv.Key, out var p) && p.shape.SequenceEqual(kv.Value.shape)))
        {
            Student.LoadParameters(module, weights);
            return true;
        }
        var unused = parameters.ToList();
        var byShape = new Dictionary<string, Tensor>();
        foreach (var (_, value) in weights)
        {
            var fitted = value;
            int at = unused.FindIndex(p => p.value.shape.SequenceEqual(value.shape));
            if (at < 0 && value.dim() == 2 && value.shape[0] != value.shape[1])
            {
                // A weight kept [in, out] and applied as x W + b (a parameter of its own, as in HIPS/autograd's VAE)
                // is the same layer as Linear's [out, in]: it gets the transpose.
                at = unused.FindIndex(p => p.value.shape.SequenceEqual([value.shape[1], value.shape[0]]));
                fitted = value.t().contiguous();
            }
            if (at < 0) break;
            byShape[unused[at].name] = fitted;
            unused.RemoveAt(at);
        }
        string Listing(IEnumerable<(string name, long[] shape)> items) => string.Join(", ", items.Select(p => $"{p.name} {Numeric.Format(p.shape)}"));
        if (byShape.Count != weights.Count || unused.Count > 0)
            Assert.Fail(c.Describe($"expected parameters {Listing(weights.Select(kv => (kv.Key, kv.Value.shape)))} (any names); found {Listing(parameters.Select(p => (p.name, p.value.shape)))}."));
        Student.LoadParameters(module, byShape);
        return false;
    }

    /// <summary>
    /// Loads seeded values into every parameter of <paramref name="module"/>, chosen by the parameter's shape
    /// alone (never its name, which the assignment leaves free): a matrix [out, in] uniform in ±2/sqrt(in),
    /// a vector uniform in ±0.5, all float32 numbers (so float32 and float64 models hold the same values). Layers of equal shape get equal values.
    /// </summary>
    public static void LoadByShape(StudentModule module, long seed)
    {
        var values = new Dictionary<string, Tensor>();
        foreach (var (name, value) in Student.Parameters(module))
        {
            long[] shape = value.shape;
            var rng = new Generator((ulong)shape.Aggregate(seed, (h, d) => h * 1_000_003 + d));
            double bound = shape.Length >= 2 ? 2.0 / Math.Sqrt(shape[1..].Aggregate(1L, (a, d) => a * d)) : 0.5;
            values[name] = ((rand(shape, dtype: float64, generator: rng) * 2 - 1) * bound).to(float32).to(float64);
        }
        Student.LoadParameters(module, values);
    }

    /// <summary>
    /// Loads PyTorch's default initialisation of Linear and convolution layers into every parameter of
    /// <paramref name="module"/>, from a generator seeded by <paramref name="seed"/>: a weight of [out, in, ...] uniform in
    /// ±1/sqrt(fan_in) with fan_in the product of its dimensions after the first (kaiming_uniform with a = sqrt(5)), a bias
    /// uniform in ±1/sqrt(fan_in) of the weight of its layer (by name; else of the parameter before it). For the training
    /// checks of models laid out as the reference, whose initialisation the assignment leaves free: a correct model started
    /// from a smaller one (N(0, 0.01^2), Xavier with gain 1/2) learns more slowly within the check's short budget and fell
    /// short of a threshold measured from the default; starting every such model from the default judges its loss and
    /// training, the items' subject, and not its initialisation.
    /// </summary>
    public static void LoadDefaultInit(StudentModule module, long seed)
    {
        var rng = new Generator((ulong)seed);
        var parameters = Student.Parameters(module);
        var fanIn = parameters.Where(p => p.value.shape.Length >= 2).ToDictionary(p => p.name, p => p.value.shape[1..].Aggregate(1L, (a, d) => a * d));
        var values = new Dictionary<string, Tensor>();
        long previous = 1;
        foreach (var (name, value) in parameters)
        {
            long[] shape = value.shape;
            long fan = shape.Length >= 2 ? fanIn[name]
                : name.EndsWith(".bias", StringComparison.Ordinal) && fanIn.TryGetValue(name[..^".bias".Length] + ".weight", out long own) ? own : previous;
            if (shape.Length >= 2) previous = fan;
            values[name] = (rand(shape, dtype: float64, generator: rng) * 2 - 1) / Math.Sqrt(fan);
        }
        Student.LoadParameters(module, values);
    }

    /// <summary>
    /// Whether <paramref name="module"/>'s parameters have exactly the shapes of <paramref name="expected"/> (any names,
    /// any order): the test of snapshots of models whose architecture the assignment leaves free, which apply only to a
    /// model laid out as the reference is. <paramref name="found"/> lists the module's shapes for the note that says so.
    /// </summary>
    public static bool HasShapes(StudentModule module, IEnumerable<long[]> expected, out string found)
    {
        var shapes = Student.Parameters(module).Select(p => Numeric.Format(p.value.shape)).Order(StringComparer.Ordinal).ToList();
        found = string.Join(", ", shapes);
        return shapes.SequenceEqual(expected.Select(Numeric.Format).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The hidden activation of a fully connected decoder latent -> hidden -> pixels, in a model with the reference's
    /// parameter shapes: with the [hidden, latent] weight 0, the [hidden] biases a grid t on [-4, 4] (an encoder bias of
    /// that shape gets it too, unused by decoding), the [pixels, hidden] weight passing hidden unit j to output j and the
    /// [pixels] bias 0, <paramref name="decode"/>(z = 0) in eval mode is act(t_j) in output j, or its sigmoid. The snapshots
    /// of decoders whose activation the assignment leaves free apply only to ReLU; no activation at all is a mistake.
    /// </summary>
    public static Activation DecoderHiddenActivation(StudentModule module, int latent, int hidden, int pixels, Func<Tensor, Tensor> decode)
    {
        // float32 numbers, so a float32 model holds t exactly and passes it on exactly (products by 1, sums with 0).
        var t = linspace(-4, 4, hidden, dtype: float64).to(float32).to(float64);
        var passOn = zeros(pixels, hidden, dtype: float64);
        int passed = Math.Min(pixels, hidden);
        passOn[..passed, ..passed] = eye(passed, dtype: float64);
        Student.LoadParameters(module, Student.Parameters(module).ToDictionary(p => p.name, p =>
            p.value.shape.SequenceEqual(new long[] { hidden }) ? t
            : p.value.shape.SequenceEqual(new long[] { pixels, hidden }) ? passOn
            : zeros(p.value.shape, dtype: float64)));
        Student.Eval(module);
        var output = decode(zeros(1, latent)).to(float64).cpu().reshape(-1);
        return output.numel() == pixels ? Classify(output[..passed], t[..passed]) : Activation.Other;
    }

    /// <summary>What a decoder's activation probe found.</summary>
    public enum Activation { Relu, Identity, Other }

    /// <summary>
    /// Which activation maps the probe inputs <paramref name="t"/> to <paramref name="probed"/> (itself or through an output
    /// sigmoid): exactly, as the probe's weights copy float32 numbers; LeakyReLU(0.01) moves -4 by 0.04.
    /// </summary>
    public static Activation Classify(Tensor probed, Tensor t)
    {
        bool Is(Tensor expected) => (probed - expected).abs().max().ToDouble() <= 1e-7 || (probed - expected.sigmoid()).abs().max().ToDouble() <= 2e-7;
        return Is(t.relu()) ? Activation.Relu : Is(t) ? Activation.Identity : Activation.Other;
    }

    /// <summary>
    /// Whether the snapshot of a decoder whose architecture and activations the assignment leaves free applies to
    /// <paramref name="module"/> (named <paramref name="model"/> in notes): it has <paramref name="referenceShapes"/> and
    /// <paramref name="probe"/> finds ReLU. Otherwise it writes the note saying why not, or, where the probe finds no
    /// activation at all, fails the check <paramref name="c"/>.
    /// </summary>
    public static bool SnapshotApplies(StudentModule module, IEnumerable<long[]> referenceShapes, Func<Activation> probe, Case c, string model)
    {
        if (!HasShapes(module, referenceShapes, out string found))
        {
            TestContext.Out.WriteLine($"Snapshot not applicable: your {model} has parameter shapes {found}, not the reference's layout; the other checks judge it.");
            return false;
        }
        var activation = probe();
        if (activation == Activation.Identity) Assert.Fail((c with { Input = "activation probe" }).Describe(NoActivation));
        if (activation == Activation.Relu) return true;
        TestContext.Out.WriteLine("Snapshot not applicable: your decoder's activations are not ReLU (the assignment leaves them free); the other checks judge it.");
        return false;
    }

    /// <summary>The failure for a decoder whose probe found no activation: its layers compose to one linear map.</summary>
    public const string NoActivation = "the decoder has no nonlinearity between its layers (the probe's hidden values come out unchanged), so its layers compose to one linear map: add an activation (ReLU, as the reference, or another) after each hidden layer.";

    /// <summary>The number of values in the module's parameters.</summary>
    public static long Count(StudentModule module) => Student.Parameters(module).Sum(p => p.value.numel());

    /// <summary>x W^T + b for the named layer, in float64.</summary>
    public static Tensor Affine(Dictionary<string, Tensor> w, string layer, Tensor x) =>
        x.to(float64).matmul(w[layer + ".weight"].t()) + w[layer + ".bias"];
}
