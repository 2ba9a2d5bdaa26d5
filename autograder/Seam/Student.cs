using System.Linq.Expressions;
using GenAI.Worker;
using GenAI.Worker.Dispatch;
using GenAI.Worker.Harness;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// A student object (a module, an optimizer) that lives where student code runs, known here by a handle.
/// Disposing it releases the object there (checks of large models do, with <c>using</c>).
/// </summary>
public sealed class StudentModule : IDisposable
{
    bool released;
    internal StudentModule(int id, string kind, int generation) { Id = id; Kind = kind; Generation = generation; }

    /// <summary>Releases the object in the worker (once).</summary>
    public void Dispose()
    {
        if (released) return;
        released = true;
        Student.Release(this);
    }

    /// <summary>
    /// The object as a <typeparamref name="T"/>, inside a <see cref="Student.Call{T}"/> lambda only
    /// (<c>Student.Call(() => vae.As&lt;IGaussianVae&gt;().Decode(z))</c>): it stands for the object where student code runs.
    /// </summary>
    /// <exception cref="InvalidOperationException">Always, when run: the object is not here.</exception>
    public T As<T>() => throw new InvalidOperationException($"the {Kind} lives where student code runs: use As<{typeof(T).Name}>() inside Student.Call only");

    internal int Id { get; }
    internal int Generation { get; }
    /// <summary>What it is, e.g. "Encoder".</summary>
    public string Kind { get; }
}

/// <summary>
/// A score model s(x, sigma) = -scale * (x - mean) / (a + b sigma^2) handed to student code, which
/// records how it was called when <see cref="Record"/> is set (filled in after the call).
/// </summary>
public sealed class ScoreModel(Tensor mean, Tensor scale, double a, double b, bool record = false, bool recordInputs = false)
{
    internal Tensor Mean => mean;
    internal Tensor Scale => scale;
    internal double A => a;
    internal double B => b;

    /// <summary>Whether calls are recorded.</summary>
    public bool Record { get; } = record;
    /// <summary>Whether the recorded calls keep the values of x too.</summary>
    public bool RecordInputs { get; } = record && recordInputs;
    /// <summary>Each call's sigmas (flattened; one per row), the shape of x and, with <see cref="RecordInputs"/>, its values (flattened; else empty), in order.</summary>
    public List<(double[] sigma, long[] xShape, double[] x)> Calls { get; } = new();

    /// <summary>A score that is zero everywhere (the chain only diffuses), recording its calls (with <paramref name="inputs"/>, the values of x too).</summary>
    public static ScoreModel ZeroRecording(bool inputs = false) => new(zeros(1, dtype: float64), zeros(1, dtype: float64), 1, 0, record: true, recordInputs: inputs);

    internal void Recorded(List<(double[] sigma, long[] xShape, double[] x)> calls)
    {
        Calls.Clear();
        Calls.AddRange(calls);
    }
}

/// <summary>
/// The one way checks reach student code: a call written as a lambda over the course API
/// (<c>Student.Call(() => GaussianElbo.KlDiagNormal(mu, logvar))</c>), checked by the compiler, read by
/// <see cref="CallExpression"/> and run by <see cref="Dispatcher"/>: in this process for local `dotnet test`, in an
/// isolated worker process when the grader sets GENAI_WORKER. Student failures (stubs, exceptions, crashes,
/// time-outs) become test failures whose message says which function failed and why. Named calls that several checks
/// share are kept with those checks (Checks/TOPIC/TOPICCalls.cs); the ones below work on any student module.
/// </summary>
public static partial class Student
{
    static IStudentBackend Backend = FromEnvironment();

    static IStudentBackend FromEnvironment() => WorkerLimits.FromEnvironment() is { } limits ? new WorkerBackend(limits) : new InProcessBackend();

    /// <summary>
    /// Stops the worker, if any, and reads the backend afresh from the environment, as a new judge process would: a
    /// warm judge (<see cref="Grading.CheckRunner.Serve"/>) calls it before each submission it grades.
    /// </summary>
    public static void Reset()
    {
        Shutdown();
        RemoteAutograd.PendingFailure = null;
        Backend = FromEnvironment();
    }

