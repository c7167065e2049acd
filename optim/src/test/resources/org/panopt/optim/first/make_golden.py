#!/usr/bin/env python3
"""Golden trajectories for the first-order optimizers (FirstOrderGoldenTest).

Each optimizer is re-stated here in numpy float64, line by line after the single-tensor reference of
torch.optim (``_single_tensor_<name>`` in torch/optim/<name>.py, PyTorch 2.x), independently of the Java code.
The problem: two parameters, p0 of shape [3] and p1 of shape [2, 2], loss
    L(θ) = Σ_k ½ a_k θ_k² + ¼ θ_k⁴ − b_k θ_k      (over all 7 elements, flattened p0 then p1)
with gradient a θ + θ³ − b. Each case records the flattened parameters after the listed steps.

Run:  python3 make_golden.py > golden.properties
"""
import math
import numpy as np

A = np.array([1.0, 3.0, 0.5, 2.0, 0.25, 1.5, 4.0])
B = np.array([0.5, -1.0, 2.0, 0.0, 1.0, -0.5, 0.3])
THETA0 = np.array([1.0, -2.0, 0.5, 0.3, -0.7, 1.2, -0.4])


def grad(theta):
    return A * theta + theta ** 3 - B


def sgd(cfg):
    lr, mu, damp, wd, nesterov = cfg["lr"], cfg.get("momentum", 0.0), cfg.get("dampening", 0.0), cfg.get("weight_decay", 0.0), cfg.get("nesterov", False)
    buf = None

    def step(p, t):
        nonlocal buf
        g = grad(p)
        if wd != 0:
            g = g + wd * p
        if mu != 0:
            buf = g.copy() if buf is None else mu * buf + (1 - damp) * g
            g = g + mu * buf if nesterov else buf
        return p - lr * g
    return step


def adagrad(cfg):
    lr, lr_decay, wd, init, eps = cfg["lr"], cfg.get("lr_decay", 0.0), cfg.get("weight_decay", 0.0), cfg.get("initial_accumulator_value", 0.0), cfg.get("eps", 1e-10)
    s = np.full_like(THETA0, init)

    def step(p, t):
        nonlocal s
        g = grad(p)
        if wd != 0:
            g = g + wd * p
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g
        return p - clr * g / (np.sqrt(s) + eps)
    return step


def adadelta(cfg):
    lr, rho, eps, wd = cfg.get("lr", 1.0), cfg.get("rho", 0.9), cfg.get("eps", 1e-6), cfg.get("weight_decay", 0.0)
    sq = np.zeros_like(THETA0)
    acc = np.zeros_like(THETA0)

    def step(p, t):
        nonlocal sq, acc
        g = grad(p)
        if wd != 0:
            g = g + wd * p
        sq = rho * sq + (1 - rho) * g * g
        std = np.sqrt(sq + eps)
        delta = np.sqrt(acc + eps) / std * g
        acc = rho * acc + (1 - rho) * delta * delta
        return p - lr * delta
    return step


def rmsprop(cfg):
    lr, alpha, eps, wd, mu, centered = cfg["lr"], cfg.get("alpha", 0.99), cfg.get("eps", 1e-8), cfg.get("weight_decay", 0.0), cfg.get("momentum", 0.0), cfg.get("centered", False)
    sq = np.zeros_like(THETA0)
    gavg = np.zeros_like(THETA0)
    buf = np.zeros_like(THETA0)

    def step(p, t):
        nonlocal sq, gavg, buf
        g = grad(p)
        if wd != 0:
            g = g + wd * p
        sq = alpha * sq + (1 - alpha) * g * g
        if centered:
            gavg = alpha * gavg + (1 - alpha) * g
            avg = np.sqrt(sq - gavg * gavg)
        else:
            avg = np.sqrt(sq)
        avg = avg + eps
        if mu > 0:
            buf = mu * buf + g / avg
            return p - lr * buf
        return p - lr * g / avg
    return step


