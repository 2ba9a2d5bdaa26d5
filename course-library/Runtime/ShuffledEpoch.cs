using System.Collections;
using static TorchSharp.torch;

namespace GenAI.Course.Runtime;

/// <summary>
/// One shuffled epoch over the rows of a tensor (and of its labels), made by <see cref="Compute.Batches(Tensor, int, Generator?, bool)"/>:
/// <c>foreach (var batch in epoch)</c> gives the batches in the order of <c>randperm(N)</c>. Each batch lives in a
/// dispose scope of its own, opened before the batch is cut and disposed when the loop moves on (or leaves), so
/// everything a step makes (the batch, activations, the loss) is freed with it; keep results as plain numbers.
/// </summary>
public sealed class ShuffledEpoch : IEnumerable<Batch>
{
    readonly Tensor data;
    readonly Tensor? labels;
    readonly IReadOnlyList<long[]> batches;

    internal ShuffledEpoch(Tensor data, Tensor? labels, IReadOnlyList<long[]> batches)
    {
        this.data = data;
        this.labels = labels;
        this.batches = batches;
    }

    /// <summary>The number of batches (steps) in the epoch.</summary>
    public int Count => batches.Count;

    /// <summary>The batches, each in its own dispose scope (see the class summary).</summary>
    public IEnumerator<Batch> GetEnumerator()
    {
        for (int i = 0; i < batches.Count; i++)
        {
            using var scope = NewDisposeScope();
            var index = tensor(batches[i], device: data.device);
            yield return new Batch(i + 1, data.index_select(0, index), labels?.index_select(0, index));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>One mini-batch of a <see cref="ShuffledEpoch"/>: its 1-based <see cref="Number"/>, its rows and, when the epoch has them, their labels.</summary>
public sealed class Batch
{
    readonly Tensor? labels;

    internal Batch(int number, Tensor data, Tensor? labels)
    {
        Number = number;
        Data = data;
        this.labels = labels;
    }

    /// <summary>Which batch of the epoch this is, from 1 (what progress callbacks report).</summary>
    public int Number { get; }

    /// <summary>The batch's rows, [B, ...].</summary>
    public Tensor Data { get; }

    /// <summary>The labels of the batch's rows, [B, ...].</summary>
    /// <exception cref="InvalidOperationException">The epoch was made without labels.</exception>
    public Tensor Labels => labels ?? throw new InvalidOperationException("this epoch has no labels: make it with Compute.Batches(data, labels, ...)");
}