    /// <summary>True when the environment tells <see cref="Reset"/> to run student code in a worker (GENAI_WORKER is set).</summary>
    public static bool WillIsolate => WorkerLimits.FromEnvironment() is not null;

    /// <summary>True when student code runs in a separate worker process.</summary>
    public static bool Isolated => Backend is WorkerBackend;

    /// <summary>
    /// What the worker's per-call limit is multiplied by for the check now running: <see cref="TrainingCallLimitScale"/> in a
    /// training check, else 1 (<see cref="Checks.CheckBase"/> sets it before each check).
    /// </summary>
    public static double CallLimitScale { get; set; } = 1;

    /// <summary>
    /// Training checks' calls get this many times the per-call limit (4 x 60 s by default): how much work a training call
    /// does is the student's choice (a PixelLstm.Fit over single-image batches takes 26 times the reference's steps, about
    /// 75 s here, and learns the letters), while the overall limit on a grading still bounds the whole.
    /// </summary>
    public const double TrainingCallLimitScale = 4;

    /// <summary>Starts a group of checks; a worker spoiled by failures in the previous group is replaced.</summary>
    public static void BeginGroup() => Backend.BeginGroup();

    /// <summary>
    /// Fails the check if student code failed during the last backward pass through a remote call
    /// (such failures cannot be thrown inside libtorch); call after every autograd.grad or backward.
    /// </summary>
    public static void ThrowIfBackwardFailed()
    {
        if (RemoteAutograd.PendingFailure is not { } failure) return;
        RemoteAutograd.PendingFailure = null;
        Assert.Fail(failure);
    }

    /// <summary>
    /// Seeds the global generator here and where student code runs (the worker, before its next call):
    /// constructors and code that ignores its generator argument then draw the same numbers alone, in
    /// any order of checks and in either path.
    /// </summary>
    public static void Seed(long seed)
    {
        torch.manual_seed(seed);
        Backend.Seed(seed);
    }

    /// <summary>Stops the worker (and everything it started), if any.</summary>
    public static void Shutdown() => (Backend as IDisposable)?.Dispose();

    /// <summary>Starts the worker ahead of the first call (see <see cref="WorkerBackend.StartEarly"/>); nothing in-process.</summary>
    public static void StartEarly() => (Backend as WorkerBackend)?.StartEarly();

    /// <summary>Waits for the early-started worker's first answer (see <see cref="WorkerBackend.Handshake"/>); nothing in-process.</summary>
    public static void Handshake() => (Backend as WorkerBackend)?.Handshake();

    /// <summary>Seconds calls waited for the build and the worker's start (0 in-process).</summary>
    public static double WaitedSeconds => (Backend as WorkerBackend)?.WaitedSeconds ?? 0;

    /// <summary>Runs <paramref name="call"/> (one call of student or harness code) where student code runs; its result comes back as data.</summary>
    public static T Call<T>(Expression<Func<T>> call)
    {
        var (operation, args, returns) = CallExpression.Split(call, Handle);
        return (T)Values.FromValue(Invoke(operation, args)[0], returns)!;
    }

    /// <summary>Runs <paramref name="call"/>, which returns nothing, where student code runs.</summary>
    public static void Call(Expression<Action> call)
    {
        var (operation, args, _) = CallExpression.Split(call, Handle);
        Invoke(operation, args);
    }

    /// <summary>Runs <paramref name="make"/> (a constructor, or a call that returns an object) where student code runs, and keeps the object there.</summary>
    public static StudentModule New<T>(Expression<Func<T>> make)
    {
        var (operation, args, _) = CallExpression.Split(make, Handle);
        return new StudentModule(Invoke(operation, args)[0].AsHandle, typeof(T).Name, Backend.Generation);
    }

    static Value[] Invoke(string operation, Value[] args)
    {
        try { return Backend.Invoke(operation, args); }
        catch (StudentFailure e)
        {
            if (tryingFloat64 && IsDtypeMismatch(e.Message)) throw new DtypeMismatch();
            // A stub's message says all there is (and the scorer and audit read it as it is); any other failure shows its input.
            Assert.Fail((context ?? (e.NotImplemented ? null : Numerics.Case.Latest)) is { } c ? c.Describe(e.Message) : e.Message);
            throw;
        }
    }

