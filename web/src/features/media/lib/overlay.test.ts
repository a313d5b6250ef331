import { describe, expect, it } from "vitest";
import type { Box } from "../api";
import { boxLabel, classColor, maskIds, maskPixels, scoreKeys, visibleBoxes } from "./overlay";

describe("maskPixels", () => {
  it("colours shown classes at the opacity and leaves background and hidden classes clear", () => {
    const out = maskPixels([0, 1, 2], new Set([1]), 0.5);
    expect(Array.from(out.slice(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(out.slice(4, 8))).toEqual([...classColor(1), 128]);
    expect(Array.from(out.slice(8, 12))).toEqual([0, 0, 0, 0]);
  });

  it("reads class ids back from grayscale RGBA", () => {
    expect(Array.from(maskIds([3, 3, 3, 255, 0, 0, 0, 255]))).toEqual([3, 0]);
  });
});

describe("boxes", () => {
  const boxes: Box[] = [
    { minX: 0, maxX: 1, minY: 0, maxY: 1, class_id: 1, scores: { score: 0.9 } },
    { minX: 0, maxX: 1, minY: 0, maxY: 1, class_id: 2, scores: { score: 0.3, iou: 0.5 } },
    { minX: 0, maxX: 1, minY: 0, maxY: 1, class_id: 2, caption: "no score" },
  ];

  it("hides a class, and boxes under the score threshold", () => {
    expect(visibleBoxes(boxes, new Set(), "score", 0.5)).toEqual([boxes[0], boxes[2]]);
    expect(visibleBoxes(boxes, new Set([2]), null, 0)).toEqual([boxes[0]]);
    expect(visibleBoxes(boxes, new Set(), null, 1)).toEqual(boxes);
  });

  it("lists score keys and labels boxes", () => {
    expect(scoreKeys(boxes)).toEqual(["iou", "score"]);
    expect(boxLabel(boxes[0]!, { "1": "cat" })).toBe("cat");
    expect(boxLabel(boxes[2]!, {})).toBe("no score");
    expect(boxLabel(boxes[1]!, {})).toBe("class 2");
  });
});
