"""The PyTorch peer of benchmarks/TrainingEpochBenchmarks.cs: the same DCGAN, Gaussian-Bernoulli RBM,
MNIST VAE, faces beta-VAE and CS 4331 conv / MLP VAE training epochs (architectures, batch sizes, data shapes, optimizers) as the C# reference, on
Debian's python3-torch. Reads one command per line on stdin ("dcgan", "rbm", "mnist_vae", "faces_vae", "conv_vae" or "mlp_vae"), runs one epoch and
answers "done" on stdout, so the benchmark times only the epoch (no interpreter start).
"gemm" answers the GFLOP/s of a 1024^3 fp32 matmul instead, "op_costs" the per-call costs of benchmarks/OpCosts.cs. The first line, "ready BLAS", names the BLAS
library this process mapped (read from /proc/self/maps after a matmul).

    OPENBLAS_NUM_THREADS=THREADS python3 benchmarks/pytorch/epoch_server.py THREADS
"""
import ctypes
import os
import sys
import time
import torch
import torch.nn as nn
import torch.nn.functional as F

DCGAN_IMAGES, DCGAN_BATCH = 1024, 64
RBM_IMAGES, RBM_BATCH, RBM_HIDDEN, RBM_K = 8192, 128, 64, 5
MNIST_VAE_IMAGES, MNIST_VAE_BATCH = 8000, 100
FACES, FACES_BATCH, FACES_BETA = 2048, 64, 0.5
GAUSSIAN_VAE_IMAGES, GAUSSIAN_VAE_BATCH, GAUSSIAN_VAE_LATENT = 2048, 128, 16


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
            nn.Conv2d(128, 256, 3, 2, 1), nn.BatchNorm2d(256), nn.LeakyReLU(0.2),
            nn.Conv2d(256, 512, 3, 1, 1), nn.BatchNorm2d(512), nn.LeakyReLU(0.2))
        self.head = nn.Linear(4 * 4 * 512, 1)

    def forward(self, x):
        return torch.sigmoid(self.head(self.body(x).flatten(1))).squeeze(-1)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.project = nn.Sequential(nn.Linear(100, 7 * 7 * 256), nn.BatchNorm1d(7 * 7 * 256), nn.ReLU())
        self.body = nn.Sequential(
            nn.ConvTranspose2d(256, 128, 4, 2, 1), nn.BatchNorm2d(128), nn.ReLU(),
            nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.Conv2d(64, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 1, 3, padding=1), nn.Tanh())

    def forward(self, z):
        return self.body(self.project(z).view(-1, 256, 7, 7))


def d_loss(real, fake):
    return -(real.log().clamp_min(-100).mean() + (1 - fake).log().clamp_min(-100).mean())


def g_loss(fake):
    return (1 - fake).log().clamp_min(-100).mean()


class Rbm(nn.Module):
    def __init__(self, visible, hidden):
        super().__init__()
        self.W = nn.Parameter(torch.randn(visible, hidden) * 0.01)
        self.b = nn.Parameter(torch.zeros(visible))
        self.alpha = nn.Parameter(torch.zeros(hidden))
        self.register_buffer("sigma", torch.ones(visible))

    def hidden_probability(self, v):
        return torch.sigmoid((v / self.sigma) @ self.W + self.alpha)

    def visible_mean(self, h):
        return self.b + self.sigma * (h @ self.W.T)

    def free_energy(self, v):
        quadratic = ((v - self.b) / self.sigma).square().sum(-1) / 2
        return quadratic - F.softplus((v / self.sigma) @ self.W + self.alpha).sum(-1)

    def gibbs(self, v, k, generator):
        with torch.no_grad():
            x = v.detach()
            for _ in range(k):
                p = self.hidden_probability(x)
                h = (torch.rand(p.shape, generator=generator) < p).to(p.dtype)
                x = self.visible_mean(h) + self.sigma * torch.randn(x.shape, generator=generator)
            return x


