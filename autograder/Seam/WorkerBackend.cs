using System.Diagnostics;
using System.Text;
using GenAI.Worker;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// Student code in a separate worker process (GenAI.Worker, started from the submission's run
/// folder), under limits: a time limit per call, scaled by the machine's measured speed
/// (<see cref="MachineSpeed"/>) and counted only while other processes leave the machine to grading
/// (<see cref="MachineLoad"/>), and where the platform allows (Linux, as
/// root) no network, an unprivileged user, an address-space cap and a process-count cap. A call
/// that times out or kills the worker fails with a message saying so, and the next call starts a
/// fresh worker; an operation that timed out once fails its later calls at once, so an endless loop
/// costs about one limit per operation that reaches it, not one per check. Tensors that require gradients get them through a custom autograd function whose
/// backward asks the worker for a vector-Jacobian product, so checks stay the same in both modes.
/// </summary>
public sealed class WorkerBackend : IStudentBackend, IDisposable
{
    /// <summary>Settings read from the environment the grader gives the judge.</summary>
    public sealed record Limits(string Folder, TimeSpan CallTimeout, long AddressSpaceBytes, int Processes, string? User, string[] Hidden)
    {
        /// <summary>
        /// GENAI_WORKER (run folder), GENAI_WORKER_CALL_SECONDS, GENAI_WORKER_MEMORY_MB,
        /// GENAI_WORKER_PROCESSES, GENAI_WORKER_USER (uid[:gid]) and GENAI_WORKER_HIDE (folders the
        /// worker must not see, separated by the path separator).
        /// </summary>
        public static Limits? FromEnvironment()
        {
            string? folder = Environment.GetEnvironmentVariable("GENAI_WORKER");
            if (string.IsNullOrEmpty(folder)) return null;
            static double Number(string name, double fallback) =>
                double.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.CultureInfo.InvariantCulture, out double v) && v > 0 ? v : fallback;
            return new Limits(folder, TimeSpan.FromSeconds(Number("GENAI_WORKER_CALL_SECONDS", 60)),
                (long)(Number("GENAI_WORKER_MEMORY_MB", 12288) * 1024 * 1024), (int)Number("GENAI_WORKER_PROCESSES", 256),
                Environment.GetEnvironmentVariable("GENAI_WORKER_USER") is { Length: > 0 } user ? user : null,
                (Environment.GetEnvironmentVariable("GENAI_WORKER_HIDE") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }
    }

    readonly Limits limits;
    Process? process;
    Stream? toWorker, fromWorker;
    readonly StringBuilder stderr = new();
    int generation;

    /// <summary>A backend that starts its worker on first use.</summary>
    public WorkerBackend(Limits limits) => this.limits = limits;

    /// <inheritdoc />
    public int Generation => generation;

    /// <inheritdoc />
    public Value[] Invoke(string op, Value[] args)
    {
        var differentiable = args.Select((v, i) => (v, i)).Where(p => p.v is TensorValue { Tensor.requires_grad: true }).Select(p => p.i).ToArray();
        if (differentiable.Length == 0 || !is_grad_enabled()) return Request(op, CallFrame(op, args));
        var call = new RemoteCall(this, op, args, differentiable);
        var vars = new object[] { call }.Concat(differentiable.Select(i => (object)args[i].AsTensor)).ToArray();
        var outputs = RemoteFunction.apply(vars);
        return call.Merge(outputs);
    }

    /// <summary>Asks the worker for the gradients of sum_k cotangent_k . output_k with respect to the differentiable arguments.</summary>
    internal Value[] VectorJacobianProduct(string op, Value[] args, int[] differentiable, IReadOnlyList<Tensor> cotangents) =>
        Request(op, w =>
        {
            w.Write(Wire.Vjp); w.Write(op); Wire.WriteValues(w, args);
            w.Write(args.Length);
            for (int i = 0; i < args.Length; i++) w.Write(differentiable.Contains(i));
            Wire.WriteValues(w, cotangents.Select(c => (Value)new TensorValue(c)).ToList());
        });

    /// <summary>The body of a plain call request: operation name and arguments.</summary>
    static Action<BinaryWriter> CallFrame(string op, Value[] args) => w => { w.Write(Wire.Call); w.Write(op); Wire.WriteValues(w, args); };

    long? pendingSeed;
    static readonly string SeedOperation = OperationKey.Of(typeof(Dispatcher), nameof(Dispatcher.Seed));

    /// <inheritdoc />
    public void Seed(long seed) => pendingSeed = seed;