    [ThreadStatic] static Numerics.Case? context;

    [ThreadStatic] static bool tryingFloat64;

    /// <summary>
    /// Runs <paramref name="run"/> with float64, the checks' precision; where student code fails there on a dtype mismatch
    /// alone (constants made in the default float32, as PyTorch code makes them with <c>ones(B)</c> labels or
    /// <c>(u &lt; p).float()</c>, which is right in the assignments' float32, which fix no other dtype), runs it again with
    /// float32. Returns the dtype it ran with, for the check's tolerance; any other failure is reported as usual.
    /// </summary>
    public static (T result, ScalarType dtype) Float64ElseFloat32<T>(Func<ScalarType, T> run)
    {
        bool outer = tryingFloat64;
        tryingFloat64 = true;
        try { return (run(float64), float64); }
        catch (DtypeMismatch) { }
        finally { tryingFloat64 = outer; }
        return (run(float32), float32);
    }

    /// <summary>
    /// libtorch's words for operands of two dtypes ("Found dtype Float but expected Double", "expected scalar type Double
    /// but found Float"), or a worker that died: TorchSharp 0.107's matmul of a float32 and a float64 tensor aborts the
    /// process instead of throwing, and the message then holds only the end of its backtrace.
    /// </summary>
    static bool IsDtypeMismatch(string message) =>
        (message.Contains("dtype", StringComparison.OrdinalIgnoreCase) || message.Contains("expected scalar type", StringComparison.OrdinalIgnoreCase)
         || message.Contains("ended the worker process", StringComparison.Ordinal))
        && !message.Contains("Unknown scalar type", StringComparison.Ordinal);

    /// <summary>A student call of <see cref="Float64ElseFloat32{T}"/>'s float64 attempt failed on a dtype mismatch.</summary>
    sealed class DtypeMismatch : Exception;

    /// <summary>
    /// Until disposed, failures of student code are reported as part of <paramref name="c"/> (for checks
    /// such as training tiers whose calls run much student code at once).
    /// </summary>
    public static IDisposable For(Numerics.Case c)
    {
        context = c;
        return new ContextScope();
    }

    sealed class ContextScope : IDisposable
    {
        public void Dispose() => context = null;
    }

    static Value Handle(StudentModule m)
    {
        if (m.Generation != Backend.Generation) Assert.Fail($"the {m.Kind} was lost when the worker restarted after an earlier failure.");
        return new HandleValue(m.Id);
    }

    /// <summary>
    /// Releases student modules in the worker (disposed, then a collection), for checks whose models are
    /// large enough to matter in a 768 MB container; a module lost to a worker restart is skipped.
    /// </summary>
    public static void Release(params StudentModule[] modules)
    {
        foreach (var module in modules.Where(m => m.Generation == Backend.Generation))
        {
            try { Backend.Invoke(ReleaseOperation, [new HandleValue(module.Id)]); }
            catch (StudentFailure) { }
        }
    }

    static readonly string ReleaseOperation = OperationKey.Of(typeof(Dispatcher), nameof(Dispatcher.Release));

    // Any student module.
    /// <summary>The module's named parameters (copies).</summary>
    public static IReadOnlyList<(string name, Tensor value)> Parameters(StudentModule module) => Call(() => ModuleAccess.Parameters(module.As<nn.Module>()));

    /// <summary>Overwrites the named parameters.</summary>
    public static void LoadParameters(StudentModule module, IReadOnlyDictionary<string, Tensor> values) => Call(() => ModuleAccess.Load(module.As<nn.Module>(), values));

    /// <summary>Converts the module to float64 (for gradient checks).</summary>
    public static void ToFloat64(StudentModule module) => Call(() => ModuleAccess.ToFloat64(module.As<nn.Module>()));

    /// <summary>An Adam optimizer over the student module's parameters, living beside it.</summary>
    public static StudentModule NewAdam(StudentModule module, double learningRate) => New(() => ModuleAccess.Adam(module.As<nn.Module>(), learningRate));

    /// <summary>Puts the student module in evaluation mode.</summary>
    public static void Eval(StudentModule module) => Call(() => ModuleAccess.Eval(module.As<nn.Module>()));
}
