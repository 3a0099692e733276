"""The track-2 networks: shapes, what their outputs mean, the registry's names."""

from __future__ import annotations

import pytest
import torch

from inpaintbench.nets.registry import arch_names, build_arch


def test_the_captions_networks_are_registered_by_their_issue_names():
    assert {"baseline-frame-ae", "baseline-patch-ae", "gated-3d-unet",
            "caption-mask-net", "caption-mask-lite"} <= set(arch_names())


@pytest.mark.parametrize(("name", "width", "channels"), [
    ("baseline-frame-ae", 0.25, 3), ("baseline-patch-ae", 0.25, 3),
    ("gated-3d-unet", 0.125, 3), ("caption-mask-net", 0.5, 1), ("caption-mask-lite", 0.5, 1)])
def test_a_network_maps_its_window_to_the_middle_frame(name, width, channels):
    net = build_arch(name, width=width).eval()
    x = torch.rand(2, net.in_frames, 3, 64, 96)
    with torch.no_grad():
        y = net(x)
    assert y.shape == (2, channels, 64, 96)
    if channels == 3:
        assert 0 <= float(y.min()) and float(y.max()) <= 1
    with pytest.raises(ValueError, match="input must be"):
        net(torch.rand(2, net.in_frames + 1, 3, 64, 96))


def test_the_gated_unet_returns_the_centre_frame_when_its_residual_is_zero():
    net = build_arch("gated-3d-unet", width=0.125).eval()
    torch.nn.init.zeros_(net.head.weight)
    torch.nn.init.zeros_(net.head.bias)
    x = torch.rand(1, 9, 3, 32, 32) * 0.98 + 0.01
    with torch.no_grad():
        y = net(x)
    assert torch.allclose(y, x[:, 4], atol=1e-5)


def test_the_gated_unet_at_full_width_has_the_published_size():
    net = build_arch("gated-3d-unet", width=1.0)
    count = sum(p.numel() for p in net.parameters())
    assert 9e6 < count < 12e6, count  # the published 10.5 M


def test_the_patch_autoencoder_copies_the_patches_it_judges_clean():
    net = build_arch("baseline-patch-ae", width=0.25).eval()
    x = torch.rand(1, 1, 3, 64, 64)
    with torch.no_grad():
        net.classifier.bias.fill_(-1e4)  # every patch clean: the frame comes back as it is
        assert torch.equal(net(x), x[:, 0])
        net.classifier.bias.fill_(1e4)  # every patch text: all decoded
        decoded, _ = net.patches(x[0, :, :, :32, :32])
        assert torch.allclose(net(x)[..., :32, :32], decoded)


def test_the_light_detector_sees_far_and_costs_a_fraction():
    lite, old = build_arch("caption-mask-lite").eval(), build_arch("caption-mask-net").eval()
    x = torch.rand(1, 3, 3, 128, 128, requires_grad=True)
    lite(x)[0, 0, 64, 64].backward()
    reach = x.grad.abs().sum(dim=(0, 1, 2)).nonzero()
    assert int(reach[:, 1].max() - reach[:, 1].min()) >= 100  # sees across most of the frame

    def macs(net):
        total = 0

        def count(module, _inputs, output):
            nonlocal total
            total += output.numel() * module.in_channels * module.kernel_size[0] \
                * module.kernel_size[1] // module.groups
        hooks = [m.register_forward_hook(count) for m in net.modules()
                 if isinstance(m, torch.nn.Conv2d)]
        with torch.no_grad():
            net(torch.rand(1, 3, 3, 128, 128))
        for hook in hooks:
            hook.remove()
        return total
    assert macs(lite) < macs(old) / 2.5  # 0.17 of 0.47 GMAC a 128×128 frame


@pytest.mark.parametrize("name", ["caption-mask-lite", "caption-mask-net", "gated-3d-unet",
                                  "baseline-patch-ae", "baseline-frame-ae"])
def test_made_for_inference_a_network_computes_the_same(name):
    from inpaintbench.nets.common import for_inference

    net = build_arch(name, width=0.25)
    for module in net.modules():  # running statistics as training leaves them
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2)
    net.eval()
    x = torch.rand(2, net.in_frames, 3, 32, 32)
    with torch.no_grad():
        assert torch.allclose(for_inference(net)(x), net(x), atol=1e-4)
