"""An image panel: one image a run logged under a media key, at a step (None: the last one), with
its masks and boxes drawn as the dashboard's media viewer draws them (class colours of
web/src/features/media/lib/overlay.ts, masks at half opacity, boxes outlined with their label).

Its data is the logged entry's metadata (the blobs' digests, size, caption, masks, boxes): a
frozen panel keeps it, and the pixels stay in the store's blobs. The LaTeX export copies the image
into ``figures/`` and draws the panel as a PDF figure with matplotlib; HTML inlines the image, and
each mask, as ``data:`` URIs in an SVG, with its boxes as SVG rectangles.
"""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING, Any

from cairn.reports.blocks import ImageData, Panel, PanelData
from cairn.reports.single_run import check_one_key, logged_entry, panel_run
from cairn.store.reader import BlobReader, Reader

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PALETTE = (
    (230, 25, 75),
    (60, 180, 75),
    (255, 225, 25),
    (0, 130, 200),
    (245, 130, 48),
    (145, 30, 180),
    (70, 240, 240),
    (240, 50, 230),
    (210, 245, 60),
    (250, 190, 212),
    (0, 128, 128),
    (170, 110, 40),
)
"""The media viewer's class colours, in its order (overlay.ts ``classColor``)."""
MASK_OPACITY = 0.5


def check(panel: Panel) -> None:
    """ValueError unless the panel names a run and one media key."""
    check_one_key(panel, "add_panel('image', run='<run id>', keys=['samples'], step=None)")


def collect(reader: Reader, project: str, panel: Panel) -> PanelData:
    """The panel's run and the image it logged under the key at the step (none: no image)."""
    found_run = panel_run(reader, project, panel)
    if found_run is None:
        return PanelData(taken_at=time.time())
    info, run = found_run
    entry = logged_entry(reader, info, panel, "image")
    if entry is None:
        return PanelData(taken_at=time.time(), runs=[run])
    items = entry.meta.get("items")
    if isinstance(items, list) and items and isinstance(items[0], dict):
        # a list of images logged under one key (a gallery): the panel shows the first
        meta = {**items[0], "count": len(items)}
    else:
        meta = {k: v for k, v in entry.meta.items() if k != "blobs"}
        meta["blob"] = meta.get("blob") or entry.blob
    return PanelData(taken_at=time.time(), runs=[run], image=ImageData(step=entry.step, meta=meta))


def table(panel: Panel, data: PanelData) -> tuple[list[str], list[list[Any]]]:
    """What the image shows, as rows: its run, step, size, caption, masks and boxes."""
    if data.image is None:
        return ["image"], []
    meta = data.image.meta
    rows: list[list[Any]] = [
        ["run", data.runs[0].name if data.runs else "–"],
        ["step", data.image.step],
        ["size", f"{meta.get('width')}×{meta.get('height')}"],
    ]
    if meta.get("count", 1) > 1:
        rows.append(["shown", f"the first of {meta['count']} images logged at this step"])
    if meta.get("caption"):
        rows.append(["caption", meta["caption"]])
    for name, spec in (meta.get("masks") or {}).items():
        rows.append([f"mask {name}", ", ".join(map(str, spec.get("class_labels", {}).values()))])
    for name, spec in (meta.get("boxes") or {}).items():
        rows.append([f"boxes {name}", f"{len(spec.get('boxes', []))} boxes"])
    return ["", panel.keys[0]], rows


def image_bytes(data: PanelData, blobs: BlobReader) -> bytes | None:
    """The image's file as logged (PNG, JPEG or GIF), or None."""
    if data.image is None or not data.image.meta.get("blob"):
        return None
    return blobs.get(str(data.image.meta["blob"]))


