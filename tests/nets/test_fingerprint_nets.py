"""The track-3 networks: published sizes, the shape convention, gradients, width scaling."""

from __future__ import annotations

import time

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from inpaintbench.nets.common import INITS
from inpaintbench.nets.fingerprints import baseline_resnet, cvxtz_unet, fpd_m_net, u_finger
from inpaintbench.nets.registry import arch_class, arch_names, build_arch

#: Parameters of the published networks: the counts the challenge material states where it
#: states one (CVxTz 7.8 M, FPD-M-net 0.89 M, U-Finger "about 1 M"); for the baseline, whose
#: chapter states none, the count of the Chainer code the module follows.
PUBLISHED = {
    "baseline-resnet": 1_673_729,
    "cvxtz-unet": 7_800_000,
    "fpd-m-net": 890_000,
    "u-finger": 1_000_000,
}
NAMES = sorted(PUBLISHED)
MODULES = {"baseline-resnet": baseline_resnet, "cvxtz-unet": cvxtz_unet,
           "fpd-m-net": fpd_m_net, "u-finger": u_finger}


def n_params(net: torch.nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


@pytest.fixture(autouse=True)
def _seeded_one_thread():
    """A fixed seed, and one thread: the test machines are shared (the speed is only printed)."""
    threads = torch.get_num_threads()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_all_registered():
    assert set(NAMES) <= set(arch_names())
    for name in NAMES:
        cls = arch_class(name)
        assert cls.arch_name == name
        assert cls.in_channels in (1, 3)
        assert cls.multiple >= 1


@pytest.mark.parametrize("name", NAMES)
def test_parameter_count_matches_published(name):
    count = n_params(build_arch(name))
    assert abs(count - PUBLISHED[name]) <= 0.15 * PUBLISHED[name], count
    assert count == MODULES[name].PUBLISHED_PARAMS  # the exact count each docstring states


@pytest.mark.parametrize("name", NAMES)
def test_half_width_roughly_quarters_parameters(name):
    ratio = n_params(build_arch(name, width=0.5)) / n_params(build_arch(name))
    assert 0.22 < ratio < 0.3, ratio


@pytest.mark.parametrize("name", NAMES)
def test_tiny_width_keeps_at_least_one_channel(name):
    net = build_arch(name, width=0.001)
    x = torch.rand(1, net.in_channels, 64, 96)
    assert net(x).shape == (1, 1, 64, 96)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("size", [(64, 96), (112, 48)])
def test_output_shape_small(name, size):
    net = build_arch(name, width=0.125)
    x = torch.rand(2, net.in_channels, *size)
    assert net(x).shape == (2, 1, *size)


@pytest.mark.parametrize("name", NAMES)
def test_full_print_shape_and_cpu_time(name):
    """One 400×288 print (275×400 padded) at width 1.0: shape, MACs and CPU time, printed."""
    net = build_arch(name).eval()
    x = torch.rand(1, net.in_channels, 400, 288)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        start = time.perf_counter()
        y = net(x)
        seconds = time.perf_counter() - start
    assert y.shape == (1, 1, 400, 288)
    assert torch.isfinite(y).all()
    print(f"\n{name}: {n_params(net):,} params, {counter.get_total_flops() / 2e9:.1f} GMAC, "
          f"{seconds:.2f} s per 400×288 image on CPU ({torch.get_num_threads()} threads)")


@pytest.mark.parametrize("name", NAMES)
def test_gradients_reach_every_parameter(name):
    net = build_arch(name, width=0.25).train()
    x = torch.rand(2, net.in_channels, 64, 96, requires_grad=True)
    net(x).square().mean().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    for pname, p in net.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), pname
        assert p.grad.abs().sum() > 0, pname


@pytest.mark.parametrize("name", ["baseline-resnet", "cvxtz-unet", "fpd-m-net"])
def test_sigmoid_and_tanh_heads_stay_in_unit_range(name):
    net = build_arch(name, width=0.25).eval()
    y = net(torch.rand(1, net.in_channels, 64, 96))
    assert 0.0 <= y.min() and y.max() <= 1.0


