/**
 * Structured model output (JSON findings, edits) that fails its schema: ask once more with the validation
 * error, then give up with an error that says what was expected and what came back. Pure apart from the
 * `generate` callback it is given.
 */

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

export type StructuredResult<T> =
  | { ok: true; value: T; attempts: number }
  | { ok: false; error: StructuredOutputError; attempts: number };

export class StructuredOutputError extends Error {
  override name = "StructuredOutputError";

  constructor(
    readonly what: string,
    readonly attempts: number,
    readonly lastProblem: string,
    readonly lastOutput: string,
  ) {
    super(
      `the model's ${what} did not match the expected format after ${attempts} ${attempts === 1 ? "try" : "tries"}: ${lastProblem}`,
    );
  }
}

/**
 * Calls `generate` (with no hint first, then with the previous validation error as a hint) until `validate`
 * accepts its output or `retries` retries are spent. Aborts propagate: a cancelled request is not retried.
 */
export async function generateValidated<T>(
  what: string,
  generate: (retryHint: string | undefined) => Promise<string>,
  validate: (output: string) => Validation<T>,
  retries = 1,
): Promise<StructuredResult<T>> {
  let hint: string | undefined;
  let problem = "";
  let output = "";
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    output = await generate(hint);
    const result = validate(output);
    if (result.ok) return { ok: true, value: result.value, attempts: attempt };
    problem = result.error;
    hint = `Your previous answer was not valid: ${problem}. Answer again with only the required format.`;
  }
  return {
    ok: false,
    error: new StructuredOutputError(what, retries + 1, problem, output),
    attempts: retries + 1,
  };
}

/** Parses JSON and reports where it broke, as a `validate` building block. */
export function parseJson(output: string): Validation<unknown> {
  const trimmed = output.trim().replace(/^```(?:json)?\s*\n?|\n?```\s*$/g, "");
  try {
    return { ok: true, value: JSON.parse(trimmed) };
  } catch (error) {
    return { ok: false, error: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
}
