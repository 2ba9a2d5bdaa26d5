using GenAI.Autograder.Numerics;
using GenAI.Autograder.Seam;
using GenAI.Course.Formats;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks.Elbo;

/// <summary>
/// CS 4331 HW2 2.1, training tier: the student's ConvVae trained by the course's train.py loop (the
/// student's Forward, Reparameterize and ElboLoss) for a short seeded budget on fixture digits,
/// judged on the held-out negative ELBO computed here from the student's Encode and Decode, never on
/// matching the reference's weights or on the student's own loss value.
/// </summary>
public sealed class ConvVaeTrainingChecks : CheckBase
{
    /// <summary>
    /// What a correct model reaches after 3 epochs, measured on the reference for global seeds 1-9 and 161 (the same to two
    /// decimals with 1 and 2 libtorch threads): 24.4 to 26.3 nats per image, from 39.6 to 78.0 untrained. With a
    /// unit-variance Gaussian decoder on [0, 1] pixels the posterior sometimes collapses (seed 4: 26.25 after 3 epochs,
    /// still 26.05 after 12), leaving the decoder at the mean image (25.9 on these 300 digits), so no threshold below the
    /// mean image's loss is fair to every correct model, and the first epoch already reaches that level (26.4 to 26.9): 12
    /// epochs had cost four times as long and caught nothing more. The threshold is the worst seed (26.33) plus 1 nat,
    /// rounded up: the tier catches training that does not work at all (diverging, NaN, nothing learnt); the shape,
    /// gradient and loss checks catch the finer bugs.
    /// </summary>
    const double Threshold = 27.4;

    /// <summary>
    /// Held-out negative ELBO per image without the constant 392 log(2 pi):
    /// E_q[0.5 ||x - Decode(z)||^2] + KL(q || N(0, I)), with 10 draws of z per image made here.
    /// </summary>
    static double HeldOutLoss(StudentModule vae, Tensor test, Generator generator)
    {
        var (mu, logvar) = Student.VaeEncode(vae, test);
        var kl = (-0.5 * (1 + logvar - mu.square() - logvar.exp()).sum(1)).mean().ToDouble();
        double reconstruction = 0;
        for (int draw = 0; draw < 10; draw++)
        {
            var z = mu + (0.5 * logvar).exp() * randn(mu.shape, generator: generator);
            reconstruction += (0.5 * (test - Student.VaeDecode(vae, z)).square().sum(1)).mean().ToDouble() / 10;
        }
        return reconstruction + kl;
    }

    /// <summary>ConvVae(8), 3 epochs of Adam (lr 2e-3, batch 32) on 1,200 fixture digits in [0, 1], one call per epoch (each within the per-call time limit); the loss on 300 others must reach the threshold.</summary>
    [Test, Category(Training)]
    public void TrainedConvVaeReachesTheHeldOutLoss()
    {
        var c = new Case("ConvVae (trained)", "3 epochs on 1,200 digits, 300 held out",
            "training lowers the negative ELBO when the encoder, decoder, reparameterize, negative_log_likelihood, kl_diag_normal and the ELBO loss are right: check signs, that z = mu + sigma * eps uses the noise, and that nothing is detached.");
        string folder = Path.Combine(AppContext.BaseDirectory, "fixtures", "course-data", "digits-idx");
        var train = Idx.LoadSplit(folder, "train").images.flatten(1).to(float32);
        var test = Idx.LoadSplit(folder, "t10k").images.flatten(1).to(float32);
        Student.Seed(Seed);
        using var vae = Student.NewConvVae(8);
        using var failures = Student.For(c);
        using var optimizer = Student.NewAdam(vae, 2e-3);
        var losses = Enumerable.Range(0, Epochs).SelectMany(epoch => Student.VaeTrainEpoch(vae, optimizer, train, 32, Rng(Seed + 1 + epoch))).ToArray();
        Student.Eval(vae);
        double heldOut = HeldOutLoss(vae, test, Rng(Seed + 2));
        string perEpoch = string.Join(", ", losses.Chunk(losses.Length / Epochs).Select(e => e.Average().ToString("F1")));
        TestContext.Out.WriteLine($"ConvVae: loss per epoch (the student's ElboLoss) {perEpoch}; held-out {heldOut:F2} (threshold {Threshold})");
        if (!(heldOut <= Threshold))
            Assert.Fail(c.Describe($"held-out negative ELBO {heldOut:F2} > {Threshold} nats per image (training loss per epoch: {perEpoch})."));
    }

    const int Epochs = 3, Seed = 161;
}
