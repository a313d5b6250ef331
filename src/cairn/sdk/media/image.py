"""``cairn.Image``: an image (numpy, PIL, torch or a file), with optional masks and boxes in W&B's
format, so code written for ``wandb.Image`` logs here as it is.

The pixels are copied into a uint8 HWC array when the object is built; PNG encoding happens in the
writer thread. Masks and boxes are checked against the image at construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cairn.sdk.media.base import Media, Stage, array_of, png_bytes, read_file

_FORMATS = {b"\x89PNG": "png", b"\xff\xd8\xff": "jpeg", b"GIF8": "gif"}


def _pixels(data: Any) -> Any:
    """A uint8 array of shape (H, W), (H, W, 1|3|4) from any accepted image input."""
    import numpy as np

    if hasattr(data, "getbands") and hasattr(data, "convert"):  # a PIL image
        image = data if data.mode in ("L", "RGB", "RGBA") else data.convert("RGBA")
        return np.array(image, copy=True)
    tensor = callable(getattr(data, "detach", None))  # torch is channels-first by convention
    array = array_of(data, "Image")
    if (
        array.ndim == 3
        and array.shape[0] in (1, 3, 4)
        and (tensor or array.shape[2] not in (1, 3, 4))
    ):
        array = np.transpose(array, (1, 2, 0))  # CHW -> HWC
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise ValueError(
            f"Image data has shape {tuple(array.shape)}; pass (H, W), (H, W, C) or (C, H, W) "
            "with C of 1, 3 or 4"
        )
    if array.size == 0:
        raise ValueError(f"Image data of shape {tuple(array.shape)} is empty")
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * 255
    if array.dtype.kind == "f":
        finite = np.nan_to_num(array, nan=0.0, posinf=0.0, neginf=0.0)
        top = float(finite.max()) if finite.size else 0.0
        low = float(finite.min()) if finite.size else 0.0
        if low >= 0.0 and top <= 1.0:  # floats in [0, 1]
            finite = finite * 255.0
        elif low < 0.0 or top > 255.0:  # any other range: stretch to 0..255
            finite = (finite - low) / ((top - low) or 1.0) * 255.0
        return np.clip(np.rint(finite), 0, 255).astype(np.uint8)
    if array.dtype.kind in "iu":
        if array.dtype != np.uint8:
            if array.min() < 0 or array.max() > 255:
                raise ValueError(
                    f"Image data of type {array.dtype} holds values in {array.min()}..{array.max()}; "
                    "integer images must be in 0..255 (or pass floats, which are normalized)"
                )
            array = array.astype(np.uint8)
        return array
    raise TypeError(f"Image data of type {array.dtype} is not numeric")


def _labels(labels: Any, where: str) -> dict[int, str]:
    if labels is None:
        return {}
    if not isinstance(labels, Mapping):
        raise TypeError(f"{where} class_labels must be a dict {{class id: name}}")
    out: dict[int, str] = {}
    for k, v in labels.items():
        if isinstance(k, bool) or not isinstance(k, int):
            raise TypeError(f"{where} class_labels key {k!r} must be an int class id")
        out[int(k)] = str(v)
    return out


class Image(Media):
    """An image to log: ``Image(array_or_pil_or_tensor_or_path, caption=, masks=, boxes=,
    classes=, mode=)``. Floats are taken as 0..1 (other ranges are stretched)."""

    kind = "image"

    def __init__(
        self,
        data: Any,
        caption: str | None = None,
        masks: Mapping[str, Mapping[str, Any]] | None = None,
        boxes: Mapping[str, Mapping[str, Any]] | None = None,
        classes: Any = None,
        mode: str | None = None,
    ) -> None:
        import numpy as np

        self.caption = None if caption is None else str(caption)
        self.mode = mode
        self._file: bytes | None = None
        self._format = "png"
        if isinstance(data, (str, Path)):
            raw = read_file(data, "Image")
            from PIL import Image as PILImage

            try:
                with PILImage.open(Path(data)) as opened:
                    opened.load()
                    size = opened.size
                    pixels = np.array(
                        opened if opened.mode in ("L", "RGB", "RGBA") else opened.convert("RGBA")
                    )
            except OSError as exc:
                raise ValueError(
                    f"Image: {str(data)!r} is not an image Pillow can read ({exc})"
                ) from None
            fmt = next((f for magic, f in _FORMATS.items() if raw.startswith(magic)), None)
            if fmt is not None and fmt != "gif":
                self._file, self._format = raw, fmt  # stored as it is
            self.width, self.height = size
            self.pixels = None if self._file else pixels
        else:
            self.pixels = _pixels(data)
            self.height, self.width = int(self.pixels.shape[0]), int(self.pixels.shape[1])
        self.masks = self._check_masks(masks)
        self.boxes = self._check_boxes(boxes)
        self.classes = classes

    # ---- checks, at construction --------------------------------------------------------

    def _check_masks(self, masks: Any) -> dict[str, tuple[Any, dict[int, str]]]:
        import numpy as np

        if masks is None:
            return {}
        if not isinstance(masks, Mapping):
            raise TypeError(
                'Image masks must be a dict like {"predictions": {"mask_data": array, '
                '"class_labels": {1: "cat"}}}'
            )
        out = {}
        for name, spec in masks.items():
            where = f"Image mask {name!r}"
            if not isinstance(spec, Mapping) or "mask_data" not in spec:
                raise ValueError(f'{where} needs "mask_data": a 2-D array of class ids')
            array = array_of(spec["mask_data"], where)
            if array.ndim != 2:
                raise ValueError(
                    f"{where} has shape {tuple(array.shape)}; mask_data must be 2-D (H, W)"
                )
            if array.shape != (self.height, self.width):
                raise ValueError(
                    f"{where} has shape {tuple(array.shape)} but the image is "
                    f"{self.height}x{self.width} (HxW); masks must match the image"
                )
            if array.dtype.kind == "f" and not np.array_equal(array, np.round(array)):
                raise ValueError(f"{where} holds fractions; mask_data must hold integer class ids")
            if array.size and (array.min() < 0 or array.max() > 65535):
                raise ValueError(f"{where} holds class ids outside 0..65535")
            labels = _labels(spec.get("class_labels"), where)
            if labels:
                unknown = sorted(set(np.unique(array).tolist()) - set(labels) - {0})
                if unknown:
                    raise ValueError(
                        f"{where} holds class ids {unknown[:5]} missing from its class_labels; "
                        "add them to class_labels"
                    )
            dtype = np.uint8 if array.size == 0 or array.max() < 256 else np.uint16
            out[str(name)] = (array.astype(dtype), labels)
        return out

    def _check_boxes(self, boxes: Any) -> dict[str, dict[str, Any]]:
        if boxes is None:
            return {}
        if not isinstance(boxes, Mapping):
            raise TypeError('Image boxes must be a dict like {"predictions": {"box_data": [...]}}')
        out = {}
        for name, spec in boxes.items():
            where = f"Image box set {name!r}"
            if not isinstance(spec, Mapping) or not isinstance(spec.get("box_data"), (list, tuple)):
                raise ValueError(f'{where} needs "box_data": a list of boxes')
            labels = _labels(spec.get("class_labels"), where)
            out[str(name)] = {
                "class_labels": {str(k): v for k, v in labels.items()},
                "boxes": [
                    self._box(box, f"{where} box {i}", labels)
                    for i, box in enumerate(spec["box_data"])
                ],
            }
        return out

    def _box(self, box: Any, where: str, labels: dict[int, str]) -> dict[str, Any]:
        if not isinstance(box, Mapping) or not isinstance(box.get("position"), Mapping):
            raise ValueError(
                f'{where} needs "position": {{minX, maxX, minY, maxY}} or {{middle, width, height}}'
            )
        pos = box["position"]
        try:
            if "middle" in pos:
                (mx, my), w, h = pos["middle"], float(pos["width"]), float(pos["height"])
                x0, x1, y0, y1 = (
                    float(mx) - w / 2,
                    float(mx) + w / 2,
                    float(my) - h / 2,
                    float(my) + h / 2,
                )
            else:
                x0, x1 = float(pos["minX"]), float(pos["maxX"])
                y0, y1 = float(pos["minY"]), float(pos["maxY"])
        except KeyError as exc:
            raise ValueError(
                f"{where} position misses {exc.args[0]!r}; give minX, maxX, minY and maxY, "
                "or middle, width and height"
            ) from None
        except (TypeError, ValueError):
            raise ValueError(f"{where} position {dict(pos)!r} must hold numbers") from None
        domain = box.get("domain")
        if domain not in (None, "pixel"):
            raise ValueError(
                f'{where} domain {domain!r}: use "pixel", or None for fractions of the image'
            )
        if domain is None:  # fractions of the image
            x0, x1, y0, y1 = x0 * self.width, x1 * self.width, y0 * self.height, y1 * self.height
        class_id = box.get("class_id")
        if class_id is not None and (isinstance(class_id, bool) or not isinstance(class_id, int)):
            raise ValueError(f"{where} class_id {class_id!r} must be an int")
        if labels and class_id is not None and class_id not in labels:
            raise ValueError(
                f"{where} has class_id {class_id}, which is not in class_labels "
                f"({sorted(labels)}); add it to class_labels"
            )
        scores = box.get("scores") or {}
        if not isinstance(scores, Mapping) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in scores.values()
        ):
            raise ValueError(f'{where} scores must be a dict of numbers, like {{"iou": 0.8}}')
        out: dict[str, Any] = {"minX": x0, "maxX": x1, "minY": y0, "maxY": y1}
        if class_id is not None:
            out["class_id"] = class_id
        if box.get("box_caption") is not None:
            out["caption"] = str(box["box_caption"])
        if scores:
            out["scores"] = {str(k): float(v) for k, v in scores.items()}
        return out

    # ---- encoding, in the writer thread -------------------------------------------------

    def encode(self, stage: Stage) -> dict[str, Any]:
        data = self._file if self._file is not None else png_bytes(self.pixels, self.mode)
        meta: dict[str, Any] = {
            "blob": stage(data),
            "format": self._format,
            "width": self.width,
            "height": self.height,
        }
        if self.caption is not None:
            meta["caption"] = self.caption
        if self.masks:
            meta["masks"] = {
                name: {
                    "blob": stage(png_bytes(array)),
                    "class_labels": {str(k): v for k, v in labels.items()},
                }
                for name, (array, labels) in self.masks.items()
            }
        if self.boxes:
            meta["boxes"] = self.boxes
        return meta

    def __repr__(self) -> str:
        return f"<cairn.Image {self.width}x{self.height}>"
