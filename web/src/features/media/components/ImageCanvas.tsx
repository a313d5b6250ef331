// One logged image drawn on a canvas with its mask overlays and boxes, as the panel's controls say.
import { type JSX, useEffect, useRef, useState } from "react";
import type { ImageMeta } from "../api";
import { loadImage, loadMask } from "../lib/images";
import { boxLabel, cssColor, maskPixels, visibleBoxes } from "../lib/overlay";

export interface OverlayControls {
  hiddenMaskSets: ReadonlySet<string>;
  hiddenMaskClasses: ReadonlySet<string>; // "<set>:<class id>"
  maskOpacity: Record<string, number>;
  hiddenBoxSets: ReadonlySet<string>;
  hiddenBoxClasses: ReadonlySet<number>;
  scoreKey: string | null;
  threshold: number;
}

/** The drawing size: small images (digits are 8×8) scale up by a whole factor, so pixels stay sharp. */
function drawSize(meta: ImageMeta, target: number): [number, number, number] {
  const scale = Math.max(1, Math.floor(target / Math.max(meta.width, meta.height)));
  return [meta.width * scale, meta.height * scale, scale];
}

export function ImageCanvas({
  meta,
  controls,
  size,
  onOpen,
}: {
  meta: ImageMeta;
  controls: OverlayControls;
  size: number;
  onOpen?: () => void;
}): JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [drawn, setDrawn] = useState(0);
  const [boxCount, setBoxCount] = useState(0);

  useEffect(() => {
    let alive = true;
    const [width, height, scale] = drawSize(meta, size);
    const maskSets = Object.entries(meta.masks ?? {}).filter(([name]) => !controls.hiddenMaskSets.has(name));
    Promise.all([loadImage(meta.blob), Promise.all(maskSets.map(([, set]) => loadMask(set.blob)))]).then(
      ([image, ids]) => {
        const element = canvas.current;
        const context = element?.getContext("2d");
        if (!alive || !element || !context) return;
        element.width = width;
        element.height = height;
        context.imageSmoothingEnabled = scale === 1;
        context.drawImage(image, 0, 0, width, height);
        maskSets.forEach(([name, set], i) => {
          const shown = new Set(
            Object.keys(set.class_labels)
              .map(Number)
              .filter((id) => !controls.hiddenMaskClasses.has(`${name}:${id}`)),
          );
          for (const id of new Set(ids[i] ?? [])) {
            if (id !== 0 && !(String(id) in set.class_labels) && !controls.hiddenMaskClasses.has(`${name}:${id}`)) {
              shown.add(id); // unlabelled ids still show
            }
          }
          const pixels = maskPixels(ids[i] ?? [], shown, controls.maskOpacity[name] ?? 0.5);
          const layer = document.createElement("canvas");
          layer.width = meta.width;
          layer.height = meta.height;
          layer.getContext("2d")?.putImageData(new ImageData(pixels, meta.width, meta.height), 0, 0);
          context.imageSmoothingEnabled = false;
          context.drawImage(layer, 0, 0, width, height);
        });
        const sx = width / meta.width;
        const sy = height / meta.height;
        context.font = "11px ui-monospace, monospace";
        context.lineWidth = 2;
        let boxes = 0;
        for (const [name, set] of Object.entries(meta.boxes ?? {})) {
          if (controls.hiddenBoxSets.has(name)) continue;
          for (const box of visibleBoxes(set.boxes, controls.hiddenBoxClasses, controls.scoreKey, controls.threshold)) {
            boxes += 1;
            const color = cssColor(box.class_id ?? 0);
            const x = box.minX * sx;
            const y = box.minY * sy;
            context.strokeStyle = color;
            context.strokeRect(x, y, (box.maxX - box.minX) * sx, (box.maxY - box.minY) * sy);
            const label = boxLabel(box, set.class_labels);
            if (label) {
              const w = context.measureText(label).width + 6;
              const top = y >= 14 ? y - 14 : y;
              context.fillStyle = color;
              context.fillRect(x - 1, top, w, 14);
              context.fillStyle = "#fff";
              context.fillText(label, x + 2, top + 11);
            }
          }
        }
        setError(null);
        setBoxCount(boxes);
        setDrawn((n) => n + 1);
      },
      (e: Error) => alive && setError(e.message),
    );
    return () => {
      alive = false;
    };
  }, [meta, controls, size]);

  const [width, height] = drawSize(meta, size);
  return (
    <figure className="md-figure">
      {error ? (
        <div className="md-missing">{error}</div>
      ) : (
        <canvas
          ref={canvas}
          className={onOpen ? "md-canvas md-clickable" : "md-canvas"}
          width={width}
          height={height}
          data-testid="image-canvas"
          data-drawn={drawn}
          data-boxes={boxCount}
          onClick={onOpen}
          title={onOpen ? "Click to enlarge" : undefined}
        />
      )}
      {meta.caption && <figcaption className="md-caption">{meta.caption}</figcaption>}
    </figure>
  );
}
