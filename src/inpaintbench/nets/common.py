"""What every network file shares: width scaling and the input check of the convention."""

from __future__ import annotations

import torch


def scaled(count: int, width: float) -> int:
    """A published layer's ``count`` channels at ``width`` (at least 1)."""
    return max(1, round(count * width))


def check_input(x: torch.Tensor, in_channels: int, multiple: int, name: str,
                smallest: int = 1) -> None:
    """ValueError unless ``x`` is ``(N, in_channels, H, W)`` with H, W multiples of ``multiple``."""
    if x.ndim != 4 or x.shape[1] != in_channels:
        raise ValueError(f"{name}: input must be (N, {in_channels}, H, W), got {tuple(x.shape)}")
    height, width = x.shape[2:]
    if height % multiple or width % multiple or height < smallest or width < smallest:
        least = f" and at least {smallest}" if smallest > 1 else ""
        raise ValueError(f"{name}: H and W must be multiples of {multiple}{least}, got "
                         f"{height}×{width} (pad the image first)")


#: Weight initialisations by the framework whose default they are. A published network
#: trained with its framework's default; plain nets without batch normalisation (the
#: U-Nets) depend on it: under PyTorch's default the activations of a deep ReLU stack
#: shrink layer by layer (CVxTz's U-Net starts with an output std of 6e-4) and training
#: starts slowly.
#:
#: - ``torch``: PyTorch's default (uniform ±sqrt(1/fan_in) weights and biases);
#: - ``keras``: Keras's ``glorot_uniform`` (uniform ±sqrt(6/(fan_in + fan_out))), zero bias;
#: - ``chainer``: Chainer's ``LeCunNormal`` (normal, std sqrt(1/fan_in)), zero bias;
#: - ``caffe``: Caffe's ``xavier`` filler (uniform ±sqrt(3/fan_in), fan_in counted as Caffe
#:   does: for a deconvolution, output channels × kernel area), zero bias.
INITS = ("torch", "keras", "chainer", "caffe")


def initialise(net: torch.nn.Module, scheme: str) -> None:
    """Re-initialise every convolution of ``net`` (in place) the way ``scheme`` does.

    Batch-normalisation layers keep PyTorch's (and every framework's) scale 1, shift 0.

    Raises
    ------
    ValueError
        For a scheme not in :data:`INITS`.
    """
    if scheme not in INITS:
        raise ValueError(f"init must be one of {', '.join(INITS)}, got {scheme!r}")
    if scheme == "torch":
        return
    convs = (torch.nn.Conv2d, torch.nn.ConvTranspose2d)
    for module in net.modules():
        if not isinstance(module, convs):
            continue
        weight = module.weight
        if scheme == "keras":
            torch.nn.init.xavier_uniform_(weight)
        elif scheme == "chainer":
            fan_in = torch.nn.init._calculate_correct_fan(weight, "fan_in")
            torch.nn.init.normal_(weight, std=fan_in ** -0.5)
        else:  # caffe: torch counts a transposed conv's fan-in as Caffe does
            torch.nn.init.kaiming_uniform_(weight, nonlinearity="linear")
        if module.bias is not None:
            torch.nn.init.zeros_(module.bias)


def for_inference(net: torch.nn.Module) -> torch.nn.Module:
    """``net`` (in eval mode) made faster to run on a CPU, computing the same function.

    Each convolution followed by a batch norm in a ``Sequential`` absorbs it (the
    norm's running statistics folded into the weights); a network of 2D convolutions
    only is stored channels-last, which oneDNN runs about twice as fast for the thin
    layers of our small networks (measured on ``caption-mask-lite``). Outputs agree
    with the original to float32 rounding.

    Examples
    --------
    >>> net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4)).eval()
    >>> x = torch.rand(1, 3, 8, 8)
    >>> bool(torch.allclose(for_inference(net)(x), net(x), atol=1e-5))
    True
    """
    import copy

    from torch import nn
    from torch.nn.utils.fusion import fuse_conv_bn_eval

    net = copy.deepcopy(net).eval()
    pairs = ((nn.Conv2d, nn.BatchNorm2d), (nn.Conv3d, nn.BatchNorm3d))
    for module in net.modules():
        if not isinstance(module, nn.Sequential):
            continue
        for i in range(len(module) - 1):
            conv, norm = module[i], module[i + 1]
            if any(isinstance(conv, c) and isinstance(norm, n) for c, n in pairs):
                module[i], module[i + 1] = fuse_conv_bn_eval(conv, norm), nn.Identity()
    if not any(isinstance(m, nn.Conv3d) for m in net.modules()):
        net = net.to(memory_format=torch.channels_last)
    return net
