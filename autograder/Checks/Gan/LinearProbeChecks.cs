using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Gan;

/// <summary>
/// ECE 685D HW5, problem 1.2: the linear probe (one linear layer on frozen features) and its accuracy,
/// on features whose classes a linear layer separates: three Gaussian clusters in 32 dimensions.
/// </summary>
public sealed class LinearProbeChecks : CheckBase
{
    /// <summary><paramref name="perClass"/> points around each of 3 centres at distance 6 (unit noise), shuffled; features float32.</summary>
    static (Tensor x, Tensor y) Clusters(int perClass, Generator g)
    {
        var centres = randn([3, 32], generator: new Generator(990));
        centres = centres / centres.norm(1, keepdim: true) * 6;
        var y = arange(3, dtype: int64).repeat_interleave(perClass);
        var x = centres.index_select(0, y) + randn([3 * perClass, 32], generator: g);
        var order = randperm(3 * perClass, generator: g);
        return (x.index_select(0, order), y.index_select(0, order));
    }

    /// <summary>Fit returns a [3, 32] layer that reaches 95% accuracy on the training points and on 300 new ones.</summary>
    [Test]
    public void ProbeSeparatesLinearlySeparableClasses()
    {
        var c = new Case("LinearProbe.Fit", "3 Gaussian clusters in 32-D, 600 training points, 300 epochs, lr 0.01",
            "one nn.Linear(features, classes) trained with cross-entropy on the logits (no hidden layer, no softmax before the loss).");
        var (x, y) = Clusters(200, Rng(98));
        var (weight, bias) = Student.LinearProbeFit(x, y, 3, 300, 0.01);
        Numeric.AssertShape(weight, [3, 32], c with { Input = c.Input + ", weight" });
        Numeric.AssertShape(bias, [3], c with { Input = c.Input + ", bias" });
        var (xt, yt) = Clusters(100, Rng(99));
        foreach (var (name, features, labels) in new[] { ("training", x, y), ("new", xt, yt) })
        {
            double accuracy = features.matmul(weight.T).add(bias).argmax(1).eq(labels).to(float64).mean().ToDouble();
            if (accuracy < 0.95) Assert.Fail(c.Describe($"accuracy on the {name} points is {accuracy:P1}; these classes are linearly separable (a probe reaches 99%)."));
        }
    }

    /// <summary>Accuracy of a given layer equals the fraction of arg-max logits that hit the label.</summary>
    [Test]
    public void AccuracyCountsArgMaxHits()
    {
        var c = new Case("LinearProbe.Accuracy", "a random 3x32 layer on 300 points", "the mean of (argmax_k logits_k == label) over the rows.");
        var (x, y) = Clusters(100, Rng(100));
        var weight = randn([3, 32], generator: Rng(101)) * 0.3;
        var bias = randn([3], generator: Rng(102));
        var logits = x.matmul(weight.T).add(bias).data<float>().ToArray();
        var labels = y.data<long>().ToArray();
        int hits = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int best = 0;
            for (int k = 1; k < 3; k++) if (logits[3 * i + k] > logits[3 * i + best]) best = k;
            if (best == labels[i]) hits++;
        }
        Numeric.AssertClose(Student.LinearProbeAccuracy(weight, bias, x, y), hits / (double)labels.Length, c, rtol: 0, atol: 1e-12);
    }
}
