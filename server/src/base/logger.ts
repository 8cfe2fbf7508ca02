/**
 * A small leveled logger that fans out to sinks (stderr, the LSP log).
 *
 * Invariant: nothing here writes to stdout, which belongs to JSON-RPC when the server speaks stdio.
 */

export type LogLevel = "error" | "warn" | "info" | "debug";

const levelRank: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export type LogSink = (level: LogLevel, message: string) => void;

export class Logger {
  private readonly sinks: LogSink[] = [];

  constructor(private level: LogLevel = "info") {}

  addSink(sink: LogSink): void {
    this.sinks.push(sink);
  }

  setLevel(level: LogLevel): void {
    this.level = level;
  }

  error(message: string, error?: unknown): void {
    this.write("error", error === undefined ? message : `${message}: ${describeError(error)}`);
  }

  warn(message: string): void {
    this.write("warn", message);
  }

  info(message: string): void {
    this.write("info", message);
  }

  debug(message: string): void {
    this.write("debug", message);
  }

  private write(level: LogLevel, message: string): void {
    if (levelRank[level] > levelRank[this.level]) return;
    for (const sink of this.sinks) sink(level, message);
  }
}

export function stderrSink(level: LogLevel, message: string): void {
  process.stderr.write(`[hearth ${new Date().toISOString()} ${level}] ${message}\n`);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
