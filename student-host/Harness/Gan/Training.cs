using GenAI.Course.Gan;
using GenAI.Worker;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>The course's training loops and evaluations run on student models, as the assignments' notebooks run them: the Gan topic's part (a student bundle carries only its assignment's topics).</summary>
public static partial class Training
{
    /// <summary>The student's LinearProbe.Fit: the fitted layer's weight and bias (zeros for a layer made without one, which is still "a single linear layer").</summary>
    [Harness("LinearProbe.Fit")]
    public static (Tensor weight, Tensor bias) LinearProbe(Tensor features, Tensor labels, int classes, int epochs, double learningRate)
    {
        var layer = Course.Gan.LinearProbe.Fit(features, labels, classes, epochs, learningRate) ?? throw new StudentFailure("LinearProbe.Fit returned null.");
        var weight = layer.weight ?? throw new StudentFailure("LinearProbe.Fit returned a Linear layer without a weight.");
        return (weight.detach(), layer.bias?.detach() ?? zeros(weight.shape[0], dtype: weight.dtype, device: weight.device));
    }

    /// <summary>The student's LinearProbe.Accuracy of the layer (weight, bias).</summary>
    [Harness("LinearProbe.Accuracy")]
    public static double LinearProbeAccuracy(Tensor weight, Tensor bias, Tensor features, Tensor labels)
    {
        using var layer = nn.Linear(weight.shape[1], weight.shape[0], dtype: weight.dtype);
        using (no_grad()) { layer.weight!.copy_(weight); layer.bias!.copy_(bias); }
        return Course.Gan.LinearProbe.Accuracy(layer, features, labels);
    }
}
