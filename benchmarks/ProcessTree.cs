using System.Diagnostics;

namespace GenAI.Benchmarks;

/// <summary>Runs a command to completion while sampling the resident memory of its whole process tree (Linux /proc).</summary>
static class ProcessTree
{
    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="args"/>; returns the peak of the summed RSS of the tree, in MiB
    /// (0 where /proc is absent), the wall time in seconds and what the command printed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The command failed.</exception>
    public static (double PeakMiB, double Seconds, string Output) Run(string file, string workingDirectory, params string[] args) =>
        Run(new Dictionary<string, string>(), file, workingDirectory, args);

    /// <summary>As <see cref="Run(string, string, string[])"/>, with <paramref name="environment"/> added to this process's environment.</summary>
    public static (double PeakMiB, double Seconds, string Output) Run(IReadOnlyDictionary<string, string> environment, string file, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) errors.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        long peak = 0;
        while (!process.WaitForExit(25)) peak = Math.Max(peak, TreeRssKb(process.Id));
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {errors}");
        return (peak / 1024.0, clock.Elapsed.TotalSeconds, output.ToString());
    }

    static long TreeRssKb(int root)
    {
        if (!Directory.Exists("/proc")) return 0;
        var children = new Dictionary<int, List<int>>();
        var rss = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                int parent = 0; long kb = 0;
                foreach (var line in File.ReadLines(Path.Combine(dir, "status")))
                {
                    if (line.StartsWith("PPid:")) parent = int.Parse(line[5..].Trim());
                    else if (line.StartsWith("VmRSS:")) kb = long.Parse(line[6..].Trim().Split(' ')[0]);
                }
                rss[pid] = kb;
                if (!children.TryGetValue(parent, out var list)) children[parent] = list = new List<int>();
                list.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        long total = 0;
        var stack = new Stack<int>(new[] { root });
        while (stack.Count > 0)
        {
            int pid = stack.Pop();
            total += rss.GetValueOrDefault(pid);
            foreach (var child in children.GetValueOrDefault(pid) ?? new List<int>()) stack.Push(child);
        }
        return total;
    }
}
