/**
 * Reading the user's `hearth.*` settings (VS Code's configuration, another editor's `settings`, CLI flags) into
 * typed values: a missing value takes the default, a value of the wrong type takes the default with a warning,
 * and unknown keys are ignored, so a typo in settings.json never stops the server. Each capability reads its
 * own section with these helpers.
 */

export type WarnSetting = (message: string) => void;

export class SettingsSection {
  private constructor(
    private readonly values: Record<string, unknown>,
    private readonly name: string,
    private readonly warn: WarnSetting,
  ) {}

  /** The section `name` (for example `completion`) of the raw `hearth` settings object. */
  static of(raw: unknown, name: string, warn: WarnSetting): SettingsSection {
    return new SettingsSection(asRecord(asRecord(raw)[name]), name, warn);
  }

  /** The raw value of a key, for callers with their own checks. */
  raw(key: string): unknown {
    return this.values[key];
  }

  boolean(key: string, fallback: boolean): boolean {
    return this.read(key, (value): value is boolean => typeof value === "boolean", fallback);
  }

  string(key: string, fallback: string): string {
    return this.read(key, (value): value is string => typeof value === "string", fallback);
  }

  /** `undefined` when the setting is absent or empty. */
  optionalString(key: string): string | undefined {
    return this.read(key, (value): value is string => typeof value === "string", undefined);
  }

  stringArray(key: string, fallback: string[]): string[] {
    return this.read(
      key,
      (value): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string"),
      fallback,
    );
  }

  positiveInteger(key: string, fallback: number): number {
    return this.read(
      key,
      (value): value is number => typeof value === "number" && Number.isInteger(value) && value > 0,
      fallback,
    );
  }

  /** A number clamped into `min..max` (with a warning when it had to be). */
  boundedNumber(key: string, min: number, max: number, fallback: number): number {
    const value = this.read(
      key,
      (candidate): candidate is number => typeof candidate === "number" && Number.isFinite(candidate),
      fallback,
    );
    const clamped = Math.min(max, Math.max(min, Math.round(value)));
    if (clamped !== value)
      this.warn(`setting ${this.key(key)} = ${value} is outside ${min}..${max}; using ${clamped}`);
    return clamped;
  }

  oneOf<T extends string>(key: string, choices: readonly T[], fallback: T): T;
  oneOf<T extends string>(key: string, choices: readonly T[], fallback: T | undefined): T | undefined;
  oneOf<T extends string>(key: string, choices: readonly T[], fallback: T | undefined): T | undefined {
    return this.read(
      key,
      (value): value is T => typeof value === "string" && (choices as readonly string[]).includes(value),
      fallback,
    );
  }

  private read<T, F>(key: string, check: (value: unknown) => value is T, fallback: F): T | F {
    const value = this.values[key];
    if (value === undefined || value === null || value === "") return fallback;
    if (check(value)) return value;
    this.warn(`setting ${this.key(key)} has an invalid value ${JSON.stringify(value)}; using the default`);
    return fallback;
  }

  private key(key: string): string {
    return `hearth.${this.name}.${key}`;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
