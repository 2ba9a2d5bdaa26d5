using System.Runtime.CompilerServices;
using FluentAssertions;
using GenAI.Autograder.Seam;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>
/// The finalizer pause that keeps TorchSharp's temporary Scalars and Generators alive while check code runs: nothing is
/// finalised under a hold, everything waiting is finalised once it ends, and a lift (student code in-process) lets
/// finalizers run, including a wait for them, then holds again. Not parallel: the finalizer thread is the process's.
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

    /// <summary>
    /// Under a lift, code that waits for finalizers (as student code may) returns instead of hanging, and what it dropped
    /// is finalised; when the lift ends the hold is back.
    /// </summary>
    [Test]
    public void ALiftLetsFinalizersRunAndTheHoldComesBack()
    {
        var duringLift = new ManualResetEventSlim();
        var afterLift = new ManualResetEventSlim();
        using (FinalizerPause.Hold())
        {
            using (FinalizerPause.Lift())
            {
                FinalizerPause.Holding.Should().BeFalse();
                Abandon(duringLift);
                var wait = Task.Run(() => { GC.Collect(); GC.WaitForPendingFinalizers(); });
                wait.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue("waiting for finalizers must not hang under a lift");
                duringLift.IsSet.Should().BeTrue();
            }
            FinalizerPause.Holding.Should().BeTrue();
            Abandon(afterLift);
            GC.Collect();
            afterLift.Wait(Grace).Should().BeFalse("the hold is back after the lift");
        }
        afterLift.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();
    }

    /// <summary>Without a hold, a lift changes nothing and ends cleanly.</summary>
    [Test]
    public void ALiftWithoutAHoldDoesNothing()
    {
        using (FinalizerPause.Lift()) FinalizerPause.Holding.Should().BeFalse();
        FinalizerPause.Holding.Should().BeFalse();
    }
}
