using System.Runtime.CompilerServices;

namespace GenAI.Autograder.Seam;

/// <summary>
/// Holds the finalizer thread while check code runs. TorchSharp 0.107 passes libtorch only the native pointer of a
/// temporary <c>Scalar</c> (<c>t * 2.0</c>) or <c>Generator</c> (<c>randn(..., generator: new Generator(5))</c>) and
/// never calls <c>GC.KeepAlive</c>, so a collection started by another thread (NUnit's event pump, the worker's
/// standard-error reader, the test host) during that call can finalise the object and free what libtorch is reading:
/// "Unknown scalar type.", or a silently wrong constant. With the finalizer thread parked in a finalizer of ours, such
/// objects wait in the finalization queue until the hold ends; tensors are unaffected (the check's dispose scope
/// holds them). One check thread at a time: holds nest by count, and <see cref="Lift"/> serves that thread.
/// </summary>
public static class FinalizerPause
{
    static readonly object Sync = new();
    static int holds;
    static ManualResetEventSlim? release;

    /// <summary>How long <see cref="Hold"/> waits for the finalizer thread to reach the pause (behind the queue's backlog) before going on without it.</summary>
    static readonly TimeSpan ParkTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Whether the finalizer thread is parked now.</summary>
    public static bool Holding { get { lock (Sync) return release is not null; } }

    /// <summary>Parks the finalizer thread (if no hold has already) until the returned object is disposed.</summary>
    public static IDisposable Hold()
    {
        lock (Sync)
        {
            if (holds++ == 0) Park();
        }
        return new Ending(() =>
        {
            lock (Sync)
            {
                if (--holds == 0) Unpark();
            }
        });
    }

    /// <summary>
    /// Lets finalizers run until the returned object is disposed, then parks the thread again: for student code run
    /// in this process, which may wait for finalizers itself (<c>GC.WaitForPendingFinalizers</c>) or leave objects
    /// that only they free. Nothing happens when no hold is active.
    /// </summary>
    public static IDisposable Lift()
    {
        lock (Sync)
        {
            if (release is null) return new Ending(() => { });
            Unpark();
        }
        return new Ending(() =>
        {
            lock (Sync)
            {
                if (holds > 0 && release is null) Park();
            }
        });
    }

    static void Park()
    {
        var parked = new ManualResetEventSlim();
        var go = new ManualResetEventSlim();
        var blocker = Drop(parked, go);
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        while (blocker.IsAlive) GC.Collect();
        if (parked.Wait(ParkTimeout)) release = go;
        else go.Set(); // a finalizer of something else never returned: go on without the pause rather than hang
    }

    static void Unpark()
    {
        release?.Set();
        release = null;
    }

    /// <summary>Makes an unreachable <see cref="Blocker"/> (in its own frame, so no local keeps it) and a short weak reference that clears once it is queued.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    static WeakReference Drop(ManualResetEventSlim parked, ManualResetEventSlim go) => new(new Blocker(parked, go));

    /// <summary>Its finalizer is the pause: it says it runs, then waits for its release.</summary>
    sealed class Blocker(ManualResetEventSlim parked, ManualResetEventSlim go)
    {
        ~Blocker()
        {
            parked.Set();
            go.Wait();
        }
    }

    sealed class Ending(Action end) : IDisposable
    {
        bool done;

        public void Dispose()
        {
            if (done) return;
            done = true;
            end();
        }
    }
}
