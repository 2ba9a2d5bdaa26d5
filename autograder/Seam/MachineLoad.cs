namespace GenAI.Autograder.Seam;

/// <summary>
/// How much of the machine other processes took while a worker call ran, so that a busy machine does
/// not cost a student a call limit: from <c>/proc/stat</c> (all CPU time) and <c>/proc/PID/stat</c> (the
/// worker's own), the share of CPU time left to the worker and the judge. Where /proc is absent (not
/// Linux) the share is always 1 and limits are plain wall-clock time.
/// </summary>
public sealed class MachineLoad
{
    readonly int pid;
    long lastAll, lastBusy, lastWorker;

    /// <summary>Starts watching while the worker with process id <paramref name="workerPid"/> runs a call.</summary>
    public MachineLoad(int workerPid)
    {
        pid = workerPid;
        (lastAll, lastBusy) = System();
        lastWorker = Worker();
    }

    /// <summary>
    /// The share of the machine's CPU time since the last reading that other processes did not take, in
    /// [1/8, 1]: 1 on an otherwise idle machine, about 1/2 with a second grading beside this one on all cores.
    /// </summary>
    public double AvailableShare()
    {
        var (all, busy) = System();
        long worker = Worker();
        long dAll = all - lastAll, dOthers = busy - lastBusy - (worker - lastWorker);
        (lastAll, lastBusy, lastWorker) = (all, busy, worker);
        if (dAll <= 0) return 1;
        return Math.Clamp(1 - (double)Math.Max(0, dOthers) / dAll, 1.0 / 8, 1);
    }

    /// <summary>Jiffies of all CPUs since boot: all of them, and the busy ones (everything but idle and iowait); zeros without /proc.</summary>
    static (long all, long busy) System()
    {
        try
        {
            string line = File.ReadLines("/proc/stat").First();
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
            long all = fields.Sum();
            return (all, all - fields[3] - fields[4]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException) { return (0, 0); }
    }

    /// <summary>The worker's user and system jiffies, its waited-for children's included; 0 when unreadable.</summary>
    long Worker()
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11]) + long.Parse(fields[12]) + long.Parse(fields[13]) + long.Parse(fields[14]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException) { return lastWorker; }
    }
}