class MnistVae(nn.Module):
    """CS 446 HW5: tanh MLPs 784-500-(2, 2) and 2-500-784, variance parameterisation, one-sample ELBO."""
    def __init__(self):
        super().__init__()
        self.fc1, self.fc21, self.fc22 = nn.Linear(784, 500), nn.Linear(500, 2), nn.Linear(500, 2)
        self.fc3, self.fc4 = nn.Linear(2, 500), nn.Linear(500, 784)

    def elbo(self, x, generator):
        h = torch.tanh(self.fc1(x))
        mu, var = self.fc21(h), torch.exp(self.fc22(h))
        z = mu + var.sqrt() * torch.randn(mu.shape, generator=generator)
        p = torch.sigmoid(self.fc4(torch.tanh(self.fc3(z))))
        log_px = (torch.xlogy(x, p) + torch.xlogy(1 - x, 1 - p)).sum(-1)
        log_pz = (-0.5 * (torch.log(torch.tensor(2 * torch.pi)) + z.square())).sum(-1)
        log_qz = (-0.5 * (torch.log(2 * torch.pi * var) + (z - mu).square() / var)).sum(-1)
        return (log_px + log_pz - log_qz).mean()


class FaceVae(nn.Module):
    """CS/DS 552 HW2: 576-256-(16, 16), 16-256-576 sigmoid, BCE summed + beta KL, batch mean."""
    def __init__(self):
        super().__init__()
        self.fc1, self.mu, self.logvar = nn.Linear(576, 256), nn.Linear(256, 16), nn.Linear(256, 16)
        self.fc3, self.fc4 = nn.Linear(16, 256), nn.Linear(256, 576)

    def loss(self, x, generator):
        h = F.relu(self.fc1(x))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + (0.5 * logvar).exp() * torch.randn(mu.shape, generator=generator)
        recon = torch.sigmoid(self.fc4(F.relu(self.fc3(z))))
        bce = F.binary_cross_entropy(recon, x, reduction="none").sum(-1)
        kl = -0.5 * (1 + logvar - mu.square() - logvar.exp()).sum(-1)
        return (bce + FACES_BETA * kl).mean()


class ConvVae(nn.Module):
    """CS 4331 HW2 VAE.py: 1x28x28 -conv-> 32x14x14 -conv-> 64x7x7 -> 256 -> (mu, logvar); the mirror with transposed convs."""
    def __init__(self, latent):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 32, 4, 2, 1), nn.Conv2d(32, 64, 4, 2, 1)
        self.hidden, self.mu, self.logvar = nn.Linear(64 * 7 * 7, 256), nn.Linear(256, latent), nn.Linear(256, latent)
        self.dec_hidden, self.dec_grid = nn.Linear(latent, 256), nn.Linear(256, 64 * 7 * 7)
        self.deconv1, self.deconv2 = nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ConvTranspose2d(32, 1, 4, 2, 1)

    def encode(self, x):
        h = F.relu(self.conv2(F.relu(self.conv1(x.view(-1, 1, 28, 28)))))
        h = F.relu(self.hidden(h.flatten(1)))
        return self.mu(h), self.logvar(h)

    def decode(self, z):
        h = F.relu(self.dec_grid(F.relu(self.dec_hidden(z)))).view(-1, 64, 7, 7)
        return self.deconv2(F.relu(self.deconv1(h))).flatten(1)


class MlpVae(nn.Module):
    """CS 4331 HW2 2.5: 784-400-(mu, logvar), latent-400-784, ReLU, unbounded output."""
    def __init__(self, latent):
        super().__init__()
        self.fc1, self.mu, self.logvar = nn.Linear(784, 400), nn.Linear(400, latent), nn.Linear(400, latent)
        self.fc3, self.fc4 = nn.Linear(latent, 400), nn.Linear(400, 784)

    def encode(self, x):
        h = F.relu(self.fc1(x))
        return self.mu(h), self.logvar(h)

    def decode(self, z):
        return self.fc4(F.relu(self.fc3(z)))


