"""Every touch of matplotlib's private parts, in one place.

Tested against the version pinned in pyproject.toml; ``tests/test_compat_contracts.py`` fails, naming
matplotlib and what to check, when a new version moves one of them.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

BENCH_OFF = "LKIP_BENCH_OFF"  # bench-only switch (benchmarks/bench_build.py --mechanisms); never for users


def bench_off(mechanism: str) -> bool:
    """True when ``make bench`` measures the build without ``mechanism`` (``LKIP_BENCH_OFF=a,b``)."""
    return mechanism in os.environ.get(BENCH_OFF, "").split(",")


@contextmanager
def tiny_measuring_renderer(fig):
    """While inside, the first renderer ``fig``'s Agg canvas hands out (the one ``bbox_inches="tight"``
    measures with) is 1×1 pixel at the figure's dpi; the next one is full size again.

    ``FigureCanvasAgg.get_renderer`` keeps one renderer per (width, height, dpi) in ``_lastKey``: the
    instance attribute shadows the method once, and clearing ``_lastKey`` makes the drawing pass build
    its own full-size renderer instead of reusing the tiny one.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

    canvas = fig.canvas
    if isinstance(canvas, FigureCanvasAgg) and not bench_off("tight_png"):

        def measuring():
            del canvas.get_renderer  # the measuring pass only
            canvas._lastKey = None
            return RendererAgg(1, 1, fig.dpi)

        canvas.get_renderer = measuring
    try:
        yield
    finally:
        canvas.__dict__.pop("get_renderer", None)
