using FluentAssertions;
using GenAI.Autograder.Figures;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Grader.Tests.Figures;

/// <summary>The t-SNE used for the manifold figures: its trustworthiness metric against a direct count, and the embedding on data with clear clusters.</summary>
[Parallelizable]
public sealed class TsneTests
{
    /// <summary>Trustworthiness equals the textbook double sum counted with plain loops.</summary>
    [Test]
    public void TrustworthinessMatchesADirectCount()
    {
        using var scope = NewDisposeScope();
        var data = randn([40, 5], dtype: float64, generator: new Generator(1));
        var embedding = randn([40, 2], dtype: float64, generator: new Generator(2));
        const int k = 4;
        double[] x = data.data<double>().ToArray(), y = embedding.data<double>().ToArray();
        double Dist(double[] a, int dim, int i, int j) => Enumerable.Range(0, dim).Sum(d => (a[i * dim + d] - a[j * dim + d]) * (a[i * dim + d] - a[j * dim + d]));
        double penalty = 0;
        for (int i = 0; i < 40; i++)
        {
            var high = Enumerable.Range(0, 40).Where(j => j != i).OrderBy(j => Dist(x, 5, i, j)).ToList();
            var low = Enumerable.Range(0, 40).Where(j => j != i).OrderBy(j => Dist(y, 2, i, j)).Take(k);
            foreach (int j in low)
            {
                int r = high.IndexOf(j) + 1;
                if (r > k) penalty += r - k;
            }
        }
        double expected = 1 - 2.0 / (40 * k * (2.0 * 40 - 3 * k - 1)) * penalty;
        Tsne.Trustworthiness(data, embedding, k).Should().BeApproximately(expected, 1e-12);
    }

    /// <summary>An embedding that is the data scores 1; a random one about 0.5.</summary>
    [Test]
    public void TrustworthinessSeparatesKeptFromLostNeighbourhoods()
    {
        using var scope = NewDisposeScope();
        var data = randn([300, 2], dtype: float64, generator: new Generator(3));
        Tsne.Trustworthiness(data, data * 3 + 1).Should().BeApproximately(1, 1e-12);
        Tsne.Trustworthiness(data, randn([300, 2], dtype: float64, generator: new Generator(4))).Should().BeLessThan(0.6);
    }

    /// <summary>
    /// Five well-separated Gaussian clusters in 50-D (60 points each): the 2-D embedding has
    /// trustworthiness at least 0.9 at k = 5, and each point's nearest embedded neighbour is in its cluster.
    /// </summary>
    [Test]
    public void EmbeddingKeepsClearClustersApart()
    {
        using var scope = NewDisposeScope();
        var centres = randn([5, 50], dtype: float64, generator: new Generator(5)) * 3;
        var labels = arange(5, dtype: int64).repeat_interleave(60);
        var data = centres.index_select(0, labels) + randn([300, 50], dtype: float64, generator: new Generator(6));
        var y = Tsne.Embed(data, seed: 7);
        y.shape.Should().Equal(300, 2);
        Tsne.Trustworthiness(data, y, 5).Should().BeGreaterThan(0.9);
        var d = cdist(y, y) + eye(300, dtype: float64) * 1e9;
        double nearestSameCluster = labels.index_select(0, d.argmin(1)).eq(labels).to(float64).mean().ToDouble();
        nearestSameCluster.Should().BeGreaterThan(0.98);
    }
}
