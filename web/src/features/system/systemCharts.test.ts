import { describe, expect, it } from "vitest";
import { hasSystemMetrics, systemGroups } from "./systemCharts";

const HOST = [
  "system/cpu/percent",
  "system/cpu/process_percent",
  "system/memory/rss_mb",
  "system/disk/read_mb_s",
  "system/disk/write_mb_s",
  "system/network/recv_mb_s",
  "system/network/sent_mb_s",
];

describe("systemGroups", () => {
  it("groups host metrics and puts related keys on one chart", () => {
    const groups = systemGroups(["loss", "train/acc", ...HOST]);
    expect(groups.map((g) => g.label)).toEqual(["CPU", "Memory", "Disk", "Network"]);
    const disk = groups[2]?.charts ?? [];
    expect(disk).toHaveLength(1);
    expect(disk[0]?.keys).toEqual(["system/disk/read_mb_s", "system/disk/write_mb_s"]);
    expect(disk[0]?.labels).toEqual(["read", "write"]);
    expect(groups[3]?.charts[0]?.keys).toEqual(["system/network/sent_mb_s", "system/network/recv_mb_s"]);
    expect(groups[0]?.charts.map((c) => c.title)).toEqual(["Process CPU (% of one core)", "System CPU (%)"]);
  });

  it("makes one group per GPU, in numeric order", () => {
    const keys = ["system/gpu/10/utilization_percent", "system/gpu/2/temperature_c", "system/gpu/2/sm_clock_mhz"];
    const groups = systemGroups(keys);
    expect(groups.map((g) => g.label)).toEqual(["GPU 2", "GPU 10"]);
    expect(groups[0]?.charts.map((c) => c.title)).toEqual(["Temperature (°C)", "Clocks (MHz)"]);
    expect(groups[0]?.charts[1]?.labels).toEqual(["SM"]);
  });

  it("keeps keys it does not know, each on a chart of its own", () => {
    const groups = systemGroups(["system/cpu/steal", "system/tpu/duty", "system/"]);
    expect(groups.map((g) => [g.label, g.charts.map((c) => c.title)])).toEqual([
      ["CPU", ["steal"]],
      ["Other", ["tpu/duty"]],
    ]);
  });

  it("gives every chart a distinct id", () => {
    const ids = systemGroups([...HOST, "system/gpu/0/power_w"]).flatMap((g) => g.charts.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("hasSystemMetrics", () => {
  it("is true only for system/ keys", () => {
    expect(hasSystemMetrics(["loss", "systematic"])).toBe(false);
    expect(hasSystemMetrics(["loss", "system/cpu/percent"])).toBe(true);
  });
});