    double slowdown = 1, gflops = MachineSpeed.NominalGflops;
    bool calibrated;
    readonly Dictionary<string, double> timedOut = new();

    /// <summary>The per-call limit: the configured one times the machine's measured slowdown.</summary>
    TimeSpan CallLimit => limits.CallTimeout * slowdown;

    /// <summary>Measures the machine's speed once, before the first call.</summary>
    void Calibrate()
    {
        if (calibrated) return;
        gflops = MachineSpeed.MeasureGflops();
        slowdown = MachineSpeed.Slowdown(gflops);
        calibrated = true;
    }

    /// <summary>
    /// Waits for <paramref name="task"/> until the call has had <paramref name="limit"/> of machine time: each
    /// second of waiting counts in proportion to the CPU share other processes left (<see cref="MachineLoad"/>),
    /// never beyond 8 times the limit in wall-clock time. False when the limit passed; <paramref name="busy"/> is
    /// then the fraction of the wait that other processes took.
    /// </summary>
    bool WaitWithin(Task task, TimeSpan limit, out double wall, out double busy)
    {
        var load = new MachineLoad(process!.Id);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double credited = 0;
        wall = busy = 0;
        try
        {
            while (true)
            {
                var slice = TimeSpan.FromSeconds(Math.Clamp(limit.TotalSeconds - credited, 0.05, 1));
                if (task.Wait(slice)) return true;
                double share = load.AvailableShare();
                credited += slice.TotalSeconds * share;
                wall = clock.Elapsed.TotalSeconds;
                busy = 1 - credited / wall;
                if (credited >= limit.TotalSeconds || wall >= 8 * limit.TotalSeconds) return false;
            }
        }
        catch (AggregateException) { return true; }
    }

    Value[] Request(string op, Action<BinaryWriter> body)
    {
        if (timedOut.TryGetValue(op, out double seconds))
            throw new StudentFailure($"{OperationKey.Display(op)} did not finish within {seconds:F0} s earlier in this run, so it is not called again (an endless loop, or far too much work?).");
        Calibrate();
        EnsureStarted();
        if (pendingSeed is { } seed)
        {
            pendingSeed = null;
            Exchange(SeedOperation, CallFrame(SeedOperation, [new NumberValue(seed)]));
        }
        return Exchange(op, body);
    }

    Value[] Exchange(string op, Action<BinaryWriter> body)
    {
        var task = Task.Run(() =>
        {
            Wire.WriteFrame(toWorker!, body);
            return Wire.ReadFrame(fromWorker!);
        });
        var limit = CallLimit;
        if (!WaitWithin(task, limit, out double wall, out double busy))
        {
            Stop();
            failedSinceStart = false;
            timedOut[op] = limit.TotalSeconds;
            string machine = $"the {limits.CallTimeout.TotalSeconds:F0} s call limit" + (slowdown > 1 ? $" x {slowdown:F2}, as this machine ran the reference workload at {gflops:F0} GFLOP/s where limits assume {MachineSpeed.NominalGflops:F0}" : $"; this machine ran the reference workload at {gflops:F0} GFLOP/s, not slower than limits assume") +
                $"; {wall:F0} s of wall-clock time, other processes took {busy:P0} of the machine meanwhile and that time did not count";
            throw new StudentFailure($"{OperationKey.Display(op)} did not finish within {limit.TotalSeconds:F0} s ({machine}): an endless loop, or far too much work? It was stopped.");
        }
        BinaryReader? reply = null;
        try { reply = task.Result; }
        catch (AggregateException e) when (e.InnerException is InvalidDataException)
        {
            Stop();
            failedSinceStart = true;
            throw new StudentFailure($"{OperationKey.Display(op)}: the worker's reply was corrupted (does your code write to standard output directly?); the worker was restarted.");
        }
        catch (AggregateException) { }
        if (reply is null)
        {
            string why = Died();
            throw new StudentFailure($"{OperationKey.Display(op)} ended the worker process ({why}).");
        }
        if (reply.ReadByte() == Wire.Ok) return Wire.ReadValues(reply);
        failedSinceStart = true;
        throw new StudentFailure(reply.ReadString());
    }

    bool failedSinceStart;

    /// <summary>A failure of student code during a backward pass, waiting to be raised (see <see cref="RemoteCall.Backward"/>).</summary>
    internal static string? PendingFailure { get; set; }

    /// <summary>
    /// Called before each group of checks: a worker in which student code failed (and may have left
    /// threads, processes or corrupted state behind) is replaced, so one group cannot spoil the next.
    /// </summary>
    public void BeginGroup()
    {
        if (!failedSinceStart) return;
        Stop();
        failedSinceStart = false;
    }

