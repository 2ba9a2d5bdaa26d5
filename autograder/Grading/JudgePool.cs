using System.Collections.Concurrent;

namespace GenAI.Autograder.Grading;

/// <summary>
/// Warm judges shared by the gradings of one process (batch, the tests' planted and zoo gradings): a grading takes an
/// idle judge of its autograder build (or starts one) and gives it back when the checks finished, so only the first
/// grading per judge pays the judge's start-up and the checks' JIT. Student code still runs in a fresh worker per
/// submission; a judge that stopped, ran out of time, served <see cref="MaxGradings"/> submissions or grew past
/// <see cref="MaxResidentBytes"/> is stopped instead of kept. Judges inherit GENAI_THREADS when they start, so the
/// pool keeps them apart by its value.
/// </summary>
public sealed class JudgePool : IDisposable
{
    /// <summary>Submissions one judge grades before it is replaced: bounds whatever a long run could accumulate in it.</summary>
    public const int MaxGradings = 50;

    /// <summary>A judge larger than this after a grading is replaced.</summary>
    public const long MaxResidentBytes = 2L << 30;

    readonly ConcurrentDictionary<(string autograder, string threads), ConcurrentBag<Judge>> idle = new();
    volatile bool disposed;

    static string Threads => Environment.GetEnvironmentVariable("GENAI_THREADS") ?? "";

    /// <summary>An idle warm judge of the build in <paramref name="autograder"/> with this process's GENAI_THREADS, started if there is none.</summary>
    public Judge Take(string autograder)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var key = (Path.GetFullPath(autograder), Threads);
        while (idle.TryGetValue(key, out var bag) && bag.TryTake(out var judge))
        {
            if (judge.Idle) return judge;
            judge.Dispose();
        }
        return Judge.StartWarm(key.Item1);
    }

    /// <summary>Keeps <paramref name="judge"/> for the next grading when it finished this one cleanly, else stops it.</summary>
    public void Give(Judge judge, string autograder)
    {
        if (disposed || !judge.Idle || judge.Gradings >= MaxGradings || judge.ResidentBytes > MaxResidentBytes)
        {
            judge.Dispose();
            return;
        }
        idle.GetOrAdd((Path.GetFullPath(autograder), Threads), _ => new ConcurrentBag<Judge>()).Add(judge);
    }

    /// <summary>Stops every idle judge.</summary>
    public void Dispose()
    {
        disposed = true;
        foreach (var bag in idle.Values)
            while (bag.TryTake(out var judge)) judge.Dispose();
    }
}
