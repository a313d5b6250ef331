// Number formatting for axes and tooltips: compact (1.2k, 3e-4), precise enough to tell ticks apart.

const SUFFIXES: readonly [number, string][] = [
  [1e12, "T"],
  [1e9, "B"],
  [1e6, "M"],
  [1e3, "k"],
];

/** Drops trailing zeros of a fixed or exponential number string: "1.500" → "1.5", "2.0e-4" → "2e-4". */
function trimZeros(text: string): string {
  const [mantissa = "", exponent] = text.split("e");
  const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
  if (exponent === undefined) return trimmed;
  return `${trimmed}e${exponent.replace(/^\+/, "")}`;
}

function nonFinite(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  return value > 0 ? "+Inf" : "-Inf";
}

/** Decimals needed to write `incr` exactly (0.25 → 2, 5 → 0, 1e-7 → 7). */
function decimalsOf(incr: number): number {
  const text = String(Number(Math.abs(incr).toPrecision(6)));
  const exp = text.indexOf("e-");
  if (exp >= 0) {
    const mantissaDecimals = text.slice(0, exp).split(".")[1]?.length ?? 0;
    return Number(text.slice(exp + 2)) + mantissaDecimals;
  }
  return text.split(".")[1]?.length ?? 0;
}

/** A value with `digits` significant digits, compact: 1234 → "1.23k", 0.000312 → "3.12e-4". */
export function formatCompact(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  if (value === 0) return "0";
  if (Math.abs(value) >= 1e15 || Math.abs(value) < 1e-3) return trimZeros(value.toExponential(digits - 1));
  // Round first, so that 999.95 becomes "1k" rather than "1000".
  const rounded = Number(value.toPrecision(digits));
  for (const [scale, suffix] of SUFFIXES) {
    if (Math.abs(rounded) >= scale) return `${Number((rounded / scale).toPrecision(digits))}${suffix}`;
  }
  return String(rounded);
}

/** A tooltip value: four significant digits (0.1235, 1235, 12.35k, 1.235e-4). */
export function formatValue(value: number): string {
  const abs = Math.abs(value);
  if (Number.isFinite(value) && abs >= 1e-3 && abs < 1e4) return String(Number(value.toPrecision(4)));
  return formatCompact(value, 4);
}

/** An axis tick: compact, with as many decimals as the tick spacing `incr` needs. */
export function formatTick(value: number, incr: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  if (value === 0) return "0";
  const abs = Math.abs(value);
  const step = Math.abs(incr) > 0 && Number.isFinite(incr) ? Math.abs(incr) : abs;
  if (abs >= 1e15 || (abs < 1e-3 && step < 1e-3)) {
    const digits = Math.min(3, Math.max(0, Math.floor(Math.log10(abs)) - Math.floor(Math.log10(step))));
    return trimZeros(value.toExponential(digits));
  }
  for (const [scale, suffix] of SUFFIXES) {
    if (abs >= scale) {
      const decimals = Math.min(3, decimalsOf(step / scale));
      return `${trimZeros((value / scale).toFixed(decimals))}${suffix}`;
    }
  }
  return trimZeros(value.toFixed(Math.min(8, decimalsOf(step))));
}

/** Seconds as a short duration for tooltips: "42.5s", "12m 03s", "3h 07m", "2d 4h". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return nonFinite(seconds);
  const sign = seconds < 0 ? "-" : "";
  const s = Math.abs(seconds);
  if (s < 60) return `${sign}${trimZeros(s.toFixed(s < 10 ? 2 : 1))}s`;
  const pad = (n: number) => String(Math.floor(n)).padStart(2, "0");
  if (s < 3600) return `${sign}${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86400) return `${sign}${Math.floor(s / 3600)}h ${pad((s % 3600) / 60)}m`;
  return `${sign}${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** A duration axis tick, in the unit the axis range `span` suggests: "30s", "5m", "1.5h", "2d". */
export function formatDurationTick(seconds: number, incr: number, span: number): string {
  if (!Number.isFinite(seconds)) return nonFinite(seconds);
  if (seconds === 0) return "0";
  const units: readonly [number, string][] = [
    [86400, "d"],
    [3600, "h"],
    [60, "m"],
    [1, "s"],
  ];
  const [size, unit] = units.find(([size]) => Math.abs(span) >= 2 * size) ?? [1, "s"];
  return `${trimZeros((seconds / size).toFixed(Math.min(3, decimalsOf(incr / size))))}${unit}`;
}

/** Tick spacings for a duration axis in seconds: round numbers of seconds, minutes, hours, days. */
export const DURATION_INCRS: readonly number[] = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600,
  7200, 10800, 21600, 43200, 86400, 172800, 432000, 864000, 1728000, 4320000, 8640000,
];

/** Seconds since the epoch as a local date and time, for tooltips. */
export function formatWallTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return nonFinite(seconds);
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A wall-clock axis tick (seconds since the epoch), as precise as the tick spacing: "14:05:30", "Mar 3". */
export function formatWallTick(seconds: number, incr: number): string {
  if (!Number.isFinite(seconds)) return nonFinite(seconds);
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (incr >= 86400) return `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  if (incr >= 60) return hm;
  if (incr >= 1) return `${hm}:${pad(d.getSeconds())}`;
  const ms = String(d.getMilliseconds()).padStart(3, "0");
  return `${pad(d.getMinutes())}:${pad(d.getSeconds())}.${incr >= 0.1 ? ms.slice(0, 1) : incr >= 0.01 ? ms.slice(0, 2) : ms}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