def adam(cfg, decoupled=False):
    lr, b1, b2, eps = cfg["lr"], cfg.get("beta1", 0.9), cfg.get("beta2", 0.999), cfg.get("eps", 1e-8)
    wd, ams = cfg.get("weight_decay", 1e-2 if decoupled else 0.0), cfg.get("amsgrad", False)
    m = np.zeros_like(THETA0)
    v = np.zeros_like(THETA0)
    vmax = np.zeros_like(THETA0)

    def step(p, t):
        nonlocal m, v, vmax
        g = grad(p)
        if decoupled:
            p = p * (1 - lr * wd)
        elif wd != 0:
            g = g + wd * p
        m = m + (g - m) * (1 - b1)
        v = b2 * v + (1 - b2) * g * g
        bc1 = 1 - b1 ** t
        bc2 = 1 - b2 ** t
        if ams:
            vmax = np.maximum(vmax, v)
            denom = np.sqrt(vmax) / math.sqrt(bc2) + eps
        else:
            denom = np.sqrt(v) / math.sqrt(bc2) + eps
        return p - (lr / bc1) * m / denom
    return step


def adamax(cfg):
    lr, b1, b2, eps, wd = cfg["lr"], cfg.get("beta1", 0.9), cfg.get("beta2", 0.999), cfg.get("eps", 1e-8), cfg.get("weight_decay", 0.0)
    m = np.zeros_like(THETA0)
    u = np.zeros_like(THETA0)

    def step(p, t):
        nonlocal m, u
        g = grad(p)
        if wd != 0:
            g = g + wd * p
        m = m + (g - m) * (1 - b1)
        u = np.maximum(b2 * u, np.abs(g) + eps)
        return p - (lr / (1 - b1 ** t)) * m / u
    return step


def nadam(cfg):
    lr, b1, b2, eps = cfg["lr"], cfg.get("beta1", 0.9), cfg.get("beta2", 0.999), cfg.get("eps", 1e-8)
    wd, psi, decoupled = cfg.get("weight_decay", 0.0), cfg.get("momentum_decay", 4e-3), cfg.get("decoupled_weight_decay", False)
    m = np.zeros_like(THETA0)
    v = np.zeros_like(THETA0)
    mu_product = 1.0

    def step(p, t):
        nonlocal m, v, mu_product
        g = grad(p)
        bc2 = 1 - b2 ** t
        if wd != 0:
            if decoupled:
                p = p * (1 - lr * wd)
            else:
                g = g + wd * p
        mu = b1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        mu_product *= mu
        m = m + (g - m) * (1 - b1)
        v = b2 * v + (1 - b2) * g * g
        denom = np.sqrt(v / bc2) + eps
        mu_product_next = mu_product * mu_next
        p = p - lr * (1.0 - mu) / (1.0 - mu_product) * g / denom
        return p - lr * mu_next / (1.0 - mu_product_next) * m / denom
    return step


def radam(cfg):
    lr, b1, b2, eps = cfg["lr"], cfg.get("beta1", 0.9), cfg.get("beta2", 0.999), cfg.get("eps", 1e-8)
    wd, decoupled = cfg.get("weight_decay", 0.0), cfg.get("decoupled_weight_decay", False)
    m = np.zeros_like(THETA0)
    v = np.zeros_like(THETA0)

    def step(p, t):
        nonlocal m, v
        g = grad(p)
        if wd != 0:
            if decoupled:
                p = p * (1 - lr * wd)
            else:
                g = g + wd * p
        m = m + (g - m) * (1 - b1)
        v = b2 * v + (1 - b2) * g * g
        bc1 = 1 - b1 ** t
        bc2 = 1 - b2 ** t
        m_hat = m / bc1
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * t * (b2 ** t) / bc2
        if rho_t > 5.0:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            adaptive = math.sqrt(bc2) / (np.sqrt(v) + eps)
            return p - m_hat * lr * adaptive * rect
        return p - m_hat * lr
    return step


