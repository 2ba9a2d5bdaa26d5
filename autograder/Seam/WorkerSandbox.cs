using System.Diagnostics;

namespace GenAI.Autograder.Seam;

/// <summary>Settings read from the environment the grader gives the judge.</summary>
public sealed record WorkerLimits(string Folder, TimeSpan CallTimeout, long AddressSpaceBytes, int Processes, string? User, string[] Hidden)
{
    /// <summary>
    /// GENAI_WORKER (run folder), GENAI_WORKER_CALL_SECONDS, GENAI_WORKER_MEMORY_MB,
    /// GENAI_WORKER_PROCESSES, GENAI_WORKER_USER (uid[:gid]) and GENAI_WORKER_HIDE (folders the
    /// worker must not see, separated by the path separator).
    /// </summary>
    public static WorkerLimits? FromEnvironment()
    {
        string? folder = Environment.GetEnvironmentVariable("GENAI_WORKER");
        if (string.IsNullOrEmpty(folder)) return null;
        static double Number(string name, double fallback) =>
            double.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.CultureInfo.InvariantCulture, out double v) && v > 0 ? v : fallback;
        return new WorkerLimits(folder, TimeSpan.FromSeconds(Number("GENAI_WORKER_CALL_SECONDS", 60)),
            (long)(Number("GENAI_WORKER_MEMORY_MB", 12288) * 1024 * 1024), (int)Number("GENAI_WORKER_PROCESSES", 256),
            Environment.GetEnvironmentVariable("GENAI_WORKER_USER") is { Length: > 0 } user ? user : null,
            (Environment.GetEnvironmentVariable("GENAI_WORKER_HIDE") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
    }
}

/// <summary>
/// How a worker process is started under <see cref="WorkerLimits"/>: where the platform allows (Linux, as root) with no
/// network, the repository and results hidden, an unprivileged user, an address-space cap and a process-count cap; an
/// environment with nothing of the judge's but what the runtime needs.
/// </summary>
public static class WorkerSandbox
{
    /// <summary>
    /// libtorch's OpenMP threads sleep at barriers instead of spinning (OMP_WAIT_POLICY=PASSIVE, unless the grader's
    /// environment says otherwise), for a process that runs course code: on a machine other processes share, spinning
    /// threads wait for each other's time slices (the conv VAE training check: 4 m 44 s spinning, 2 m 10 s sleeping
    /// beside three busy processes on 2 cores; 39 s and 30 s idle).
    /// </summary>
    public static void SleepWhileWaiting(ProcessStartInfo info) =>
        info.Environment["OMP_WAIT_POLICY"] = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is { Length: > 0 } policy ? policy : "PASSIVE";

    /// <summary>The start information of a worker from <paramref name="limits"/>'s run folder, standard streams redirected.</summary>
    public static ProcessStartInfo StartInfo(WorkerLimits limits)
    {
        var info = new ProcessStartInfo { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = limits.Folder };
        foreach (var part in Command(limits)) info.ArgumentList.Add(part);
        info.FileName = info.ArgumentList[0];
        info.ArgumentList.RemoveAt(0);
        info.Environment.Clear();
        info.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        foreach (var keep in new[] { "DOTNET_ROOT", "LANG", "GENAI_THREADS", "THP_MEM_ALLOC_ENABLE" }.Concat(CpuKernels.Variables))
            if (Environment.GetEnvironmentVariable(keep) is { } v) info.Environment[keep] = v;
        SleepWhileWaiting(info);
        info.Environment["HOME"] = Path.GetTempPath();
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // No debugger or diagnostics endpoints into student code, and no clr-debug-pipe files left in /tmp by a worker that is killed.
        info.Environment["DOTNET_EnableDiagnostics"] = "0";
        info.Environment["DOTNET_GCHeapHardLimit"] = "0x" + Math.Min(limits.AddressSpaceBytes / 4, 2L << 30).ToString("X");
        if (Environment.GetEnvironmentVariable("GENAI_DEVICE") is { } device) info.Environment["GENAI_DEVICE"] = device;
        return info;
    }

    /// <summary>dotnet GenAI.Worker.dll, wrapped in the limits this platform can apply.</summary>
    static IEnumerable<string> Command(WorkerLimits limits)
    {
        var command = new List<string> { "dotnet", Path.Combine(limits.Folder, "GenAI.Worker.dll") };
        if (!OperatingSystem.IsLinux()) return command;
        bool root = Environment.UserName == "root";
        bool dropped = root && limits.User is not null && Exists("setpriv");
        if (dropped)
        {
            var ids = limits.User!.Split(':');
            command.InsertRange(0, new[] { "setpriv", "--reuid", ids[0], "--regid", ids.Length > 1 ? ids[1] : ids[0], "--clear-groups", "--" });
        }
        // The process cap counts all processes of the user, so it only applies to the dedicated unprivileged user.
        if (Exists("prlimit"))
            command.InsertRange(0, dropped ? new[] { "prlimit", $"--as={limits.AddressSpaceBytes}", $"--nproc={limits.Processes}", "--" } : new[] { "prlimit", $"--as={limits.AddressSpaceBytes}", "--" });
        if (root && NamespacesWork.Value)
        {
            // A network namespace with only a down loopback, and a mount namespace in which the
            // hidden folders (the repository, the results) are empty, unreadable tmpfs mounts.
            var prefix = new List<string> { "unshare", "--net", "--mount", "--propagation", "private", "--", "sh", "-c", HideScript, "sh" };
            prefix.AddRange(limits.Hidden.Where(h => Directory.Exists(h) && !IsInside(limits.Folder, h)));
            prefix.Add("--");
            command.InsertRange(0, prefix);
        }
        return command;
    }

    const string HideScript = "while [ \"$1\" != -- ]; do mount -t tmpfs -o size=64k,mode=000 tmpfs \"$1\" || echo \"genai: could not hide $1\" >&2; shift; done; shift; exec \"$@\"";

    static bool IsInside(string path, string folder)
    {
        string full = Path.GetFullPath(path).TrimEnd('/') + "/", parent = Path.GetFullPath(folder).TrimEnd('/') + "/";
        return full.StartsWith(parent, StringComparison.Ordinal);
    }

    /// <summary>Whether new network and mount namespaces can be made here (root in most containers; not in some sandboxes).</summary>
    static readonly Lazy<bool> NamespacesWork = new(() =>
    {
        if (!Exists("unshare")) return false;
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", new[] { "--net", "--mount", "--propagation", "private", "--", "true" }) { RedirectStandardError = true, UseShellExecute = false });
            return probe is not null && probe.WaitForExit(10000) && probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    });

    static bool Exists(string tool) => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));
}
