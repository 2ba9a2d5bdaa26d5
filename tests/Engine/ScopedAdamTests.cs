using FluentAssertions;
using GenAI.Course.Runtime;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Grader.Tests.Engine;

/// <summary>ScopedAdam is TorchSharp's Adam, number for number, without native objects left to finalisers.</summary>
public sealed class ScopedAdamTests
{
    static Tensor[] Train(Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer> adam)
    {
        manual_seed(3);
        var model = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 2));
        using var optimizer = adam(model.parameters());
        var x = randn([16, 5], generator: new Generator(4));
        for (int step = 0; step < 25; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            model.call(x).square().mean().backward();
            optimizer.step();
        }
        return model.parameters().Select(p => p.detach().clone()).ToArray();
    }

    /// <summary>25 steps with the DCGAN's betas and a nonzero eps give bit-identical parameters.</summary>
    [Test]
    public void MatchesTorchSharpAdamExactly()
    {
        var expected = Train(p => optim.Adam(p, 2e-3, beta1: 0.5, beta2: 0.99, eps: 1e-6));
        var actual = Train(p => new ScopedAdam(p, 2e-3, beta1: 0.5, beta2: 0.99, eps: 1e-6));
        for (int i = 0; i < expected.Length; i++)
            actual[i].equal(expected[i]).all().item<bool>().Should().BeTrue($"parameter {i} should be bit-identical");
    }
}
