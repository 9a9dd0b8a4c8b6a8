import type { PlanProblem } from "./types";

/** An API failure with what the server said: a message, field errors and plan problems. */
export class ApiError extends Error {
  /** HTTP status; 0 when the server could not be reached at all. */
  readonly status: number;
  /** Field errors keyed by dotted path ("goal", "budget.max_tasks"). */
  readonly fields: Record<string, string[]>;
  /** Problems of an explicit plan the server refused. */
  readonly planProblems: PlanProblem[];

  constructor(
    message: string,
    status: number,
    fields: Record<string, string[]> = {},
    planProblems: PlanProblem[] = [],
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.fields = fields;
    this.planProblems = planProblems;
  }

  get unreachable(): boolean {
    return this.status === 0;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPlanProblem(value: unknown): value is PlanProblem {
  return isRecord(value) && typeof value.code === "string" && typeof value.message === "string";
}

/** Flattens DRF's nested error bodies ({"budget": {"max_tasks": ["..."]}}) into dotted paths. */
export function flattenFieldErrors(body: unknown, prefix = ""): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!isRecord(body)) return out;
  for (const [key, value] of Object.entries(body)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") {
      out[path] = [value];
    } else if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
      out[path] = value as string[];
    } else if (isRecord(value)) {
      Object.assign(out, flattenFieldErrors(value, path));
    }
  }
  return out;
}

/** Builds the error for a non-2xx answer from its status and (JSON, if any) body. */
export function errorFromResponse(status: number, statusText: string, body: unknown): ApiError {
  if (isRecord(body)) {
    const detail = typeof body.detail === "string" ? body.detail : null;
    const problems = Array.isArray(body.plan) ? body.plan.filter(isPlanProblem) : [];
    // Beside a detail, plain strings are facts about it (a 409's current "status", a policy
    // error's "field"), not field errors; lists and objects are field errors either way.
    const rest = Object.fromEntries(
      Object.entries(body).filter(
        ([key, value]) =>
          key !== "detail" && !(key === "plan" && problems.length) && !(detail && typeof value === "string"),
      ),
    );
    const fields = flattenFieldErrors(rest);
    if (typeof body.field === "string" && detail) fields[body.field] = [detail];
    const summary = Object.entries(fields).map(([name, messages]) =>
      name === "non_field_errors" ? messages.join(" ") : `${name}: ${messages.join(" ")}`,
    );
    const message = detail ?? (summary.length ? summary.join("; ") : `The server answered ${status}.`);
    return new ApiError(message, status, fields, problems);
  }
  const text = statusText ? ` ${statusText}` : "";
  return new ApiError(`The server answered ${status}${text}.`, status);
}

export function unreachableError(cause: unknown): ApiError {
  const reason = cause instanceof Error && cause.message ? ` (${cause.message})` : "";
  return new ApiError(`The AWE server cannot be reached${reason}.`, 0);
}

/** A readable message for anything thrown while talking to the API. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
