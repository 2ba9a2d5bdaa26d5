using GenAI.Course.Runtime;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>What checks do to any student module besides calling it: read and overwrite its parameters, change its dtype or mode, give it an optimizer.</summary>
public static class ModuleAccess
{
    /// <summary>The module's named parameters (detached).</summary>
    [Harness("parameters()")]
    public static List<(string name, Tensor value)> Parameters(nn.Module module) =>
        module.named_parameters().Select(p => (p.name, p.parameter.detach())).ToList();

    /// <summary>Overwrites the named parameters (converted to each parameter's dtype).</summary>
    [Harness("copying parameters", KeepsAlive = true)]
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> values)
    {
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGrad = no_grad();
        foreach (var (name, value) in values)
        {
            if (!parameters.TryGetValue(name, out var p)) throw new StudentFailure($"the module has no parameter named {name}.");
            p.copy_(value.to(p.dtype));
        }
    }

    /// <summary>Converts the module to float64 (for gradient checks).</summary>
    [Harness("module.to(float64)", KeepsAlive = true)]
    public static void ToFloat64(nn.Module module) => module.to(float64);

    /// <summary>Puts the module in evaluation mode.</summary>
    [Harness("module.eval()", KeepsAlive = true)]
    public static void Eval(nn.Module module) => module.eval();

    /// <summary>An Adam optimizer over the module's parameters, kept beside it.</summary>
    [Harness("optim.Adam over the module's parameters")]
    public static ScopedAdam Adam(nn.Module module, double learningRate) => new(module.parameters(), learningRate);

    /// <summary>Each parameter's name and gradient (zeros where none reached it).</summary>
    internal static Dictionary<string, Tensor> Gradients(nn.Module module) => module.named_parameters().ToDictionary(
        p => p.name, p => p.parameter.grad is { } g ? g.detach().clone() : zeros_like(p.parameter));

    /// <summary>(sum, sum of squares, sum of |.|) of every parameter, in float64: changes when any parameter does.</summary>
    internal static double[] Fingerprint(nn.Module module)
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
}