    void EnsureStarted()
    {
        if (process is { HasExited: false }) return;
        if (process is not null) Stop();
        var info = new ProcessStartInfo { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = limits.Folder };
        foreach (var part in Command()) info.ArgumentList.Add(part);
        info.FileName = info.ArgumentList[0];
        info.ArgumentList.RemoveAt(0);
        info.Environment.Clear();
        info.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        foreach (var keep in new[] { "DOTNET_ROOT", "LANG", "GENAI_THREADS" })
            if (Environment.GetEnvironmentVariable(keep) is { } v) info.Environment[keep] = v;
        info.Environment["HOME"] = Path.GetTempPath();
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_GCHeapHardLimit"] = "0x" + Math.Min(limits.AddressSpaceBytes / 4, 2L << 30).ToString("X");
        if (Environment.GetEnvironmentVariable("GENAI_DEVICE") is { } device) info.Environment["GENAI_DEVICE"] = device;
        lock (stderr) stderr.Clear();
        process = Process.Start(info) ?? throw new InvalidOperationException("could not start the worker");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) { if (stderr.Length < 64 * 1024) stderr.AppendLine(e.Data); }
        };
        process.BeginErrorReadLine();
        toWorker = process.StandardInput.BaseStream;
        fromWorker = process.StandardOutput.BaseStream;
    }

    /// <summary>dotnet GenAI.Worker.dll, wrapped in the limits this platform can apply.</summary>
    IEnumerable<string> Command()
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

    string Died()
    {
        var p = process!;
        if (!p.WaitForExit(5000)) p.Kill(entireProcessTree: true);
        p.WaitForExit();
        int code = p.ExitCode;
        string log;
        lock (stderr) log = stderr.ToString();
        Stop();
        string hint = log.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase) ? "a stack overflow: unbounded recursion?"
                    : code == 137 ? "killed: too much memory?"
                    : log.Contains("OutOfMemory", StringComparison.OrdinalIgnoreCase) ? "out of memory"
                    : code == 0 ? "your code called Environment.Exit or similar" : "it crashed";
        string tail = string.Join(" | ", log.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3)).Trim();
        return $"exit code {code}: {hint}" + (tail.Length > 0 ? $"; last output: {(tail.Length > 300 ? tail[..300] + "..." : tail)}" : "");
    }

    void Stop()
    {
        if (process is null) return;
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); process.WaitForExit(5000); }
        catch (InvalidOperationException) { }
        process.Dispose();
        process = null;
        generation++;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (process is not null && !process.HasExited) { try { toWorker?.Close(); process.WaitForExit(2000); } catch (IOException) { } }
        Stop();
    }

    /// <summary>One remote call whose tensor results join the caller's autograd graph.</summary>
    internal sealed class RemoteCall(WorkerBackend backend, string op, Value[] args, int[] differentiable)
    {
        Value[] results = Array.Empty<Value>();

        public List<Tensor> Forward()
        {
            results = backend.Request(op, CallFrame(op, args));
            return results.SelectMany(v => v.Tensors()).ToList();
        }

        /// <summary>
        /// Runs inside libtorch's backward pass, where an exception would abort the process: a
        /// failure is parked in <see cref="PendingFailure"/> (zeros are returned) for the seam to
        /// raise once the backward pass is over.
        /// </summary>
        public List<Tensor> Backward(List<Tensor> cotangents)
        {
            try
            {
                var grads = backend.VectorJacobianProduct(op, args, differentiable, cotangents);
                return new List<Tensor> { null! }.Concat(grads.Select(g => g.AsTensor)).ToList();
            }
            catch (Exception e)
            {
                PendingFailure ??= e is StudentFailure ? e.Message : $"computing {OperationKey.Display(op)}'s gradient failed: {e.Message}";
                return new List<Tensor> { null! }.Concat(differentiable.Select(i => zeros_like(args[i].AsTensor))).ToList();
            }
        }

        /// <summary>The results with each tensor replaced by its graph-connected counterpart.</summary>
        public Value[] Merge(List<Tensor> outputs)
        {
            using var replacements = outputs.GetEnumerator();
            return results.Select(v => v.WithTensors(replacements)).ToArray();
        }
    }

    sealed class RemoteFunction : autograd.MultiTensorFunction<RemoteFunction>
    {
        public override string Name => "StudentRemoteCall";

        public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var call = (RemoteCall)vars[0];
            ctx.save_data("call", call);
            return call.Forward();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grad_outputs) =>
            ((RemoteCall)ctx.get_data("call")).Backward(grad_outputs);
    }
}
