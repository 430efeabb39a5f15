"""Decision 0013, measured in process: the signed-in home page served through
django.test.Client with the layout as it was (Django templates, every
fragment rendered, manifest static URLs), with memoised static URLs only,
with the invariant fragments as well (this code), and with a Jinja2 layout
(bench/jinja2_home.py). Variants alternate in rounds; the figure is the CPU
time of this process per request (`time.process_time`), which a loaded
machine delays but does not inflate the way it inflates wall-clock time.

    DATABASE_URL=postgres://…/national DJANGO_SETTINGS_MODULE=config.settings.bench \
        .venv/bin/python bench/layout_variants.py --rounds 5 --repeat 200

Needs `collectstatic` to have written staticfiles/staticfiles.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLAIN = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
MEMOISED = {"BACKEND": "maillage.core.staticfiles.MemoisedManifestStaticFilesStorage"}
VARIANTS = {
    # name: (URL, fragments enabled, static storage)
    "django_as_before": ("/", False, PLAIN),
    "django_memoised_static": ("/", False, MEMOISED),
    "django_fragments_and_memoised_static": ("/", True, MEMOISED),
    "jinja2_layout_memoised_static": ("/_bench/home-jinja2", True, MEMOISED),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--email", default="admin.passerelle-paris@demo.maillage.fr")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test.utils import override_settings

    from bench.run import Context, loadavg
    from maillage.www.templatetags import fragments

    user = get_user_model().objects.get(email=args.email)
    results: dict[str, list[float]] = {name: [] for name in VARIANTS}
    loads = []
    with override_settings(ROOT_URLCONF="bench.urls", STATIC_ROOT=ROOT / "staticfiles"):
        client = Context("postgresql").client_for(user)
        for _rnd in range(args.rounds):
            for name, (url, enabled, storage) in VARIANTS.items():
                loads.append(loadavg())
                with override_settings(STORAGES={**settings.STORAGES, "staticfiles": storage}):
                    fragments.enabled = enabled
                    for _ in range(10):  # warm-up: fragments, panels cache
                        assert client.get(url).status_code == 200
                    cpu = []
                    for _ in range(args.repeat):
                        start = time.process_time()
                        client.get(url)
                        cpu.append((time.process_time() - start) * 1000)
                    results[name].append(round(statistics.median(cpu), 3))
        fragments.enabled = True
    base = results["django_as_before"]
    out = {"loadavg_1min": [min(loads), max(loads)], "variants": {}}
    print(f"load average {min(loads)}–{max(loads)}")
    for name, values in results.items():
        ratios = [round(b / v, 3) for b, v in zip(base, values, strict=True)]
        out["variants"][name] = {
            "cpu_ms_median_per_round": values,
            "speedup_over_before_per_round": ratios,
            "speedup_median": statistics.median(ratios),
        }
        print(f"{name:<40} CPU ms/request {values}  speed-up ×{statistics.median(ratios)}")
    target = ROOT / "bench" / "results" / "layout-variants.json"
    target.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
