using System.Runtime.CompilerServices;
using FluentAssertions;
using GenAI.Worker;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>
/// The finalizer pause that keeps TorchSharp's temporary Scalars and Generators alive while check code runs: nothing is
/// finalised under a hold, everything waiting is finalised once it ends or is drained, and a student call that waits for
/// finalizers is let through by the watchdog, after which the hold is back. Not parallel: the finalizer thread is the process's.
/// </summary>
[NonParallelizable]
public sealed class FinalizerPauseTests
{
    /// <summary>How long a finalizer that is free to run is given to run; far more than one needs.</summary>
    static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(300);

    sealed class Flag(ManualResetEventSlim finalised)
    {
        ~Flag() => finalised.Set();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Abandon(ManualResetEventSlim finalised) => _ = new Flag(finalised);

    /// <summary>An object dropped under a hold stays unfinalised through a full collection, and is finalised after the hold.</summary>
    [Test]
    public void NothingIsFinalisedUnderAHold()
    {
        var finalised = new ManualResetEventSlim();
        using (FinalizerPause.Hold())
        {
            FinalizerPause.Holding.Should().BeTrue();
            Abandon(finalised);
            GC.Collect();
            finalised.Wait(Grace).Should().BeFalse("the finalizer thread is held");
        }
        FinalizerPause.Holding.Should().BeFalse();
        GC.Collect();
        finalised.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue("the hold is over");
    }

    /// <summary>Holds nest: the finalizer thread goes only when the outer one ends.</summary>
    [Test]
    public void NestedHoldsEndWithTheOuterOne()
    {
        var finalised = new ManualResetEventSlim();
        using (FinalizerPause.Hold())
        {
            using (FinalizerPause.Hold()) Abandon(finalised);
            GC.Collect();
            finalised.Wait(Grace).Should().BeFalse("the outer hold is still on");
        }
        finalised.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();
    }

    /// <summary>Nothing is finalised while a student call computes (the watchdog lets the thread go only when the process waits).</summary>
    [Test]
    public void NothingIsFinalisedDuringABusyStudentCall()
    {
        var finalised = new ManualResetEventSlim();
        using (FinalizerPause.Hold())
        using (FinalizerPause.StudentCall())
        {
            Abandon(finalised);
            GC.Collect();
            var busy = System.Diagnostics.Stopwatch.StartNew();
            while (busy.Elapsed < TimeSpan.FromSeconds(1)) Thread.SpinWait(1000);
            finalised.IsSet.Should().BeFalse("the call kept the process busy, so the hold stays");
            FinalizerPause.Holding.Should().BeTrue();
        }
        finalised.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();
    }

    /// <summary>
    /// A student call that waits for finalizers (as student code may, and TorchSharp does when a tensor factory fails)
    /// returns instead of hanging, and what it dropped is finalised; once the call ends the hold is back.
    /// </summary>
    [Test]
    public void AStudentCallThatWaitsForFinalizersReturnsAndTheHoldComesBack()
    {
        var duringCall = new ManualResetEventSlim();
        var afterCall = new ManualResetEventSlim();
        int stalls = FinalizerPause.Stalls;
        using (FinalizerPause.Hold())
        {
            var call = Task.Run(() =>
            {
                using (FinalizerPause.StudentCall())
                {
                    Abandon(duringCall);
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
            });
            call.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue("waiting for finalizers in a student call must not hang");
            duringCall.IsSet.Should().BeTrue();
            FinalizerPause.Stalls.Should().BeGreaterThan(stalls);
            FinalizerPause.Holding.Should().BeTrue("the hold is back after the call");
            Abandon(afterCall);
            GC.Collect();
            afterCall.Wait(Grace).Should().BeFalse("the hold is back after the call");
        }
        afterCall.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();
    }

    /// <summary>
    /// A tensor factory that fails inside a student call (TorchSharp then collects, waits for finalizers and retries)
    /// reports libtorch's error instead of hanging.
    /// </summary>
    [Test]
    public void AFailingTensorFactoryInAStudentCallThrowsInsteadOfHanging()
    {
        using (FinalizerPause.Hold())
        {
            var call = Task.Run(() =>
            {
                using (FinalizerPause.StudentCall()) TorchSharp.torch.zeros(-1);
            });
            var done = Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(10))).Result;
            done.Should().BeSameAs(call, "the failed factory's wait for finalizers must end");
            call.Exception.Should().NotBeNull("a negative size is libtorch's error");
            FinalizerPause.Holding.Should().BeTrue("the hold is back after the call");
        }
    }

    /// <summary>A drain finalises what is queued and keeps the hold.</summary>
    [Test]
    public void ADrainFinalisesWhatIsQueuedAndKeepsTheHold()
    {
        var finalised = new ManualResetEventSlim();
        var later = new ManualResetEventSlim();
        using (FinalizerPause.Hold())
        {
            Abandon(finalised);
            GC.Collect();
            FinalizerPause.Drain();
            finalised.IsSet.Should().BeTrue();
            FinalizerPause.Holding.Should().BeTrue();
            Abandon(later);
            GC.Collect();
            later.Wait(Grace).Should().BeFalse("the hold is back after the drain");
        }
        later.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();
    }

    /// <summary>Without a hold, a student call changes nothing and ends cleanly.</summary>
    [Test]
    public void AStudentCallWithoutAHoldDoesNothing()
    {
        using (FinalizerPause.StudentCall()) FinalizerPause.Holding.Should().BeFalse();
        FinalizerPause.Holding.Should().BeFalse();
    }
}
