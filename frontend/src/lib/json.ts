import type { JsonObject } from "../api/types";

export type JsonCheck =
  | { ok: true; value: JsonObject | null; bytes: number }
  | { ok: false; error: string };

/** Line and column (1-based) of a character offset, for a readable parse error. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split("\n");
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

function parseError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/line \d+ column \d+/.test(message)) return message;
  const position = /position (\d+)/.exec(message);
  if (!position) return message;
  const { line, column } = lineAndColumn(text, Number(position[1]));
  return `${message} (line ${line}, column ${column})`;
}

/**
 * Checks that `text` is a JSON object, as the API wants for context_json and plans. Empty text is
 * "nothing given" (value null) unless `required`.
 */
export function checkJsonObject(text: string, required = false): JsonCheck {
  if (text.trim() === "") {
    return required ? { ok: false, error: "Enter a JSON object, like {}." } : { ok: true, value: null, bytes: 0 };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: parseError(text, error) };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`;
    return { ok: false, error: `Must be a JSON object ({...}), not ${kind}.` };
  }
  return { ok: true, value: value as JsonObject, bytes: new TextEncoder().encode(JSON.stringify(value)).length };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