def draw(panel: Panel, data: PanelData, blobs: BlobReader) -> Figure | None:
    """The image with its masks (half opaque, background clear) and boxes, as a Figure."""
    raw = image_bytes(data, blobs)
    if raw is None or data.image is None:
        return None
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(raw)).convert("RGBA"))
    height, width = pixels.shape[:2]
    figure = Figure(figsize=(4.0, 4.0 * height / max(width, 1) + 0.2))
    figure.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.98)
    ax = figure.subplots()
    ax.imshow(pixels, interpolation="nearest", gid="image")
    for name, spec in (data.image.meta.get("masks") or {}).items():
        ax.imshow(mask_rgba(mask_ids(spec, blobs)), interpolation="nearest", gid=f"mask {name}")
    for name, spec in (data.image.meta.get("boxes") or {}).items():
        labels = spec.get("class_labels", {})
        for box in spec.get("boxes", []):
            colour = tuple(c / 255 for c in class_colour(int(box.get("class_id") or 0)))
            x, y = box["minX"], box["minY"]
            ax.add_patch(
                Rectangle(
                    (x - 0.5, y - 0.5),
                    box["maxX"] - x,
                    box["maxY"] - y,
                    fill=False,
                    edgecolor=colour,
                    linewidth=1.5,
                    gid=f"box {name}",
                )
            )
            label = box.get("caption") or labels.get(str(box.get("class_id")), "")
            if label:
                ax.text(
                    x - 0.5,
                    y - 0.5,
                    str(label).replace("$", r"\$"),
                    fontsize=7,
                    color="white",
                    backgroundcolor=colour,
                    va="bottom",
                )
    ax.set_axis_off()
    return figure


def class_colour(class_id: int) -> tuple[int, int, int]:
    """A class id's colour, as the media viewer gives it."""
    return PALETTE[class_id % len(PALETTE)]


def mask_ids(spec: dict[str, Any], blobs: BlobReader) -> Any:
    """A logged mask's class id per pixel (a 2-D uint8 array), read from its blob."""
    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(blobs.get(spec["blob"]))).convert("L"))


def mask_png(spec: dict[str, Any], blobs: BlobReader) -> bytes:
    """A logged mask as a PNG of its ``mask_rgba`` pixels, for the HTML export."""
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(mask_rgba(mask_ids(spec, blobs)), "RGBA").save(out, format="PNG")
    return out.getvalue()


def mask_rgba(ids: Any) -> Any:
    """RGBA pixels of a mask: each class in its colour at MASK_OPACITY, background (0) clear."""
    import numpy as np

    out = np.zeros((*ids.shape, 4), dtype=np.uint8)
    for class_id in np.unique(ids):
        if class_id == 0:
            continue
        out[ids == class_id] = (*class_colour(int(class_id)), round(MASK_OPACITY * 255))
    return out


def svg(data: PanelData, blobs: BlobReader) -> str | None:
    """The image as an ``<svg>`` for the HTML export: the pixels as a ``data:`` URI (PNG, JPEG
    or GIF only), each mask over it as a PNG ``data:`` URI (its name and class labels as a
    tooltip), its boxes as rectangles with their label as a tooltip, every text escaped."""
    import base64
    from html import escape

    raw = image_bytes(data, blobs)
    if raw is None or data.image is None:
        return None
    meta = data.image.meta
    kind = {"png": "png", "jpeg": "jpeg", "gif": "gif"}.get(str(meta.get("format")), "png")
    width, height = int(meta.get("width") or 1), int(meta.get("height") or 1)
    scale = max(1, 320 // max(width, height))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width * scale}" height="{height * scale}" role="img" '
        f'aria-label="{escape(str(meta.get("caption") or "image"))}">',
        f'<image width="{width}" height="{height}" style="image-rendering:pixelated" '
        f'href="data:image/{kind};base64,{base64.b64encode(raw).decode()}"/>',
    ]
    for name, spec in (meta.get("masks") or {}).items():
        labels = ", ".join(map(str, (spec.get("class_labels") or {}).values()))
        out.append(
            f'<image width="{width}" height="{height}" style="image-rendering:pixelated" '
            f'href="data:image/png;base64,{base64.b64encode(mask_png(spec, blobs)).decode()}">'
            f"<title>{escape(f'mask {name}: {labels}' if labels else f'mask {name}')}</title>"
            "</image>"
        )
    for spec in (meta.get("boxes") or {}).values():
        labels = spec.get("class_labels", {})
        for box in spec.get("boxes", []):
            r, g, b = class_colour(int(box.get("class_id") or 0))
            x0, y0 = float(box["minX"]), float(box["minY"])
            w, h = float(box["maxX"]) - x0, float(box["maxY"]) - y0
            label = box.get("caption") or labels.get(str(box.get("class_id")), "")
            out.append(
                f'<rect x="{x0:.2f}" y="{y0:.2f}" width="{w:.2f}" height="{h:.2f}" fill="none" '
                f'stroke="rgb({r},{g},{b})" stroke-width="{1.5 / scale:.3f}">'
                f"<title>{escape(str(label))}</title></rect>"
            )
    out.append("</svg>")
    return "".join(out)
