using GenAI.Course.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenAI.Course.Autoregressive;

/// <summary>
/// CS/DS 552 HW1, problem 1b: an LSTM model of binary images read as sequences x_1 .. x_N. The input
/// at step i is x_{i-1} (0 at step 1, the start symbol); the output is the logit of
/// p(x_i = 1 | x_1 .. x_{i-1}). The assignment's choice: 2 layers, hidden size 32.
/// </summary>
public sealed class PixelLstm : nn.Module<Tensor, Tensor>
{
    // SOLUTION BEGIN (declarations)
    readonly LSTM lstm;
    readonly Linear head;
    // SOLUTION END

    /// <summary>An untrained model; parameters are initialised from the global generator.</summary>
    public PixelLstm(int hidden = 32, int layers = 2) : base(nameof(PixelLstm))
    {
        // SOLUTION BEGIN: build an LSTM (input size 1, the given hidden size and layers, batch first) and a linear layer from hidden to 1 logit.
        lstm = nn.LSTM(1, hidden, numLayers: layers, batchFirst: true);
        head = nn.Linear(hidden, 1);
        RegisterComponents();
        // SOLUTION END
    }

    /// <summary>
    /// Teacher-forced logits: <paramref name="images"/> [B, N] of 0/1 to [B, N] where entry i is the
    /// logit of p(x_i = 1 | x_&lt;i). Entry i must not depend on x_i or later pixels.
    /// </summary>
    public override Tensor forward(Tensor images)
    {
        // SOLUTION BEGIN: feed [0, x_1, .., x_{N-1}] (shifted right by one, 0 as start symbol) through the LSTM and map every step to one logit.
        var shifted = nn.functional.pad(images[TensorIndex.Colon, TensorIndex.Slice(0, -1)], [1, 0]);
        var (output, _, _) = lstm.forward(shifted.unsqueeze(-1));
        return head.forward(output).squeeze(-1);
        // SOLUTION END
    }

    /// <summary>
    /// log p(x_i | x_&lt;i) per step, [B, N], from <paramref name="logits"/> of p(x_i = 1) and the
    /// pixels <paramref name="images"/> (0/1): x log sigmoid(l) + (1 - x) log sigmoid(-l), stable for
    /// any logit (the negative of BCEWithLogitsLoss without reduction).
    /// </summary>
    public static Tensor ConditionalLogLikelihood(Tensor logits, Tensor images)
    {
        // SOLUTION BEGIN: return x * logsigmoid(l) + (1 - x) * logsigmoid(-l), element by element.
        return images * nn.functional.logsigmoid(logits) + (1 - images) * nn.functional.logsigmoid(-logits);
        // SOLUTION END
    }

    /// <summary>
    /// Samples <paramref name="count"/> sequences of <paramref name="length"/> pixels: at each step
    /// x_i ~ Bernoulli(sigmoid(logit)), drawn (not the most likely value), fed back as the next
    /// input. Float32 [count, length] of 0/1; randomness from <paramref name="generator"/>.
    /// </summary>
    public Tensor Sample(int count, int length = 25, Generator? generator = null)
    {
        // SOLUTION BEGIN: start from input 0 and an empty state; at each step take the logit, draw x_i with a uniform below sigmoid(logit), and feed x_i back.
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var device = head.weight.device;
        var input = zeros(count, 1, 1, device: device);
        (Tensor, Tensor)? state = null;
        var pixels = new List<Tensor>();
        for (int i = 0; i < length; i++)
        {
            var (output, h, c) = lstm.forward(input, state);
            state = (h, c);
            var p = sigmoid(head.forward(output)).reshape(count);
            var x = Compute.Uniform([count], p.dtype, device, generator).lt(p).to(float32);
            pixels.Add(x);
            input = x.reshape(count, 1, 1);
        }
        return stack(pixels, 1).MoveToOuterDisposeScope();
        // SOLUTION END
    }

    /// <summary>
    /// Fits the model to <paramref name="images"/> [B, N] (the unique images) by full-batch Adam on
    /// the mean binary cross-entropy per pixel (gradient norm clipped at 1, which keeps the LSTM's
    /// loss from spiking); returns that loss after each epoch (nats per pixel).
    /// <paramref name="progress"/>, when given, is told (epoch, loss) after each epoch.
    /// </summary>
    public double[] Fit(Tensor images, int epochs, double learningRate = 0.01, Action<int, double>? progress = null)
    {
        // SOLUTION BEGIN: run Adam for the given epochs on -mean(ConditionalLogLikelihood(forward(images), images)), recording each epoch's loss (clipping the gradient norm helps).
        var losses = new double[epochs];
        var optimizer = optim.Adam(parameters(), learningRate);
        var target = images.to(head.weight.dtype).to(head.weight.device);
        train();
        for (int e = 0; e < epochs; e++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = -ConditionalLogLikelihood(forward(target), target).mean();
            loss.backward();
            nn.utils.clip_grad_norm_(parameters(), 1.0);
            optimizer.step();
            losses[e] = loss.ToDouble();
            progress?.Invoke(e + 1, losses[e]);
        }
        eval();
        return losses;
        // SOLUTION END
    }

    /// <summary>The number of trainable scalars (to compare with the 2^(N+1) - 2 entries of the CPTs).</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}