def test_u_finger_is_residual_on_its_input():
    net = build_arch("u-finger", width=0.25).eval()
    for p in net.out.parameters():  # the last deconvolution predicts the residual
        torch.nn.init.zeros_(p)
    x = torch.rand(1, 1, 64, 96)
    assert torch.equal(net(x), x)


def test_fpd_m_net_edge_padding_is_internal():
    net = build_arch("fpd-m-net", width=0.25, edge_pad=0).eval()
    assert net(torch.rand(1, 3, 64, 96)).shape == (1, 1, 64, 96)
    with pytest.raises(ValueError, match="edge_pad"):
        build_arch("fpd-m-net", edge_pad=3)


@pytest.mark.parametrize("name", NAMES)
def test_wrong_input_is_refused_at_the_door(name):
    net = build_arch(name, width=0.25)
    with pytest.raises(ValueError, match="multiples"):
        net(torch.rand(1, net.in_channels, 66, 64))  # 66 is no multiple of 4, 8 or 16
    with pytest.raises(ValueError, match=r"\(N, \d, H, W\)"):
        net(torch.rand(1, 4 - net.in_channels, 64, 64))


def test_unknown_option_is_an_option_error():
    from inpaintbench.errors import OptionError

    with pytest.raises(OptionError, match="u-finger"):
        build_arch("u-finger", dropout=0.5)
    with pytest.raises(OptionError, match="init must be one of torch, keras"):
        build_arch("cvxtz-unet", init="tensorflow")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("init", INITS)
def test_every_initialisation_builds_and_is_seeded(name, init):
    torch.manual_seed(7)
    a = build_arch(name, width=0.25, init=init)
    torch.manual_seed(7)
    b = build_arch(name, width=0.25, init=init)
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(pa, pb)


def test_framework_initialisations_follow_their_formulas():
    net = build_arch("cvxtz-unet", width=0.5, init="keras")
    conv = net.down[1][0]  # 16 → 32 channels, 3×3
    fan_in, fan_out = 16 * 9, 32 * 9
    assert conv.weight.abs().max() <= (6 / (fan_in + fan_out)) ** 0.5
    glorot_std = (2 / (fan_in + fan_out)) ** 0.5
    assert float(conv.weight.detach().std()) == pytest.approx(glorot_std, rel=0.1)
    assert torch.count_nonzero(conv.bias) == 0
    net = build_arch("baseline-resnet", width=1.0, init="chainer")
    conv = net.encoder[3]  # 32 → 64, 3×3
    assert float(conv.weight.detach().std()) == pytest.approx((1 / (32 * 9)) ** 0.5, rel=0.05)
    net = build_arch("u-finger", width=1.0, init="caffe")
    assert net.up3.weight.abs().max() <= (3 / (64 * 16)) ** 0.5  # Caffe: deconv fan-in = out·k²
    assert float(net.up3.weight.detach().std()) == pytest.approx((1 / (64 * 16)) ** 0.5, rel=0.05)


def test_plain_unet_keeps_its_signal_under_the_keras_initialisation():
    """Why the option exists: PyTorch's default all but silences the BN-free U-Net."""
    x = torch.rand(2, 3, 64, 64)
    spread = {}
    for init in ("torch", "keras"):
        torch.manual_seed(0)
        net = build_arch("cvxtz-unet", width=0.5, init=init).eval()
        with torch.no_grad():
            spread[init] = float(net(x).std())
    assert spread["keras"] > 5 * spread["torch"]


def test_u_finger_caffe_residual_starts_small():
    torch.manual_seed(0)
    net = build_arch("u-finger", width=0.5, init="caffe").train()
    x = torch.rand(8, 1, 64, 64)
    with torch.no_grad():
        assert float((net(x) - x).std()) < 0.1