def gaussian_elbo_loss(model, x, generator):
    """ELBO.py: batch mean of 0.5 ||x - recon||^2 + 392 log(2 pi) + KL(q || N(0, I))."""
    mu, logvar = model.encode(x)
    recon = model.decode(mu + (0.5 * logvar).exp() * torch.randn(mu.shape, generator=generator))
    nll = 0.5 * (x - recon).square().sum(-1) + 0.5 * x.shape[-1] * torch.log(torch.tensor(2 * torch.pi))
    kl = -0.5 * (1 + logvar - mu.square() - logvar.exp()).sum(-1)
    return (nll + kl).mean()


class _DlInfo(ctypes.Structure):
    _fields_ = [("fname", ctypes.c_char_p), ("fbase", ctypes.c_void_p), ("sname", ctypes.c_char_p), ("saddr", ctypes.c_void_p)]


def loaded_blas():
    """The BLAS that torch's sgemm_ calls bind to (dladdr of the symbol as libtorch_cpu resolves it), as
    "OpenBLAS 0.3.21 ... (pthread)", "netlib reference BLAS (path)" or the library's path."""
    torch_cpu = next(line.split()[-1] for line in open("/proc/self/maps") if "libtorch_cpu" in line)
    sgemm = ctypes.cast(ctypes.CDLL(torch_cpu).sgemm_, ctypes.c_void_p)
    info = _DlInfo()
    ctypes.CDLL(None).dladdr(sgemm, ctypes.byref(info))
    path = os.path.realpath(info.fname.decode())
    library = ctypes.CDLL(path)
    if hasattr(library, "openblas_get_config"):
        library.openblas_get_config.restype = ctypes.c_char_p
        return f"{library.openblas_get_config().decode().strip()} ({os.path.basename(os.path.dirname(path))})"
    if "/blas/" in path:
        return f"netlib reference BLAS ({path})"
    return path