def sutskever(cfg):
    """The original form v ← μ_t v − η∇L(θ + μ_t v), θ ← θ + v; reports the look-ahead point φ = θ + μ_{t} v."""
    lr, mu_max, scheduled = cfg["lr"], cfg["momentum"], cfg.get("schedule", True)

    def mu_at(t):
        return min(1 - 2 ** (-1 - math.log2(t // 250 + 1)), mu_max) if scheduled else mu_max
    state = {"theta": THETA0.copy(), "v": np.zeros_like(THETA0)}

    def step(p, t):  # t = 1, 2, …; the paper's index is t − 1
        k = t - 1
        v = mu_at(k) * state["v"] - lr * grad(state["theta"] + mu_at(k) * state["v"])
        state["theta"] = state["theta"] + v
        state["v"] = v
        return state["theta"] + mu_at(k + 1) * v
    return step


CASES = [
    ("sgd.plain", sgd, {"lr": 0.05}, [1, 2, 5]),
    ("sgd.momentum", sgd, {"lr": 0.05, "momentum": 0.9}, [1, 2, 5]),
    ("sgd.dampening_wd", sgd, {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.1}, [1, 2, 5]),
    ("sgd.nesterov", sgd, {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}, [1, 2, 5]),
    ("adagrad.default", adagrad, {"lr": 0.1}, [1, 2, 5]),
    ("adagrad.decay_wd_init", adagrad, {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-6}, [1, 2, 5]),
    ("adadelta.default", adadelta, {}, [1, 2, 5]),
    ("adadelta.rho_eps_wd", adadelta, {"lr": 0.5, "rho": 0.95, "eps": 1e-4, "weight_decay": 0.05}, [1, 2, 5]),
    ("rmsprop.default", rmsprop, {"lr": 0.01}, [1, 2, 5]),
    ("rmsprop.centered_momentum_wd", rmsprop, {"lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.5, "weight_decay": 0.1}, [1, 2, 5]),
    ("adam.default", adam, {"lr": 0.01}, [1, 2, 5]),
    ("adam.amsgrad_wd", adam, {"lr": 0.01, "beta1": 0.8, "beta2": 0.9, "amsgrad": True, "weight_decay": 0.1, "eps": 1e-3}, [1, 2, 5]),
    ("adamw.default", lambda c: adam(c, decoupled=True), {"lr": 0.01}, [1, 2, 5]),
    ("adamw.amsgrad", lambda c: adam(c, decoupled=True), {"lr": 0.01, "weight_decay": 0.5, "amsgrad": True, "beta2": 0.9}, [1, 2, 5]),
    ("adamax.default", adamax, {"lr": 0.02}, [1, 2, 5]),
    ("adamax.wd", adamax, {"lr": 0.02, "beta1": 0.5, "beta2": 0.8, "eps": 1e-3, "weight_decay": 0.1}, [1, 2, 5]),
    ("nadam.default", nadam, {"lr": 0.02}, [1, 2, 5]),
    ("nadam.decoupled", nadam, {"lr": 0.02, "weight_decay": 0.1, "decoupled_weight_decay": True, "momentum_decay": 0.1}, [1, 2, 5]),
    ("nadam.coupled", nadam, {"lr": 0.02, "weight_decay": 0.1, "beta2": 0.9}, [1, 2, 5]),
    ("radam.default", radam, {"lr": 0.01}, [1, 2, 5, 6, 7, 10]),
    ("radam.decoupled", radam, {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "beta2": 0.9}, [1, 5, 10]),
    ("radam.coupled", radam, {"lr": 0.01, "weight_decay": 0.1, "beta2": 0.9}, [1, 5, 10]),
    ("sutskever.schedule", sutskever, {"lr": 0.002, "momentum": 0.9}, [1, 2, 250, 251, 260]),
    ("sutskever.constant", sutskever, {"lr": 0.01, "momentum": 0.8, "schedule": False}, [1, 2, 5]),
]


def main():
    print("# Generated by make_golden.py; flattened parameters (p0[3] then p1[2,2]) after the given step.")
    for name, make, cfg, record in CASES:
        step = make(cfg)
        p = THETA0.copy()
        for t in range(1, max(record) + 1):
            p = step(p, t)
            if t in record:
                print(f"{name}.step{t}=" + ",".join(repr(float(x)) for x in p))


if __name__ == "__main__":
    main()
