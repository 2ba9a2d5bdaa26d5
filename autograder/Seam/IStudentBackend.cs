using GenAI.Worker;
using GenAI.Worker.Dispatch;

namespace GenAI.Autograder.Seam;

/// <summary>Where student code runs: in this process (local `dotnet test`) or in a worker process (grading).</summary>
public interface IStudentBackend
{
    /// <summary>Runs an operation of <see cref="Dispatcher"/>; student failures surface as <see cref="StudentFailure"/>.</summary>
    Value[] Invoke(string op, Value[] args);

    /// <summary>How many times student objects were lost (the worker restarted); handles from an older generation are void.</summary>
    int Generation { get; }

    /// <summary>Marks the start of a group of checks (a check class).</summary>
    void BeginGroup();

    /// <summary>Seeds the global generator where student code runs (before its next call), so a check's initialisations do not depend on earlier checks.</summary>
    void Seed(long seed);
}

/// <summary>
/// The fast path: student code in this process, with autograd graphs intact, under the check's finalizer pause and its
/// stall watchdog (<see cref="FinalizerPause.StudentCall"/>).
/// </summary>
public sealed class InProcessBackend : IStudentBackend
{
    /// <inheritdoc />
    public Value[] Invoke(string op, Value[] args)
    {
        using (FinalizerPause.StudentCall()) return Dispatcher.Invoke(op, args);
    }

    /// <inheritdoc />
    public int Generation => 0;

    /// <inheritdoc />
    public void BeginGroup() { }

    /// <inheritdoc />
    public void Seed(long seed) => TorchSharp.torch.manual_seed(seed);
}
