using System.Diagnostics;
using System.Text;
using GenAI.Worker;
using GenAI.Worker.Dispatch;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// Student code in a separate worker process (GenAI.Worker, started from the submission's run folder by
/// <see cref="WorkerSandbox"/>), spoken to in <see cref="Wire"/> frames, with a time limit per call scaled by the
/// machine's measured speed (<see cref="MachineSpeed"/>) and counted only while other processes leave the machine to
/// grading (<see cref="MachineLoad"/>). A call that times out or kills the worker fails with a message saying so, and
/// the next call starts a fresh worker; an operation that timed out once fails its later calls at once, so an endless
/// loop costs about one limit per operation that reaches it, not one per check. Calls with tensors that require
/// gradients go through <see cref="RemoteAutograd"/>.
/// </summary>
public sealed class WorkerBackend : IStudentBackend, IDisposable
{
    readonly WorkerLimits limits;
    Process? process;
    Stream? toWorker, fromWorker;
    readonly StringBuilder stderr = new();
    int generation;

    /// <summary>A backend that starts its worker on first use.</summary>
    public WorkerBackend(WorkerLimits limits) => this.limits = limits;

    /// <inheritdoc />
    public int Generation => generation;

    /// <inheritdoc />
    public Value[] Invoke(string op, Value[] args)
    {
        var differentiable = args.Select((v, i) => (v, i)).Where(p => p.v is TensorValue { Tensor.requires_grad: true }).Select(p => p.i).ToArray();
        return differentiable.Length == 0 || !is_grad_enabled() ? Call(op, args) : RemoteAutograd.Invoke(this, op, args, differentiable);
    }

    /// <summary>Runs <paramref name="op"/> in the worker, outside any autograd graph.</summary>
    internal Value[] Call(string op, Value[] args) => Request(op, CallFrame(op, args));

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

    /// <summary>The per-call limit: the configured one times the check's scale (<see cref="Student.CallLimitScale"/>) and the machine's measured slowdown.</summary>
    TimeSpan CallLimit => limits.CallTimeout * Student.CallLimitScale * slowdown;

    /// <summary>
    /// Measures the machine's speed once, when a call first reaches the configured limit (of machine time, or 8 times
    /// it of wall-clock time): only then can the slowdown matter, so gradings whose calls all finish sooner never spend
    /// the 0.3 s (two cores' worth) it takes. Student code keeps running meanwhile, which can only make the measured
    /// speed lower and the limit longer.
    /// </summary>
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
    /// never beyond 8 times the limit in wall-clock time; the limit grows by the machine's slowdown once either bound
    /// is first reached (<see cref="Calibrate"/>). False when the limit passed; <paramref name="busy"/> is then the
    /// fraction of the wait that other processes took.
    /// </summary>
    bool WaitWithin(Task task, ref TimeSpan limit, out double wall, out double busy)
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
                if ((credited >= limit.TotalSeconds || wall >= 8 * limit.TotalSeconds) && !calibrated)
                {
                    Calibrate();
                    limit = CallLimit;
                }
                if (credited >= limit.TotalSeconds || wall >= 8 * limit.TotalSeconds) return false;
            }
        }
        catch (AggregateException) { return true; }
    }

    /// <summary>Seconds calls spent waiting for the build and the worker's start (<see cref="BuildGate"/>): start-up, not checking.</summary>
    public double WaitedSeconds { get; private set; }

    /// <summary>Starts the worker (see <see cref="BuildGate"/>: before the submission is compiled).</summary>
    public void StartEarly() => EnsureStarted();

    /// <summary>Waits for the started worker's first answer (after the build: the answer loads the submission's assembly).</summary>
    public void Handshake()
    {
        try { Exchange(SeedOperation, CallFrame(SeedOperation, [new NumberValue(0)])); }
        catch (Exception e) when (e is StudentFailure or IOException or InvalidDataException)
        {
            timedOut.Remove(SeedOperation); // the first real call starts a fresh worker and reports what goes wrong
        }
    }

    Value[] Request(string op, Action<BinaryWriter> body)
    {
        if (timedOut.TryGetValue(op, out double seconds))
            throw new StudentFailure($"{OperationKey.Display(op)} did not finish within {seconds:F0} s earlier in this run, so it is not called again (an endless loop, or far too much work?).");
        WaitedSeconds += BuildGate.WaitUntilOpen().TotalSeconds;
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
        if (!WaitWithin(task, ref limit, out double wall, out double busy))
        {
            Stop();
            failedSinceStart = false;
            timedOut[op] = limit.TotalSeconds;
            string machine = $"the {(limits.CallTimeout * Student.CallLimitScale).TotalSeconds:F0} s call limit{(Student.CallLimitScale > 1 ? " of a training check" : "")}" + (slowdown > 1 ? $" x {slowdown:F2}, as this machine ran the reference workload at {gflops:F0} GFLOP/s where limits assume {MachineSpeed.NominalGflops:F0}" : $"; this machine ran the reference workload at {gflops:F0} GFLOP/s, not slower than limits assume") +
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
        byte kind = reply.ReadByte();
        if (kind == Wire.Ok) return Wire.ReadValues(reply);
        if (kind != Wire.NotImplemented) failedSinceStart = true;
        throw new StudentFailure(reply.ReadString(), kind == Wire.NotImplemented);
    }

    bool failedSinceStart;

    /// <summary>
    /// Called before each group of checks: a worker in which student code failed (and may have left
    /// threads, processes or corrupted state behind) is replaced, so one group cannot spoil the next. A stub's
    /// NotImplementedException does not count: it leaves nothing a successful call would not, and a template or a
    /// half-done submission would otherwise pay a worker start (about 0.6 s of CPU) for almost every group.
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
        var info = WorkerSandbox.StartInfo(limits);
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
}
