/**
 * What a process and everything it started cost, read from Linux's /proc: CPU seconds (user and system,
 * including children that already exited and were reaped) and resident memory. The benchmarks use it to
 * report the language server's whole footprint (the server, its index hosts), not just one process.
 * Elsewhere than Linux every reading is `null`, and the benchmarks print `null` rather than a guess.
 */

import { readdirSync, readFileSync } from "node:fs";

/** /proc reports times in USER_HZ ticks, fixed at 100 per second by the kernel's ABI. */
const ticksPerSecond = 100;

interface ProcessStat {
  pid: number;
  parentPid: number;
  /** utime + stime + cutime + cstime, in ticks. */
  cpuTicks: number;
  rssPages: number;
}

/** Fields of /proc/<pid>/stat after the command name, which may hold spaces and parentheses. */
function readStat(pid: number): ProcessStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // Field 3 (state) is fields[0]; ppid is field 4, utime..cstime 14..17, rss 24.
  const field = (number: number) => Number(fields[number - 3]);
  return {
    pid,
    parentPid: field(4),
    cpuTicks: field(14) + field(15) + field(16) + field(17),
    rssPages: field(24),
  };
}

/** `pid` and every living descendant of it. */
function processTree(pid: number): ProcessStat[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const stats = entries
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readStat(Number(entry)))
    .filter((stat): stat is ProcessStat => stat !== null);
  const tree: ProcessStat[] = [];
  const root = stats.find((stat) => stat.pid === pid);
  if (!root) return tree;
  const queue = [root];
  while (queue.length > 0) {
    const next = queue.shift()!;
    tree.push(next);
    queue.push(...stats.filter((stat) => stat.parentPid === next.pid));
  }
  return tree;
}

export interface TreeReading {
  /** CPU seconds the tree has used since `pid` started, exited children included. */
  cpuSeconds: number;
  /** Resident memory of the living processes, MB (10^6 bytes). */
  rssMb: number;
  processes: number;
}

let pageBytes: number | undefined;

/** A reading of `pid`'s tree; `null` off Linux or when the process is gone. */
export function readProcessTree(pid: number): TreeReading | null {
  if (process.platform !== "linux") return null;
  const tree = processTree(pid);
  if (tree.length === 0) return null;
  pageBytes ??= systemPageBytes();
  return {
    cpuSeconds: tree.reduce((sum, stat) => sum + stat.cpuTicks, 0) / ticksPerSecond,
    rssMb: (tree.reduce((sum, stat) => sum + stat.rssPages, 0) * pageBytes) / 1e6,
    processes: tree.length,
  };
}

/** The page size, from the kernel's own accounting of this process (VmRSS in kB over rss in pages). */
function systemPageBytes(): number {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    const pages = readStat(process.pid)?.rssPages ?? 0;
    if (rssKb > 0 && pages > 0) return 2 ** Math.round(Math.log2((rssKb * 1024) / pages));
  } catch {}
  return 4096;
}

/**
 * Samples a tree's memory every `intervalMs` until stopped, keeping the peak: indexing's peak lasts
 * seconds, so a reading at the end would miss it.
 */
export function samplePeakRss(pid: number, intervalMs = 200): { stop(): number | null } {
  let peak: number | null = null;
  const sample = () => {
    const reading = readProcessTree(pid);
    if (reading) peak = Math.max(peak ?? 0, reading.rssMb);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
