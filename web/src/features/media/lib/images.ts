// Loading blobs as images (cached: a digest's bytes never change) and a mask's class ids.
import { blobUrl } from "../api";
import { maskIds } from "./overlay";

const images = new Map<string, Promise<HTMLImageElement>>();
const masks = new Map<string, Promise<Uint8Array>>();

export function loadImage(digest: string): Promise<HTMLImageElement> {
  let found = images.get(digest);
  if (!found) {
    found = new Promise((resolve, reject) => {
      const image = new Image();
      image.onload = () => resolve(image);
      image.onerror = () => reject(new Error(`cannot load image ${digest.slice(0, 12)}`));
      image.src = blobUrl(digest);
    });
    images.set(digest, found);
  }
  return found;
}

/** The class id of every pixel of a mask PNG, row by row. */
export function loadMask(digest: string): Promise<Uint8Array> {
  let found = masks.get(digest);
  if (!found) {
    found = loadImage(digest).then((image) => {
      const canvas = document.createElement("canvas");
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const context = canvas.getContext("2d");
      if (!context) throw new Error("no 2-D canvas");
      context.drawImage(image, 0, 0);
      return maskIds(context.getImageData(0, 0, canvas.width, canvas.height).data);
    });
    masks.set(digest, found);
  }
  return found;
}
