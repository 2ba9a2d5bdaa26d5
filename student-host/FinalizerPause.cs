using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace GenAI.Worker;

/// <summary>
/// Holds the finalizer thread while course code runs. TorchSharp 0.107 passes libtorch only the native pointer of a
/// temporary <c>Scalar</c> (<c>t * 2.0</c>, or the alpha of 1 inside <c>a + b</c>) or <c>Generator</c>
/// (<c>randn(..., generator: new Generator(5))</c>) and never calls <c>GC.KeepAlive</c>, so a collection started by
/// another thread during that call (NUnit's event pump, a finaliser that allocates) can finalise the object and free
/// what libtorch is reading: "Unknown scalar type.", or a silently wrong constant. With the finalizer thread parked in
/// a finalizer of ours, such objects wait in the finalization queue until the hold ends or <see cref="Drain"/> runs
/// them at a point where no libtorch call is in flight; tensors are unaffected (dispose scopes hold them). Checks hold
/// it for their duration, the worker for its life. One holding thread at a time: holds nest by count.
/// </summary>
/// <remarks>
/// Code that waits for finalizers would hang under a hold: student code may (<c>GC.WaitForPendingFinalizers</c>), and
/// so does TorchSharp when a tensor factory fails (it collects and retries). Student calls therefore run in
/// <see cref="StudentCall"/>, under a watchdog: when the process uses almost no CPU for a sampling interval during one,
/// it is waiting, not computing, and the finalizer thread goes until the call ends.
/// </remarks>
public static class FinalizerPause
{
    static readonly object Sync = new();
    static int holds;
    static int studentCalls;
    static ManualResetEventSlim? release;
    static Timer? watchdog;
    static (TimeSpan Cpu, long Time)? lastSample;
    static int lastCollections;
    static long lastDrain;
    static bool stuck;

    /// <summary>How long <see cref="Hold"/> waits for the finalizer thread to reach the pause (behind the queue's backlog) before going on without it.</summary>
    static readonly TimeSpan ParkTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How often the watchdog samples the process's CPU time during a student call.</summary>
    static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The share of one core below which the process counts as waiting (a libtorch call on a 2-core machine shared by ten busy processes still gets about 20%).</summary>
    const double StallShare = 0.02;

    /// <summary>How long <see cref="StudentCall"/> lets finalizers queue before it drains them (when collections happened since the last drain).</summary>
    static readonly TimeSpan DrainEvery = TimeSpan.FromMilliseconds(200);

    /// <summary>Whether the finalizer thread is parked now.</summary>
    public static bool Holding { get { lock (Sync) return release is not null; } }

    /// <summary>How many times the watchdog let the finalizer thread go because a student call stalled.</summary>
    public static int Stalls { get; private set; }

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
                if (--holds == 0)
                {
                    Unpark();
                    stuck = false;
                }
            }
        });
    }

    /// <summary>
    /// Runs student code under the hold, if there is one: parks the finalizer thread again if a stall let it go, drains
    /// the queue when collections have queued objects for a while (<see cref="DrainEvery"/>; the caller's thread is
    /// between libtorch calls here), and watches for stalls until the returned object is disposed, which re-parks the
    /// thread if a stall let it go. Nothing happens when no hold is active.
    /// </summary>
    public static IDisposable StudentCall()
    {
        lock (Sync)
        {
            if (holds == 0) return new Ending(() => { });
            if (release is null) Park();
            else if (GC.CollectionCount(0) != lastCollections && Stopwatch.GetElapsedTime(lastDrain) >= DrainEvery) Drain();
            studentCalls++;
            lastSample = null;
            watchdog ??= new Timer(_ => Watch(), null, WatchInterval, WatchInterval);
        }
        return new Ending(() =>
        {
            lock (Sync)
            {
                studentCalls--;
                if (holds > 0 && release is null) Park();
            }
        });
    }

    /// <summary>
    /// Lets every finalizer queued so far run, then parks the thread again; for a point where the holding thread has
    /// no libtorch call in flight (between requests, after releasing a student object). Without a hold it waits for
    /// the finalizers like <see cref="GC.WaitForPendingFinalizers"/>.
    /// </summary>
    public static void Drain()
    {
        lock (Sync)
        {
            bool held = release is not null;
            Unpark();
            GC.WaitForPendingFinalizers();
            if (held) Park();
        }
    }

    /// <summary>
    /// The watchdog's tick: during a student call, a process that used almost no CPU since the last sample is waiting
    /// (perhaps for finalizers), so the thread goes. Ticks that come bunched (a late timer) keep the earlier sample.
    /// </summary>
    static void Watch()
    {
        lock (Sync)
        {
            if (studentCalls == 0 || release is null) { lastSample = null; return; }
        }
        var cpu = Environment.CpuUsage.TotalTime;
        long now = Stopwatch.GetTimestamp();
        lock (Sync)
        {
            if (studentCalls == 0) { lastSample = null; return; }
            if (lastSample is var (before, then))
            {
                var wall = Stopwatch.GetElapsedTime(then, now);
                if (wall < WatchInterval / 2) return;
                if (release is not null && (cpu - before) < wall * StallShare)
                {
                    Unpark();
                    Stalls++;
                }
            }
            lastSample = (cpu, now);
        }
    }

    static void Park()
    {
        if (stuck) return;
        var parked = new ManualResetEventSlim();
        var go = new ManualResetEventSlim();
        var blocker = Drop(parked, go);
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        while (blocker.IsAlive) GC.Collect();
        if (parked.Wait(ParkTimeout)) release = go;
        else
        {
            go.Set(); // a finalizer of something else never returned: go on without the pause rather than hang,
            stuck = true; // and do not wait for it again until the holds end
        }
        lastCollections = GC.CollectionCount(0);
        lastDrain = Stopwatch.GetTimestamp();
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
