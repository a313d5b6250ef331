// Which charts the System tab draws: the run's `system/*` keys grouped (CPU, memory, disk, network,
// one group per GPU), related keys sharing a chart (disk read + write), keys it does not know last.

export const SYSTEM_PREFIX = "system/";

export interface SystemChartSpec {
  id: string;
  title: string;
  /** the metric keys drawn, in legend order */
  keys: string[];
  /** a short legend label per key */
  labels: string[];
}

export interface SystemGroup {
  id: string;
  label: string;
  charts: SystemChartSpec[];
}

interface Known {
  title: string;
  /** key suffixes (after the group prefix) and their legend labels */
  parts: [suffix: string, label: string][];
}

const HOST_GROUPS: { id: string; label: string; charts: Known[] }[] = [
  {
    id: "cpu",
    label: "CPU",
    charts: [
      { title: "Process CPU (% of one core)", parts: [["process_percent", "process"]] },
      { title: "System CPU (%)", parts: [["percent", "system"]] },
      { title: "Process threads", parts: [["threads", "threads"]] },
    ],
  },
  {
    id: "memory",
    label: "Memory",
    charts: [
      { title: "Process memory, RSS (MB)", parts: [["rss_mb", "rss"]] },
      { title: "Process memory (% of total)", parts: [["process_percent", "process"]] },
      { title: "System memory used (%)", parts: [["percent", "used"]] },
      { title: "System memory available (MB)", parts: [["available_mb", "available"]] },
    ],
  },
  {
    id: "disk",
    label: "Disk",
    charts: [
      { title: "Disk I/O (MB/s)", parts: [["read_mb_s", "read"], ["write_mb_s", "write"]] },
      { title: "Disk used (%)", parts: [["used_percent", "used"]] },
      { title: "Disk used (GB)", parts: [["used_gb", "used"]] },
    ],
  },
  {
    id: "network",
    label: "Network",
    charts: [{ title: "Network (MB/s)", parts: [["sent_mb_s", "sent"], ["recv_mb_s", "received"]] }],
  },
];

const GPU_CHARTS: Known[] = [
  { title: "Utilization (%)", parts: [["utilization_percent", "utilization"]] },
  { title: "Memory allocated (%)", parts: [["memory_percent", "allocated"]] },
  { title: "Memory used (MB)", parts: [["memory_used_mb", "used"]] },
  { title: "Temperature (°C)", parts: [["temperature_c", "temperature"]] },
  { title: "Power (W)", parts: [["power_w", "power"]] },
  { title: "Power (% of limit)", parts: [["power_percent", "power"]] },
  { title: "Clocks (MHz)", parts: [["sm_clock_mhz", "SM"], ["memory_clock_mhz", "memory"]] },
];

const GPU_KEY = /^system\/gpu\/(\d+)\/(.+)$/;

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Charts of `known` whose keys (prefix + suffix) were logged; each key is taken once from `left`. */
function knownCharts(groupId: string, prefix: string, known: readonly Known[], left: Set<string>): SystemChartSpec[] {
  const charts: SystemChartSpec[] = [];
  for (const chart of known) {
    const present = chart.parts.filter(([suffix]) => left.has(prefix + suffix));
    if (present.length === 0) continue;
    const keys = present.map(([suffix]) => prefix + suffix);
    for (const key of keys) left.delete(key);
    charts.push({ id: `${groupId}:${keys.join(",")}`, title: chart.title, keys, labels: present.map(([, label]) => label) });
  }
  return charts;
}

/** A chart of its own for each key `known` did not cover, titled by what follows `prefix`. */
function otherCharts(groupId: string, prefix: string, left: Set<string>): SystemChartSpec[] {
  const keys = [...left].filter((k) => k.startsWith(prefix)).sort(collator.compare);
  for (const key of keys) left.delete(key);
  return keys.map((key) => {
    const name = key.slice(prefix.length);
    return { id: `${groupId}:${key}`, title: name, keys: [key], labels: [name] };
  });
}

/** The System tab's groups for a run's metric keys (only `system/*` keys are used). */
export function systemGroups(metricKeys: readonly string[]): SystemGroup[] {
  const left = new Set(metricKeys.filter((k) => k.startsWith(SYSTEM_PREFIX) && k.length > SYSTEM_PREFIX.length));
  const groups: SystemGroup[] = [];
  for (const group of HOST_GROUPS) {
    const prefix = `${SYSTEM_PREFIX}${group.id}/`;
    const charts = [...knownCharts(group.id, prefix, group.charts, left), ...otherCharts(group.id, prefix, left)];
    if (charts.length > 0) groups.push({ id: group.id, label: group.label, charts });
  }
  const gpus = new Set<number>();
  for (const key of left) {
    const match = GPU_KEY.exec(key);
    if (match) gpus.add(Number(match[1]));
  }
  for (const index of [...gpus].sort((a, b) => a - b)) {
    const id = `gpu${index}`;
    const prefix = `${SYSTEM_PREFIX}gpu/${index}/`;
    const charts = [...knownCharts(id, prefix, GPU_CHARTS, left), ...otherCharts(id, prefix, left)];
    groups.push({ id, label: `GPU ${index}`, charts });
  }
  const rest = otherCharts("other", SYSTEM_PREFIX, left);
  if (rest.length > 0) groups.push({ id: "other", label: "Other", charts: rest });
  return groups;
}

/** Whether a run logged any system metric (the System tab is shown only then). */
export function hasSystemMetrics(metricKeys: readonly string[]): boolean {
  return metricKeys.some((k) => k.startsWith(SYSTEM_PREFIX) && k.length > SYSTEM_PREFIX.length);
}