def gemm_gflops(repeats=10):
    """GFLOP/s of a 1024 x 1024 x 1024 fp32 matmul: 2 * 1024^3 flops over the median of repeats timings (after one warm-up)."""
    a, b = torch.rand(1024, 1024), torch.rand(1024, 1024)
    a @ b
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return 2 * 1024 ** 3 / sorted(times)[repeats // 2] / 1e9


def op_costs():
    """benchmarks/OpCosts.cs's measurements, microseconds per call, space-separated: in-place add and add-and-free on one
    element, then a 576 -> 256 linear layer at batch 64 (x W^T + b), its input gradient g W and weight gradient g^T x
    and the binary cross-entropy of a [64, 576] batch without gradient and with its backward (medians of 7 rounds after a warm-up)."""
    def median(calls, call):
        rounds = []
        for _ in range(8):
            start = time.perf_counter()
            for _ in range(calls):
                call()
            rounds.append((time.perf_counter() - start) / calls * 1e6)
        return sorted(rounds[1:])[3]
    one, acc = torch.ones(1), torch.zeros(1)
    x, w, b, g = torch.rand(64, 576), torch.rand(256, 576), torch.rand(256), torch.rand(64, 256)
    target, probabilities = torch.rand(64, 576), (torch.rand(64, 576) * 0.98 + 0.01).requires_grad_(True)

    def bce_without_gradient():
        with torch.no_grad():
            F.binary_cross_entropy(probabilities, target, reduction="none").sum(-1)
    return [median(20000, lambda: acc.add_(one)), median(20000, lambda: acc.add(one)),
            median(500, lambda: F.linear(x, w, b)), median(500, lambda: g @ w), median(500, lambda: g.t() @ x),
            median(500, bce_without_gradient),
            median(500, lambda: F.binary_cross_entropy(probabilities, target, reduction="none").sum().backward())]


def main():
    torch.set_num_threads(int(sys.argv[1]))
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    images = torch.rand(DCGAN_IMAGES, 1, 28, 28, generator=g) * 2 - 1
    D, G = Discriminator(), Generator()
    d_opt = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
    g_opt = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
    data = torch.rand(RBM_IMAGES, 784, generator=g)
    rbm = Rbm(784, RBM_HIDDEN)
    r_opt = torch.optim.Adam(rbm.parameters(), 1e-3)

    def dcgan_epoch():
        order = torch.randperm(DCGAN_IMAGES, generator=g)
        for i in range(DCGAN_IMAGES // DCGAN_BATCH):
            real = images[order[i * DCGAN_BATCH:(i + 1) * DCGAN_BATCH]]
            d_opt.zero_grad()
            fake = G(torch.randn(DCGAN_BATCH, 100, generator=g)).detach()
            d_loss(D(real), D(fake)).backward()
            d_opt.step()
            g_opt.zero_grad()
            g_loss(D(G(torch.randn(DCGAN_BATCH, 100, generator=g)))).backward()
            g_opt.step()

    def rbm_epoch():
        order = torch.randperm(RBM_IMAGES, generator=g)
        for i in range(RBM_IMAGES // RBM_BATCH):
            v = data[order[i * RBM_BATCH:(i + 1) * RBM_BATCH]]
            r_opt.zero_grad()
            (rbm.free_energy(v).mean() - rbm.free_energy(rbm.gibbs(v, RBM_K, g)).mean()).backward()
            r_opt.step()
            with torch.no_grad():
                (rbm.visible_mean(rbm.hidden_probability(v)) - v).square().mean().item()

    digits = (torch.rand(MNIST_VAE_IMAGES, 784, generator=g) < 0.2).float()
    mnist_vae = MnistVae()
    m_opt = torch.optim.Adam(mnist_vae.parameters(), 1e-3)
    faces = torch.rand(FACES, 576, generator=g)
    face_vae = FaceVae()
    f_opt = torch.optim.Adam(face_vae.parameters(), 1e-3)

    def mnist_vae_epoch():
        order = torch.randperm(MNIST_VAE_IMAGES, generator=g)
        for i in range(MNIST_VAE_IMAGES // MNIST_VAE_BATCH):
            m_opt.zero_grad()
            (-mnist_vae.elbo(digits[order[i * MNIST_VAE_BATCH:(i + 1) * MNIST_VAE_BATCH]], g)).backward()
            m_opt.step()

    def faces_vae_epoch():
        order = torch.randperm(FACES, generator=g)
        for i in range(FACES // FACES_BATCH):
            f_opt.zero_grad()
            face_vae.loss(faces[order[i * FACES_BATCH:(i + 1) * FACES_BATCH]], g).backward()
            f_opt.step()

    pixels = torch.rand(GAUSSIAN_VAE_IMAGES, 784, generator=g)
    gaussian_vaes = {"conv_vae": ConvVae(GAUSSIAN_VAE_LATENT), "mlp_vae": MlpVae(GAUSSIAN_VAE_LATENT)}
    gaussian_optimizers = {name: torch.optim.Adam(m.parameters(), 1e-3) for name, m in gaussian_vaes.items()}

    def gaussian_vae_epoch(name):
        model, optimizer = gaussian_vaes[name], gaussian_optimizers[name]
        order = torch.randperm(GAUSSIAN_VAE_IMAGES, generator=g)
        for start in range(0, GAUSSIAN_VAE_IMAGES, GAUSSIAN_VAE_BATCH):
            optimizer.zero_grad()
            loss = gaussian_elbo_loss(model, pixels[order[start:start + GAUSSIAN_VAE_BATCH]], g)
            loss.backward()
            optimizer.step()
            loss.item()

    epochs = {"dcgan": dcgan_epoch, "rbm": rbm_epoch, "mnist_vae": mnist_vae_epoch, "faces_vae": faces_vae_epoch,
              "conv_vae": lambda: gaussian_vae_epoch("conv_vae"), "mlp_vae": lambda: gaussian_vae_epoch("mlp_vae")}
    print("ready", loaded_blas(), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            break
        if command == "gemm":
            print(gemm_gflops(), flush=True)
            continue
        if command == "op_costs":
            print(" ".join(f"{v:.3f}" for v in op_costs()), flush=True)
            continue
        epochs[command]()
        print("done", flush=True)


if __name__ == "__main__":
    main()
