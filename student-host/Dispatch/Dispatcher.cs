using System.Collections.Concurrent;
using System.Reflection;
using static TorchSharp.torch;

namespace GenAI.Worker.Dispatch;

/// <summary>
/// Marks a harness method (a training loop, a fingerprint, a test double around student code) that checks call
/// like a student function: <see cref="Describes"/> names what it runs for messages, <see cref="KeepsAlive"/> says
/// that tensors it makes must outlive the request (it changes a kept object in place).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HarnessAttribute(string describes) : Attribute
{
    /// <summary>What student code the method runs, as a failure message names it.</summary>
    public string Describes { get; } = describes;

    /// <summary>Whether what it makes must outlive the request (no dispose scope around it).</summary>
    public bool KeepsAlive { get; init; }
}

/// <summary>
/// The one place that calls student code: resolves an operation (a method or constructor of the course library,
/// or a <see cref="HarnessAttribute">harness</see> method) by its <see cref="OperationKey"/>, converts the
/// arguments by the parameters' types (<see cref="Values"/>), runs it, and converts the result by the return type.
/// Objects that are not data (modules, optimizers) stay here behind handles. The judge runs it in its own process
/// when students test locally and in the worker process when grading.
/// </summary>
public static class Dispatcher
{
    static readonly ConcurrentDictionary<string, MethodBase> Members = new();
    static readonly Dictionary<int, object> Handles = new();
    static int nextHandle;

    /// <summary>
    /// Whether releasing a student object also runs a full collection (set by the worker process, whose
    /// memory is capped; in the checks' own process collections are left to the runtime).
    /// </summary>
    public static bool CollectOnRelease { get; set; }

    /// <summary>
    /// Whether the tensors <paramref name="operation"/> makes must outlive the request: constructors, calls that return
    /// objects kept behind handles, and harness methods that say so.
    /// </summary>
    public static bool KeepsAlive(string operation)
    {
        MethodBase member;
        try { member = Member(operation); }
        catch (MissingMethodException) { return false; }
        return member is ConstructorInfo || (member is MethodInfo m && m.ReturnType != typeof(void) && !Values.IsData(m.ReturnType))
            || member.GetCustomAttribute<HarnessAttribute>()?.KeepsAlive == true;
    }

    /// <summary>Runs <paramref name="operation"/>; student exceptions become <see cref="StudentFailure"/>.</summary>
    /// <exception cref="InvalidDataException">Unknown operation or arguments that do not fit it (a harness bug, not the student's).</exception>
    public static Value[] Invoke(string operation, Value[] args)
    {
        MethodBase member;
        try { member = Member(operation); }
        catch (MissingMethodException e) { throw new StudentFailure($"{OperationKey.Display(operation)} threw MissingMethodException: {e.Message}"); }
        var parameters = member.GetParameters();
        bool instance = member is MethodInfo { IsStatic: false };
        if (args.Length != parameters.Length + (instance ? 1 : 0))
            throw new InvalidDataException($"{OperationKey.Display(operation)} takes {parameters.Length} arguments{(instance ? " and an object" : "")}, not {args.Length}");
        object? target = instance ? Values.FromValue(args[0], member.DeclaringType!, Get) : null;
        string function = member.GetCustomAttribute<HarnessAttribute>()?.Describes
            ?? (member is ConstructorInfo ? $"{member.DeclaringType!.Name} constructor" : $"{(target ?? (object)member.DeclaringType!) switch { Type t => t.Name, var o => o.GetType().Name }}.{member.Name}");
        return Run(function, () =>
        {
            var arguments = parameters.Select((p, i) => Values.FromValue(args[i + (instance ? 1 : 0)], p.ParameterType, Get)).ToArray();
            if (member is ConstructorInfo ctor) return [Keep(ctor.Invoke(BindingFlags.DoNotWrapExceptions, null, arguments, null) ?? throw new StudentFailure($"{function} returned null."))];
            var method = (MethodInfo)member;
            var result = method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, arguments, null);
            return method.ReturnType == typeof(void) ? [] : [Values.ToValue(result, method.ReturnType, function, Keep)];
        });
    }

    /// <summary>
    /// Vector-Jacobian product of an operation: re-runs it with the flagged tensor arguments
    /// requiring gradients and returns d(sum_k cotangent_k . output_k) / d(argument) for each of
    /// them (zeros where an argument does not reach the outputs).
    /// </summary>
    public static Value[] VectorJacobianProduct(string operation, Value[] args, bool[] differentiate, Value[] cotangents)
    {
        var inputs = new List<Tensor>();
        var prepared = args.Select((v, i) =>
        {
            if (!differentiate[i]) return v;
            var t = v.AsTensor.detach().clone().requires_grad_(true);
            inputs.Add(t);
            return new TensorValue(t);
        }).ToArray();
        using var enableGrad = enable_grad();
        var outputs = Invoke(operation, prepared).SelectMany(v => v.Tensors()).ToList();
        var pairs = outputs.Zip(cotangents.Select(c => c.AsTensor)).Where(p => p.First.requires_grad).ToList();
        if (pairs.Count == 0) return inputs.Select(t => (Value)new TensorValue(zeros_like(t))).ToArray();
        var grads = autograd.grad(pairs.Select(p => p.First).ToList(), inputs, pairs.Select(p => p.Second.to(p.First.dtype)).ToList(), allow_unused: true);
        return grads.Select((g, i) => (Value)new TensorValue(g is null || g.IsInvalid ? zeros_like(inputs[i]) : g)).ToArray();
    }

    /// <summary>
    /// Forgets a student object and disposes it (errors in student Dispose code are ignored: the check
    /// is over); in the worker it then collects, so optimizer states and tensors that escaped dispose scopes go too.
    /// </summary>
    [Harness("releasing a student object", KeepsAlive = true)]
    public static void Release(HandleId handle)
    {
        object? o;
        lock (Handles) Handles.Remove(handle.Id, out o);
        try { (o as IDisposable)?.Dispose(); }
        catch (Exception) { }
        if (CollectOnRelease)
        {
            GC.Collect();
            FinalizerPause.Drain();
        }
    }

    /// <summary>Seeds the global generator (before a check's first call, so initialisations do not depend on earlier checks).</summary>
    [Harness("seeding the global generator")]
    public static void Seed(long seed) => manual_seed(seed);

    static MethodBase Member(string operation) => Members.GetOrAdd(operation, OperationKey.Resolve);

    static Value[] Run(string function, Func<Value[]> body)
    {
        try { return body(); }
        catch (StudentFailure) { throw; }
        catch (InvalidDataException) { throw; }
        catch (NotImplementedException e) { throw new StudentFailure($"{function} is not implemented yet: {e.Message}", notImplemented: true); }
        catch (Exception e) { throw new StudentFailure($"{function} threw {e.GetType().Name}: {FirstLines(e.Message)}"); }
    }

    /// <summary>libtorch errors carry a C++ stack trace after the message: keep what a student can use.</summary>
    static string FirstLines(string message)
    {
        int cut = message.IndexOf("\nException raised from", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        var lines = message.Split('\n');
        return lines.Length <= 4 ? message.Trim() : string.Join("\n", lines.Take(4)).Trim() + " ...";
    }

    static Value Keep(object o)
    {
        int id = Interlocked.Increment(ref nextHandle);
        lock (Handles) Handles[id] = o;
        return new HandleValue(id);
    }

    static object Get(int id)
    {
        object? o;
        lock (Handles) Handles.TryGetValue(id, out o);
        return o ?? throw new InvalidDataException($"no student object with handle {id} (was the worker restarted?)");
    }
}
