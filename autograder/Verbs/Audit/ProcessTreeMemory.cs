namespace GenAI.Autograder.Verbs;

/// <summary>
/// The peak memory of this process's descendants (the judge and its workers) while it is alive: every
/// 200 ms, the sum of their proportional set sizes (<c>/proc/PID/smaps_rollup</c>, Pss: shared libtorch
/// pages split between the processes that map them, close to what a container's memory limit charges).
/// Reads nothing and reports 0 where /proc is absent.
/// </summary>
public sealed class ProcessTreeMemory : IDisposable
{
    readonly Timer timer;
    readonly int root = Environment.ProcessId;
    long peakKb;

    /// <summary>Starts sampling.</summary>
    public ProcessTreeMemory() => timer = new Timer(_ => Sample(), null, 0, 200);

    /// <summary>The largest sum seen so far, in MiB.</summary>
    public double PeakMiB => Interlocked.Read(ref peakKb) / 1024.0;

    void Sample()
    {
        if (!Directory.Exists("/proc")) return;
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        }
        long total = 0;
        foreach (var pid in parents.Keys.Where(p => IsDescendant(p, parents)))
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
                    if (line.StartsWith("Pss:", StringComparison.Ordinal)) { total += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]); break; }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        }
        long seen;
        do seen = Interlocked.Read(ref peakKb); while (total > seen && Interlocked.CompareExchange(ref peakKb, total, seen) != seen);
    }

    bool IsDescendant(int pid, Dictionary<int, int> parents)
    {
        for (int depth = 0; depth < 64 && parents.TryGetValue(pid, out int parent); depth++)
        {
            if (parent == root) return true;
            pid = parent;
        }
        return false;
    }

    /// <summary>Stops sampling.</summary>
    public void Dispose() => timer.Dispose();
}
