"""Network definitions: pure ``torch.nn.Module`` classes, no I/O, no training code.

One network per file under ``nets/<track>/``; :mod:`inpaintbench.nets.registry`
maps the architecture name a config gives to its class. Method wrappers
(``methods/<track>/learned.py``) load weights into them; ``training/`` trains them.
"""
