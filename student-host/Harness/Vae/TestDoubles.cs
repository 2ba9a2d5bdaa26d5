using GenAI.Course.Vae;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Harness;

/// <summary>Student functions called on test doubles built where student code runs, from plain data: the Vae topic's part (a student bundle carries only its assignment's topics).</summary>
public static partial class WithTestDoubles
{
    /// <summary>The student's <c>MnistVae.Elbo</c> over a fixed encoder (mu, sigmaSquare for every row) and a decoder p = sigmoid(z W^T + c).</summary>
    [Harness("MnistVae.Elbo")]
    public static Tensor MnistVaeElbo(Tensor mu, Tensor sigmaSquare, Tensor w, Tensor c, Tensor x, Generator? generator) =>
        new MnistVae(new FixedEncoder(mu, sigmaSquare), new LogisticDecoder(w, c)).Elbo(x, generator);
}

/// <summary>An encoder for checks: ignores x and returns fixed (mu, sigmaSquare) for every row.</summary>
public sealed class FixedEncoder(Tensor mu, Tensor sigmaSquare) : nn.Module<Tensor, (Tensor mu, Tensor sigmaSquare)>("FixedEncoder")
{
    /// <inheritdoc />
    public override (Tensor mu, Tensor sigmaSquare) forward(Tensor x) =>
        (mu.expand(x.shape[0], -1), sigmaSquare.expand(x.shape[0], -1));
}

/// <summary>A decoder for checks: p = sigmoid(z W^T + c).</summary>
public sealed class LogisticDecoder(Tensor w, Tensor c) : nn.Module<Tensor, Tensor>("LogisticDecoder")
{
    /// <inheritdoc />
    public override Tensor forward(Tensor z) => (z.matmul(w.t()) + c).sigmoid();
}
