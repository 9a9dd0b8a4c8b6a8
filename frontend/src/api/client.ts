import { ApiError, errorFromResponse, unreachableError } from "./errors";
import { signedOut, unreachable } from "./health";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Django's CSRF cookie, echoed as X-CSRFToken on unsafe requests (read each time: sign-in rotates it). */
export function csrfToken(cookies: string = document.cookie): string | null {
  for (const part of cookies.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === "csrftoken") return decodeURIComponent(value.join("="));
  }
  return null;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
}

async function readBody(response: Response): Promise<unknown> {
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) return null;
  try {
    return await response.json();
  } catch {
    return null; // a JSON content type with a broken body: report the status instead
  }
}

/** Calls the AWE API: JSON in and out, the session's CSRF token, errors as ApiError. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = (options.method ?? "GET").toUpperCase();
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (UNSAFE.has(method)) {
    const token = csrfToken();
    if (token) headers["X-CSRFToken"] = token;
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    const error = unreachableError(cause);
    unreachable.set(error.message);
    throw error;
  }
  unreachable.set(null);
  const body = await readBody(response);
  if (!response.ok) {
    if (response.status === 401) signedOut.set(signedOut.get() + 1);
    throw errorFromResponse(response.status, response.statusText, body);
  }
  return body as T;
}

export function isAbort(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}

export { ApiError };
